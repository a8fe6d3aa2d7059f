//! A Lambda Runtime API emulator on 127.0.0.1: runs a function's binary the way Lambda does and
//! hands it events one at a time through the four endpoints Lambda serves (next invocation,
//! response, invocation error, init error). The tests drive the WebSocket function with it and
//! `make package` times cold starts with it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot, watch};

type Answer = Result<Value, String>;

struct Invocation {
    event: Value,
    answer: oneshot::Sender<Answer>,
}

struct Emulator {
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
    init_error: watch::Sender<Option<String>>,
}

/// A function process and the emulator it polls; both stop when this is dropped.
pub struct LambdaProcess {
    invocations: mpsc::Sender<Invocation>,
    init_error: watch::Receiver<Option<String>>,
    child: tokio::process::Child,
    server: tokio::task::JoinHandle<()>,
}

impl LambdaProcess {
    /// Starts `binary` with exactly `env` (plus the runtime's own variables).
    pub async fn start(binary: &Path, function: &str, env: &BTreeMap<String, String>) -> Result<Self, String> {
        let (invocations, queue) = mpsc::channel(16);
        let (init_error, init_error_seen) = watch::channel(None);
        let emulator =
            Arc::new(Emulator { queue: tokio::sync::Mutex::new(queue), in_flight: Mutex::default(), init_error });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(invocation_error))
            .route("/2018-06-01/runtime/init/error", post(init_error_posted))
            .with_state(emulator);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let child = tokio::process::Command::new(binary)
            .env_clear()
            .envs(env)
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", function)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "local")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        Ok(Self { invocations, init_error: init_error_seen, child, server })
    }

    /// Hands the function one event and waits (30 s at most) for what it answered: its response
    /// body, or the error it (or its initialisation) reported.
    pub async fn invoke(&mut self, event: Value) -> Result<Value, String> {
        let (answer, answered) = oneshot::channel();
        self.invocations.send(Invocation { event, answer }).await.map_err(|_| "the emulator stopped".to_owned())?;
        let mut init_error = self.init_error.clone();
        let outcome = tokio::time::timeout(Duration::from_secs(30), async {
            tokio::select! {
                answer = answered => answer.unwrap_or_else(|_| Err("the invocation was dropped".into())),
                reported = async {
                    let _ = init_error.wait_for(Option::is_some).await;
                    init_error.borrow().clone().unwrap_or_default()
                } => Err(format!("init failed: {reported}")),
                status = self.child.wait() => Err(format!("the process exited ({status:?})")),
            }
        })
        .await;
        outcome.unwrap_or_else(|_| Err("no answer within 30 s".into()))
    }
}

impl Drop for LambdaProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        self.server.abort();
    }
}

async fn next(State(emulator): State<Arc<Emulator>>) -> Result<(HeaderMap, String), StatusCode> {
    let invocation = emulator.queue.lock().await.recv().await.ok_or(StatusCode::GONE)?;
    let id = ulid::Ulid::new().to_string();
    emulator.in_flight.lock().unwrap().insert(id.clone(), invocation.answer);
    let mut headers = HeaderMap::new();
    let header = |value: &str| HeaderValue::from_str(value).expect("a header value");
    headers.insert("lambda-runtime-aws-request-id", header(&id));
    let deadline = (chrono::Utc::now() + chrono::Duration::seconds(30)).timestamp_millis().to_string();
    headers.insert("lambda-runtime-deadline-ms", header(&deadline));
    headers
        .insert("lambda-runtime-invoked-function-arn", header("arn:aws:lambda:us-east-1:123456789012:function:local"));
    headers.insert("lambda-runtime-trace-id", header("Root=1-00000000-000000000000000000000000"));
    Ok((headers, invocation.event.to_string()))
}

fn answer(emulator: &Emulator, id: &str, outcome: Answer) -> StatusCode {
    match emulator.in_flight.lock().unwrap().remove(id) {
        Some(sender) => {
            let _ = sender.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

async fn response(State(emulator): State<Arc<Emulator>>, UrlPath(id): UrlPath<String>, body: String) -> StatusCode {
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    answer(&emulator, &id, Ok(body))
}

async fn invocation_error(
    State(emulator): State<Arc<Emulator>>,
    UrlPath(id): UrlPath<String>,
    body: String,
) -> StatusCode {
    answer(&emulator, &id, Err(body))
}

async fn init_error_posted(State(emulator): State<Arc<Emulator>>, body: String) -> StatusCode {
    emulator.init_error.send_replace(Some(body));
    StatusCode::ACCEPTED
}
