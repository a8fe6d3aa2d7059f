//! sync-scheduler: on the 10-minute schedule, queues one sync per active credential.

use std::collections::HashMap;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use skyforge_app::config::{Config, SyncConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let (config, sync) = (Config::from_env()?, SyncConfig::from_env()?);
    let sdk = skyforge_aws::sdk_config().await;
    // the scheduler lists no cloud: it only queues
    let service = &skyforge_aws::sync_service(&sdk, &config, &sync.queue_url, HashMap::new());
    lambda_runtime::run(service_fn(|_: LambdaEvent<EventBridgeEvent<serde_json::Value>>| async move {
        let stats = service.fan_out().await?;
        tracing::info!(
            credentials = stats.credentials,
            send_calls = stats.send_calls,
            failed = stats.failed,
            "sync fan-out done"
        );
        Ok::<_, lambda_runtime::Error>(serde_json::json!({"credentials": stats.credentials, "failed": stats.failed}))
    }))
    .await
}
