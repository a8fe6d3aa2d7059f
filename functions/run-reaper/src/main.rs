//! run-reaper: on a 5-minute schedule, runs whose CodeBuild build ended unreported, vanished or
//! overran its deadline are moved on (see `DeploymentService::reap` and docs/operations.md), and
//! a Terraform state lock a lost build left is released.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use skyforge_app::config::{Config, DeploymentConfig, Env, ReaperConfig};
use skyforge_aws::provisioning::DynamoStateLocks;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, deployment, reaper) =
        (Config::read_table_only(&mut env), DeploymentConfig::read(&mut env), ReaperConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let locks = DynamoStateLocks::new(aws_sdk_dynamodb::Client::new(&sdk), &reaper.lock_table, &reaper.state_bucket);
    // no user signs in here: the JWT signing key is never read
    let service = &skyforge_wiring::provisioning::aws_deployment_service(&sdk, &config.table_name, &deployment)
        .with_state_locks(Arc::new(locks));
    lambda_runtime::run(service_fn(|_: LambdaEvent<EventBridgeEvent<serde_json::Value>>| async move {
        let report = service.reap().await?;
        tracing::info!(
            examined = report.examined,
            finished = report.finished,
            lost = report.lost,
            timed_out = report.timed_out,
            locks_released = report.locks_released,
            failed = report.failed,
            "run reaper pass"
        );
        Ok::<_, lambda_runtime::Error>(serde_json::json!({
            "examined": report.examined,
            "finished": report.finished,
            "lost": report.lost,
            "timed_out": report.timed_out,
            "locks_released": report.locks_released,
            "failed": report.failed,
        }))
    }))
    .await
}
