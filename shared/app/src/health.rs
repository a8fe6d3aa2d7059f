//! Platform health: each dependency probed concurrently, with a time limit.

use std::sync::Arc;
use std::time::Instant;

use crate::ports::{HealthProbe, PROBE_TIMEOUT};

#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub name: &'static str,
    pub ok: bool,
    pub latency_ms: u64,
    /// A short reason; never the dependency's raw error text, which could name internals.
    pub error: Option<&'static str>,
}

pub struct HealthService {
    probes: Vec<Arc<dyn HealthProbe>>,
}

impl HealthService {
    pub fn new(probes: Vec<Arc<dyn HealthProbe>>) -> Self {
        Self { probes }
    }

    pub async fn check(&self) -> Vec<CheckResult> {
        let checks = self.probes.iter().map(|probe| async move {
            let started = Instant::now();
            let outcome = tokio::time::timeout(PROBE_TIMEOUT, probe.check()).await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let error = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(error)) => {
                    tracing::warn!(probe = probe.name(), error = ?error, "health probe failed");
                    Some("unavailable")
                }
                Err(_) => Some("timed out"),
            };
            CheckResult { name: probe.name(), ok: error.is_none(), latency_ms, error }
        });
        futures::future::join_all(checks).await
    }
}
