//! The sync pipeline under load, on the stand-in: the store and both SQS queues are moto's, the
//! clouds a double that takes a while per sync. A worker with a concurrency of one drains each
//! queue, as a throttled Lambda would.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_sqs::types::QueueAttributeName;
use chrono::Utc;
use futures::StreamExt;
use skyforge_app::audit::AuditService;
use skyforge_app::clouds::{ApiCall, CloudError, CloudInventory, RegionListing};
use skyforge_app::credentials::{AwsRoleSetup, CredentialPorts, CredentialService};
use skyforge_app::error::BoxError;
use skyforge_app::ports::{Clock, SystemClock};
use skyforge_app::sync::{SyncPorts, SyncService};
use skyforge_app::sync_ports::{CredentialSecrets, Credentials, Summaries, SyncMessage, SyncQueue, SyncRuns};
use skyforge_app::sync_requests::{SyncRequestPorts, SyncRequests};
use skyforge_aws::DynamoStore;
use skyforge_aws::queue::{SqsQueue, ensure_queue};
use skyforge_domain::credentials::{CloudSecret, Credential};
use skyforge_domain::ids::{CredentialId, OrgId, UserId};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{SyncPolicy, SyncStatus, SyncTrigger};

use crate::fresh_store;

/// An AWS account with one region and nothing in it, listed in `delay`.
struct SlowCloud {
    delay: Duration,
}

#[async_trait]
impl CloudInventory for SlowCloud {
    fn provider(&self) -> Provider {
        Provider::Aws
    }

    async fn scopes(&self, _secret: &CloudSecret) -> Result<Vec<(String, Vec<String>)>, CloudError> {
        Ok(vec![("123456789012".into(), vec!["us-east-1".into()])])
    }

    async fn list_region(
        &self,
        _secret: &CloudSecret,
        _account: &str,
        _region: &str,
    ) -> Result<RegionListing, (CloudError, Vec<ApiCall>)> {
        tokio::time::sleep(self.delay).await;
        Ok(RegionListing { resources: vec![], calls: vec![] })
    }
}

/// Every credential's secret is the same role (the double never looks at it).
struct AnySecret;

#[async_trait]
impl CredentialSecrets for AnySecret {
    async fn put(&self, _name: &str, _secret: &CloudSecret) -> Result<(), BoxError> {
        Ok(())
    }

    async fn get(&self, _name: &str) -> Result<Option<CloudSecret>, BoxError> {
        Ok(Some(CloudSecret::AwsRole {
            role_arn: "arn:aws:iam::123456789012:role/skyforge-readonly".into(),
            external_id: "ext".into(),
        }))
    }

    async fn schedule_deletion(&self, _name: &str) -> Result<(), BoxError> {
        Ok(())
    }
}

/// The scheduled queue, counting what was sent on it per credential.
struct Counting {
    inner: SqsQueue,
    sent: std::sync::Mutex<Vec<CredentialId>>,
}

#[async_trait]
impl SyncQueue for Counting {
    async fn send_batch(&self, messages: &[SyncMessage]) -> Result<Vec<usize>, BoxError> {
        let failed = self.inner.send_batch(messages).await?;
        let sent = messages.iter().enumerate().filter(|(i, _)| !failed.contains(i)).map(|(_, m)| m.credential_id);
        self.sent.lock().unwrap().extend(sent);
        Ok(failed)
    }

    async fn depth(&self) -> Result<u64, BoxError> {
        self.inner.depth().await
    }
}

struct Stand {
    sent: Arc<Counting>,
    store: Arc<DynamoStore>,
    sqs: aws_sdk_sqs::Client,
    scheduled_url: String,
    now_url: String,
    sync: Arc<SyncService>,
    credentials: CredentialService,
}

