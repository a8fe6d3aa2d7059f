//! Runs a phase as a CodeBuild build of the `terraform-runner` project, which executes
//! `infra/buildspec.yml` (and so `infra/runner/run.sh`). The run's identity travels as plain
//! environment variables; the cloud credential only as a `SECRETS_MANAGER` reference, which
//! CodeBuild resolves inside the build: the secret never appears in the request or the log.

use async_trait::async_trait;
use aws_sdk_codebuild::Client;
use aws_sdk_codebuild::types::{
    CloudWatchLogsConfig, EnvironmentVariable, EnvironmentVariableType, LogsConfig, LogsConfigStatusType, StatusType,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use base64::Engine;
use skyforge_app::deployment_ports::{PhaseRequest, RunExecutor};
use skyforge_app::error::BoxError;
use skyforge_domain::deployments::ExecutionState;

/// Environment variables the runner reads (see `infra/runner/run.sh`).
pub fn runner_environment(request: &PhaseRequest) -> Vec<(&'static str, String)> {
    let variables = base64::engine::general_purpose::STANDARD.encode(request.variables.to_string());
    let mut env = vec![
        ("SKYFORGE_PHASE", request.phase.as_str().to_owned()),
        (
            "SKYFORGE_RUN_KIND",
            serde_json::to_value(request.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        ),
        ("SKYFORGE_ORG_ID", request.org_id.to_string()),
        ("SKYFORGE_DEPLOYMENT_ID", request.deployment_id.to_string()),
        ("SKYFORGE_RUN_ID", request.run_id.to_string()),
        ("SKYFORGE_MODULE", request.module.clone()),
        ("SKYFORGE_STATE_KEY", request.state_key.clone()),
        ("SKYFORGE_ARTIFACT_PREFIX", request.artifact_prefix.clone()),
        ("SKYFORGE_TFVARS_B64", variables),
    ];
    if let Some(provider) = request.provider {
        env.push(("SKYFORGE_PROVIDER", provider.as_str().to_owned()));
    }
    env
}

/// The CloudWatch Logs stream of a phase: the log forwarder reads the run from its name.
pub fn log_stream_name(request: &PhaseRequest) -> String {
    format!("{}/{}/{}/{}", request.org_id, request.deployment_id, request.run_id, request.phase.as_str())
}

pub struct CodeBuildExecutor {
    client: Client,
    project: String,
    log_group: String,
}

impl CodeBuildExecutor {
    pub fn new(client: Client, project: &str, log_group: &str) -> Self {
        Self { client, project: project.to_owned(), log_group: log_group.to_owned() }
    }
}

fn variable(name: &str, value: String, kind: EnvironmentVariableType) -> Result<EnvironmentVariable, BoxError> {
    Ok(EnvironmentVariable::builder().name(name).value(value).r#type(kind).build()?)
}

#[async_trait]
impl RunExecutor for CodeBuildExecutor {
    async fn start(&self, request: &PhaseRequest) -> Result<String, BoxError> {
        let mut overrides = runner_environment(request)
            .into_iter()
            .map(|(name, value)| variable(name, value, EnvironmentVariableType::Plaintext))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(secret) = &request.credential_secret_id {
            overrides.push(variable(
                "SKYFORGE_CLOUD_CREDENTIALS",
                secret.clone(),
                EnvironmentVariableType::SecretsManager,
            )?);
        }
        let logs = LogsConfig::builder()
            .cloud_watch_logs(
                CloudWatchLogsConfig::builder()
                    .status(LogsConfigStatusType::Enabled)
                    .group_name(&self.log_group)
                    .stream_name(log_stream_name(request))
                    .build()?,
            )
            .build();
        let output = self
            .client
            .start_build()
            .project_name(&self.project)
            .set_environment_variables_override(Some(overrides))
            .logs_config_override(logs)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        output
            .build_value()
            .and_then(|b| b.id())
            .map(str::to_owned)
            .ok_or_else(|| "StartBuild returned no build id".into())
    }

    async fn stop(&self, execution_id: &str) -> Result<(), BoxError> {
        match self.client.stop_build().id(execution_id).send().await {
            Ok(_) => Ok(()),
            // a build that already ended cannot be stopped, which is what was wanted
            Err(e) if e.as_service_error().is_some_and(|e| e.is_invalid_input_exception()) => Ok(()),
            Err(e) => Err(DisplayErrorContext(e).to_string().into()),
        }
    }

    async fn status(&self, execution_id: &str) -> Result<ExecutionState, BoxError> {
        let output = self
            .client
            .batch_get_builds()
            .ids(execution_id)
            .send()
            .await
            .map_err(|e| format!("asking CodeBuild about build {execution_id}: {}", DisplayErrorContext(e)))?;
        let Some(build) = output.builds().iter().find(|b| b.id() == Some(execution_id)) else {
            // listed under builds_not_found, or expired from CodeBuild's history
            return Ok(ExecutionState::Gone);
        };
        Ok(match build.build_status() {
            None | Some(StatusType::InProgress) => ExecutionState::Running,
            Some(StatusType::Succeeded) => ExecutionState::Succeeded,
            Some(other) => ExecutionState::Failed(other.as_str().to_owned()),
        })
    }
}
