//! api-deployments: templates, deployments and their resources, runs (CodeBuild builds),
//! approvals and run logs.

use std::sync::Arc;

use skyforge_api::routes::deployments::DeploymentsState;
use skyforge_app::config::{Config, DeploymentConfig, Env};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    let (config, deployment) = (Config::read(&mut env), DeploymentConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = skyforge_wiring::services(&sdk, &config).await?;
    let deployments =
        Arc::new(skyforge_wiring::provisioning::aws_deployment_service(&sdk, &config.table_name, &deployment));
    // a deployment's resources are read from the inventory (its deployment filter)
    let inventory = Arc::new(skyforge_wiring::inventory_service(&sdk, &config.table_name));
    let router = skyforge_api::deployments_router(DeploymentsState { services, deployments, inventory });
    skyforge_lambda::serve(skyforge_api::finish(router)).await
}
