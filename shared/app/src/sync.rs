//! The sync pipeline's two halves.
//!
//! **Fan-out** (the scheduler, every 10 minutes): page through the credentials with sync
//! enabled (an index query, 500 at a time), and send one message per credential in batches of
//! 10 (the most SQS takes), several batches in flight at once. A batch entry the queue refuses
//! is retried once; what still fails is counted and logged, and the next tick picks it up.
//!
//! **Sync** (the worker, one message at a time): claim the run (a redelivered message finds it
//! finished and stops), load the secret, list every region with bounded concurrency, diff
//! against what is stored, and write only what changed. A region that fails is recorded on the
//! run and its resources are kept, not marked deleted. Provider failures never fail the message
//! (retrying would not help); store failures do, so the queue redelivers it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::inventory::{Resource, ResourceCounts, ResourceKey, diff_inventory};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{
    CostSnapshot, CredentialSummary, Due, OrgSummary, PendingSync, ProviderHealth, SyncCounts, SyncError, SyncPolicy,
    SyncRun, SyncStatus, SyncTrigger, lacks_recent_sync,
};

use crate::clouds::{ApiCall, CloudError, CloudInventory};
use crate::compliance::ComplianceService;
use crate::costs::CostService;
use crate::error::AppError;
use crate::ports::Clock;
use crate::sync_ports::{
    CredentialSecrets, Credentials, Inventory, InventoryWrite, Summaries, SyncMessage, SyncQueue, SyncRuns,
};

/// SQS takes at most 10 entries per SendMessageBatch.
pub const BATCH_SIZE: usize = 10;
/// Credentials read per index page.
const PAGE_SIZE: usize = 500;
/// SendMessageBatch requests in flight at once.
const SENDS_IN_FLIGHT: usize = 8;
/// A run claimed longer ago than this by a worker that never finished may be taken over.
const STALE_CLAIM: chrono::Duration = chrono::Duration::minutes(15);

pub struct SyncPorts {
    pub credentials: Arc<dyn Credentials>,
    pub secrets: Arc<dyn CredentialSecrets>,
    /// Scheduled syncs.
    pub queue: Arc<dyn SyncQueue>,
    /// On-demand syncs ("Sync now", first sync, after an apply): its depth is reported.
    pub now_queue: Arc<dyn SyncQueue>,
    pub runs: Arc<dyn SyncRuns>,
    pub inventory: Arc<dyn Inventory>,
    pub summaries: Arc<dyn Summaries>,
    pub clouds: HashMap<Provider, Arc<dyn CloudInventory>>,
}

/// What one fan-out did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FanOut {
    pub credentials: u64,
    pub index_pages: u64,
    pub send_calls: u64,
    pub failed: u64,
    /// Messages sent (due credentials, and lost ones queued again).
    pub queued: u64,
    /// Of those, credentials whose pending sync was older than the staleness bound.
    pub requeued: u64,
    /// Credentials not queued: a sync pending, or one ended within the interval.
    pub skipped: u64,
    /// Age of the oldest sync still queued (seconds; 0 when none).
    pub oldest_queued_seconds: u64,
    /// Organisations with active credentials and no successful sync in [`SYNC_AGE_LIMIT`].
    pub orgs_without_recent_sync: u64,
}

/// An organisation with no successful sync for this long is reported (the sync-age alarm).
pub const SYNC_AGE_LIMIT: chrono::Duration = chrono::Duration::minutes(30);

/// How handling one message ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    Synced {
        status: SyncStatus,
        counts: SyncCounts,
    },
    /// The credential is gone or has sync turned off.
    Dropped,
    /// Another delivery of the same message ran (or runs) it.
    AlreadyHandled,
    /// A scheduled message for a credential that synced successfully within the interval
    /// (a "Sync now" or a faster delivery ran meanwhile): dropped before any provider call.
    NotDue,
}

pub struct SyncService {
    ports: SyncPorts,
    clock: Arc<dyn Clock>,
    region_concurrency: usize,
    page_size: usize,
    message_concurrency: usize,
    policy: SyncPolicy,
    costs: Option<Arc<CostService>>,
    compliance: Option<Arc<ComplianceService>>,
}

impl SyncService {
    pub fn new(ports: SyncPorts, clock: Arc<dyn Clock>) -> Self {
        Self {
            ports,
            clock,
            region_concurrency: 4,
            page_size: PAGE_SIZE,
            message_concurrency: 4,
            policy: SyncPolicy::default(),
            costs: None,
            compliance: None,
        }
    }

