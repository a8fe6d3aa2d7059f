//! AWS adapters of Skyforge's ports: the DynamoDB store, Secrets Manager, health probes, and
//! the start-up that builds them. Every client comes from `aws-config`, so `AWS_ENDPOINT_URL`
//! points all of them at a stand-in (the moto server) without code changes.

pub mod bootstrap;
pub mod dynamo;
pub mod probes;
#[cfg(feature = "provisioning")]
pub mod provisioning;
pub mod queue;
pub mod secrets;
pub mod sts;
pub mod table;

use std::sync::Arc;

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};
use secrecy::ExposeSecret;
use skyforge_app::Services;
use std::collections::HashMap;

use skyforge_app::clouds::{CloudInventory, CredentialVerifier};
use skyforge_app::config::{CloudEndpoints, Config, RoleSetupConfig};
use skyforge_app::costs::{CostService, CostSource};
use skyforge_app::credentials::{AwsRoleSetup, CredentialPorts, CredentialService};
use skyforge_app::inventory::InventoryService;
use skyforge_app::jwt::JwtCodec;
use skyforge_app::ports::{Ports, Secrets, SystemClock};
use skyforge_app::sync::{SyncPorts, SyncService};
use skyforge_domain::costs::CostPolicy;
use skyforge_domain::provider::Provider;

pub use dynamo::DynamoStore;
pub use secrets::SecretsManager;

/// Loads the shared AWS configuration once per process (region, credentials, endpoint), with
/// deadlines on every call of every client made from it (see [`sdk_timeouts`]).
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).timeout_config(sdk_timeouts()).load().await
}

/// `SKYFORGE_AWS_ATTEMPT_TIMEOUT_SECS`: one attempt of an AWS call, default 5 s.
pub const AWS_ATTEMPT_TIMEOUT_VARIABLE: &str = "SKYFORGE_AWS_ATTEMPT_TIMEOUT_SECS";
/// `SKYFORGE_AWS_OPERATION_TIMEOUT_SECS`: an AWS call with all its retries, default 15 s.
pub const AWS_OPERATION_TIMEOUT_VARIABLE: &str = "SKYFORGE_AWS_OPERATION_TIMEOUT_SECS";

/// Deadlines of every AWS call: a connect timeout, an attempt timeout (an attempt that hangs is
/// abandoned and retried by the SDK's standard retry strategy, with its back-off, which stays
/// as configured) and an operation timeout over all attempts. A request's own deadline
/// (`skyforge_api::deadline`, 8 s) answers 503 first; these bound the background functions'
/// calls (sync worker, run reaper) and free a hung connection for the retry.
pub fn sdk_timeouts() -> aws_config::timeout::TimeoutConfig {
    let secs = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|raw| raw.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0 && s.is_finite())
            .map_or(std::time::Duration::from_secs_f64(default), std::time::Duration::from_secs_f64)
    };
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(2))
        .operation_attempt_timeout(secs(AWS_ATTEMPT_TIMEOUT_VARIABLE, 5.0))
        .operation_timeout(secs(AWS_OPERATION_TIMEOUT_VARIABLE, 15.0))
        .build()
}

/// Builds every port from AWS clients.
pub fn ports(sdk: &SdkConfig, config: &Config) -> Ports {
    let store = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name));
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    Ports {
        users: store.clone(),
        orgs: store.clone(),
        tokens: store.clone(),
        sessions: store.clone(),
        login_attempts: store.clone(),
        audit: store.clone(),
        probes: vec![
            Arc::new(probes::TableProbe::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name)),
            Arc::new(probes::SecretProbe::new(secrets, &config.jwt_secret_id)),
        ],
        clock: Arc::new(SystemClock),
    }
}

/// The app table's store, for a function that uses ports directly (the WebSocket connections).
pub fn app_store(sdk: &SdkConfig, config: &Config) -> Arc<DynamoStore> {
    store(sdk, config)
}

fn store(sdk: &SdkConfig, config: &Config) -> Arc<DynamoStore> {
    Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name))
}

/// Cloud accounts: credentials, their secrets, the queue, and the AWS credential check.
pub fn credential_service(
    sdk: &SdkConfig,
    config: &Config,
    queue_url: &str,
    roles: &RoleSetupConfig,
    services: &Services,
    endpoints: &CloudEndpoints,
) -> CredentialService {
    let store = store(sdk, config);
    let mut verifiers: HashMap<Provider, Arc<dyn CredentialVerifier>> = HashMap::new();
    verifiers.insert(Provider::Aws, Arc::new(sts::AwsVerifier::new(sdk.clone())));
    verifiers.extend(skyforge_cloud_signin::verifiers(endpoints));
    let ports = CredentialPorts {
        credentials: store.clone(),
        secrets: Arc::new(SecretsManager::new(aws_sdk_secretsmanager::Client::new(sdk))),
        queue: Arc::new(queue::SqsQueue::new(aws_sdk_sqs::Client::new(sdk), queue_url)),
        runs: store.clone(),
        inventory: store.clone(),
        summaries: store.clone(),
        costs: store,
        verifiers,
    };
    let setup = AwsRoleSetup {
        platform_principal: roles.platform_principal.clone(),
        template_url: roles.role_template_url.clone(),
    };
    CredentialService::new(ports, setup, Arc::new(SystemClock), services.audit.clone())
}

