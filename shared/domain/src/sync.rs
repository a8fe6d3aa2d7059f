//! Connected credentials as stored (metadata only), their sync runs and provider health.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::costs::CostOverview;
use crate::ids::{CredentialId, OrgId, SyncRunId};
use crate::inventory::ResourceCounts;
use crate::provider::Provider;

/// Why a sync ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncTrigger {
    Schedule,
    Manual,
    /// A deployment's run changed resources.
    Deployment,
    /// The credential was just added or rotated: its first sync.
    Connect,
}

impl SyncTrigger {
    /// Whether a user or an event is waiting for it: those go on the on-demand queue, ahead of
    /// the scheduler's backlog.
    pub fn on_demand(self) -> bool {
        self != SyncTrigger::Schedule
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    Queued,
    Running,
    /// Every region listed.
    Succeeded,
    /// Some regions failed; what was listed is stored, the rest kept as it was.
    Partial,
    Failed,
}

impl SyncStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, SyncStatus::Succeeded | SyncStatus::Partial | SyncStatus::Failed)
    }
}

/// What one sync found and wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    pub seen: u64,
    pub created: u64,
    pub changed: u64,
    pub deleted: u64,
    pub unchanged: u64,
    /// DynamoDB item writes for inventory and history (not counting the run, summary, health).
    pub item_writes: u64,
    pub regions_listed: u64,
    pub regions_failed: u64,
}

/// A region (or scope) that could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncError {
    /// `us-east-1`, `global`, or an Azure subscription / GCP project with its location.
    pub region: String,
    pub code: String,
    pub message: String,
}

/// One sync of one credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    pub id: SyncRunId,
    pub org_id: OrgId,
    pub credential_id: CredentialId,
    pub trigger: SyncTrigger,
    pub status: SyncStatus,
    pub queued_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: SyncCounts,
    pub errors: Vec<SyncError>,
}

impl SyncRun {
    pub fn summary(&self) -> SyncSummary {
        SyncSummary { run_id: self.id, status: self.status, finished_at: self.finished_at, counts: self.counts.clone() }
    }
}

/// The last sync, as a credential and the dashboard show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSummary {
    pub run_id: SyncRunId,
    pub status: SyncStatus,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: SyncCounts,
}

/// How one provider API answered for one credential in one region during its last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderHealth {
    pub credential_id: CredentialId,
    pub provider: Provider,
    pub region: String,
    pub checked_at: DateTime<Utc>,
    pub ok: bool,
    pub calls: u64,
    pub errors: u64,
    pub latency_p50_ms: u64,
    pub latency_max_ms: u64,
    pub last_error: Option<String>,
}

impl ProviderHealth {
    /// Aggregates call latencies (milliseconds) and error codes of one region.
    pub fn from_calls(
        credential_id: CredentialId,
        provider: Provider,
        region: &str,
        checked_at: DateTime<Utc>,
        calls: &[(u64, Option<&str>)],
    ) -> Self {
        let mut latencies: Vec<u64> = calls.iter().map(|(ms, _)| *ms).collect();
        latencies.sort_unstable();
        let errors: Vec<&str> = calls.iter().filter_map(|(_, e)| *e).collect();
        Self {
            credential_id,
            provider,
            region: region.to_owned(),
            checked_at,
            ok: errors.is_empty(),
            calls: calls.len() as u64,
            errors: errors.len() as u64,
            latency_p50_ms: latencies.get(latencies.len() / 2).copied().unwrap_or(0),
            latency_max_ms: latencies.last().copied().unwrap_or(0),
            last_error: errors.last().map(|e| (*e).to_owned()),
        }
    }
}

/// One credential's part of its organisation's summary item.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSummary {
    pub name: String,
    pub provider: Option<Provider>,
    pub counts: ResourceCounts,
    pub last_sync: Option<SyncSummary>,
    /// When a sync of this credential last succeeded (wholly or partly).
    #[serde(default)]
    pub last_success_at: Option<DateTime<Utc>>,
    /// Region → (ok, p50 latency ms).
    pub health: BTreeMap<String, (bool, u64)>,
}

