//! The ports of cloud accounts and the sync pipeline: credential metadata and secrets, the
//! sync queue, the inventory, sync runs, and the per-organisation summary.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::inventory::{HistoryEntry, InventoryDiff, InventoryItem, InventoryQuery, StoredResource};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::sync::{
    CostSnapshot, CredentialSummary, OrgSummary, PendingSync, ProviderHealth, SyncRun, SyncTrigger,
};

use crate::error::BoxError;
use crate::ports::StoreResult;

#[async_trait]
pub trait Credentials: Send + Sync {
    /// `Conflict::Concurrent` if the id exists (it never should).
    async fn create(&self, credential: &Credential) -> StoreResult<()>;
    async fn get(&self, org: OrgId, id: CredentialId) -> StoreResult<Option<Credential>>;
    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Credential>>;
    /// Replaces the item if it still exists (`Conflict::Gone` otherwise). Keeps the
    /// active-credential index in step with `sync_enabled`.
    async fn update(&self, credential: &Credential) -> StoreResult<()>;
    async fn delete(&self, org: OrgId, id: CredentialId) -> StoreResult<()>;
    /// One page of the credentials with sync enabled, across all organisations, for the
    /// scheduler (an index query, never a scan).
    async fn active(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> StoreResult<(Vec<(OrgId, CredentialId)>, Option<String>)>;
    /// The organisation's external id for AWS role trust policies, created on first use.
    async fn external_id(&self, org: OrgId, candidate: &str) -> StoreResult<String>;
}

/// Each credential's secret, one Secrets Manager secret per credential.
#[async_trait]
pub trait CredentialSecrets: Send + Sync {
    /// Creates the secret, or stores a new version of it.
    async fn put(&self, name: &str, secret: &CloudSecret) -> Result<(), BoxError>;
    /// `None` when it does not exist (any more).
    async fn get(&self, name: &str) -> Result<Option<CloudSecret>, BoxError>;
    /// Schedules deletion (with the recovery window Secrets Manager keeps).
    async fn schedule_deletion(&self, name: &str) -> Result<(), BoxError>;
}

/// What the scheduler and "sync now" put on the queue: one message per credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMessage {
    pub org_id: OrgId,
    pub credential_id: CredentialId,
    /// The run this message asks for: a redelivered message names the same run, which the
    /// worker then finds finished (or running) and leaves alone.
    pub run_id: SyncRunId,
    pub trigger: SyncTrigger,
    pub queued_at: DateTime<Utc>,
}

#[async_trait]
pub trait SyncQueue: Send + Sync {
    /// Sends up to 10 messages in one request; answers the positions that were not accepted.
    async fn send_batch(&self, messages: &[SyncMessage]) -> Result<Vec<usize>, BoxError>;
    /// About how many messages wait on the queue (visible ones; the backlog metric).
    async fn depth(&self) -> Result<u64, BoxError>;
}

/// A sync's writes to one credential's inventory.
pub struct InventoryWrite<'a> {
    pub org: OrgId,
    pub credential: CredentialId,
    pub run: SyncRunId,
    pub now: DateTime<Utc>,
    pub diff: &'a InventoryDiff,
}

#[async_trait]
pub trait Inventory: Send + Sync {
    /// Everything stored for one credential, deleted ones included.
    async fn stored(&self, org: OrgId, credential: CredentialId) -> StoreResult<Vec<StoredResource>>;
    /// Writes the diff (items and history); answers the number of item writes it made.
    async fn apply(&self, write: InventoryWrite<'_>) -> StoreResult<u64>;
    async fn list(&self, org: OrgId, query: &InventoryQuery) -> StoreResult<Page<InventoryItem>>;
    async fn get(&self, org: OrgId, resource: &str) -> StoreResult<Option<InventoryItem>>;
    async fn history(&self, org: OrgId, resource: &str, page: &PageRequest) -> StoreResult<Page<HistoryEntry>>;
    /// Removes a credential's whole inventory (items and history); answers how many items.
    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<u64>;
}

#[async_trait]
pub trait SyncRuns: Send + Sync {
    async fn create(&self, run: &SyncRun) -> StoreResult<()>;
    async fn get(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<Option<SyncRun>>;
    /// Marks the run running unless it finished already or another worker holds it (started
    /// after `stale_before`); creates it if missing. `false`: leave it alone.
    async fn claim(&self, run: &SyncRun, now: DateTime<Utc>, stale_before: DateTime<Utc>) -> StoreResult<bool>;
    async fn finish(&self, run: &SyncRun) -> StoreResult<()>;
    /// Newest first.
    async fn list(&self, org: OrgId, credential: CredentialId, page: &PageRequest) -> StoreResult<Page<SyncRun>>;
}

/// The per-organisation summary item (the dashboard's one read) and provider health.
#[async_trait]
pub trait Summaries: Send + Sync {
    /// Replaces one credential's part of the summary, so a repeated sync never double-counts.
    async fn put_credential(
        &self,
        org: OrgId,
        credential: CredentialId,
        summary: &CredentialSummary,
    ) -> StoreResult<()>;
    /// Removes the credential's part and its pending sync.
    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()>;
    /// Records syncs queued or claimed (replacing what was pending for those credentials).
    async fn put_pending(&self, org: OrgId, pending: &[(CredentialId, PendingSync)]) -> StoreResult<()>;
    /// Forgets the credential's pending sync if it is still `run` (a newer one stays).
    async fn clear_pending(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<()>;
    /// The whole summary: every credential's part and the dashboard's cost snapshot.
    async fn get(&self, org: OrgId) -> StoreResult<OrgSummary>;
    /// Stores the dashboard's cost figures if the cost data is still at `version` (the one read
    /// before computing them); `false` when it changed meanwhile and nothing was stored. Every
    /// write of cost rows or refresh records moves the version on and drops the snapshot.
    async fn put_costs(&self, org: OrgId, snapshot: &CostSnapshot, version: u64) -> StoreResult<bool>;
    async fn put_health(&self, org: OrgId, health: &[ProviderHealth]) -> StoreResult<()>;
    async fn health(&self, org: OrgId) -> StoreResult<Vec<ProviderHealth>>;
    async fn remove_health(&self, org: OrgId, credential: CredentialId) -> StoreResult<()>;
}
