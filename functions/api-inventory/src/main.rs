//! api-inventory: the inventory, resource history, the dashboard, provider health and
//! compliance findings.

use std::sync::Arc;

use skyforge_api::routes::inventory::InventoryState;
use skyforge_app::config::{Config, Env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let config = Config::read(&mut env);
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = skyforge_wiring::services(&sdk, &config).await?;
    let inventory = Arc::new(skyforge_wiring::inventory_service(&sdk, &config.table_name));
    let compliance = Arc::new(skyforge_wiring::compliance_reader(&sdk, &config.table_name));
    let router = skyforge_api::inventory_router(InventoryState { services, inventory, compliance });
    skyforge_lambda::serve(skyforge_api::finish(router)).await
}