/// Whether none of an organisation's credentials synced successfully since `since` (an
/// organisation with credentials but no summary yet counts too): what the sync-age alarm counts.
pub fn lacks_recent_sync<'a>(
    credentials: impl IntoIterator<Item = &'a CredentialSummary>,
    since: DateTime<Utc>,
) -> bool {
    !credentials.into_iter().any(|c| c.last_success_at.is_some_and(|at| at >= since))
}

/// A sync on its way for one credential: its message is queued, or a worker claimed it. Kept
/// beside the credential's part of the summary, so the scheduler (which reads the summary
/// anyway) knows which credentials already have a sync pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSync {
    pub run_id: SyncRunId,
    pub trigger: SyncTrigger,
    /// `queued` or `running`.
    pub status: SyncStatus,
    /// When it was queued, or claimed by a worker.
    pub since: DateTime<Utc>,
}

/// When the scheduler queues a credential again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// A credential is synced about this often (the scheduler's period).
    pub interval: chrono::Duration,
    /// A pending sync older than this is taken for lost (its message deleted, expired or
    /// dead-lettered, or its worker killed) and the credential is queued again.
    pub stale_after: chrono::Duration,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        Self { interval: chrono::Duration::minutes(10), stale_after: chrono::Duration::minutes(60) }
    }
}

/// What the scheduler does with one credential on one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Never synced, or its last sync ended more than an interval ago: queue it.
    Due,
    /// Its pending sync is older than the staleness bound: queue it again.
    Lost,
    /// A sync is queued or running: skip it.
    Pending,
    /// Its last sync ended within the interval: skip it.
    Recent,
}

impl Due {
    pub fn queues(self) -> bool {
        matches!(self, Due::Due | Due::Lost)
    }
}

impl SyncPolicy {
    /// Ticks jitter: a sync that ended a little less than an interval before this tick (a tenth
    /// of it) is due, or it would wait for two intervals.
    fn recent_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.interval + self.interval / 10
    }

    /// The due rule: queue a credential only when no sync of it is pending (or the pending one
    /// is older than the staleness bound), and its last sync ended an interval ago or never ran.
    pub fn due(&self, last: Option<&CredentialSummary>, pending: Option<&PendingSync>, now: DateTime<Utc>) -> Due {
        if let Some(pending) = pending {
            return match pending.since <= now - self.stale_after {
                true => Due::Lost,
                false => Due::Pending,
            };
        }
        match last.and_then(|l| l.last_sync.as_ref()).and_then(|s| s.finished_at) {
            Some(finished) if finished > self.recent_since(now) => Due::Recent,
            _ => Due::Due,
        }
    }

    /// Whether a scheduled message can be dropped before any provider call: the credential
    /// synced successfully (wholly or partly) within the interval, by another run.
    pub fn synced_recently(&self, last: Option<&CredentialSummary>, now: DateTime<Utc>) -> bool {
        last.and_then(|l| l.last_success_at).is_some_and(|at| at > self.recent_since(now))
    }
}

/// The organisation's summary item: what the dashboard shows, in one read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct OrgSummary {
    pub credentials: BTreeMap<CredentialId, CredentialSummary>,
    /// The month's cost figures as last computed; `None` after the cost data changed.
    pub costs: Option<CostSnapshot>,
    /// Moves on with every change to the organisation's cost rows or refresh records, so a
    /// snapshot computed from older data is never stored over a newer state.
    pub costs_version: u64,
    /// The credentials with a sync queued or running.
    pub pending: BTreeMap<CredentialId, PendingSync>,
}

