//! The run reaper's rule: which runs in a running phase (`planning`, `applying`) are overdue or
//! have lost their executor, and what the event that never came would have done to them.
//!
//! A phase ends through an event (CodeBuild's state change on AWS, the runner's exit locally).
//! When that event is lost (the local runtime was killed, `run-events` failed past its retries)
//! nothing else would ever move the run, and its deployment would stay held. The reaper asks the
//! executor about each running run and moves it on the way the event would have:
//!
//! | executor says | deadline | verdict |
//! |---|---|---|
//! | still running | not passed | leave it |
//! | still running | passed | `errored` (`phase_timeout`), the build stopped |
//! | succeeded | any | the phase finished: next state, as the event would have done |
//! | failed, stopped | any | `errored` (`executor_lost`) |
//! | unknown (no such build, no such process) | any | `errored` (`executor_lost`) |
//! | no execution id recorded yet | within [`START_GRACE`] of the phase start | leave it |
//! | no execution id recorded yet | later | `errored` (`executor_lost`) |

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::*;

/// Why the platform (rather than the build's own exit) ended a run in `errored`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunErrorReason {
    /// Terraform (or the runner) exited with a failure: the log says why.
    BuildFailed,
    /// The phase's build could not be started.
    StartFailed,
    /// The build vanished, or ended without its end being reported (a killed runtime, a lost event).
    ExecutorLost,
    /// The phase ran past its deadline; its build was stopped.
    PhaseTimeout,
}

impl RunErrorReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RunErrorReason::BuildFailed => "build_failed",
            RunErrorReason::StartFailed => "start_failed",
            RunErrorReason::ExecutorLost => "executor_lost",
            RunErrorReason::PhaseTimeout => "phase_timeout",
        }
    }
}

/// What the executor says about a phase's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionState {
    Running,
    Succeeded,
    /// Ended without success (failed, faulted, stopped, timed out): the executor's word for it.
    Failed(String),
    /// The executor does not know the build (no such CodeBuild build, no such local process).
    Gone,
}

/// How long a run may sit in a running phase without a recorded execution id: the id is written
/// just after the build starts, so a run read between the two is not lost.
pub const START_GRACE: Duration = Duration::minutes(2);

/// What the reaper does with one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaping {
    /// Not in a running phase, or still running within its deadline.
    Leave,
    /// The phase succeeded but its end was never reported: finish it as the event would have.
    Finish(Phase),
    /// End the run `errored` with this reason and explanation (a line for the log and the run).
    Error { phase: Phase, reason: RunErrorReason, detail: String, stop_build: bool },
}

/// The rule: `state` is what the executor answered about the run's execution, `None` when the
/// run has no execution id to ask about.
pub fn reap(run: &Run, state: Option<&ExecutionState>, now: DateTime<Utc>) -> Reaping {
    let Some(phase) = run.status.running_phase() else { return Reaping::Leave };
    let lost =
        |detail: String| Reaping::Error { phase, reason: RunErrorReason::ExecutorLost, detail, stop_build: false };
    match state {
        None => {
            let since = run.entered(run.status).unwrap_or(run.created_at);
            if now - since < START_GRACE {
                Reaping::Leave
            } else {
                lost(format!("the {} build never reported that it started", phase.as_str()))
            }
        }
        Some(ExecutionState::Succeeded) => Reaping::Finish(phase),
        Some(ExecutionState::Failed(what)) => {
            lost(format!("the {} build ended ({what}) but its end was never reported", phase.as_str()))
        }
        Some(ExecutionState::Gone) => {
            lost(format!("the {} build is no longer running (its runner was lost)", phase.as_str()))
        }
        Some(ExecutionState::Running) => match run.phase_deadline {
            Some(deadline) if now >= deadline => Reaping::Error {
                phase,
                reason: RunErrorReason::PhaseTimeout,
                detail: format!("the {} phase exceeded its timeout", phase.as_str()),
                stop_build: true,
            },
            _ => Reaping::Leave,
        },
    }
}
