//! api-credentials: cloud accounts and "sync now".

use std::sync::Arc;

use skyforge_api::routes::credentials::CredentialsState;
use skyforge_app::config::{CloudEndpoints, Config, Env, RoleSetupConfig, SyncConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    skyforge_lambda::init_tracing();
    let mut env = Env::process();
    // "Sync now" and first syncs go on the on-demand queue, ahead of the scheduler's
    let (config, roles) = (Config::read(&mut env), RoleSetupConfig::read(&mut env));
    let now_queue_url = env.required(SyncConfig::NOW_QUEUE_URL);
    let endpoints = CloudEndpoints::read(&mut env);
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = skyforge_wiring::services(&sdk, &config).await?;
    let credentials = Arc::new(skyforge_wiring::sync::credential_service(
        &sdk,
        &config.table_name,
        &now_queue_url,
        &roles,
        &endpoints,
        services.audit.clone(),
    ));
    let router = skyforge_api::credentials_router(CredentialsState { services, credentials });
    skyforge_lambda::serve(skyforge_api::finish(router)).await
}