    /// Also evaluates the compliance checks on what each sync created or changed, and resolves
    /// the findings of what it found gone (see [`ComplianceService::apply_diff`]).
    pub fn with_compliance(mut self, compliance: Arc<ComplianceService>) -> Self {
        self.compliance = Some(compliance);
        self
    }

    /// The interval and staleness bound of the due rule.
    pub fn with_policy(mut self, policy: SyncPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Messages of one batch handled at once (4 by default).
    pub fn with_message_concurrency(mut self, concurrency: usize) -> Self {
        self.message_concurrency = concurrency.max(1);
        self
    }

    /// Also refreshes each credential's costs after its inventory (when due, see [`CostService`]).
    pub fn with_costs(mut self, costs: Arc<CostService>) -> Self {
        self.costs = Some(costs);
        self
    }

    /// Credentials read per index page during fan-out (500 by default).
    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// Queues a sync for every credential with sync enabled that is due (see
    /// [`SyncPolicy::due`]): one summary read per organisation tells which have a sync pending
    /// or ended within the interval; those are skipped and counted. Each queued sync is recorded
    /// as pending before its message is sent, so a worker that runs it at once never finds a
    /// pending mark written after it finished.
    pub async fn fan_out(&self) -> Result<FanOut, AppError> {
        let mut stats = FanOut::default();
        let mut summaries: HashMap<OrgId, OrgSummary> = HashMap::new();
        let mut after = None;
        loop {
            let (page, next) = self.ports.credentials.active(after.take(), self.page_size).await?;
            stats.index_pages += 1;
            stats.credentials += page.len() as u64;
            let missing: BTreeSet<OrgId> =
                page.iter().map(|(org, _)| *org).filter(|org| !summaries.contains_key(org)).collect();
            let reads = missing
                .into_iter()
                .map(|org| async move { self.ports.summaries.get(org).await.map(|summary| (org, summary)) });
            let loaded: Vec<Result<(OrgId, OrgSummary), _>> =
                futures::stream::iter(reads).buffer_unordered(16).collect().await;
            for read in loaded {
                let (org, summary) = read?;
                summaries.insert(org, summary);
            }

            let now = self.clock.now();
            let mut messages: Vec<SyncMessage> = Vec::new();
            for (org_id, credential_id) in page {
                let summary = &summaries[&org_id];
                let due =
                    self.policy.due(summary.credentials.get(&credential_id), summary.pending.get(&credential_id), now);
                match due {
                    Due::Pending | Due::Recent => {
                        stats.skipped += 1;
                        continue;
                    }
                    Due::Lost => stats.requeued += 1,
                    Due::Due => {}
                }
                messages.push(SyncMessage {
                    org_id,
                    credential_id,
                    run_id: SyncRunId::new(),
                    trigger: SyncTrigger::Schedule,
                    queued_at: now,
                });
            }
            stats.queued += messages.len() as u64;
            let messages = self.mark_pending(messages, &mut stats).await;
            let batches: Vec<Vec<SyncMessage>> = messages.chunks(BATCH_SIZE).map(<[SyncMessage]>::to_vec).collect();
            let sends = batches.into_iter().map(|batch| async move { self.send_with_retry(batch).await });
            let results: Vec<(u64, Vec<SyncMessage>)> =
                futures::stream::iter(sends).buffer_unordered(SENDS_IN_FLIGHT).collect().await;
            for (calls, failed) in results {
                stats.send_calls += calls;
                stats.failed += failed.len() as u64;
                stats.queued -= failed.len() as u64;
                for message in failed {
                    // best effort: a mark left behind only delays the next sync to the staleness bound
                    let _ =
                        self.ports.summaries.clear_pending(message.org_id, message.credential_id, message.run_id).await;
                }
            }
            match next {
                Some(cursor) => after = Some(cursor),
                None => break,
            }
        }
        if stats.failed > 0 {
            tracing::error!(failed = stats.failed, "sync messages could not be queued; the next tick retries them");
        }
        let now = self.clock.now();
        stats.oldest_queued_seconds = summaries
            .values()
            .flat_map(|summary| summary.pending.values())
            .filter(|pending| pending.status == SyncStatus::Queued)
            .map(|pending| (now - pending.since).num_seconds().max(0) as u64)
            .max()
            .unwrap_or(0);
        stats.orgs_without_recent_sync = self.orgs_without_recent_sync(&summaries);
        Ok(stats)
    }

    /// Records the messages' syncs as pending, one update per organisation; answers the messages
    /// whose mark was stored (the others are counted failed and left for the next tick).
    async fn mark_pending(&self, messages: Vec<SyncMessage>, stats: &mut FanOut) -> Vec<SyncMessage> {
        let mut by_org: BTreeMap<OrgId, Vec<SyncMessage>> = BTreeMap::new();
        for message in messages {
            by_org.entry(message.org_id).or_default().push(message);
        }
        let writes = by_org.into_values().map(|messages| async move {
            let pending: Vec<(CredentialId, PendingSync)> = messages
                .iter()
                .map(|m| {
                    let sync = PendingSync {
                        run_id: m.run_id,
                        trigger: m.trigger,
                        status: SyncStatus::Queued,
                        since: m.queued_at,
                    };
                    (m.credential_id, sync)
                })
                .collect();
            match self.ports.summaries.put_pending(messages[0].org_id, &pending).await {
                Ok(()) => Ok(messages),
                Err(error) => {
                    tracing::warn!(org = %messages[0].org_id, error = %error, "pending syncs could not be recorded");
                    Err(messages.len() as u64)
                }
            }
        });
        let results: Vec<Result<Vec<SyncMessage>, u64>> =
            futures::stream::iter(writes).buffer_unordered(SENDS_IN_FLIGHT).collect().await;
        let mut marked = Vec::new();
        for result in results {
            match result {
                Ok(messages) => marked.extend(messages),
                Err(failed) => {
                    stats.failed += failed;
                    stats.queued -= failed;
                }
            }
        }
        marked
    }

    /// Counts the organisations whose credentials have no successful sync for [`SYNC_AGE_LIMIT`],
    /// from the summaries the fan-out read.
    fn orgs_without_recent_sync(&self, summaries: &HashMap<OrgId, OrgSummary>) -> u64 {
        let since = self.clock.now() - SYNC_AGE_LIMIT;
        let count =
            summaries.values().filter(|summary| lacks_recent_sync(summary.credentials.values(), since)).count() as u64;
        if count > 0 {
            tracing::warn!(organisations = count, "organisations with no successful sync in 30 minutes");
        }
        count
    }

    /// The backlog as the metrics report it: messages waiting on the scheduled queue and on the
    /// on-demand queue (`None` where the queue could not be read).
    pub async fn backlog(&self) -> (Option<u64>, Option<u64>) {
        let read = |queue: Arc<dyn SyncQueue>| async move {
            match queue.depth().await {
                Ok(depth) => Some(depth),
                Err(error) => {
                    tracing::warn!(error = %error, "the sync queue's depth could not be read");
                    None
                }
            }
        };
        futures::join!(read(self.ports.queue.clone()), read(self.ports.now_queue.clone()))
    }

    /// Sends a batch; entries the queue refused are sent once more. Answers (requests, failed).
    async fn send_with_retry(&self, batch: Vec<SyncMessage>) -> (u64, Vec<SyncMessage>) {
        let mut pending = batch;
        let mut calls = 0;
        for attempt in 0..2 {
            calls += 1;
            match self.ports.queue.send_batch(&pending).await {
                Ok(failed) if failed.is_empty() => return (calls, vec![]),
                Ok(failed) => pending = failed.into_iter().filter_map(|i| pending.get(i).cloned()).collect(),
                Err(error) => tracing::warn!(error = %error, attempt, "SendMessageBatch failed"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        (calls, pending)
    }

    /// Handles a batch of queue messages (SQS message id, body), several at a time; answers the
    /// ids to hand back for redelivery. A body that is not a sync message is logged and dropped:
    /// redelivering it would never help.
    pub async fn handle_batch(&self, messages: Vec<(String, String)>) -> Vec<String> {
        let results: Vec<Option<String>> = futures::stream::iter(messages.into_iter().map(|(id, body)| async move {
            let message: SyncMessage = match serde_json::from_str(&body) {
                Ok(message) => message,
                Err(error) => {
                    tracing::error!(message_id = %id, error = %error, "dropping a message that is not a sync message");
                    return None;
                }
            };
            match self.handle(&message).await {
                Ok(outcome) => {
                    tracing::info!(message_id = %id, credential = %message.credential_id, ?outcome, "sync handled");
                    None
                }
                Err(error) => {
                    tracing::error!(message_id = %id, credential = %message.credential_id, error = %error, cause = ?error, "sync failed; the queue will redeliver it");
                    Some(id)
                }
            }
        }))
        .buffer_unordered(self.message_concurrency)
        .collect()
        .await;
        results.into_iter().flatten().collect()
    }

    /// Handles one queue message. `Err` only for failures worth a redelivery (the store).
    pub async fn handle(&self, message: &SyncMessage) -> Result<SyncOutcome, AppError> {
        let Some(credential) = self.ports.credentials.get(message.org_id, message.credential_id).await? else {
            return Ok(SyncOutcome::Dropped);
        };
        if message.trigger == SyncTrigger::Schedule {
            if !credential.sync_enabled {
                self.release(message).await?;
                return Ok(SyncOutcome::Dropped);
            }
            // the cheap check before any provider call: a stale scheduled message behind a backlog
            let summary = self.ports.summaries.get(credential.org_id).await?;
            if self.policy.synced_recently(summary.credentials.get(&credential.id), self.clock.now()) {
                self.release(message).await?;
                return Ok(SyncOutcome::NotDue);
            }
        }
        let now = self.clock.now();
        let mut run = SyncRun {
            id: message.run_id,
            org_id: credential.org_id,
            credential_id: credential.id,
            trigger: message.trigger,
            status: SyncStatus::Running,
            queued_at: message.queued_at,
            started_at: Some(now),
            finished_at: None,
            counts: SyncCounts::default(),
            errors: vec![],
        };
        if !self.ports.runs.claim(&run, now, now - STALE_CLAIM).await? {
            return Ok(SyncOutcome::AlreadyHandled);
        }
        let running = PendingSync { run_id: run.id, trigger: run.trigger, status: SyncStatus::Running, since: now };
        self.ports.summaries.put_pending(credential.org_id, &[(credential.id, running)]).await?;
        match self.sync(&credential, &mut run).await {
            Ok(()) => {}
            Err(error) => {
                run.status = SyncStatus::Failed;
                run.errors.push(SyncError {
                    region: "-".into(),
                    code: "store_unavailable".into(),
                    message: "the inventory could not be written; the sync will be retried".into(),
                });
                run.finished_at = Some(self.clock.now());
                let _ = self.ports.runs.finish(&run).await;
                return Err(error);
            }
        }
        run.finished_at = Some(self.clock.now());
        self.ports.runs.finish(&run).await?;
        self.release(message).await?;
        Ok(SyncOutcome::Synced { status: run.status, counts: run.counts })
    }

    /// The message's sync is no longer pending (a newer one, if any, stays).
    async fn release(&self, message: &SyncMessage) -> Result<(), AppError> {
        Ok(self.ports.summaries.clear_pending(message.org_id, message.credential_id, message.run_id).await?)
    }

    async fn sync(&self, credential: &Credential, run: &mut SyncRun) -> Result<(), AppError> {
        let secret = match self.ports.secrets.get(&credential.secret_id).await {
            Ok(Some(secret)) => secret,
            Ok(None) => {
                return self
                    .fail(credential, run, "credential_missing", "the credential's secret no longer exists; rotate it")
                    .await;
            }
            Err(error) => return Err(AppError::Unavailable(error)),
        };
        let Some(cloud) = self.ports.clouds.get(&credential.provider).cloned() else {
            return self
                .fail(credential, run, "unsupported_provider", "syncing this provider is not available yet")
                .await;
        };
        let scopes = match cloud.scopes(&secret).await {
            Ok(scopes) => scopes,
            Err(error) => return self.fail(credential, run, error.code(), &error.to_string()).await,
        };
        let units: Vec<(String, String)> = scopes
            .into_iter()
            .flat_map(|(account, regions)| regions.into_iter().map(move |region| (account.clone(), region)))
            .filter(|(_, region)| wanted(credential, region))
            .collect();

        let listings: Vec<UnitListing> =
            futures::stream::iter(units.into_iter().map(|unit| list_unit(cloud.clone(), &secret, unit)))
                .buffer_unordered(self.region_concurrency)
                .collect()
                .await;

        let now = self.clock.now();
        let mut seen = Vec::new();
        let mut failed_units: Vec<(String, String)> = Vec::new();
        let mut health = Vec::with_capacity(listings.len());
        for ((account, region), result, calls) in listings {
            let timings: Vec<(u64, Option<&str>)> =
                calls.iter().map(|c| (c.latency.as_millis() as u64, c.error)).collect();
            let label = cloud.unit_label(&account, &region);
            health.push(ProviderHealth::from_calls(credential.id, credential.provider, &label, now, &timings));
            match result {
                Ok(resources) => {
                    run.counts.regions_listed += 1;
                    seen.extend(resources.into_iter().filter(|r| in_regions(credential, r)));
                }
                Err(error) => {
                    run.counts.regions_failed += 1;
                    run.errors.push(SyncError { region: label, code: error.code().into(), message: error.to_string() });
                    failed_units.push((account, region));
                }
            }
        }

        let stored = self.ports.inventory.stored(credential.org_id, credential.id).await?;
        let mut live: BTreeMap<ResourceKey, Resource> =
            stored.iter().filter(|s| !s.deleted).map(|s| (s.resource.key(), s.resource.clone())).collect();
        run.counts.seen = seen.len() as u64;
        let diff = diff_inventory(stored, seen, |resource| {
            failed_units.iter().any(|(account, region)| cloud.covers(account, region, resource))
        });
        run.counts.created = (diff.created.len() + diff.reappeared.len()) as u64;
        run.counts.changed = diff.changed.len() as u64;
        run.counts.deleted = diff.gone.len() as u64;
        run.counts.unchanged = diff.unchanged as u64;
        if diff.writes() > 0
            && let Some(compliance) = &self.compliance
        {
            // before the inventory: a failed inventory write redelivers the same diff
            let findings = compliance.apply_diff(credential.org_id, credential.id, &diff, now).await?;
            tracing::info!(
                credential = %credential.id,
                evaluated = findings.evaluated,
                writes = findings.writes,
                "compliance checks evaluated"
            );
        }
        if diff.writes() > 0 {
            let write =
                InventoryWrite { org: credential.org_id, credential: credential.id, run: run.id, now, diff: &diff };
            run.counts.item_writes = self.ports.inventory.apply(write).await?;
        }

        for resource in diff.created.iter().chain(&diff.reappeared).chain(diff.changed.iter().map(|(_, after)| after)) {
            live.insert(resource.key(), resource.clone());
        }
        for gone in &diff.gone {
            live.remove(&gone.resource.key());
        }
        run.status = match (run.counts.regions_listed, run.counts.regions_failed) {
            (_, 0) => SyncStatus::Succeeded,
            (0, _) => SyncStatus::Failed,
            _ => SyncStatus::Partial,
        };
        run.finished_at = Some(self.clock.now());
        let last_success_at = match run.status {
            SyncStatus::Failed => self.last_success(credential).await?,
            _ => run.finished_at,
        };
        let summary = CredentialSummary {
            name: credential.name.clone(),
            provider: Some(credential.provider),
            counts: ResourceCounts::of(live.values()),
            last_sync: Some(run.summary()),
            last_success_at,
            health: health.iter().map(|h| (h.region.clone(), (h.ok, h.latency_p50_ms))).collect(),
        };
        self.ports.summaries.put_credential(credential.org_id, credential.id, &summary).await?;
        self.ports.summaries.put_health(credential.org_id, &health).await?;
        if run.status != SyncStatus::Failed {
            self.refresh_costs(credential, &secret).await;
        }
        Ok(())
    }

    /// Costs are a bonus of a sync: a failure to refresh them is logged and never fails the
    /// inventory that was written (the next due sync tries again).
    async fn refresh_costs(&self, credential: &Credential, secret: &CloudSecret) {
        let Some(costs) = &self.costs else { return };
        match costs.refresh(credential, secret).await {
            Ok(Some(refresh)) => {
                tracing::info!(
                    credential = %credential.id,
                    from = %refresh.from,
                    to = %refresh.to,
                    rows = refresh.rows,
                    requests = refresh.requests,
                    error = refresh.error.as_deref().unwrap_or(""),
                    "costs refreshed"
                );
                self.snapshot_costs(costs, credential.org_id).await;
            }
            Ok(None) => tracing::debug!(credential = %credential.id, "costs not due"),
            Err(error) => {
                tracing::error!(credential = %credential.id, error = %error, cause = ?error, "storing costs failed")
            }
        }
    }

    /// Computes the dashboard's cost figures now that the cost data changed, here rather than on
    /// the dashboard's request path. Best effort: without a snapshot the dashboard computes them.
    async fn snapshot_costs(&self, costs: &CostService, org: OrgId) {
        let result = async {
            // the version first: a refresh that lands while this computes wins
            let version = self.ports.summaries.get(org).await?.costs_version;
            let overview = costs.overview(org).await?;
            let snapshot = CostSnapshot { as_of: self.clock.now().date_naive(), overview };
            Ok::<_, AppError>(self.ports.summaries.put_costs(org, &snapshot, version).await?)
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(org = %org, error = %error, "the dashboard's cost figures could not be stored");
        }
    }

    async fn last_success(&self, credential: &Credential) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        let mut summary = self.ports.summaries.get(credential.org_id).await?;
        Ok(summary.credentials.remove(&credential.id).and_then(|s| s.last_success_at))
    }

    /// Ends a run that could not list anything, keeping the stored inventory as it was.
    async fn fail(
        &self,
        credential: &Credential,
        run: &mut SyncRun,
        code: &str,
        message: &str,
    ) -> Result<(), AppError> {
        run.status = SyncStatus::Failed;
        run.errors.push(SyncError { region: "-".into(), code: code.into(), message: message.into() });
        run.finished_at = Some(self.clock.now());
        let mut summary =
            self.ports.summaries.get(credential.org_id).await?.credentials.remove(&credential.id).unwrap_or_default();
        summary.name = credential.name.clone();
        summary.provider = Some(credential.provider);
        summary.last_sync = Some(run.summary());
        self.ports.summaries.put_credential(credential.org_id, credential.id, &summary).await?;
        Ok(())
    }
}

/// Whether a credential limited to some regions lists this one (`global` always).
fn wanted(credential: &Credential, region: &str) -> bool {
    region == crate::clouds::GLOBAL_REGION
        || credential.regions.as_ref().is_none_or(|regions| regions.iter().any(|r| r == region))
}

/// Whether a resource of a listing that spans regions (an Azure subscription, a GCP project)
/// is in the regions the credential is limited to. A zone counts as its region
/// (`us-central1-a` is in `us-central1`).
fn in_regions(credential: &Credential, resource: &Resource) -> bool {
    let Some(regions) = &credential.regions else { return true };
    resource.region == crate::clouds::GLOBAL_REGION
        || credential.provider == Provider::Aws
        || regions.iter().any(|r| {
            resource.region == *r || resource.region.strip_prefix(r.as_str()).is_some_and(|zone| zone.starts_with('-'))
        })
}

/// One (account, region) listed: what was found or why not, and the calls it took.
type UnitListing = ((String, String), Result<Vec<Resource>, CloudError>, Vec<ApiCall>);

async fn list_unit(
    cloud: Arc<dyn CloudInventory>,
    secret: &CloudSecret,
    (account, region): (String, String),
) -> UnitListing {
    match cloud.list_region(secret, &account, &region).await {
        Ok(listing) => ((account, region), Ok(listing.resources), listing.calls),
        Err((error, calls)) => ((account, region), Err(error), calls),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use skyforge_domain::ids::{CredentialId, UserId};
    use skyforge_domain::inventory::ResourceType;

    use super::*;

    fn credential(provider: Provider, regions: Option<&[&str]>) -> Credential {
        Credential {
            id: CredentialId::new(),
            org_id: OrgId::new(),
            provider,
            name: "c".into(),
            method: "m".into(),
            hint: "h".into(),
            account_id: None,
            scopes: vec![],
            regions: regions.map(|r| r.iter().map(|s| s.to_string()).collect()),
            sync_enabled: true,
            secret_id: "s".into(),
            created_by: UserId::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn at(region: &str) -> Resource {
        Resource::new(Provider::Gcp, "p", region, ResourceType::Vm, "x", "RUNNING")
    }

    #[test]
    fn a_project_wide_listing_keeps_only_the_chosen_regions_and_their_zones() {
        let limited = credential(Provider::Gcp, Some(&["us-central1"]));
        assert!(in_regions(&limited, &at("us-central1")));
        assert!(in_regions(&limited, &at("us-central1-a")));
        assert!(!in_regions(&limited, &at("us-central10-a")), "a longer region name is another region");
        assert!(!in_regions(&limited, &at("europe-west1-b")));
        assert!(in_regions(&limited, &at("global")), "networks have no region");
        assert!(in_regions(&credential(Provider::Gcp, None), &at("europe-west1-b")));
    }
}
