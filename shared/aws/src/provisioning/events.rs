//! The AWS events of provisioning, read into what the service needs:
//! - a CodeBuild "Build State Change" event from EventBridge → the run phase that ended and how;
//! - a CloudWatch Logs subscription payload (base64 of gzip of JSON) → the run phase and its lines;
//! - an API Gateway WebSocket event → connect / disconnect / a client message.
//!
//! The run is named by the build's log stream (`<org>/<deployment>/<run>/<phase>`, set by the
//! executor's `logsConfigOverride`), and for build events also by the build's environment
//! variables, so neither depends on a lookup.

use std::io::Read;

use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use skyforge_app::deployments::PhaseOutcome;
use skyforge_domain::deployments::Phase;
use skyforge_domain::deployments::RunErrorReason;
use skyforge_domain::ids::{OrgId, RunId};

/// Which run phase an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseRef {
    pub org: OrgId,
    pub run: RunId,
    pub phase: Phase,
}

fn parse_phase(raw: &str) -> Option<Phase> {
    match raw {
        "plan" => Some(Phase::Plan),
        "apply" => Some(Phase::Apply),
        _ => None,
    }
}

/// `<org>/<deployment>/<run>/<phase>`.
pub fn phase_from_stream(stream: &str) -> Option<PhaseRef> {
    let parts: Vec<&str> = stream.split('/').collect();
    match parts.as_slice() {
        [org, _deployment, run, phase] => {
            Some(PhaseRef { org: org.parse().ok()?, run: run.parse().ok()?, phase: parse_phase(phase)? })
        }
        _ => None,
    }
}

/// A build's end: `None` for an event that is not one (a build still in progress, another
/// project's build).
pub fn build_finished(event: &Value) -> Option<(PhaseRef, PhaseOutcome)> {
    let detail = event.get("detail")?;
    let status = detail.get("build-status")?.as_str()?;
    let outcome = match status {
        "SUCCEEDED" => PhaseOutcome::Succeeded,
        "FAILED" | "FAULT" => PhaseOutcome::Failed("the build failed; see the log".into()),
        "TIMED_OUT" => PhaseOutcome::Errored(RunErrorReason::PhaseTimeout, "the build exceeded its timeout".into()),
        "STOPPED" => PhaseOutcome::Failed("the build was stopped".into()),
        _ => return None, // IN_PROGRESS
    };
    let info = detail.get("additional-information")?;
    let from_env = || {
        let vars = info.get("environment")?.get("environment-variables")?.as_array()?;
        let var = |name: &str| {
            vars.iter().find(|v| v.get("name").and_then(Value::as_str) == Some(name))?.get("value")?.as_str()
        };
        Some(PhaseRef {
            org: var("SKYFORGE_ORG_ID")?.parse().ok()?,
            run: var("SKYFORGE_RUN_ID")?.parse().ok()?,
            phase: parse_phase(var("SKYFORGE_PHASE")?)?,
        })
    };
    let from_stream = || phase_from_stream(info.get("logs")?.get("stream-name")?.as_str()?);
    Some((from_env().or_else(from_stream)?, outcome))
}

/// A decoded CloudWatch Logs subscription payload.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogsData {
    pub message_type: String,
    pub log_group: String,
    pub log_stream: String,
    #[serde(default)]
    pub log_events: Vec<LogEvent>,
}

