//! api-health: platform health and the OpenAPI document.

use skyforge_app::config::{Config, Env};
use skyforge_app::health::HealthService;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let config = Config::read(&mut env);
    env.finish()?;
    let sdk = skyforge_aws::sdk_config().await;
    let health = HealthService::new(skyforge_aws::ports(&sdk, &config).probes);
    skyforge_lambda::serve(skyforge_api::finish(skyforge_api::health_router(health.into()))).await
}
