//! What stands in locally for CodeBuild and the API Gateway WebSocket API: a run phase is a
//! subprocess of `infra/runner/run.sh` (the script the buildspec runs), its output lines go to
//! the log hub and the archive as they appear, and its exit moves the run on through the same
//! service call the run-events function makes. Live messages reach WebSocket clients of this
//! process through an in-process broadcast channel.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use skyforge_api::error::ApiError;
use skyforge_api::live::{LiveSession, SubscriptionChange};
use skyforge_app::Services;
use skyforge_app::deployment_ports::{LogHub, PhaseRequest, RunExecutor};
use skyforge_app::deployments::{DeploymentService, PhaseOutcome};
use skyforge_app::error::{AppError, BoxError};
use skyforge_aws::provisioning::codebuild::runner_environment;
use skyforge_domain::deployments::{ExecutionState, LiveMessage, Phase, RunErrorReason};
use skyforge_domain::ids::{OrgId, RunId};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Where the runner finds its tools and stores; see docs/configuration.md.
#[derive(Debug, Clone)]
pub struct RunnerSettings {
    pub script: PathBuf,
    pub terraform: PathBuf,
    pub python: PathBuf,
    pub cli_config: Option<PathBuf>,
    pub state_bucket: String,
    pub lock_table: String,
    pub artifact_bucket: String,
    pub work_root: PathBuf,
    pub phase_timeout: Duration,
}

/// Lines are archived and published in batches: at most this many, or this often.
const BATCH_LINES: usize = 50;
const BATCH_EVERY: Duration = Duration::from_millis(100);

pub struct LocalExecutor {
    settings: RunnerSettings,
    /// Set once the service exists (it owns this executor).
    service: OnceLock<Arc<DeploymentService>>,
    /// Each running phase by execution id, with how to stop it (taken by the first stop): only
    /// the task that waits for a runner signals its process group, before reaping it, so a
    /// recycled pid is never signalled. An entry stays until the run has been moved on, so the
    /// run reaper never sees a phase as gone whose end is still being reported.
    running: Arc<Mutex<HashMap<String, Option<oneshot::Sender<()>>>>>,
}

impl LocalExecutor {
    pub fn new(settings: RunnerSettings) -> Arc<Self> {
        Arc::new(Self { settings, service: OnceLock::new(), running: Arc::new(Mutex::new(HashMap::new())) })
    }

    pub fn attach(&self, service: Arc<DeploymentService>) {
        let _ = self.service.set(service);
    }

    fn service(&self) -> Result<Arc<DeploymentService>, BoxError> {
        self.service.get().cloned().ok_or_else(|| "the executor is not attached to the service".into())
    }
}