#[derive(Debug, Deserialize)]
pub struct LogEvent {
    pub id: String,
    pub timestamp: i64,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LogsPayloadError {
    #[error("the event has no awslogs.data")]
    Missing,
    #[error("awslogs.data is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("awslogs.data is not gzip: {0}")]
    Gzip(#[from] std::io::Error),
    #[error("awslogs.data is not the subscription JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Decodes `{"awslogs": {"data": "<base64 gzip json>"}}`.
pub fn decode_logs(event: &Value) -> Result<LogsData, LogsPayloadError> {
    let data =
        event.get("awslogs").and_then(|a| a.get("data")).and_then(Value::as_str).ok_or(LogsPayloadError::Missing)?;
    let compressed = base64::engine::general_purpose::STANDARD.decode(data)?;
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice()).read_to_end(&mut json)?;
    Ok(serde_json::from_slice(&json)?)
}

/// The run phase and its lines (without trailing newlines); `None` for a control message or a
/// stream that is not a run's.
pub fn log_lines(data: &LogsData) -> Option<(PhaseRef, Vec<String>)> {
    if data.message_type != "DATA_MESSAGE" {
        return None;
    }
    let phase = phase_from_stream(&data.log_stream)?;
    // an event usually is one line with its newline; one holding several is split
    let lines = data
        .log_events
        .iter()
        .flat_map(|e| {
            let message = e.message.strip_suffix('\n').unwrap_or(&e.message);
            message.split('\n').map(|l| l.trim_end_matches('\r').to_owned()).collect::<Vec<_>>()
        })
        .collect();
    Some((phase, lines))
}

/// What an API Gateway WebSocket event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    Connect { connection: String, token: Option<String> },
    Disconnect { connection: String },
    Message { connection: String, body: String },
}

pub fn socket_event(event: &Value) -> Option<SocketEvent> {
    let context = event.get("requestContext")?;
    let connection = context.get("connectionId")?.as_str()?.to_owned();
    let route = context.get("routeKey")?.as_str()?;
    Some(match route {
        "$connect" => {
            let token = event
                .get("queryStringParameters")
                .and_then(|q| q.get("token"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            SocketEvent::Connect { connection, token }
        }
        "$disconnect" => SocketEvent::Disconnect { connection },
        _ => SocketEvent::Message {
            connection,
            body: event.get("body").and_then(Value::as_str).unwrap_or("").to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_succeeded_build_names_its_run_phase() {
        let (phase, outcome) = build_finished(&fixture("codebuild-succeeded.json")).unwrap();
        assert_eq!(phase.run.to_string(), "run_01JD7Z8Y3Q4W5E6R7T8Y9V0K1R");
        assert_eq!(phase.org.to_string(), "org_01JD7Z8Y3Q4W5E6R7T8Y9V0K1A");
        assert_eq!(phase.phase, Phase::Plan);
        assert_eq!(outcome, PhaseOutcome::Succeeded);
    }

    #[test]
    fn failed_stopped_and_timed_out_builds_fail_the_phase_and_progress_is_ignored() {
        let mut event = fixture("codebuild-succeeded.json");
        for (status, reason) in
            [("FAILED", "failed"), ("STOPPED", "stopped"), ("TIMED_OUT", "timeout"), ("FAULT", "failed")]
        {
            event["detail"]["build-status"] = status.into();
            match build_finished(&event).unwrap().1 {
                PhaseOutcome::Failed(message) | PhaseOutcome::Errored(_, message) => {
                    assert!(message.contains(reason), "{status}: {message}")
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        event["detail"]["build-status"] = "IN_PROGRESS".into();
        assert!(build_finished(&event).is_none());
    }

    #[test]
    fn without_environment_variables_the_log_stream_names_the_run() {
        let mut event = fixture("codebuild-succeeded.json");
        event["detail"]["additional-information"]["environment"]["environment-variables"] = Value::Array(vec![]);
        event["detail"]["additional-information"]["logs"]["stream-name"] =
            "org_01JD7Z8Y3Q4W5E6R7T8Y9V0K1A/dep_01JD7Z8Y3Q4W5E6R7T8Y9V0K1B/run_01JD7Z8Y3Q4W5E6R7T8Y9V0K1R/apply".into();
        assert_eq!(build_finished(&event).unwrap().0.phase, Phase::Apply);
        event["detail"]["additional-information"]["logs"]["stream-name"] = "8745a7a9-c340".into();
        assert!(build_finished(&event).is_none(), "another build's event is ignored");
    }

    #[test]
    fn a_logs_subscription_payload_decodes_into_lines() {
        let data = decode_logs(&fixture("logs-subscription.json")).unwrap();
        let (phase, lines) = log_lines(&data).unwrap();
        assert_eq!(phase.phase, Phase::Apply);
        assert_eq!(phase.run.to_string(), "run_01JD7Z8Y3Q4W5E6R7T8Y9V0K1R");
        assert_eq!(
            lines,
            [
                "null_resource.this[0]: Creating...",
                "[sandbox] sandbox-0: step 1/4 preparing",
                "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
            ]
        );
        assert!(matches!(
            decode_logs(&serde_json::json!({"awslogs": {"data": "not base64!"}})),
            Err(LogsPayloadError::Base64(_))
        ));
        assert!(matches!(decode_logs(&serde_json::json!({})), Err(LogsPayloadError::Missing)));
    }

    #[test]
    fn websocket_events_are_read() {
        assert_eq!(
            socket_event(&fixture("ws-connect.json")),
            Some(SocketEvent::Connect { connection: "L0SM9cOFvHcCIhw=".into(), token: Some("tok_secret".into()) })
        );
        let mut message = fixture("ws-connect.json");
        message["requestContext"]["routeKey"] = "subscribe".into();
        message["body"] = r#"{"action":"subscribe","run_id":"run_x"}"#.into();
        assert!(matches!(socket_event(&message), Some(SocketEvent::Message { body, .. }) if body.contains("run_x")));
        message["requestContext"]["routeKey"] = "$disconnect".into();
        assert_eq!(socket_event(&message), Some(SocketEvent::Disconnect { connection: "L0SM9cOFvHcCIhw=".into() }));
    }
}
