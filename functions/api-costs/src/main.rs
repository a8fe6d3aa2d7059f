//! api-costs: cost analytics and savings recommendations. It only reads: the sync worker
//! refreshes costs from the billing APIs.

use std::sync::Arc;

use skyforge_api::routes::costs::CostsState;
use skyforge_app::config::{Config, Env, cost_policy};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let (config, policy) = (Config::read(&mut env), cost_policy(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = skyforge_wiring::services(&sdk, &config).await?;
    let costs = Arc::new(skyforge_wiring::cost_reports(&sdk, &config.table_name, policy));
    let router = skyforge_api::costs_router(CostsState { services, costs });
    skyforge_lambda::serve(skyforge_api::finish(router)).await
}