async fn stand(policy: SyncPolicy, delay: Duration) -> Stand {
    let store = fresh_store().await;
    let sdk = skyforge_aws::sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let id = ulid::Ulid::new().to_string().to_lowercase();
    let scheduled_url = ensure_queue(&sqs, &format!("load-{id}")).await.unwrap();
    let now_url = ensure_queue(&sqs, &format!("load-{id}-now")).await.unwrap();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let sent = Arc::new(Counting { inner: SqsQueue::new(sqs.clone(), &scheduled_url), sent: Default::default() });
    let mut clouds: HashMap<Provider, Arc<dyn CloudInventory>> = HashMap::new();
    clouds.insert(Provider::Aws, Arc::new(SlowCloud { delay }));
    let ports = SyncPorts {
        credentials: store.clone(),
        secrets: Arc::new(AnySecret),
        queue: sent.clone(),
        now_queue: Arc::new(SqsQueue::new(sqs.clone(), &now_url)),
        runs: store.clone(),
        inventory: store.clone(),
        summaries: store.clone(),
        clouds,
    };
    let sync = Arc::new(SyncService::new(ports, clock.clone()).with_policy(policy).with_message_concurrency(1));
    let credential_ports = CredentialPorts {
        credentials: store.clone(),
        secrets: Arc::new(AnySecret),
        runs: store.clone(),
        inventory: store.clone(),
        summaries: store.clone(),
        costs: store.clone(),
        verifiers: HashMap::new(),
    };
    let setup = AwsRoleSetup { platform_principal: "arn:aws:iam::123456789012:root".into(), template_url: "x".into() };
    let audit = Arc::new(AuditService::new(store.clone(), clock.clone()));
    let requests = Arc::new(SyncRequests::new(
        SyncRequestPorts {
            credentials: store.clone(),
            runs: store.clone(),
            summaries: store.clone(),
            queue: Arc::new(SqsQueue::new(sqs.clone(), &now_url)),
        },
        clock.clone(),
    ));
    let credentials = CredentialService::new(credential_ports, requests, setup, clock, audit);
    Stand { sent, store, sqs, scheduled_url, now_url, sync, credentials }
}