/// The cost overview as computed on `as_of`: valid while the cost data and the day stay the
/// same (month to date, forecasts and changes all depend on the day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostSnapshot {
    pub as_of: NaiveDate,
    pub overview: CostOverview,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_lacks_a_recent_sync_until_one_credential_succeeded_since() {
        let now = Utc::now();
        let synced = |minutes_ago: Option<i64>| CredentialSummary {
            last_success_at: minutes_ago.map(|m| now - chrono::Duration::minutes(m)),
            ..Default::default()
        };
        let since = now - chrono::Duration::minutes(30);
        assert!(lacks_recent_sync(&[], since));
        assert!(lacks_recent_sync(&[synced(None), synced(Some(45))], since));
        assert!(!lacks_recent_sync(&[synced(Some(45)), synced(Some(5))], since));
    }

    fn finished(now: DateTime<Utc>, minutes_ago: i64, status: SyncStatus) -> CredentialSummary {
        let at = now - chrono::Duration::minutes(minutes_ago);
        CredentialSummary {
            last_sync: Some(SyncSummary {
                run_id: SyncRunId::new(),
                status,
                finished_at: Some(at),
                counts: SyncCounts::default(),
            }),
            last_success_at: (status != SyncStatus::Failed).then_some(at),
            ..Default::default()
        }
    }

    fn pending(now: DateTime<Utc>, minutes_ago: i64, status: SyncStatus) -> PendingSync {
        PendingSync {
            run_id: SyncRunId::new(),
            trigger: SyncTrigger::Schedule,
            status,
            since: now - chrono::Duration::minutes(minutes_ago),
        }
    }

    #[test]
    fn a_credential_never_synced_is_due() {
        let now = Utc::now();
        let policy = SyncPolicy::default();
        assert_eq!(policy.due(None, None, now), Due::Due);
        assert_eq!(policy.due(Some(&CredentialSummary::default()), None, now), Due::Due);
    }

    #[test]
    fn a_credential_is_due_an_interval_after_its_last_sync_ended_whatever_its_outcome() {
        let now = Utc::now();
        let policy = SyncPolicy::default();
        assert_eq!(policy.due(Some(&finished(now, 3, SyncStatus::Succeeded)), None, now), Due::Recent);
        assert_eq!(policy.due(Some(&finished(now, 3, SyncStatus::Failed)), None, now), Due::Recent);
        assert_eq!(policy.due(Some(&finished(now, 11, SyncStatus::Succeeded)), None, now), Due::Due);
        assert_eq!(policy.due(Some(&finished(now, 11, SyncStatus::Failed)), None, now), Due::Due);
        // a tick a little early still queues it: 9.5 minutes is within a tenth of the interval
        let early = now - chrono::Duration::seconds(30);
        assert_eq!(policy.due(Some(&finished(early, 9, SyncStatus::Succeeded)), None, now), Due::Due);
    }

    #[test]
    fn a_credential_with_a_queued_or_running_sync_is_skipped_until_that_sync_is_stale() {
        let now = Utc::now();
        let policy = SyncPolicy::default();
        let old = finished(now, 45, SyncStatus::Succeeded);
        assert_eq!(policy.due(Some(&old), Some(&pending(now, 20, SyncStatus::Queued)), now), Due::Pending);
        assert_eq!(policy.due(Some(&old), Some(&pending(now, 59, SyncStatus::Running)), now), Due::Pending);
        assert_eq!(policy.due(Some(&old), Some(&pending(now, 60, SyncStatus::Queued)), now), Due::Lost);
        assert_eq!(policy.due(None, Some(&pending(now, 61, SyncStatus::Running)), now), Due::Lost);
        assert!(Due::Lost.queues() && Due::Due.queues() && !Due::Pending.queues() && !Due::Recent.queues());
    }

    #[test]
    fn a_scheduled_message_is_dropped_only_after_a_successful_sync_within_the_interval() {
        let now = Utc::now();
        let policy = SyncPolicy::default();
        assert!(policy.synced_recently(Some(&finished(now, 2, SyncStatus::Succeeded)), now));
        assert!(policy.synced_recently(Some(&finished(now, 2, SyncStatus::Partial)), now));
        assert!(!policy.synced_recently(Some(&finished(now, 2, SyncStatus::Failed)), now));
        assert!(!policy.synced_recently(Some(&finished(now, 12, SyncStatus::Succeeded)), now));
        assert!(!policy.synced_recently(None, now));
    }

    #[test]
    fn health_aggregates_latency_and_errors() {
        let h = ProviderHealth::from_calls(
            CredentialId::new(),
            Provider::Aws,
            "eu-west-1",
            Utc::now(),
            &[(10, None), (30, None), (20, Some("throttled"))],
        );
        assert_eq!((h.calls, h.errors, h.latency_p50_ms, h.latency_max_ms, h.ok), (3, 1, 20, 30, false));
        assert_eq!(h.last_error.as_deref(), Some("throttled"));
        let empty = ProviderHealth::from_calls(CredentialId::new(), Provider::Aws, "x", Utc::now(), &[]);
        assert!(empty.ok);
    }
}
