//! A platform over fakes: the services wired to one `MemoryStore`, a `FixedClock`, a recording
//! queue, fake secrets, a fake verifier and a fake AWS inventory.

use std::collections::HashMap;
use std::sync::Arc;

use skyforge_app::Services;
use skyforge_app::audit::AuditService;
use skyforge_app::auth::SignupInput;
use skyforge_app::credentials::{AwsRoleSetup, CredentialPorts, CredentialService, NewCredential};
use skyforge_app::orgs::OrgAccess;
use skyforge_app::principal::{Caller, Credential as Via, Principal};
use skyforge_app::sync::{SyncPorts, SyncService};
use skyforge_app::sync_requests::{SyncRequestPorts, SyncRequests};
use skyforge_app::testing::{
    FakeCloud, FakeVerifier, FixedClock, MemoryCredentialSecrets, MemoryQueue, MemoryStore, test_jwt,
};
use skyforge_domain::accounts::{Organization, User};
use skyforge_domain::credentials::{Credential, CredentialInput, Sensitive};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{SyncRun, SyncTrigger};

pub const PASSWORD: &str = "correct horse battery staple";
pub const ACCOUNT: &str = "123456789012";

pub fn caller() -> Caller {
    Caller::anonymous(Some("192.0.2.1".into()))
}

/// The account services (auth, orgs, tokens, audit) over fakes.
pub struct Platform {
    pub clock: Arc<FixedClock>,
    pub store: Arc<MemoryStore>,
    pub services: Services,
}

impl Platform {
    pub fn new() -> Self {
        let clock = FixedClock::new();
        let store = MemoryStore::new();
        let services = Services::new(store.ports(clock.clone()), test_jwt());
        Self { clock, store, services }
    }

    /// Signs up `email`; answers the user and their personal organisation (where they are owner).
    pub async fn signup(&self, email: &str) -> (User, Organization) {
        let input = SignupInput { email, password: PASSWORD, name: "Test User" };
        self.services.auth.signup(input, &caller()).await.expect("signup")
    }

    /// Signs up `email` and adds them with `role`, as the member `org` (an owner's or admin's access).
    pub async fn member(&self, org: &OrgAccess, email: &str, role: &str) -> User {
        let (user, _) = self.signup(email).await;
        self.services.orgs.add_member(org, email, role, &caller()).await.expect("add member");
        user
    }

    /// What the API checks first: the user's membership of the organisation.
    pub async fn access(&self, user: &User, org: &Organization) -> OrgAccess {
        self.services.orgs.access(&session(user), &org.id.to_string()).await.expect("access")
    }
}

/// A user signed in with a session (not an API token).
pub fn session(user: &User) -> Principal {
    Principal { user_id: user.id, email: user.email.clone(), credential: Via::Session }
}

/// The account services plus credentials and the sync pipeline, with one AWS account of
/// three regions (`us-east-1`, `eu-west-1` and `global`).
pub struct Clouds {
    pub platform: Platform,
    pub queue: Arc<MemoryQueue>,
    pub secrets: Arc<MemoryCredentialSecrets>,
    pub aws: Arc<FakeCloud>,
    pub credentials: CredentialService,
    pub requests: Arc<SyncRequests>,
    pub sync: SyncService,
    pub owner: User,
    pub org: Organization,
}

impl Clouds {
    pub async fn new() -> Self {
        Self::with_verifier(FakeVerifier::reaching(ACCOUNT)).await
    }

