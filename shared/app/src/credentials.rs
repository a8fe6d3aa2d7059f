//! Connecting cloud accounts: adding, checking, rotating and removing credentials, and asking
//! for a sync. The secret goes to Secrets Manager only after the provider accepted it; the store
//! keeps metadata and a masked hint.

use std::collections::HashMap;
use std::sync::Arc;

use skyforge_domain::ValidationErrors;
use skyforge_domain::audit::Action;
use skyforge_domain::audit::Outcome;
use skyforge_domain::credentials::Credential;
use skyforge_domain::credentials::{CloudSecret, CredentialInput, parse_credential, parse_name, parse_regions};
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::provider::Provider;
use skyforge_domain::roles::Permission;
use skyforge_domain::sync::{PendingSync, SyncRun, SyncTrigger};

use crate::audit::{AuditService, Subject};
use crate::clouds::{CloudError, CredentialVerifier};
use crate::error::AppError;
use crate::orgs::OrgAccess;
use crate::ports::Clock;
use crate::principal::Caller;
use crate::sync_ports::{CredentialSecrets, Credentials, Inventory, Summaries, SyncRuns};
use crate::sync_requests::SyncRequests;

/// Where customers' AWS role trust policies point.
#[derive(Debug, Clone)]
pub struct AwsRoleSetup {
    /// The principal the customer's role trusts (the platform's account or role ARN).
    pub platform_principal: String,
    /// The https URL of `infra/customer-role.yaml` for the CloudFormation quick-create link.
    pub template_url: String,
}

/// What the AWS role set-up page shows.
#[derive(Debug, Clone)]
pub struct RoleInstructions {
    pub external_id: String,
    pub platform_principal: String,
    pub template_url: String,
    pub quick_create_url: String,
}

/// A credential's syncs as its card shows them: the last one that ended, and the one queued or
/// running now.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    pub last: Option<skyforge_domain::sync::SyncSummary>,
    pub pending: Option<PendingSync>,
}

/// A new credential as the API receives it.
pub struct NewCredential {
    pub provider: Provider,
    pub name: String,
    pub regions: Option<Vec<String>>,
    pub input: CredentialInput,
}

/// The changeable settings of a credential; `None` leaves a setting as it is.
#[derive(Default)]
pub struct CredentialChanges {
    pub name: Option<String>,
    pub sync_enabled: Option<bool>,
    /// `Some(None)`: back to every enabled region.
    pub regions: Option<Option<Vec<String>>>,
}

pub struct CredentialPorts {
    pub credentials: Arc<dyn Credentials>,
    pub secrets: Arc<dyn CredentialSecrets>,
    pub runs: Arc<dyn SyncRuns>,
    pub inventory: Arc<dyn Inventory>,
    pub summaries: Arc<dyn Summaries>,
    /// A deleted credential's cost rows go with it, so reports never show them again.
    pub costs: Arc<dyn crate::costs::CostStore>,
    /// Checks per provider; a provider without one is checked for shape only.
    pub verifiers: HashMap<Provider, Arc<dyn CredentialVerifier>>,
}

pub struct CredentialService {
    ports: CredentialPorts,
    requests: Arc<SyncRequests>,
    setup: AwsRoleSetup,
    clock: Arc<dyn Clock>,
    audit: Arc<AuditService>,
}

fn secret_name(org: OrgId, id: CredentialId) -> String {
    format!("skyforge/credentials/{org}/{id}")
}

