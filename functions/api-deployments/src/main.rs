//! api-deployments: templates, deployments and their resources, runs (CodeBuild builds),
//! approvals and run logs.

use std::sync::Arc;

use skyforge_api::routes::deployments::DeploymentsState;
use skyforge_app::config::{Config, DeploymentConfig, SyncConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let (config, deployment, sync) = (Config::from_env()?, DeploymentConfig::from_env()?, SyncConfig::from_env()?);
    let sdk = skyforge_aws::sdk_config().await;
    let services = skyforge_aws::services(&sdk, &config).await?;
    // never checks a credential with its provider: the default endpoints are never called
    let credentials = Arc::new(skyforge_aws::credential_service(&sdk, &config, &sync, &services, &Default::default()));
    let deployments =
        Arc::new(skyforge_aws::aws_deployment_service(&sdk, &config, &deployment, Some(credentials), &services));
    // a deployment's resources are read from the inventory (its deployment filter)
    let inventory = Arc::new(skyforge_aws::inventory_service(&sdk, &config));
    let router = skyforge_api::deployments_router(DeploymentsState { services, deployments, inventory });
    skyforge_lambda::serve(skyforge_api::finish(router)).await
}
