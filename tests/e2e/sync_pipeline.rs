//! The sync pipeline with every real adapter on the stand-in: DynamoDB, SQS, Secrets Manager,
//! STS assume-role and the EC2/S3 inventory. Each test has its own table, queue and AWS
//! account (a role into a random moto account), so they run in parallel.

use std::sync::Arc;

use aws_sdk_ec2::types::VolumeType;
use chrono::Utc;
use skyforge_app::sync::{SyncOutcome, SyncService};
use skyforge_app::sync_ports::{CredentialSecrets, Credentials, Inventory, Summaries, SyncMessage, SyncRuns};
use skyforge_aws::{DynamoStore, SecretsManager};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId, UserId};
use skyforge_domain::inventory::{ChangeKind, InventoryQuery, ResourceState, ResourceType};
use skyforge_domain::page::PageRequest;
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{SyncStatus, SyncTrigger};

struct Pipeline {
    sdk: aws_config::SdkConfig,
    store: Arc<DynamoStore>,
    secrets: SecretsManager,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    sync: SyncService,
    org: OrgId,
}

fn random_account() -> String {
    let n = ulid::Ulid::new().random() % 900_000_000_000 + 100_000_000_000;
    n.to_string()
}

async fn pipeline() -> Pipeline {
    assert!(std::env::var("AWS_ENDPOINT_URL").is_ok(), "run against the moto server: `make test`");
    let sdk = skyforge_aws::sdk_config().await;
    let id = ulid::Ulid::new().to_string().to_lowercase();
    let table = format!("sync-{id}");
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    skyforge_aws::bootstrap::ensure_table(&dynamo, &table, &skyforge_aws::table::TableDefinition::app_table().unwrap())
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue_url = skyforge_aws::queue::ensure_queue(&sqs, &format!("sync-{id}")).await.unwrap();
    let sync = skyforge_wiring::sync::sync_service(
        &sdk,
        &table,
        &one_queue(&queue_url),
        skyforge_clouds::all(&sdk, &Default::default()),
    );
    Pipeline {
        store: Arc::new(DynamoStore::new(dynamo, &table)),
        secrets: SecretsManager::new(aws_sdk_secretsmanager::Client::new(&sdk)),
        sdk,
        sqs,
        queue_url,
        sync,
        org: OrgId::new(),
    }
}

impl Pipeline {
    /// Stores an AWS role credential for a fresh moto account and answers it with the role.
    async fn credential(&self, enabled: bool) -> (Credential, String) {
        let role = format!("arn:aws:iam::{}:role/skyforge-readonly", random_account());
        let id = CredentialId::new();
        let credential = Credential {
            id,
            org_id: self.org,
            provider: Provider::Aws,
            name: "test".into(),
            method: "role".into(),
            hint: role.clone(),
            account_id: None,
            scopes: vec![],
            regions: Some(vec!["us-east-1".into(), "eu-west-1".into(), "ap-southeast-2".into()]),
            sync_enabled: enabled,
            secret_id: format!("skyforge/credentials/{}/{id}", self.org),
            created_by: UserId::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let secret = CloudSecret::AwsRole { role_arn: role.clone(), external_id: "ext".into() };
        self.secrets.put(&credential.secret_id, &secret).await.unwrap();
        Credentials::create(&*self.store, &credential).await.unwrap();
        (credential, role)
    }

    fn message(&self, credential: &Credential) -> SyncMessage {
        SyncMessage {
            org_id: self.org,
            credential_id: credential.id,
            run_id: SyncRunId::new(),
            trigger: SyncTrigger::Manual,
            queued_at: Utc::now(),
        }
    }

    async fn synced(&self, credential: &Credential) -> skyforge_domain::sync::SyncCounts {
        match self.sync.handle(&self.message(credential)).await.unwrap() {
            SyncOutcome::Synced { status: SyncStatus::Succeeded, counts } => counts,
            other => panic!("expected a successful sync, got {other:?}"),
        }
    }

    /// An EC2 client acting in the credential's account.
    async fn ec2(&self, role: &str, region: &str) -> aws_sdk_ec2::Client {
        let secret = CloudSecret::AwsRole { role_arn: role.into(), external_id: "ext".into() };
        let config = skyforge_aws::sts::aws_config_for(&self.sdk, &secret).await.unwrap();
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&config)
                .region(aws_sdk_ec2::config::Region::new(region.to_owned()))
                .build(),
        )
    }
}