fn credential(org: OrgId) -> Credential {
    let id = CredentialId::new();
    Credential {
        id,
        org_id: org,
        provider: Provider::Aws,
        name: "load".into(),
        method: "role".into(),
        hint: "arn:aws:iam::123456789012:role/skyforge-readonly".into(),
        account_id: None,
        scopes: vec![],
        regions: None,
        sync_enabled: true,
        secret_id: format!("skyforge/credentials/{org}/{id}"),
        created_by: UserId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

impl Stand {
    async fn credentials(&self, orgs: &[OrgId], count: usize) -> Vec<Credential> {
        let all: Vec<Credential> = (0..count).map(|i| credential(orgs[i % orgs.len()])).collect();
        let creates = all.iter().map(|c| Credentials::create(self.store.as_ref(), c));
        let results: Vec<_> = futures::stream::iter(creates).buffer_unordered(16).collect().await;
        assert!(results.iter().all(Result::is_ok));
        all
    }

    /// A worker of concurrency one on `url`, as the local runtime's poller: one message at a
    /// time, deleted once handled. Counts what it handled.
    fn worker(&self, url: &str, handled: Arc<std::sync::atomic::AtomicUsize>) -> tokio::task::JoinHandle<()> {
        let (sqs, url, sync) = (self.sqs.clone(), url.to_owned(), self.sync.clone());
        tokio::spawn(async move {
            loop {
                let output =
                    sqs.receive_message().queue_url(&url).max_number_of_messages(1).wait_time_seconds(1).send().await;
                let Ok(output) = output else { continue };
                for message in output.messages.unwrap_or_default() {
                    let body = (message.message_id.clone().unwrap(), message.body.clone().unwrap());
                    let failed = sync.handle_batch(vec![body]).await;
                    assert!(failed.is_empty(), "a sync failed on the stand-in");
                    sqs.delete_message()
                        .queue_url(&url)
                        .receipt_handle(message.receipt_handle().unwrap())
                        .send()
                        .await
                        .unwrap();
                    handled.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        })
    }

    async fn depth(&self, url: &str) -> u64 {
        let attributes = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap_or_default();
        attributes.values().filter_map(|v| v.parse::<u64>().ok()).sum()
    }
}

#[tokio::test]
async fn three_ticks_queue_each_pending_credential_once_and_sync_now_overtakes_the_backlog() {
    let s = stand(SyncPolicy::default(), Duration::from_millis(50)).await;
    let orgs = [OrgId::new(), OrgId::new(), OrgId::new(), OrgId::new()];
    let all = s.credentials(&orgs, 200).await;

    // the first tick queues every credential: none has synced yet
    let first = s.sync.fan_out().await.unwrap();
    assert_eq!((first.credentials, first.queued, first.skipped, first.failed), (200, 200, 0, 0), "{first:?}");

    // a worker of concurrency one starts on the backlog; two more ticks come while it works
    let handled = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let scheduled_worker = s.worker(&s.scheduled_url, handled.clone());
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let tick = s.sync.fan_out().await.unwrap();
        assert_eq!((tick.queued, tick.skipped), (0, 200), "pending or just synced: {tick:?}");
    }
    let sent = s.sent.sent.lock().unwrap().clone();
    let distinct: HashSet<CredentialId> = sent.iter().copied().collect();
    assert_eq!((sent.len(), distinct.len()), (200, 200), "one message per credential over three ticks");

    // another organisation connects an account and presses "Sync now" behind that backlog
    let newcomer = s.credentials(&[OrgId::new()], 1).await.remove(0);
    let now_worker = s.worker(&s.now_url, Arc::new(std::sync::atomic::AtomicUsize::new(0)));
    let pressed = Instant::now();
    let run = s.credentials.queue_sync(&newcomer, SyncTrigger::Manual).await.unwrap();
    let finished = loop {
        let stored = SyncRuns::get(s.store.as_ref(), newcomer.org_id, newcomer.id, run.id).await.unwrap().unwrap();
        if stored.status.is_finished() {
            break stored;
        }
        assert!(pressed.elapsed() < Duration::from_secs(30), "sync now did not finish within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(finished.status, SyncStatus::Succeeded);
    let backlog = s.depth(&s.scheduled_url).await;
    assert!(backlog > 50, "sync now finished while the backlog still held {backlog} scheduled syncs");
    println!("sync now took {:?} behind a backlog of {backlog}", pressed.elapsed());

    // the credentials whose scheduled sync ran are not queued again within the interval
    let tick = s.sync.fan_out().await.unwrap();
    assert_eq!(tick.queued, 0, "{tick:?}");
    scheduled_worker.abort();
    now_worker.abort();
    let synced: HashSet<CredentialId> = {
        let mut ids = HashSet::new();
        for org in orgs {
            ids.extend(Summaries::get(s.store.as_ref(), org).await.unwrap().credentials.into_keys());
        }
        ids
    };
    assert!(synced.iter().all(|id| all.iter().any(|c| c.id == *id)));
}

#[tokio::test]
async fn a_lost_scheduled_message_is_queued_again_after_the_staleness_bound() {
    let policy = SyncPolicy { interval: chrono::Duration::minutes(10), stale_after: chrono::Duration::seconds(3) };
    let s = stand(policy, Duration::ZERO).await;
    let org = OrgId::new();
    let credential = s.credentials(&[org], 1).await.remove(0);

    let first = s.sync.fan_out().await.unwrap();
    assert_eq!(first.queued, 1);
    // the message is lost: deleted from the queue without being handled
    let output = s.sqs.receive_message().queue_url(&s.scheduled_url).wait_time_seconds(1).send().await.unwrap();
    let lost = &output.messages.unwrap_or_default()[0];
    s.sqs
        .delete_message()
        .queue_url(&s.scheduled_url)
        .receipt_handle(lost.receipt_handle().unwrap())
        .send()
        .await
        .unwrap();

    // within the bound the credential counts as pending
    let tick = s.sync.fan_out().await.unwrap();
    assert_eq!((tick.queued, tick.skipped, tick.requeued), (0, 1, 0), "{tick:?}");
    assert!(tick.oldest_queued_seconds < 3);

    tokio::time::sleep(Duration::from_millis(3100)).await;
    let tick = s.sync.fan_out().await.unwrap();
    assert_eq!((tick.queued, tick.requeued), (1, 1), "{tick:?}");
    let output = s.sqs.receive_message().queue_url(&s.scheduled_url).wait_time_seconds(1).send().await.unwrap();
    let again: SyncMessage = serde_json::from_str(output.messages.unwrap_or_default()[0].body().unwrap()).unwrap();
    assert_eq!((again.credential_id, again.trigger), (credential.id, SyncTrigger::Schedule));
    let lost: SyncMessage = serde_json::from_str(lost.body().unwrap()).unwrap();
    assert_ne!(again.run_id, lost.run_id, "a new run, not the lost one");
}

#[tokio::test]
async fn a_scheduled_message_for_a_credential_synced_since_is_dropped_before_any_provider_call() {
    let s = stand(SyncPolicy::default(), Duration::ZERO).await;
    let org = OrgId::new();
    let credential = s.credentials(&[org], 1).await.remove(0);
    let scheduled = SyncMessage {
        org_id: org,
        credential_id: credential.id,
        run_id: skyforge_domain::ids::SyncRunId::new(),
        trigger: SyncTrigger::Schedule,
        queued_at: Utc::now(),
    };
    // a "Sync now" ran first
    let manual = SyncMessage {
        run_id: skyforge_domain::ids::SyncRunId::new(),
        trigger: SyncTrigger::Manual,
        ..scheduled.clone()
    };
    assert!(matches!(s.sync.handle(&manual).await.unwrap(), skyforge_app::sync::SyncOutcome::Synced { .. }));
    assert_eq!(s.sync.handle(&scheduled).await.unwrap(), skyforge_app::sync::SyncOutcome::NotDue);
    assert!(
        SyncRuns::get(s.store.as_ref(), org, credential.id, scheduled.run_id).await.unwrap().is_none(),
        "no run recorded"
    );
    // nothing is left pending
    assert!(Summaries::get(s.store.as_ref(), org).await.unwrap().pending.is_empty());
}
