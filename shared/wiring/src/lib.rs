//! Wiring: each function's services, built from the AWS adapters of `skyforge-aws`. One
//! builder per area, and each reads only the configuration and secrets its area uses, so a
//! function that never authenticates a user never reads the JWT signing key (nor may its IAM
//! role). The adapter SDKs a function does not call stay behind this crate's features:
//!
//! | feature | adds | used by |
//! |---|---|---|
//! | (none) | DynamoDB store, Secrets Manager, audit, inventory and cost reads, user auth | api-auth, api-health, api-inventory, api-costs |
//! | `sync-queue` | SQS: queueing syncs | sync-scheduler |
//! | `credentials` | STS and the Azure/GCP sign-in: checking cloud credentials | api-credentials |
//! | `sync-worker` | every provider's inventory and billing adapters | sync-worker |
//! | `provisioning` | CodeBuild, S3 artifacts, API Gateway live logs | api-deployments, run-events, log-forwarder, ws |
//!
//! The local runtime enables them all.

#[cfg(feature = "provisioning")]
pub mod provisioning;
#[cfg(feature = "sync-queue")]
pub mod sync;

use std::sync::Arc;

use anyhow::Context;
use aws_config::SdkConfig;
use secrecy::ExposeSecret;
use skyforge_app::Services;
use skyforge_app::audit::AuditService;
use skyforge_app::config::Config;
use skyforge_app::costs::CostService;
use skyforge_app::health::HealthService;
use skyforge_app::inventory::InventoryService;
use skyforge_app::jwt::JwtCodec;
use skyforge_app::ports::{HealthProbe, Ports, Secrets, SystemClock};
use skyforge_aws::{DynamoStore, SecretsManager, probes};
use skyforge_domain::costs::CostPolicy;

pub use skyforge_aws::sdk_config;

/// The app table's store.
pub fn store(sdk: &SdkConfig, table_name: &str) -> Arc<DynamoStore> {
    Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), table_name))
}

/// The audit trail, for services that record what they did without any of user auth.
pub fn audit(sdk: &SdkConfig, table_name: &str) -> Arc<AuditService> {
    Arc::new(AuditService::new(store(sdk, table_name), Arc::new(SystemClock)))
}

/// The readiness probes: the table answers, and the signing key can be read.
pub fn health(sdk: &SdkConfig, config: &Config) -> HealthService {
    HealthService::new(health_probes(sdk, config))
}

/// Every port of user-facing auth and organisations, from AWS clients.
fn ports(sdk: &SdkConfig, config: &Config) -> Ports {
    let store = store(sdk, &config.table_name);
    Ports {
        users: store.clone(),
        orgs: store.clone(),
        tokens: store.clone(),
        sessions: store.clone(),
        login_attempts: store.clone(),
        devices: store.clone(),
        audit: store,
        probes: health_probes(sdk, config),
        clock: Arc::new(SystemClock),
    }
}

fn health_probes(sdk: &SdkConfig, config: &Config) -> Vec<Arc<dyn HealthProbe>> {
    vec![
        Arc::new(probes::TableProbe::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name)),
        Arc::new(probes::SecretProbe::new(aws_sdk_secretsmanager::Client::new(sdk), &config.jwt_secret_id)),
    ]
}

/// What every HTTP function needs to authenticate and authorise a request: the ports and the
/// JWT signing key, read once per cold start.
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

/// Reading the inventory back; the dashboard includes the month's costs.
pub fn inventory_service(sdk: &SdkConfig, table_name: &str) -> InventoryService {
    let store = store(sdk, table_name);
    let costs = cost_reports(sdk, table_name, CostPolicy::default());
    InventoryService::new(store.clone(), store).with_costs(Arc::new(costs), Arc::new(SystemClock))
}

/// Compliance findings as the API reads them (the sync worker's service also evaluates).
pub fn compliance_reader(sdk: &SdkConfig, table_name: &str) -> skyforge_app::compliance::ComplianceService {
    skyforge_app::compliance::ComplianceService::new(store(sdk, table_name), Arc::new(SystemClock))
}

/// Cost reports and recommendations from the stored rows: no billing API is called (the sync
/// worker refreshes them).
pub fn cost_reports(sdk: &SdkConfig, table_name: &str, policy: CostPolicy) -> CostService {
    let store = store(sdk, table_name);
    CostService::reports(store.clone(), store, Arc::new(SystemClock), policy)
}
