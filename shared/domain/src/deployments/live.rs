//! Log lines and the live-log protocol spoken over the WebSocket.

use serde::{Deserialize, Serialize};

use super::*;
use crate::ids::RunId;

/// One line of a run's log; `seq` counts from 1 over the whole run (both phases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: u64,
    pub phase: Phase,
    pub text: String,
}

/// What a WebSocket client receives: the same JSON on API Gateway and in the local runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The subscription is in place; lines after `seq` will follow (read earlier ones from the API).
    Subscribed {
        run_id: RunId,
        status: RunStatus,
    },
    Log {
        run_id: RunId,
        seq: u64,
        phase: Phase,
        line: String,
    },
    Status {
        run_id: RunId,
        status: RunStatus,
    },
    /// A request that was refused (unknown run, bad JSON).
    Error {
        code: String,
        message: String,
    },
}

/// What a WebSocket client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ClientMessage {
    Subscribe { run_id: String },
    Unsubscribe { run_id: String },
}