#[async_trait]
impl RunExecutor for LocalExecutor {
    async fn start(&self, request: &PhaseRequest) -> Result<String, BoxError> {
        let service = self.service()?;
        let s = &self.settings;
        let execution_id = format!("local-{}-{}", request.run_id, request.phase.as_str());
        let work_dir = s.work_root.join(request.run_id.to_string()).join(request.phase.as_str());
        let mut command = Command::new("bash");
        command
            .arg(&s.script)
            .envs(runner_environment(request))
            .env("SKYFORGE_STATE_BUCKET", &s.state_bucket)
            .env("SKYFORGE_LOCK_TABLE", &s.lock_table)
            .env("SKYFORGE_ARTIFACT_BUCKET", &s.artifact_bucket)
            .env("SKYFORGE_TERRAFORM", &s.terraform)
            .env("SKYFORGE_PYTHON", &s.python)
            .env("SKYFORGE_WORK_DIR", &work_dir)
            .env_remove("SKYFORGE_CLOUD_CREDENTIALS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // its own process group, so a cancel stops terraform and its provisioners too
            .process_group(0)
            .kill_on_drop(true);
        // SAFETY: prctl is async-signal-safe and touches only the child's own state. The runner
        // dies with this process even when it is killed outright (kill -9), so after a restart
        // no runner of the old process is left working on a run the reaper declared lost.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        if let Some(config) = &s.cli_config {
            command.env("TF_CLI_CONFIG_FILE", config);
        }
        if request.credential_secret_id.is_some() {
            // CodeBuild resolves the secret inside the build; locally the cloud modules cannot
            // run offline anyway, so no secret is handed to a subprocess
            tracing::warn!(run = %request.run_id, "local runs do not pass cloud credentials to the runner");
        }
        let mut child = command.spawn().map_err(|e| format!("starting {}: {e}", s.script.display()))?;
        let pid = child.id().ok_or("the runner exited at once")?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        self.running.lock().expect("lock").insert(execution_id.clone(), Some(stop_tx));

        let (lines_tx, lines_rx) = mpsc::unbounded_channel::<String>();
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            child.stderr.take().map(|s| Box::new(s) as _),
        ]
        .into_iter()
        .flatten()
        {
            let tx = lines_tx.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        drop(lines_tx);

        let (org, run, phase) = (request.org_id, request.run_id, request.phase);
        let forwarder = tokio::spawn(forward_lines(service.clone(), org, run, phase, lines_rx));
        let timeout = s.phase_timeout;
        let exec_id = execution_id.clone();
        let registry = self.running.clone();
        tokio::spawn(async move {
            let exited = |status: std::io::Result<std::process::ExitStatus>| match status {
                Ok(status) if status.success() => PhaseOutcome::Succeeded,
                Ok(status) => PhaseOutcome::Failed(format!(
                    "terraform {} failed (exit status {}); see the log",
                    phase.as_str(),
                    status.code().map_or("signal".into(), |c| c.to_string())
                )),
                Err(e) => PhaseOutcome::Failed(format!("the runner could not be awaited: {e}")),
            };
            // in the two stop branches the runner is not reaped yet, so its pid and process
            // group are still its own when they are signalled
            let outcome = tokio::select! {
                status = child.wait() => exited(status),
                _ = stop_rx => {
                    kill_group(pid);
                    exited(child.wait().await)
                }
                _ = tokio::time::sleep(timeout) => {
                    kill_group(pid);
                    let _ = child.wait().await;
                    PhaseOutcome::Errored(
                        RunErrorReason::PhaseTimeout,
                        format!("the {} phase exceeded its timeout", phase.as_str()),
                    )
                }
            };
            // every line is archived before the run moves on, so a finished run's log is whole
            let _ = forwarder.await;
            if let Err(error) = service.phase_finished(org, run, phase, outcome).await {
                tracing::error!(run = %run, error = %error, "moving the run on after its phase failed");
            }
            registry.lock().expect("lock").remove(exec_id.as_str());
        });
        Ok(execution_id)
    }

    async fn stop(&self, execution_id: &str) -> Result<(), BoxError> {
        let stop = self.running.lock().expect("lock").get_mut(execution_id).and_then(Option::take);
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        Ok(())
    }

    /// A runner is a child of this process: one this process did not start (a runner of a
    /// process that was killed and restarted) is gone.
    async fn status(&self, execution_id: &str) -> Result<ExecutionState, BoxError> {
        Ok(match self.running.lock().expect("lock").contains_key(execution_id) {
            true => ExecutionState::Running,
            false => ExecutionState::Gone,
        })
    }
}

/// Stops a runner and everything it started: bash, terraform and its provisioners share the
/// runner's process group (its id is the runner's pid). Called only while the runner is not
/// yet reaped, so the group is still its own.
fn kill_group(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    // never 0 or 1 here: those would be our own group or init's
    if pid > 1 {
        // SAFETY: killpg only sends a signal; no memory is shared or handed over
        unsafe { libc::killpg(pid, libc::SIGTERM) };
    }
}

