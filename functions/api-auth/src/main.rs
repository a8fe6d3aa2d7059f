//! api-auth: accounts, organisations, members, API tokens and the audit trail.

use skyforge_app::config::{Config, Env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let config = Config::read(&mut env);
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = skyforge_wiring::services(&sdk, &config).await?;
    skyforge_lambda::serve(skyforge_api::finish(skyforge_api::auth_router(services))).await
}
