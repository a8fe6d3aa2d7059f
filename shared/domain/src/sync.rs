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

/// The organisation's summary item: what the dashboard shows, in one read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct OrgSummary {
    pub credentials: BTreeMap<CredentialId, CredentialSummary>,
    /// The month's cost figures as last computed; `None` after the cost data changed.
    pub costs: Option<CostSnapshot>,
    /// Moves on with every change to the organisation's cost rows or refresh records, so a
    /// snapshot computed from older data is never stored over a newer state.
    pub costs_version: u64,
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