#[tokio::test]
async fn a_first_sync_stores_everything_and_an_unchanged_resync_writes_no_items() {
    let p = pipeline().await;
    let (credential, role) = p.credential(true).await;
    let demo = skyforge_clouds::demo::seed_demo_account(&p.sdk, &role).await.unwrap();

    let first = p.synced(&credential).await;
    assert!(first.created > 0 && first.created == first.seen, "{first:?}");
    assert_eq!(first.item_writes, first.created * 2, "one item and one history entry each");

    let again = p.synced(&credential).await;
    assert_eq!((again.created, again.changed, again.deleted, again.item_writes), (0, 0, 0, 0), "{again:?}");
    assert_eq!(again.unchanged, first.created);

    // the inventory holds the demo instances, normalised
    let query = InventoryQuery { kind: Some(ResourceType::Vm), limit: 100, ..Default::default() };
    let vms = Inventory::list(&*p.store, p.org, &query).await.unwrap().items;
    assert_eq!(vms.len(), demo.instances);
    assert!(vms.iter().all(|i| i.resource.account == demo.account_id && i.resource.kind == ResourceType::Vm));
    assert!(vms.iter().any(|i| i.resource.state == ResourceState::Stopped));

    // and the summary counts what is there, once, however often it synced
    let summary = Summaries::get(&*p.store, p.org).await.unwrap().credentials.remove(&credential.id).unwrap();
    assert_eq!(summary.counts.total(None, Some(ResourceType::Vm), None), demo.instances as u64);
}

#[tokio::test]
async fn changes_between_syncs_are_diffed_into_history() {
    let p = pipeline().await;
    let (credential, role) = p.credential(true).await;
    skyforge_clouds::demo::seed_demo_account(&p.sdk, &role).await.unwrap();
    p.synced(&credential).await;

    let ec2 = p.ec2(&role, "eu-west-1").await;
    let running = ec2
        .describe_instances()
        .filters(aws_sdk_ec2::types::Filter::builder().name("instance-state-name").values("running").build())
        .send()
        .await
        .unwrap()
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter_map(|i| i.instance_id().map(str::to_owned))
        .next()
        .expect("a running demo instance in eu-west-1");
    ec2.stop_instances().instance_ids(&running).send().await.unwrap();
    let volume =
        ec2.create_volume().availability_zone("eu-west-1a").size(20).volume_type(VolumeType::Gp3).send().await.unwrap();
    let volume_id = volume.volume_id().unwrap().to_owned();

    let counts = p.synced(&credential).await;
    assert_eq!((counts.created, counts.changed, counts.deleted), (1, 1, 0), "{counts:?}");

    // the stopped instance's history says exactly what changed
    let query = InventoryQuery { text: Some(running.to_lowercase()), ..Default::default() };
    let found = Inventory::list(&*p.store, p.org, &query).await.unwrap().items;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource.state, ResourceState::Stopped);
    let history = Inventory::history(&*p.store, p.org, &found[0].id, &PageRequest::first(10)).await.unwrap().items;
    assert_eq!(history.iter().map(|h| h.change).collect::<Vec<_>>(), vec![ChangeKind::Changed, ChangeKind::Created]);
    assert!(
        history[0]
            .changes
            .iter()
            .any(|c| c.field == "state" && c.from.as_deref() == Some("running") && c.to.as_deref() == Some("stopped"))
    );

    // a volume that disappears is kept, marked deleted
    ec2.delete_volume().volume_id(&volume_id).send().await.unwrap();
    let counts = p.synced(&credential).await;
    assert_eq!(counts.deleted, 1, "{counts:?}");
    let all = InventoryQuery { text: Some(volume_id.to_lowercase()), include_deleted: true, ..Default::default() };
    let gone = Inventory::list(&*p.store, p.org, &all).await.unwrap().items;
    assert!(gone[0].deleted_at.is_some());
    let live = InventoryQuery { text: Some(volume_id.to_lowercase()), ..Default::default() };
    assert!(
        Inventory::list(&*p.store, p.org, &live).await.unwrap().items.is_empty(),
        "deleted resources are hidden by default"
    );
}

#[tokio::test]
async fn a_redelivered_message_does_no_harm() {
    let p = pipeline().await;
    let (credential, role) = p.credential(true).await;
    skyforge_clouds::demo::seed_demo_account(&p.sdk, &role).await.unwrap();
    let message = p.message(&credential);
    let first = p.sync.handle(&message).await.unwrap();
    assert!(matches!(first, SyncOutcome::Synced { status: SyncStatus::Succeeded, .. }));
    assert_eq!(p.sync.handle(&message).await.unwrap(), SyncOutcome::AlreadyHandled);
    let runs = SyncRuns::list(&*p.store, p.org, credential.id, &PageRequest::first(10)).await.unwrap();
    assert_eq!(runs.items.len(), 1);
    assert_eq!(runs.items[0].status, SyncStatus::Succeeded);
}

