//! Provisioning's wiring: deployments and runs with an executor and a live-log hub (CodeBuild
//! and API Gateway on AWS, a subprocess and an in-process hub locally). Runs are audited, and an
//! apply asks for a sync; neither needs user auth, so `run-events` and `log-forwarder` never
//! read the JWT signing key.

use std::sync::Arc;

use aws_config::SdkConfig;
use skyforge_app::audit::AuditService;
use skyforge_app::config::DeploymentConfig;
use skyforge_app::deployment_ports::{LogHub, RunExecutor, SyncRequester};
use skyforge_app::deployments::{DeploymentPorts, DeploymentService};
use skyforge_app::ports::SystemClock;
use skyforge_aws::provisioning::{self, ApiGatewayHub, CodeBuildExecutor, S3Artifacts};

use crate::store;

/// Provisioning with the given executor and live hub; syncs after a run go through `sync` when
/// given (the sandbox template's runs touch no cloud).
pub fn deployment_service(
    sdk: &SdkConfig,
    table_name: &str,
    artifact_bucket: &str,
    executor: Arc<dyn RunExecutor>,
    hub: Arc<dyn LogHub>,
    sync: Option<Arc<dyn SyncRequester>>,
    audit: Arc<AuditService>,
) -> DeploymentService {
    let store = store(sdk, table_name);
    let ports = DeploymentPorts {
        deployments: store.clone(),
        runs: store.clone(),
        recent: store.clone(),
        credentials: store,
        executor,
        artifacts: Arc::new(S3Artifacts::new(provisioning::s3_client(sdk), artifact_bucket)),
        hub,
        sync,
    };
    DeploymentService::new(ports, Arc::new(SystemClock), audit)
}

/// The AWS wiring: CodeBuild runs the phases, API Gateway carries live logs, the sync queue
/// takes the syncs after an apply.
pub fn aws_deployment_service(sdk: &SdkConfig, table_name: &str, config: &DeploymentConfig) -> DeploymentService {
    let sync: Arc<dyn SyncRequester> = crate::sync::sync_requests(sdk, table_name, &config.queue_url);
    let executor = Arc::new(CodeBuildExecutor::new(
        aws_sdk_codebuild::Client::new(sdk),
        &config.runner_project,
        &config.runner_log_group,
    ));
    let hub = Arc::new(ApiGatewayHub::new(sdk, &config.ws_endpoint, store(sdk, table_name)));
    let audit = crate::audit(sdk, table_name);
    deployment_service(sdk, table_name, &config.artifact_bucket, executor, hub, Some(sync), audit)
}
