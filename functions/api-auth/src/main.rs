//! api-auth: accounts, organisations, members, API tokens and the audit trail.

use skyforge_app::config::Config;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let config = Config::from_env()?;
    let sdk = skyforge_aws::sdk_config().await;
    let services = skyforge_aws::services(&sdk, &config).await?;
    skyforge_lambda::serve(skyforge_api::finish(skyforge_api::auth_router(services))).await
}