#[tokio::test]
async fn a_failing_credential_never_fails_another_in_the_same_batch() {
    let p = pipeline().await;
    let (good, role) = p.credential(true).await;
    skyforge_clouds::demo::seed_demo_account(&p.sdk, &role).await.unwrap();
    let (bad, _) = p.credential(true).await;
    // the bad one's secret is gone (as after a botched rotation)
    aws_sdk_secretsmanager::Client::new(&p.sdk)
        .delete_secret()
        .secret_id(&bad.secret_id)
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();

    let (bad_message, good_message) = (p.message(&bad), p.message(&good));
    let batch = vec![
        ("m-bad".to_owned(), serde_json::to_string(&bad_message).unwrap()),
        ("m-good".to_owned(), serde_json::to_string(&good_message).unwrap()),
        ("m-junk".to_owned(), "not json".to_owned()),
    ];
    let failed = p.sync.handle_batch(batch).await;
    assert!(failed.is_empty(), "no message needs redelivery: {failed:?}");

    let bad_run = SyncRuns::get(&*p.store, p.org, bad.id, bad_message.run_id).await.unwrap().unwrap();
    assert_eq!(bad_run.status, SyncStatus::Failed);
    assert_eq!(bad_run.errors[0].code, "credential_missing");
    let good_run = SyncRuns::get(&*p.store, p.org, good.id, good_message.run_id).await.unwrap().unwrap();
    assert_eq!(good_run.status, SyncStatus::Succeeded);
    assert!(good_run.counts.created > 0);
}

#[tokio::test]
async fn a_deleted_or_disabled_credential_is_not_synced() {
    let p = pipeline().await;
    let (gone, _) = p.credential(true).await;
    Credentials::delete(&*p.store, p.org, gone.id).await.unwrap();
    assert_eq!(p.sync.handle(&p.message(&gone)).await.unwrap(), SyncOutcome::Dropped);

    let (disabled, _) = p.credential(false).await;
    let mut scheduled = p.message(&disabled);
    scheduled.trigger = SyncTrigger::Schedule;
    assert_eq!(p.sync.handle(&scheduled).await.unwrap(), SyncOutcome::Dropped);
    assert!(Inventory::stored(&*p.store, p.org, disabled.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn fan_out_pages_through_active_credentials_and_sends_batches_of_ten() {
    let p = pipeline().await;
    let (first, _) = p.credential(true).await;
    for _ in 0..22 {
        p.credential(true).await;
    }
    for _ in 0..2 {
        p.credential(false).await;
    }
    let sync =
        skyforge_wiring::sync::sync_service(&p.sdk, &p.store_table(), &one_queue(&p.queue_url), Default::default())
            .with_page_size(10);
    let stats = sync.fan_out().await.unwrap();
    assert_eq!((stats.credentials, stats.index_pages, stats.send_calls, stats.failed), (23, 3, 3, 0), "{stats:?}");
    // nothing has synced yet: the organisation counts for the sync-age alarm
    assert_eq!(stats.orgs_without_recent_sync, 1);

    // the queue holds one message per active credential
    let mut received = 0;
    for _ in 0..10 {
        let output = p.sqs.receive_message().queue_url(&p.queue_url).max_number_of_messages(10).send().await.unwrap();
        let batch = output.messages.unwrap_or_default();
        if batch.is_empty() {
            break;
        }
        for message in &batch {
            let parsed: SyncMessage = serde_json::from_str(message.body().unwrap()).unwrap();
            assert_eq!((parsed.org_id, parsed.trigger), (p.org, SyncTrigger::Schedule));
        }
        received += batch.len();
    }
    assert_eq!(received, 23);

    // one credential synced successfully: the organisation is no longer reported
    assert!(matches!(p.sync.handle(&p.message(&first)).await.unwrap(), SyncOutcome::Synced { .. }));
    assert_eq!(sync.fan_out().await.unwrap().orgs_without_recent_sync, 0);
}

impl Pipeline {
    fn store_table(&self) -> String {
        self.store.table_name().to_owned()
    }
}

/// Scheduled and on-demand syncs on the same queue: what these tests measure does not tell them apart.
fn one_queue(url: &str) -> skyforge_app::config::SyncConfig {
    skyforge_app::config::SyncConfig {
        queue_url: url.to_owned(),
        now_queue_url: url.to_owned(),
        policy: Default::default(),
    }
}
