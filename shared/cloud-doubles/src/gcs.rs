//! The Cloud Storage emulator (PyPI `gcp-storage-emulator`, installed into the checkout's
//! `.venv` by `infra/local/setup.sh`), started on 127.0.0.1 and stopped by its PID on drop.
//! It serves the JSON API under `/storage/v1`; it ignores the project of a bucket list and
//! reports every bucket as `US`/`STANDARD`, whatever it was created with.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `SKYFORGE_GCS_EMULATOR`: the emulator's executable, when not in `<repo>/.venv/bin`.
pub const EMULATOR_VAR: &str = "SKYFORGE_GCS_EMULATOR";

pub struct GcsEmulator {
    child: Child,
    uri: String,
}

impl GcsEmulator {
    pub fn executable() -> PathBuf {
        std::env::var_os(EMULATOR_VAR)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/gcp-storage-emulator"))
    }

    /// Starts an in-memory emulator on a free port and waits until it answers.
    pub async fn start() -> Result<Self, String> {
        let executable = Self::executable();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut command = Command::new(&executable);
        command
            .args(["start", "--host", "127.0.0.1", "--port", &port.to_string(), "--in-memory"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // a process killed outright (the local runtime under a test, SIGKILL) never runs Drop:
        // the kernel then stops the emulator with it
        // SAFETY: prctl is async-signal-safe and touches only the child's own state
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {} (run infra/local/setup.sh): {e}", executable.display()))?;
        let emulator = Self { child, uri: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if client.get(format!("{}/storage/v1/b?project=probe", emulator.uri)).send().await.is_ok() {
                return Ok(emulator);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the Cloud Storage emulator did not answer within 20 s".into())
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Creates a bucket through the JSON API, as `gcloud storage buckets create` would.
    pub async fn create_bucket(&self, project: &str, name: &str) -> Result<(), String> {
        let response = reqwest::Client::new()
            .post(format!("{}/storage/v1/b?project={project}", self.uri))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status().is_success() { Ok(()) } else { Err(format!("bucket {name}: {}", response.status())) }
    }
}

impl Drop for GcsEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
