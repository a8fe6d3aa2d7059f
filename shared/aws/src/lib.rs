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

/// Loads the shared AWS configuration once per process (region, credentials, endpoint).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await
}
