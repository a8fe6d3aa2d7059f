//! log-forwarder: a CloudWatch Logs subscription batch of a runner build's log → the lines are
//! numbered, archived, and posted to the WebSocket connections subscribed to the run (a gone
//! connection is forgotten).

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use skyforge_app::config::{Config, DeploymentConfig, Env};
use skyforge_aws::provisioning::events::{decode_logs, log_lines};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, deployment) = (Config::read_table_only(&mut env), DeploymentConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    // runs are audited but no user is authenticated here: no JWT signing key is read
    let service = &skyforge_wiring::provisioning::aws_deployment_service(&sdk, &config.table_name, &deployment);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        let data = decode_logs(&event.payload)?;
        if let Some((phase, lines)) = log_lines(&data) {
            service.append_log(phase.org, phase.run, phase.phase, lines).await?;
        }
        Ok::<_, lambda_runtime::Error>(())
    }))
    .await
}
