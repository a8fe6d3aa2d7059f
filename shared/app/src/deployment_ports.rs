//! The ports of provisioning: deployments and runs in the store, the executor that runs one
//! phase of a run (CodeBuild or a local subprocess), the artifacts a phase leaves (plan JSON,
//! outputs, archived log), and the hub that carries log lines to live subscribers.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use skyforge_domain::deployments::{
    Deployment, ExecutionState, Lifecycle, LiveMessage, LogLine, Phase, RecentRun, Run, RunKind, RunStatus,
};
use skyforge_domain::ids::{DeploymentId, OrgId, RunId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::provider::Provider;

use crate::error::BoxError;
use crate::ports::StoreResult;

#[async_trait]
pub trait Deployments: Send + Sync {
    async fn create(&self, deployment: &Deployment) -> StoreResult<()>;
    async fn get(&self, org: OrgId, id: DeploymentId) -> StoreResult<Option<Deployment>>;
    /// Newest first.
    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Deployment>>;
    /// Makes `run` the deployment's active run if it has none (or has it already); `false` when
    /// another run holds it. A conditional write: two runs never both hold it.
    async fn claim(&self, org: OrgId, id: DeploymentId, run: RunId) -> StoreResult<bool>;
    /// Frees the deployment if `run` holds it.
    async fn release(&self, org: OrgId, id: DeploymentId, run: RunId, now: DateTime<Utc>) -> StoreResult<()>;
    /// Stores the outputs of the last apply (`None` after a destroy), where the deployment's
    /// lifecycle now is, and (after a `plan_and_apply`) the variables it applied.
    async fn set_outputs(
        &self,
        org: OrgId,
        id: DeploymentId,
        applied: &AppliedState,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Records that an apply started: resources may exist from now on.
    async fn set_lifecycle(
        &self,
        org: OrgId,
        id: DeploymentId,
        lifecycle: Lifecycle,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Changes the name and variables; `Conflict::Gone` when it no longer exists.
    async fn update(
        &self,
        org: OrgId,
        id: DeploymentId,
        name: &str,
        variables: &BTreeMap<String, Value>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Deletes the deployment and its runs, only if no run holds it and it is not `applied`
    /// (`Conflict::Concurrent` otherwise: something changed since it was checked).
    async fn delete(&self, org: OrgId, id: DeploymentId) -> StoreResult<()>;
}

/// What a successful apply leaves on its deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedState {
    pub outputs: Option<Value>,
    pub lifecycle: Lifecycle,
    /// `None` leaves the recorded variables as they are (a destroy changes none).
    pub variables: Option<BTreeMap<String, Value>>,
}

#[async_trait]
pub trait Runs: Send + Sync {
    async fn create(&self, run: &Run) -> StoreResult<()>;
    /// The run, if it is the organisation's.
    async fn get(&self, org: OrgId, id: RunId) -> StoreResult<Option<Run>>;
    /// Where a run belongs, from its id alone (a WebSocket subscription names only the run).
    async fn locate(&self, id: RunId) -> StoreResult<Option<(OrgId, DeploymentId)>>;
    /// Oldest first (the queue order).
    async fn for_deployment(&self, org: OrgId, deployment: DeploymentId, page: &PageRequest) -> StoreResult<Page<Run>>;
    /// Replaces the run only if its status is still `expected`; `Conflict::Concurrent` when
    /// another writer moved it first. This is what makes two racing approvals apply once.
    async fn transition(&self, run: &Run, expected: RunStatus) -> StoreResult<()>;
    /// Reserves `count` log sequence numbers of the run (an atomic counter); answers the first.
    async fn reserve_log_lines(&self, run: &Run, count: u64) -> StoreResult<u64>;
    /// Every run in a running phase (`planning`, `applying`) across all organisations, for the
    /// run reaper. May lag a moment behind the runs themselves: re-read a run before acting.
    async fn running(&self) -> StoreResult<Vec<Run>>;
}

/// The organisation's newest runs across its deployments (the dashboard's "recent runs"): one
/// small item per organisation, read whole, holding at most
/// [`RECENT_RUNS`](skyforge_domain::deployments::RECENT_RUNS) runs.
#[async_trait]
pub trait RecentRuns: Send + Sync {
    /// Lists a new run of the deployment named `deployment_name`; the oldest beyond the limit
    /// drop out.
    async fn add(&self, run: &Run, deployment_name: &str) -> StoreResult<()>;
    /// Moves a listed run to its current state. Never moves it back to an earlier state (a late
    /// update loses) and never lists a run again that dropped out.
    async fn update(&self, run: &Run) -> StoreResult<()>;
    /// Newest first.
    async fn list(&self, org: OrgId) -> StoreResult<Vec<RecentRun>>;
}

/// Everything one phase's build needs. Secrets travel by reference only.
#[derive(Debug, Clone)]
pub struct PhaseRequest {
    pub org_id: OrgId,
    pub deployment_id: DeploymentId,
    pub run_id: RunId,
    pub kind: RunKind,
    pub phase: Phase,
    /// The module folder name under `terraform/modules`.
    pub module: String,
    /// `terraform.tfvars.json` content (no secrets: templates take none).
    pub variables: Value,
    pub state_key: String,
    pub artifact_prefix: String,
    pub provider: Option<Provider>,
    /// The Secrets Manager secret of the cloud credential, referenced, never copied.
    pub credential_secret_id: Option<String>,
}

#[async_trait]
pub trait RunExecutor: Send + Sync {
    /// Starts the phase's build; answers its execution id.
    async fn start(&self, request: &PhaseRequest) -> Result<String, BoxError>;
    /// Stops a build (cancel, timeout). Stopping a finished build is not an error.
    async fn stop(&self, execution_id: &str) -> Result<(), BoxError>;
    /// Whether the build still runs, and how it ended if not (the run reaper asks).
    async fn status(&self, execution_id: &str) -> Result<ExecutionState, BoxError>;
}

/// Terraform's state locks (the S3 backend's DynamoDB lock table).
#[async_trait]
pub trait StateLocks: Send + Sync {
    /// Releases the lock on the state at `state_key` if it was taken at or after `taken_after`
    /// (by the run that held the deployment since then, and nobody else could): a force-unlock
    /// of exactly that lock id, never of a lock taken later. Answers the released lock's id.
    async fn release_if_taken_after(
        &self,
        state_key: &str,
        taken_after: DateTime<Utc>,
    ) -> Result<Option<String>, BoxError>;
}

/// What the runner leaves behind, and the archived log.
#[async_trait]
pub trait RunArtifacts: Send + Sync {
    /// `terraform show -json` of the saved plan.
    async fn plan_json(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError>;
    /// `terraform output -json` after an apply.
    async fn outputs(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError>;
    /// Archives lines (already numbered) as one chunk.
    async fn append_log(&self, prefix: &str, lines: &[LogLine]) -> Result<(), BoxError>;
    /// The archived lines with `seq > after`, in order, at most `limit`.
    async fn log(&self, prefix: &str, after: u64, limit: usize) -> Result<Vec<LogLine>, BoxError>;
}

/// Carries live messages to the clients subscribed to a run.
#[async_trait]
pub trait LogHub: Send + Sync {
    async fn publish(&self, org: OrgId, run: RunId, messages: &[LiveMessage]) -> Result<(), BoxError>;
}

/// Asks for a sync of a credential after a run changed resources.
#[async_trait]
pub trait SyncRequester: Send + Sync {
    async fn request_sync(&self, org: OrgId, credential: skyforge_domain::ids::CredentialId) -> Result<(), BoxError>;
}

/// The user who opened a live connection, as its `$connect` authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionUser {
    pub user_id: UserId,
    pub email: String,
}

/// WebSocket connections and what they subscribed to (API Gateway keeps the socket; the store
/// keeps who it is). Items expire on their own after a few hours.
#[async_trait]
pub trait Connections: Send + Sync {
    async fn connect(&self, connection: &str, user: &ConnectionUser, now: DateTime<Utc>) -> StoreResult<()>;
    /// Who opened a live connection (`None`: unknown or expired).
    async fn user(&self, connection: &str) -> StoreResult<Option<ConnectionUser>>;
    async fn subscribe(&self, connection: &str, org: OrgId, run: RunId, now: DateTime<Utc>) -> StoreResult<()>;
    /// Stops sending a run's messages to the connection.
    async fn unsubscribe(&self, connection: &str, run: RunId) -> StoreResult<()>;
    /// The connections subscribed to a run.
    async fn subscribers(&self, run: RunId) -> StoreResult<Vec<String>>;
    /// Forgets the connection and its subscriptions (`$disconnect`, or a post answered 410 Gone).
    async fn disconnect(&self, connection: &str) -> StoreResult<()>;
}