    pub async fn with_verifier(verifier: Arc<FakeVerifier>) -> Self {
        let platform = Platform::new();
        let (owner, org) = platform.signup("owner@example.com").await;
        let (store, clock) = (platform.store.clone(), platform.clock.clone());
        let queue = MemoryQueue::new();
        let secrets = MemoryCredentialSecrets::new();
        let aws = FakeCloud::new(Provider::Aws, ACCOUNT, &["eu-west-1", "global", "us-east-1"]);
        let requests = Arc::new(SyncRequests::new(
            SyncRequestPorts {
                credentials: store.clone(),
                runs: store.clone(),
                summaries: store.clone(),
                queue: queue.clone(),
            },
            clock.clone(),
        ));
        let audit = Arc::new(AuditService::new(store.clone(), clock.clone()));
        let ports = CredentialPorts {
            credentials: store.clone(),
            secrets: secrets.clone(),
            runs: store.clone(),
            inventory: store.clone(),
            summaries: store.clone(),
            costs: store.clone(),
            verifiers: HashMap::from([(Provider::Aws, verifier as Arc<dyn skyforge_app::clouds::CredentialVerifier>)]),
        };
        let setup = AwsRoleSetup {
            platform_principal: "arn:aws:iam::000000000000:root".into(),
            template_url: "https://example.com/customer-role.yaml".into(),
        };
        let credentials = CredentialService::new(ports, requests.clone(), setup, clock.clone(), audit);
        let sync = sync_service(&store, &secrets, &queue, &aws, clock);
        Self { platform, queue, secrets, aws, credentials, requests, sync, owner, org }
    }

    /// Another sync service over the same fakes (to set its page size).
    pub fn sync_service(&self) -> SyncService {
        sync_service(&self.platform.store, &self.secrets, &self.queue, &self.aws, self.platform.clock.clone())
    }

    pub async fn owner_access(&self) -> OrgAccess {
        self.platform.access(&self.owner, &self.org).await
    }

    /// Adds an AWS access-key credential as the owner.
    pub async fn add_aws(&self, name: &str, regions: Option<&[&str]>) -> Credential {
        let new = NewCredential {
            provider: Provider::Aws,
            name: name.into(),
            regions: regions.map(|r| r.iter().map(|s| s.to_string()).collect()),
            input: aws_keys("AKIAIOSFODNN7EXAMPLE"),
        };
        let (credential, first) =
            self.credentials.add(&self.owner_access().await, new, &caller()).await.expect("add credential");
        // adding queues the account's first sync at once; a test takes it from here as lost
        // (its message is drained, its run stays queued) unless it hands it to the worker
        let first = first.expect("the first sync is queued");
        let queued = self.queue.take();
        assert_eq!(queued.len(), 1, "one message for the first sync");
        assert_eq!((queued[0].run_id, queued[0].trigger), (first.id, SyncTrigger::Connect));
        credential
    }

    /// The runs of a credential other than its first sync (queued when it was added).
    pub fn runs_after_the_first(&self, credential: &Credential) -> Vec<SyncRun> {
        let mut runs = self.platform.store.sync_runs(credential.org_id, credential.id);
        runs.retain(|r| r.trigger != SyncTrigger::Connect);
        runs
    }

    /// Moves the clock past the staleness bound: first syncs whose messages the tests drained
    /// count as lost, so the scheduler queues those credentials again.
    pub fn lose_the_first_syncs(&self) {
        self.platform.clock.advance(chrono::Duration::minutes(61));
    }
}

/// An AWS access key pair with this key id (and a 40-character secret).
pub fn aws_keys(access_key_id: &str) -> CredentialInput {
    CredentialInput {
        access_key_id: Some(access_key_id.into()),
        secret_access_key: Some(Sensitive::new(
            format!("{access_key_id}SECRETSECRETSECRET0000000000").chars().take(40).collect::<String>(),
        )),
        ..CredentialInput::default()
    }
}

fn sync_service(
    store: &Arc<MemoryStore>,
    secrets: &Arc<MemoryCredentialSecrets>,
    queue: &Arc<MemoryQueue>,
    aws: &Arc<FakeCloud>,
    clock: Arc<FixedClock>,
) -> SyncService {
    SyncService::new(
        SyncPorts {
            credentials: store.clone(),
            secrets: secrets.clone(),
            queue: queue.clone(),
            // one queue stands for both: the rules tested here do not tell them apart
            now_queue: queue.clone(),
            runs: store.clone(),
            inventory: store.clone(),
            summaries: store.clone(),
            clouds: HashMap::from([(Provider::Aws, aws.clone() as Arc<dyn skyforge_app::clouds::CloudInventory>)]),
        },
        clock,
    )
}