/// Reading the inventory back; the dashboard includes the month's costs.
pub fn inventory_service(sdk: &SdkConfig, config: &Config) -> InventoryService {
    let store = store(sdk, config);
    // reading costs needs no billing API and no policy knob
    let costs =
        CostService::new(store.clone(), store.clone(), HashMap::new(), Arc::new(SystemClock), CostPolicy::default());
    InventoryService::new(store.clone(), store).with_costs(Arc::new(costs), Arc::new(SystemClock))
}

/// Cost analytics: refreshes through `sources` (the sync worker), reports and recommendations
/// (api-costs, with no sources).
pub fn cost_service(
    sdk: &SdkConfig,
    config: &Config,
    sources: HashMap<Provider, Arc<dyn CostSource>>,
    policy: CostPolicy,
) -> CostService {
    let store = store(sdk, config);
    CostService::new(store.clone(), store, sources, Arc::new(SystemClock), policy)
}

/// The sync pipeline, with the inventory adapters of the providers it can list.
pub fn sync_service(
    sdk: &SdkConfig,
    config: &Config,
    queue_url: &str,
    clouds: HashMap<Provider, Arc<dyn CloudInventory>>,
) -> SyncService {
    let store = store(sdk, config);
    let ports = SyncPorts {
        credentials: store.clone(),
        secrets: Arc::new(SecretsManager::new(aws_sdk_secretsmanager::Client::new(sdk))),
        queue: Arc::new(queue::SqsQueue::new(aws_sdk_sqs::Client::new(sdk), queue_url)),
        runs: store.clone(),
        inventory: store.clone(),
        summaries: store,
        clouds,
    };
    SyncService::new(ports, Arc::new(SystemClock))
}

/// Everything an HTTP function needs: the ports and the JWT key, read once per cold start.
pub async fn services(sdk: &SdkConfig, config: &Config) -> anyhow::Result<Services> {
    let secrets = SecretsManager::new(aws_sdk_secretsmanager::Client::new(sdk));
    let key = secrets
        .get(&config.jwt_secret_id)
        .await
        .map_err(|error| anyhow::anyhow!(error))
        .with_context(|| format!("reading the JWT signing key from secret {}", config.jwt_secret_id))?;
    let jwt = JwtCodec::new(key.expose_secret().as_bytes()).context("the JWT signing key is too short")?;
    Ok(Services::new(ports(sdk, config), jwt))
}

/// What provisioning uses to queue a sync after a run changed resources: the credential
/// service's queueing, without its provider checks or role set-up, which these functions never
/// serve (so neither endpoints nor the role set-up variables are read).
#[cfg(feature = "provisioning")]
fn sync_requester(
    sdk: &SdkConfig,
    config: &Config,
    queue_url: &str,
    services: &Services,
) -> Arc<dyn skyforge_app::deployment_ports::SyncRequester> {
    let unused = RoleSetupConfig { platform_principal: String::new(), role_template_url: String::new() };
    Arc::new(credential_service(sdk, config, queue_url, &unused, services, &CloudEndpoints::default()))
}

/// Provisioning with the given executor and live hub (CodeBuild and API Gateway on AWS, a
/// subprocess and an in-process hub locally); syncs after a run go through `sync` when given.
#[cfg(feature = "provisioning")]
pub fn deployment_service(
    sdk: &SdkConfig,
    config: &Config,
    artifact_bucket: &str,
    executor: Arc<dyn skyforge_app::deployment_ports::RunExecutor>,
    hub: Arc<dyn skyforge_app::deployment_ports::LogHub>,
    sync: Option<Arc<dyn skyforge_app::deployment_ports::SyncRequester>>,
    services: &Services,
) -> skyforge_app::deployments::DeploymentService {
    use skyforge_app::deployments::{DeploymentPorts, DeploymentService};
    let store = store(sdk, config);
    let ports = DeploymentPorts {
        deployments: store.clone(),
        runs: store.clone(),
        recent: store.clone(),
        credentials: store,
        executor,
        artifacts: Arc::new(provisioning::S3Artifacts::new(provisioning::s3_client(sdk), artifact_bucket)),
        hub,
        sync,
    };
    DeploymentService::new(ports, Arc::new(SystemClock), services.audit.clone())
}

/// The AWS wiring of provisioning: CodeBuild runs the phases, API Gateway carries live logs,
/// the sync queue takes the syncs after an apply.
#[cfg(feature = "provisioning")]
pub fn aws_deployment_service(
    sdk: &SdkConfig,
    config: &Config,
    deployments: &skyforge_app::config::DeploymentConfig,
    services: &Services,
) -> skyforge_app::deployments::DeploymentService {
    let sync = Some(sync_requester(sdk, config, &deployments.queue_url, services));
    let executor = Arc::new(provisioning::CodeBuildExecutor::new(
        aws_sdk_codebuild::Client::new(sdk),
        &deployments.runner_project,
        &deployments.runner_log_group,
    ));
    let hub = Arc::new(provisioning::ApiGatewayHub::new(sdk, &deployments.ws_endpoint, store(sdk, config)));
    deployment_service(sdk, config, &deployments.artifact_bucket, executor, hub, sync, services)
}
