//! Runs and their state machine (see the diagram in the module above), and the recent-runs list.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::ids::{DeploymentId, OrgId, RunId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    PlanAndApply,
    Destroy,
}

/// The two builds of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Plan,
    Apply,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Plan => "plan",
            Phase::Apply => "apply",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Planning,
    Planned,
    AwaitingApproval,
    Applying,
    Applied,
    Errored,
    Cancelled,
    Discarded,
}

impl RunStatus {
    pub const ALL: [RunStatus; 9] = [
        RunStatus::Queued,
        RunStatus::Planning,
        RunStatus::Planned,
        RunStatus::AwaitingApproval,
        RunStatus::Applying,
        RunStatus::Applied,
        RunStatus::Errored,
        RunStatus::Cancelled,
        RunStatus::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Planning => "planning",
            RunStatus::Planned => "planned",
            RunStatus::AwaitingApproval => "awaiting_approval",
            RunStatus::Applying => "applying",
            RunStatus::Applied => "applied",
            RunStatus::Errored => "errored",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Discarded => "discarded",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, RunStatus::Applied | RunStatus::Errored | RunStatus::Cancelled | RunStatus::Discarded)
    }

    /// Holds the deployment: from the start of planning until the run ends.
    pub fn is_active(self) -> bool {
        !self.is_final() && self != RunStatus::Queued
    }

    /// The phase whose build runs in this state.
    pub fn running_phase(self) -> Option<Phase> {
        match self {
            RunStatus::Planning => Some(Phase::Plan),
            RunStatus::Applying => Some(Phase::Apply),
            _ => None,
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What can happen to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunEvent {
    /// The deployment is free: start the plan build.
    Start,
    /// The plan build succeeded.
    PlanFinished,
    /// The plan is ready for a person to read.
    AwaitApproval,
    /// An operator approved: start the apply build with the saved plan.
    Approve,
    /// The apply build succeeded.
    ApplyFinished,
    /// A build failed or timed out.
    Fail,
    /// A person stopped the run before or while a build ran.
    Cancel,
    /// A person rejected the plan.
    Discard,
}

impl RunEvent {
    pub const ALL: [RunEvent; 8] = [
        RunEvent::Start,
        RunEvent::PlanFinished,
        RunEvent::AwaitApproval,
        RunEvent::Approve,
        RunEvent::ApplyFinished,
        RunEvent::Fail,
        RunEvent::Cancel,
        RunEvent::Discard,
    ];
}

/// The event is not allowed in the run's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a run that is {from} cannot be {event:?}")]
pub struct TransitionRefused {
    pub from: RunStatus,
    pub event: RunEvent,
}

/// The state machine: where `event` takes a run that is `from`.
pub fn transition(from: RunStatus, event: RunEvent) -> Result<RunStatus, TransitionRefused> {
    use RunEvent as E;
    use RunStatus as S;
    let to = match (from, event) {
        (S::Queued, E::Start) => S::Planning,
        (S::Planning, E::PlanFinished) => S::Planned,
        (S::Planned, E::AwaitApproval) => S::AwaitingApproval,
        (S::AwaitingApproval, E::Approve) => S::Applying,
        (S::Applying, E::ApplyFinished) => S::Applied,
        (S::Planning | S::Applying, E::Fail) => S::Errored,
        (S::Queued | S::Planning | S::Applying, E::Cancel) => S::Cancelled,
        (S::Planned | S::AwaitingApproval, E::Discard) => S::Discarded,
        _ => return Err(TransitionRefused { from, event }),
    };
    Ok(to)
}

/// When a run entered a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTimestamp {
    pub status: RunStatus,
    pub at: DateTime<Utc>,
}

/// One run of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: RunId,
    pub org_id: OrgId,
    pub deployment_id: DeploymentId,
    pub kind: RunKind,
    pub status: RunStatus,
    /// Append-only: one entry per state the run entered, in order.
    pub timestamps: Vec<StatusTimestamp>,
    pub plan: Option<PlanSummary>,
    /// The variables the plan was made with (without the platform's own), set when it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    /// How `variables` differ from those of the last applied run (all of them before one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variable_changes: Vec<VariableChange>,
    /// The build running the current phase (CodeBuild build id or local process id).
    pub execution_id: Option<String>,
    /// When the running phase must have ended.
    pub phase_deadline: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Why the run ended `errored` (absent on runs stored before reasons were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_reason: Option<RunErrorReason>,
    pub created_by: UserId,
    pub approved_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl Run {
    pub fn new(org_id: OrgId, deployment_id: DeploymentId, kind: RunKind, by: UserId, now: DateTime<Utc>) -> Self {
        Run {
            id: RunId::new(),
            org_id,
            deployment_id,
            kind,
            status: RunStatus::Queued,
            timestamps: vec![StatusTimestamp { status: RunStatus::Queued, at: now }],
            plan: None,
            variables: None,
            variable_changes: Vec::new(),
            execution_id: None,
            phase_deadline: None,
            error: None,
            error_reason: None,
            created_by: by,
            approved_by: None,
            created_at: now,
        }
    }

    /// Applies `event`, recording when the new state began. The caller writes it conditionally
    /// on the old status.
    pub fn apply(&mut self, event: RunEvent, now: DateTime<Utc>) -> Result<RunStatus, TransitionRefused> {
        let to = transition(self.status, event)?;
        self.status = to;
        self.timestamps.push(StatusTimestamp { status: to, at: now });
        if to.running_phase().is_none() {
            self.phase_deadline = None;
        }
        Ok(to)
    }

    pub fn entered(&self, status: RunStatus) -> Option<DateTime<Utc>> {
        self.timestamps.iter().rev().find(|t| t.status == status).map(|t| t.at)
    }

    /// Where the phase's artifacts go in the artifact bucket.
    pub fn artifact_prefix(&self) -> String {
        format!("runs/{}/{}/{}", self.org_id, self.deployment_id, self.id)
    }
}

/// How many runs an organisation's "recent runs" keeps (the dashboard's card).
pub const RECENT_RUNS: usize = 20;

/// A run as the organisation's recent runs list it: enough to show and link it, with the name
/// of its deployment (names never change, so it is copied once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentRun {
    pub id: RunId,
    pub deployment_id: DeploymentId,
    pub deployment_name: String,
    pub kind: RunKind,
    pub status: RunStatus,
    /// How many states the run has entered: a later state always has a higher number, so an
    /// update that arrives late never moves the entry back.
    pub states: u32,
    pub created_at: DateTime<Utc>,
    /// When the run entered its current state.
    pub updated_at: DateTime<Utc>,
}

impl RecentRun {
    pub fn of(run: &Run, deployment_name: &str) -> Self {
        Self {
            id: run.id,
            deployment_id: run.deployment_id,
            deployment_name: deployment_name.to_owned(),
            kind: run.kind,
            status: run.status,
            states: run.timestamps.len() as u32,
            created_at: run.created_at,
            updated_at: run.timestamps.last().map_or(run.created_at, |t| t.at),
        }
    }
}
