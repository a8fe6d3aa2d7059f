//! AWS adapters of Skyforge's ports: the DynamoDB store, Secrets Manager, health probes, SQS,
//! STS, and (feature `provisioning`) CodeBuild, S3 and API Gateway. Building a function's
//! services from them is `skyforge-wiring`'s job. Every client comes from `aws-config`, so
//! `AWS_ENDPOINT_URL` points all of them at a stand-in (the moto server) without code changes.

pub mod bootstrap;
pub mod dynamo;
pub mod probes;
#[cfg(feature = "provisioning")]
pub mod provisioning;
#[cfg(feature = "sqs")]
pub mod queue;
pub mod secrets;
#[cfg(feature = "sts")]
pub mod sts;
pub mod table;

pub use dynamo::DynamoStore;
pub use secrets::SecretsManager;

/// Loads the shared AWS configuration once per process (region, credentials, endpoint), with
/// deadlines on every call of every client made from it (see [`sdk_timeouts`]).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).timeout_config(sdk_timeouts()).load().await
}

/// `SKYFORGE_AWS_ATTEMPT_TIMEOUT_SECS`: one attempt of an AWS call, default 5 s.
pub const AWS_ATTEMPT_TIMEOUT_VARIABLE: &str = "SKYFORGE_AWS_ATTEMPT_TIMEOUT_SECS";
/// `SKYFORGE_AWS_OPERATION_TIMEOUT_SECS`: an AWS call with all its retries, default 15 s.
pub const AWS_OPERATION_TIMEOUT_VARIABLE: &str = "SKYFORGE_AWS_OPERATION_TIMEOUT_SECS";

/// Deadlines of every AWS call: a connect timeout, an attempt timeout (an attempt that hangs is
/// abandoned and retried by the SDK's standard retry strategy, with its back-off, which stays
/// as configured) and an operation timeout over all attempts. A request's own deadline
/// (`skyforge_api::deadline`, 8 s) answers 503 first; these bound the background functions'
/// calls (sync worker, run reaper) and free a hung connection for the retry.
pub fn sdk_timeouts() -> aws_config::timeout::TimeoutConfig {
    let secs = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|raw| raw.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0 && s.is_finite())
            .map_or(std::time::Duration::from_secs_f64(default), std::time::Duration::from_secs_f64)
    };
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(2))
        .operation_attempt_timeout(secs(AWS_ATTEMPT_TIMEOUT_VARIABLE, 5.0))
        .operation_timeout(secs(AWS_OPERATION_TIMEOUT_VARIABLE, 15.0))
        .build()
}
