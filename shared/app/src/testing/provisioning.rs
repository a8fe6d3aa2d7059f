//! Provisioning's other ports: the executor of a run's phases, its artifacts, the live-log hub,
//! and the sync requester a finished run calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use skyforge_domain::deployments::{ExecutionState, LiveMessage, LogLine};
use skyforge_domain::ids::{CredentialId, OrgId, RunId};

use crate::deployment_ports::{LogHub, PhaseRequest, RunArtifacts, RunExecutor, SyncRequester};
use crate::error::BoxError;

/// Starts nothing: records each phase asked for and answers an execution id (`exec-1`, ...).
#[derive(Default)]
pub struct FakeExecutor {
    started: Mutex<Vec<PhaseRequest>>,
    stopped: Mutex<Vec<String>>,
    /// What `status` answers per execution id; unknown ids are still running.
    states: Mutex<HashMap<String, ExecutionState>>,
}

impl FakeExecutor {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// What the executor says of a build from now on (the run reaper asks).
    pub fn set_state(&self, execution_id: &str, state: ExecutionState) {
        self.states.lock().unwrap().insert(execution_id.to_owned(), state);
    }

    /// Every phase started, in order.
    pub fn started(&self) -> Vec<PhaseRequest> {
        self.started.lock().unwrap().clone()
    }

    /// Every execution id stopped, in order.
    pub fn stopped(&self) -> Vec<String> {
        self.stopped.lock().unwrap().clone()
    }
}

#[async_trait]
impl RunExecutor for FakeExecutor {
    async fn start(&self, request: &PhaseRequest) -> Result<String, BoxError> {
        let mut started = self.started.lock().unwrap();
        started.push(request.clone());
        Ok(format!("exec-{}", started.len()))
    }

    async fn stop(&self, execution_id: &str) -> Result<(), BoxError> {
        self.stopped.lock().unwrap().push(execution_id.to_owned());
        Ok(())
    }

    async fn status(&self, execution_id: &str) -> Result<ExecutionState, BoxError> {
        Ok(self.states.lock().unwrap().get(execution_id).cloned().unwrap_or(ExecutionState::Running))
    }
}

/// What a runner would leave under each artifact prefix, set by the test, and the archived log.
#[derive(Default)]
pub struct MemoryArtifacts {
    plans: Mutex<HashMap<String, Vec<u8>>>,
    outputs: Mutex<HashMap<String, Vec<u8>>>,
    logs: Mutex<HashMap<String, Vec<LogLine>>>,
}

impl MemoryArtifacts {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The plan JSON (`terraform show -json`) the run at `prefix` left.
    pub fn set_plan(&self, prefix: &str, json: &serde_json::Value) {
        self.plans.lock().unwrap().insert(prefix.to_owned(), json.to_string().into_bytes());
    }

    /// The outputs JSON (`terraform output -json`) the apply at `prefix` left.
    pub fn set_outputs(&self, prefix: &str, json: &serde_json::Value) {
        self.outputs.lock().unwrap().insert(prefix.to_owned(), json.to_string().into_bytes());
    }
}

#[async_trait]
impl RunArtifacts for MemoryArtifacts {
    async fn plan_json(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        Ok(self.plans.lock().unwrap().get(prefix).cloned())
    }

    async fn outputs(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        Ok(self.outputs.lock().unwrap().get(prefix).cloned())
    }

    async fn append_log(&self, prefix: &str, lines: &[LogLine]) -> Result<(), BoxError> {
        self.logs.lock().unwrap().entry(prefix.to_owned()).or_default().extend_from_slice(lines);
        Ok(())
    }

    async fn log(&self, prefix: &str, after: u64, limit: usize) -> Result<Vec<LogLine>, BoxError> {
        let logs = self.logs.lock().unwrap();
        let mut lines: Vec<LogLine> =
            logs.get(prefix).map(|l| l.iter().filter(|line| line.seq > after).cloned().collect()).unwrap_or_default();
        lines.sort_by_key(|line| line.seq);
        lines.truncate(limit);
        Ok(lines)
    }
}

/// Keeps every live message published, per run.
#[derive(Default)]
pub struct RecordingHub(Mutex<Vec<(OrgId, RunId, LiveMessage)>>);

impl RecordingHub {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The messages published for a run, in order.
    pub fn published(&self, run: RunId) -> Vec<LiveMessage> {
        self.0.lock().unwrap().iter().filter(|(_, r, _)| *r == run).map(|(_, _, m)| m.clone()).collect()
    }
}

#[async_trait]
impl LogHub for RecordingHub {
    async fn publish(&self, org: OrgId, run: RunId, messages: &[LiveMessage]) -> Result<(), BoxError> {
        self.0.lock().unwrap().extend(messages.iter().map(|m| (org, run, m.clone())));
        Ok(())
    }
}

/// Records the syncs asked for, in order, instead of queueing them.
#[derive(Default)]
pub struct RecordingSyncRequester(Mutex<Vec<(OrgId, CredentialId)>>);

impl RecordingSyncRequester {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn requested(&self) -> Vec<(OrgId, CredentialId)> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait]
impl SyncRequester for RecordingSyncRequester {
    async fn request_sync(&self, org: OrgId, credential: CredentialId) -> Result<(), BoxError> {
        self.0.lock().unwrap().push((org, credential));
        Ok(())
    }
}
