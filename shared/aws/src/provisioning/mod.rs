//! Adapters of the provisioning ports (feature `provisioning`): run artifacts and the log
//! archive on S3, the CodeBuild executor, and live log posts through the API Gateway
//! Management API.

pub mod artifacts;
pub mod codebuild;
pub mod events;
pub mod locks;
pub mod setup;
pub mod websocket;

pub use artifacts::S3Artifacts;
pub use codebuild::CodeBuildExecutor;
pub use locks::DynamoStateLocks;
pub use websocket::ApiGatewayHub;

/// An S3 client that also works against a stand-in addressed by host name (path-style).
pub fn s3_client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let mut builder = aws_sdk_s3::config::Builder::from(sdk);
    if std::env::var_os("AWS_ENDPOINT_URL").is_some() {
        builder = builder.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}
