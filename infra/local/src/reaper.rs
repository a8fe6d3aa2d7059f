//! What stands in locally for the `run-reaper` function's EventBridge schedule: the same
//! service call once at start-up (a restarted runtime's runners are gone: their runs are
//! errored `executor_lost` at once) and then on a timer.

use std::sync::Arc;
use std::time::Duration;

use skyforge_app::deployments::DeploymentService;

/// One pass at start-up, then one every `interval` (never again when it is zero).
pub async fn reaper(service: Arc<DeploymentService>, interval: Duration) {
    loop {
        match service.reap().await {
            Ok(report) if report == Default::default() => tracing::debug!("run reaper: no running runs"),
            Ok(report) => tracing::info!(
                examined = report.examined,
                finished = report.finished,
                lost = report.lost,
                timed_out = report.timed_out,
                locks_released = report.locks_released,
                failed = report.failed,
                "run reaper pass"
            ),
            Err(error) => tracing::error!(error = ?error, "the run reaper pass failed; trying again next interval"),
        }
        if interval.is_zero() {
            return;
        }
        tokio::time::sleep(interval).await;
    }
}
