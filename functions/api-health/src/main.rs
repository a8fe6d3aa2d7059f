//! api-health: platform health and the OpenAPI document.

use skyforge_app::config::{Config, Env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let config = Config::read(&mut env);
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let health = skyforge_wiring::health(&sdk, &config);
    skyforge_lambda::serve(skyforge_api::finish(skyforge_api::health_router(health.into()))).await
}
