//! run-events: a CodeBuild build of the terraform runner ended (EventBridge "CodeBuild Build
//! State Change") → the run moves on, through the same service call the local runtime makes when
//! its runner subprocess exits.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use skyforge_app::config::{Config, DeploymentConfig, Env};
use skyforge_aws::provisioning::events::build_finished;

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
        let Some((phase, outcome)) = build_finished(&event.payload) else {
            tracing::debug!("not the end of a run's build; ignored");
            return Ok::<_, lambda_runtime::Error>(());
        };
        // an error makes EventBridge retry the event; a stale event changes nothing
        service.phase_finished(phase.org, phase.run, phase.phase, outcome).await?;
        Ok(())
    }))
    .await
}