async fn forward_lines(
    service: Arc<DeploymentService>,
    org: OrgId,
    run: RunId,
    phase: Phase,
    mut lines: mpsc::UnboundedReceiver<String>,
) {
    let mut batch = Vec::new();
    let mut open = true;
    while open {
        // wait for the first line, then collect for a short while
        match lines.recv().await {
            Some(line) => batch.push(line),
            None => break,
        }
        let deadline = tokio::time::Instant::now() + BATCH_EVERY;
        while batch.len() < BATCH_LINES {
            match tokio::time::timeout_at(deadline, lines.recv()).await {
                Ok(Some(line)) => batch.push(line),
                Ok(None) => {
                    open = false;
                    break;
                }
                Err(_) => break,
            }
        }
        if let Err(error) = service.append_log(org, run, phase, std::mem::take(&mut batch)).await {
            tracing::error!(run = %run, error = ?error, "log lines could not be archived");
        }
    }
    if !batch.is_empty()
        && let Err(error) = service.append_log(org, run, phase, batch).await
    {
        tracing::error!(run = %run, error = ?error, "log lines could not be archived");
    }
}

/// The in-process hub: every live message goes to every local WebSocket session, which keeps
/// those of the runs it subscribed to.
#[derive(Clone)]
pub struct LocalHub {
    tx: broadcast::Sender<(RunId, Arc<str>)>,
}

impl LocalHub {
    pub fn new() -> Self {
        Self { tx: broadcast::channel(8192).0 }
    }
}

#[async_trait]
impl LogHub for LocalHub {
    async fn publish(&self, _org: OrgId, run: RunId, messages: &[LiveMessage]) -> Result<(), BoxError> {
        for message in messages {
            // no receiver is not an error: nobody watches
            let _ = self.tx.send((run, Arc::from(serde_json::to_string(message)?)));
        }
        Ok(())
    }
}

#[derive(Clone)]
pub struct LiveState {
    pub services: Services,
    pub deployments: Arc<DeploymentService>,
    pub hub: LocalHub,
}

#[derive(Deserialize)]
pub struct ConnectParams {
    token: Option<String>,
}

/// `GET /v1/live?token=...`: the local WebSocket endpoint. Like API Gateway's `$connect`, an
/// upgrade without a valid token is refused (401) before any socket exists.
pub async fn connect(
    State(state): State<LiveState>,
    Query(params): Query<ConnectParams>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(token) = params.token.filter(|t| !t.is_empty()) else {
        return ApiError::from(AppError::Unauthenticated).into_response();
    };
    let principal = match state.services.auth.authenticate(&token).await {
        Ok(principal) => principal,
        Err(error) => return ApiError::from(error).into_response(),
    };
    upgrade.on_upgrade(move |socket| session(socket, state, principal))
}

async fn session(socket: WebSocket, state: LiveState, principal: skyforge_app::Principal) {
    let (mut sink, mut stream) = socket.split();
    let mut feed = state.hub.tx.subscribe();
    let mut runs: HashSet<RunId> = HashSet::new();
    loop {
        tokio::select! {
            incoming = stream.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let session = LiveSession { services: &state.services, deployments: &state.deployments, principal: &principal };
                let handled = session.handle(&text).await;
                match handled.change {
                    Some(SubscriptionChange::Subscribe(run)) => { runs.insert(run.id); }
                    Some(SubscriptionChange::Unsubscribe(run)) => { runs.remove(&run); }
                    None => {}
                }
                let Some(reply) = handled.reply else { continue };
                let Ok(json) = serde_json::to_string(&reply) else { continue };
                if sink.send(Message::Text(json.into())).await.is_err() { break; }
            }
            item = feed.recv() => match item {
                Ok((run, json)) if runs.contains(&run) => {
                    if sink.send(Message::Text(json.to_string().into())).await.is_err() { break; }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let message = LiveMessage::Error { code: "lagged".into(), message: format!("{missed} messages were dropped; read the log from the API") };
                    if let Ok(json) = serde_json::to_string(&message)
                        && sink.send(Message::Text(json.into())).await.is_err() { break; }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    }
}
