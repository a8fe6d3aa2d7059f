//! The sync pipeline's wiring: queueing syncs (SQS), the scheduler's fan-out, the worker with
//! every provider's adapters, and cloud accounts with their checks.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::SdkConfig;
use skyforge_app::clouds::CloudInventory;
use skyforge_app::config::SyncConfig;
use skyforge_app::ports::SystemClock;
use skyforge_app::sync::{SyncPorts, SyncService};
use skyforge_app::sync_requests::{SyncRequestPorts, SyncRequests};
use skyforge_aws::SecretsManager;
use skyforge_aws::queue::SqsQueue;
use skyforge_domain::provider::Provider;

use crate::store;

/// Queueing a sync of one credential now ("Sync now", a first sync, after an apply): the run
/// record, its pending mark and the message on the on-demand queue (`now_queue_url`).
pub fn sync_requests(sdk: &SdkConfig, table_name: &str, now_queue_url: &str) -> Arc<SyncRequests> {
    let store = store(sdk, table_name);
    let ports = SyncRequestPorts {
        credentials: store.clone(),
        runs: store.clone(),
        summaries: store,
        queue: Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), now_queue_url)),
    };
    Arc::new(SyncRequests::new(ports, Arc::new(SystemClock)))
}

/// The sync pipeline with the inventory adapters of the providers it can list (none for the
/// scheduler, which only queues).
pub fn sync_service(
    sdk: &SdkConfig,
    table_name: &str,
    sync: &SyncConfig,
    clouds: HashMap<Provider, Arc<dyn CloudInventory>>,
) -> SyncService {
    let store = store(sdk, table_name);
    let ports = SyncPorts {
        credentials: store.clone(),
        secrets: Arc::new(SecretsManager::new(aws_sdk_secretsmanager::Client::new(sdk))),
        queue: Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), &sync.queue_url)),
        now_queue: Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), &sync.now_queue_url)),
        runs: store.clone(),
        inventory: store.clone(),
        summaries: store,
        clouds,
    };
    SyncService::new(ports, Arc::new(SystemClock)).with_policy(sync.policy)
}

/// The sync worker: every provider's inventory, cost refreshes through their billing APIs, and
/// the compliance checks on what changed.
#[cfg(feature = "sync-worker")]
pub fn sync_worker(
    sdk: &SdkConfig,
    table_name: &str,
    sync: &SyncConfig,
    endpoints: &skyforge_app::config::CloudEndpoints,
    policy: skyforge_domain::costs::CostPolicy,
) -> SyncService {
    let store = store(sdk, table_name);
    let sources = skyforge_clouds::cost_sources(sdk, endpoints);
    let costs = skyforge_app::costs::CostService::new(store.clone(), store, sources, Arc::new(SystemClock), policy);
    // the built-in checks, compiled once per cold start
    let compliance =
        crate::compliance_reader(sdk, table_name).with_evaluator(Arc::new(skyforge_policy::BuiltinEvaluator));
    sync_service(sdk, table_name, sync, skyforge_clouds::all(sdk, endpoints))
        .with_costs(Arc::new(costs))
        .with_compliance(Arc::new(compliance))
}

/// Cloud accounts: credentials, their secrets, the STS check of AWS credentials and the
/// Azure/GCP sign-in, and "Sync now".
#[cfg(feature = "credentials")]
pub fn credential_service(
    sdk: &SdkConfig,
    table_name: &str,
    now_queue_url: &str,
    roles: &skyforge_app::config::RoleSetupConfig,
    endpoints: &skyforge_app::config::CloudEndpoints,
    audit: Arc<skyforge_app::audit::AuditService>,
) -> skyforge_app::credentials::CredentialService {
    use skyforge_app::clouds::CredentialVerifier;
    use skyforge_app::credentials::{AwsRoleSetup, CredentialPorts, CredentialService};

    let store = store(sdk, table_name);
    let mut verifiers: HashMap<Provider, Arc<dyn CredentialVerifier>> = HashMap::new();
    verifiers.insert(Provider::Aws, Arc::new(skyforge_aws::sts::AwsVerifier::new(sdk.clone())));
    verifiers.extend(skyforge_cloud_signin::verifiers(endpoints));
    let ports = CredentialPorts {
        credentials: store.clone(),
        secrets: Arc::new(SecretsManager::new(aws_sdk_secretsmanager::Client::new(sdk))),
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
    let requests = sync_requests(sdk, table_name, now_queue_url);
    CredentialService::new(ports, requests, setup, Arc::new(SystemClock), audit)
}