fn new_external_id() -> String {
    // 16 random bytes: unguessable, and well within IAM's limit for ExternalId
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    format!("skyforge-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl CredentialService {
    pub fn new(
        ports: CredentialPorts,
        requests: Arc<SyncRequests>,
        setup: AwsRoleSetup,
        clock: Arc<dyn Clock>,
        audit: Arc<AuditService>,
    ) -> Self {
        Self { ports, requests, setup, clock, audit }
    }

    /// The external id and quick-create link for the AWS role this organisation's customers deploy.
    pub async fn aws_role_setup(&self, access: &OrgAccess) -> Result<RoleInstructions, AppError> {
        access.require(Permission::Read)?;
        let external_id = self.ports.credentials.external_id(access.org_id, &new_external_id()).await?;
        let quick_create_url = format!(
            "https://console.aws.amazon.com/cloudformation/home#/stacks/quickcreate?templateURL={}&stackName=skyforge-readonly&param_ExternalId={}&param_SkyforgePrincipal={}",
            urlencode(&self.setup.template_url),
            urlencode(&external_id),
            urlencode(&self.setup.platform_principal)
        );
        Ok(RoleInstructions {
            external_id,
            platform_principal: self.setup.platform_principal.clone(),
            template_url: self.setup.template_url.clone(),
            quick_create_url,
        })
    }

    /// Checks the credential's shape, then with its provider; stores it only if both pass, and
    /// then queues its first sync (answered, to follow; `None` if the queue refused it, when the
    /// scheduler's next tick syncs it instead).
    pub async fn add(
        &self,
        access: &OrgAccess,
        new: NewCredential,
        caller: &Caller,
    ) -> Result<(Credential, Option<SyncRun>), AppError> {
        let id = CredentialId::new();
        let subject = Subject::new(Action::CredentialCreate).in_org(access.org_id).target("credential", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut errors = ValidationErrors::default();
            let name = errors.check(parse_name(&new.name));
            let regions = match new.regions {
                Some(regions) => match parse_regions(new.provider, regions) {
                    Ok(regions) => Some(regions),
                    Err(e) => {
                        errors.0.extend(e.0);
                        None
                    }
                },
                None => None,
            };
            let external_id = match new.provider {
                Provider::Aws => self.ports.credentials.external_id(access.org_id, &new_external_id()).await?,
                _ => String::new(),
            };
            let secret = match parse_credential(new.provider, new.input, &external_id) {
                Ok(secret) => Some(secret),
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            };
            errors.finish()?;
            let (name, secret) = (name.unwrap(), secret.unwrap());
            let account_id = self.verify(&secret).await?;

            let now = self.clock.now();
            let credential = Credential {
                id,
                org_id: access.org_id,
                provider: new.provider,
                name,
                method: secret.method().to_owned(),
                hint: secret.hint(),
                account_id,
                scopes: secret.scopes().to_vec(),
                regions,
                sync_enabled: true,
                secret_id: secret_name(access.org_id, id),
                created_by: access.user_id,
                created_at: now,
                updated_at: now,
            };
            self.ports.secrets.put(&credential.secret_id, &secret).await.map_err(AppError::Unavailable)?;
            if let Err(error) = self.ports.credentials.create(&credential).await {
                // do not leave an orphaned secret behind
                let _ = self.ports.secrets.schedule_deletion(&credential.secret_id).await;
                return Err(error.into());
            }
            Ok(credential)
        }
        .await;
        let credential = self.audit.outcome(caller, subject, result).await?;
        let run = self.first_sync(&credential, caller, "first sync of a new credential").await;
        Ok((credential, run))
    }

    /// Queues the sync that follows adding or rotating a credential, and audits it. A failure is
    /// logged and audited, never the request's: the credential is stored and the scheduler's
    /// next tick finds it due.
    async fn first_sync(&self, credential: &Credential, caller: &Caller, detail: &str) -> Option<SyncRun> {
        let subject = Subject::new(Action::SyncRequest).in_org(credential.org_id).target("credential", credential.id);
        match self.queue_sync(credential, SyncTrigger::Connect).await {
            Ok(run) => {
                self.audit.record(caller, subject, Outcome::Success, Some(detail.to_owned())).await;
                Some(run)
            }
            Err(error) => {
                tracing::error!(credential = %credential.id, error = %error, "the first sync could not be queued");
                let detail = Some(crate::audit::error_detail(&error).to_owned());
                self.audit.record(caller, subject, crate::audit::outcome_of(&error), detail).await;
                None
            }
        }
    }

    /// Asks the provider; answers the account reached. Without a verifier: shape only.
    async fn verify(&self, secret: &CloudSecret) -> Result<Option<String>, AppError> {
        let Some(verifier) = self.ports.verifiers.get(&secret.provider()) else {
            return Ok(None);
        };
        match verifier.verify(secret).await {
            Ok(account) => Ok(Some(account.account_id)),
            Err(CloudError::InvalidCredential(why) | CloudError::AccessDenied(why)) => {
                Err(AppError::CredentialRejected(why))
            }
            Err(other) => Err(AppError::Unavailable(other.to_string().into())),
        }
    }

    pub async fn list(&self, access: &OrgAccess, page: &PageRequest) -> Result<Page<Credential>, AppError> {
        access.require(Permission::Read)?;
        Ok(self.ports.credentials.list(access.org_id, page).await?)
    }

    pub async fn get(&self, access: &OrgAccess, id: &str) -> Result<Credential, AppError> {
        access.require(Permission::Read)?;
        self.find(access.org_id, id).await
    }

    async fn find(&self, org: OrgId, id: &str) -> Result<Credential, AppError> {
        let id: CredentialId = id.parse().map_err(|_| AppError::NotFound("credential"))?;
        self.ports.credentials.get(org, id).await?.ok_or(AppError::NotFound("credential"))
    }

    pub async fn update(
        &self,
        access: &OrgAccess,
        id: &str,
        changes: CredentialChanges,
        caller: &Caller,
    ) -> Result<Credential, AppError> {
        let subject = Subject::new(Action::CredentialUpdate).in_org(access.org_id).target("credential", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut credential = self.find(access.org_id, id).await?;
            let mut errors = ValidationErrors::default();
            if let Some(name) = changes.name {
                credential.name = errors.check(parse_name(&name)).unwrap_or_default();
            }
            if let Some(enabled) = changes.sync_enabled {
                credential.sync_enabled = enabled;
            }
            match changes.regions {
                Some(Some(regions)) => match parse_regions(credential.provider, regions) {
                    Ok(regions) => credential.regions = Some(regions),
                    Err(e) => errors.0.extend(e.0),
                },
                Some(None) => credential.regions = None,
                None => {}
            }
            errors.finish()?;
            credential.updated_at = self.clock.now();
            self.ports.credentials.update(&credential).await?;
            Ok(credential)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// Replaces the secret after checking the new one reaches the same account, then queues a
    /// sync with it (answered like [`Self::add`]'s).
    pub async fn rotate(
        &self,
        access: &OrgAccess,
        id: &str,
        input: CredentialInput,
        caller: &Caller,
    ) -> Result<(Credential, Option<SyncRun>), AppError> {
        let subject = Subject::new(Action::CredentialRotate).in_org(access.org_id).target("credential", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut credential = self.find(access.org_id, id).await?;
            let external_id = match credential.provider {
                Provider::Aws => self.ports.credentials.external_id(access.org_id, &new_external_id()).await?,
                _ => String::new(),
            };
            let secret = parse_credential(credential.provider, input, &external_id)?;
            let account_id = self.verify(&secret).await?;
            if let (Some(expected), Some(found)) = (&credential.account_id, &account_id)
                && expected != found
            {
                return Err(AppError::AccountMismatch { expected: expected.clone(), found: found.clone() });
            }
            self.ports.secrets.put(&credential.secret_id, &secret).await.map_err(AppError::Unavailable)?;
            credential.method = secret.method().to_owned();
            credential.hint = secret.hint();
            credential.scopes = secret.scopes().to_vec();
            credential.account_id = account_id.or(credential.account_id);
            credential.updated_at = self.clock.now();
            self.ports.credentials.update(&credential).await?;
            Ok(credential)
        }
        .await;
        let credential = self.audit.outcome(caller, subject, result).await?;
        let run = self.first_sync(&credential, caller, "sync after rotating the credential").await;
        Ok((credential, run))
    }

    /// Removes the credential, its inventory and health, and schedules its secret's deletion.
    pub async fn delete(&self, access: &OrgAccess, id: &str, caller: &Caller) -> Result<(), AppError> {
        let subject = Subject::new(Action::CredentialDelete).in_org(access.org_id).target("credential", id);
        let result = async {
            access.require(Permission::Operate)?;
            let credential = self.find(access.org_id, id).await?;
            // the credential goes first, so a sync already queued finds nothing and stops
            self.ports.credentials.delete(access.org_id, credential.id).await?;
            self.ports.secrets.schedule_deletion(&credential.secret_id).await.map_err(AppError::Unavailable)?;
            self.ports.inventory.remove_credential(access.org_id, credential.id).await?;
            self.ports.summaries.remove_credential(access.org_id, credential.id).await?;
            self.ports.summaries.remove_health(access.org_id, credential.id).await?;
            self.ports.costs.remove_credential(access.org_id, credential.id).await?;
            Ok(())
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// Queues a sync now; answers the run to poll.
    pub async fn sync_now(&self, access: &OrgAccess, id: &str, caller: &Caller) -> Result<SyncRun, AppError> {
        let subject = Subject::new(Action::SyncRequest).in_org(access.org_id).target("credential", id);
        let result = async {
            access.require(Permission::Operate)?;
            let credential = self.find(access.org_id, id).await?;
            self.queue_sync(&credential, SyncTrigger::Manual).await
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// Records a queued run and sends its message.
    pub async fn queue_sync(&self, credential: &Credential, trigger: SyncTrigger) -> Result<SyncRun, AppError> {
        self.requests.queue(credential, trigger).await
    }

    /// The last sync and the pending one (queued or running) of every credential, from the
    /// summary item (one read).
    pub async fn last_syncs(
        &self,
        access: &OrgAccess,
    ) -> Result<std::collections::BTreeMap<CredentialId, SyncState>, AppError> {
        access.require(Permission::Read)?;
        let summary = self.ports.summaries.get(access.org_id).await?;
        let mut states: std::collections::BTreeMap<CredentialId, SyncState> = summary
            .credentials
            .into_iter()
            .map(|(id, s)| (id, SyncState { last: s.last_sync, pending: None }))
            .collect();
        for (id, pending) in summary.pending {
            states.entry(id).or_default().pending = Some(pending);
        }
        Ok(states)
    }

    pub async fn runs(&self, access: &OrgAccess, id: &str, page: &PageRequest) -> Result<Page<SyncRun>, AppError> {
        access.require(Permission::Read)?;
        let credential = self.find(access.org_id, id).await?;
        Ok(self.ports.runs.list(access.org_id, credential.id, page).await?)
    }

    pub async fn run(&self, access: &OrgAccess, id: &str, run: &str) -> Result<SyncRun, AppError> {
        access.require(Permission::Read)?;
        let credential = self.find(access.org_id, id).await?;
        let run: SyncRunId = run.parse().map_err(|_| AppError::NotFound("sync run"))?;
        self.ports.runs.get(access.org_id, credential.id, run).await?.ok_or(AppError::NotFound("sync run"))
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// After a run applied or destroyed resources, its credential is synced so the inventory shows
/// the change within a minute.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_random_and_urls_encoded() {
        assert_ne!(new_external_id(), new_external_id());
        assert!(new_external_id().starts_with("skyforge-") && new_external_id().len() == 9 + 32);
        assert_eq!(urlencode("https://x/y?z=1&a b"), "https%3A%2F%2Fx%2Fy%3Fz%3D1%26a%20b");
    }
}
