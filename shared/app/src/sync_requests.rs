//! Asking for a sync of one credential now: a queued sync run is recorded and marked pending
//! (so the scheduler does not queue the credential again meanwhile), then its message goes on
//! the on-demand queue, ahead of scheduled syncs. "Sync now", the first sync of a new or rotated
//! credential and the sync after an apply all go through here, so none of them needs the whole
//! credential service.

use std::sync::Arc;

use async_trait::async_trait;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::sync::{PendingSync, SyncCounts, SyncRun, SyncStatus, SyncTrigger};

use crate::error::{AppError, BoxError};
use crate::ports::Clock;
use crate::sync_ports::{Credentials, Summaries, SyncMessage, SyncQueue, SyncRuns};

/// What queueing a sync touches: the credential (to find it), its runs, the summary's pending
/// mark, and the on-demand queue.
pub struct SyncRequestPorts {
    pub credentials: Arc<dyn Credentials>,
    pub runs: Arc<dyn SyncRuns>,
    pub summaries: Arc<dyn Summaries>,
    pub queue: Arc<dyn SyncQueue>,
}

pub struct SyncRequests {
    ports: SyncRequestPorts,
    clock: Arc<dyn Clock>,
}

impl SyncRequests {
    pub fn new(ports: SyncRequestPorts, clock: Arc<dyn Clock>) -> Self {
        Self { ports, clock }
    }

    /// Records a queued run, marks it pending and sends its message. A message the queue refuses
    /// is an `Unavailable` error; the recorded run then stays `queued` and the pending mark is
    /// cleared, so the scheduler picks the credential up on its next tick.
    pub async fn queue(&self, credential: &Credential, trigger: SyncTrigger) -> Result<SyncRun, AppError> {
        let now = self.clock.now();
        let run = SyncRun {
            id: SyncRunId::new(),
            org_id: credential.org_id,
            credential_id: credential.id,
            trigger,
            status: SyncStatus::Queued,
            queued_at: now,
            started_at: None,
            finished_at: None,
            counts: SyncCounts::default(),
            errors: vec![],
        };
        self.ports.runs.create(&run).await?;
        let pending = PendingSync { run_id: run.id, trigger, status: SyncStatus::Queued, since: now };
        self.ports.summaries.put_pending(credential.org_id, &[(credential.id, pending)]).await?;
        let message = SyncMessage {
            org_id: credential.org_id,
            credential_id: credential.id,
            run_id: run.id,
            trigger,
            queued_at: now,
        };
        let failed =
            self.ports.queue.send_batch(std::slice::from_ref(&message)).await.map_err(AppError::Unavailable)?;
        if !failed.is_empty() {
            // not pending after all: the scheduler may queue it again on its next tick
            let _ = self.ports.summaries.clear_pending(credential.org_id, credential.id, run.id).await;
            return Err(AppError::Unavailable("the sync queue refused the message".into()));
        }
        Ok(run)
    }
}

#[async_trait]
impl crate::deployment_ports::SyncRequester for SyncRequests {
    async fn request_sync(&self, org: OrgId, credential: CredentialId) -> Result<(), BoxError> {
        let Some(credential) = self.ports.credentials.get(org, credential).await? else {
            return Ok(()); // deleted meanwhile: nothing to sync
        };
        self.queue(&credential, SyncTrigger::Deployment).await.map(|_| ()).map_err(Into::into)
    }
}
