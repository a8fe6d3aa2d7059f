//! The live-log protocol's cases, driven the same way against both transports: the `ws`
//! Lambda (tests/e2e/ws_lambda.rs) and the local runtime's WebSocket endpoint
//! (tests/e2e/live.rs). Each case is a frame a user sends on their authenticated connection
//! and what that user must receive back.

use serde_json::{Value, json};

/// Who sends the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// A member of the run's organisation.
    Owner,
    /// A signed-in user of another organisation.
    Stranger,
}

/// What the sender must receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// `{"type": "subscribed", "run_id": <the run>}`.
    Subscribed,
    /// `{"type": "error", "code": <code>}`.
    Error(&'static str),
    /// Nothing at all.
    Nothing,
}

pub struct Case {
    pub name: &'static str,
    pub sender: Sender,
    pub frame: Value,
    pub expect: Expect,
}

/// The cases, in order (a later case may rely on an earlier subscription).
pub fn cases(run_id: &str) -> Vec<Case> {
    vec![
        Case {
            name: "a member subscribes to their organisation's run",
            sender: Sender::Owner,
            frame: json!({"action": "subscribe", "run_id": run_id}),
            expect: Expect::Subscribed,
        },
        Case {
            name: "another organisation's user cannot subscribe to it",
            sender: Sender::Stranger,
            frame: json!({"action": "subscribe", "run_id": run_id}),
            expect: Expect::Error("not_found"),
        },
        Case {
            name: "a run that does not exist is not found",
            sender: Sender::Owner,
            frame: json!({"action": "subscribe", "run_id": "run_01J00000000000000000000000"}),
            expect: Expect::Error("not_found"),
        },
        Case {
            name: "unsubscribing is answered with nothing",
            sender: Sender::Owner,
            frame: json!({"action": "unsubscribe", "run_id": run_id}),
            expect: Expect::Nothing,
        },
        Case {
            name: "an unknown action is answered with how to subscribe",
            sender: Sender::Owner,
            frame: json!({"action": "dance"}),
            expect: Expect::Error("invalid_message"),
        },
    ]
}

/// Checks one received message against a case's expectation.
pub fn check(case: &Case, run_id: &str, received: Option<&Value>) {
    match (&case.expect, received) {
        (Expect::Nothing, None) => {}
        (Expect::Subscribed, Some(m)) => {
            assert_eq!(
                (m["type"].as_str(), m["run_id"].as_str()),
                (Some("subscribed"), Some(run_id)),
                "{}: {m}",
                case.name
            )
        }
        (Expect::Error(code), Some(m)) => {
            assert_eq!((m["type"].as_str(), m["code"].as_str()), (Some("error"), Some(*code)), "{}: {m}", case.name)
        }
        (expected, got) => panic!("{}: expected {expected:?}, received {got:?}", case.name),
    }
}
