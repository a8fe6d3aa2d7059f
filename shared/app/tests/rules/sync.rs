//! The sync pipeline: region filtering, redelivery, failed regions, fan-out.

use skyforge_app::clouds::CloudError;
use skyforge_app::sync::SyncOutcome;
use skyforge_domain::credentials::Credential;
use skyforge_domain::inventory::{ChangeKind, Resource, ResourceType};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{SyncRun, SyncStatus, SyncTrigger};

use crate::support::{ACCOUNT, Clouds, caller};

pub fn vm(region: &str, id: &str) -> Resource {
    Resource::new(Provider::Aws, ACCOUNT, region, ResourceType::Vm, id, "running")
}

fn bucket(name: &str) -> Resource {
    Resource::new(Provider::Aws, ACCOUNT, "global", ResourceType::Bucket, name, "available")
}

/// Asks for a sync now and hands the queued message to the worker; answers the run as stored.
async fn sync_now(clouds: &Clouds, credential: &Credential) -> (SyncRun, SyncOutcome) {
    // run ids are ULIDs of the wall clock: a new millisecond keeps two syncs in order
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let access = clouds.owner_access().await;
    let run = clouds.credentials.sync_now(&access, &credential.id.to_string(), &caller()).await.unwrap();
    let messages = clouds.queue.take();
    assert_eq!(messages.len(), 1);
    let outcome = clouds.sync.handle(&messages[0]).await.unwrap();
    let stored = clouds.credentials.run(&access, &credential.id.to_string(), &run.id.to_string()).await.unwrap();
    (stored, outcome)
}

fn native_ids(clouds: &Clouds, credential: &Credential, deleted: bool) -> Vec<String> {
    let mut ids: Vec<String> = clouds
        .platform
        .store
        .inventory_items(credential.org_id, credential.id)
        .into_iter()
        .filter(|i| i.deleted_at.is_some() == deleted)
        .map(|i| i.resource.native_id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_credential_limited_to_some_regions_lists_only_those_and_global() {
    let clouds = Clouds::new().await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-east")]);
    clouds.aws.set(ACCOUNT, "eu-west-1", vec![vm("eu-west-1", "i-west")]);
    clouds.aws.set(ACCOUNT, "global", vec![bucket("logs")]);
    let credential = clouds.add_aws("prod", Some(&["us-east-1"])).await;

    let (_, outcome) = sync_now(&clouds, &credential).await;

    let listed: Vec<(String, String)> = ["global", "us-east-1"].map(|r| (ACCOUNT.to_owned(), r.to_owned())).to_vec();
    assert_eq!(clouds.aws.listed(), listed);
    assert_eq!(native_ids(&clouds, &credential, false), ["i-east", "logs"]);
    match outcome {
        SyncOutcome::Synced { status, counts } => {
            assert_eq!(status, SyncStatus::Succeeded);
            assert_eq!((counts.regions_listed, counts.created), (2, 2));
        }
        other => panic!("expected a sync, got {other:?}"),
    }
}

#[tokio::test]
async fn a_sync_message_delivered_twice_does_one_syncs_writes() {
    let clouds = Clouds::new().await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-1"), vm("us-east-1", "i-2")]);
    let credential = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;
    let run = clouds.credentials.sync_now(&access, &credential.id.to_string(), &caller()).await.unwrap();
    let message = clouds.queue.take().pop().unwrap();

    let first = clouds.sync.handle(&message).await.unwrap();
    let writes = clouds.platform.store.inventory_writes();
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-1")]);
    let again = clouds.sync.handle(&message).await.unwrap();

    assert!(matches!(first, SyncOutcome::Synced { status: SyncStatus::Succeeded, .. }), "{first:?}");
    assert_eq!(again, SyncOutcome::AlreadyHandled);
    assert_eq!(writes, 4, "two items and their history entries");
    assert_eq!(clouds.platform.store.inventory_writes(), writes, "the redelivery wrote nothing");
    assert_eq!(native_ids(&clouds, &credential, false), ["i-1", "i-2"]);
    let runs = clouds.runs_after_the_first(&credential);
    assert_eq!(runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(), [(run.id, SyncStatus::Succeeded)]);
}

#[tokio::test]
async fn a_region_that_fails_keeps_its_resources_instead_of_marking_them_deleted() {
    let clouds = Clouds::new().await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-east")]);
    clouds.aws.set(ACCOUNT, "eu-west-1", vec![vm("eu-west-1", "i-west")]);
    let credential = clouds.add_aws("prod", None).await;
    sync_now(&clouds, &credential).await;

    clouds.aws.set(ACCOUNT, "eu-west-1", vec![]);
    clouds.aws.fail(ACCOUNT, "eu-west-1", Some(CloudError::Throttled("Rate exceeded".into())));
    let (last, outcome) = sync_now(&clouds, &credential).await;

    assert!(matches!(outcome, SyncOutcome::Synced { status: SyncStatus::Partial, .. }), "{outcome:?}");
    assert_eq!(native_ids(&clouds, &credential, false), ["i-east", "i-west"]);
    assert_eq!(
        last.errors.iter().map(|e| (e.region.as_str(), e.code.as_str())).collect::<Vec<_>>(),
        [("eu-west-1", "throttled")]
    );
}

#[tokio::test]
async fn a_resource_no_longer_listed_is_kept_as_deleted_with_its_history() {
    let clouds = Clouds::new().await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-1"), vm("us-east-1", "i-2")]);
    let credential = clouds.add_aws("prod", None).await;
    sync_now(&clouds, &credential).await;

    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-1")]);
    sync_now(&clouds, &credential).await;

    assert_eq!(native_ids(&clouds, &credential, true), ["i-2"]);
    let gone = clouds
        .platform
        .store
        .inventory_items(credential.org_id, credential.id)
        .into_iter()
        .find(|i| i.deleted_at.is_some())
        .unwrap();
    let history: Vec<ChangeKind> =
        clouds.platform.store.history_of(credential.org_id, &gone.id).iter().map(|h| h.change).collect();
    assert_eq!(history, [ChangeKind::Created, ChangeKind::Deleted]);
    let summary = clouds.platform.store.credential_summary(credential.org_id, credential.id).unwrap();
    assert_eq!(summary.counts.total(None, None, None), 1, "the summary counts what is live");
}

#[tokio::test]
async fn a_credential_whose_secret_is_gone_fails_its_sync_and_keeps_its_inventory() {
    let clouds = Clouds::new().await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![vm("us-east-1", "i-1")]);
    let credential = clouds.add_aws("prod", None).await;
    sync_now(&clouds, &credential).await;
    use skyforge_app::sync_ports::CredentialSecrets;
    clouds.secrets.schedule_deletion(&credential.secret_id).await.unwrap();

    let (last, outcome) = sync_now(&clouds, &credential).await;

    assert!(matches!(outcome, SyncOutcome::Synced { status: SyncStatus::Failed, .. }), "{outcome:?}");
    assert_eq!(last.errors[0].code, "credential_missing");
    assert_eq!(native_ids(&clouds, &credential, false), ["i-1"]);
}

#[tokio::test]
async fn a_scheduled_sync_of_a_credential_with_sync_turned_off_is_dropped() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;
    let off = skyforge_app::credentials::CredentialChanges { sync_enabled: Some(false), ..Default::default() };
    clouds.credentials.update(&access, &credential.id.to_string(), off, &caller()).await.unwrap();
    let run = clouds.requests.queue(&credential, SyncTrigger::Schedule).await.unwrap();
    let message = clouds.queue.take().pop().unwrap();
    assert_eq!(message.run_id, run.id);

    assert_eq!(clouds.sync.handle(&message).await.unwrap(), SyncOutcome::Dropped);
    assert!(clouds.aws.listed().is_empty());
}

#[tokio::test]
async fn a_store_outage_hands_the_message_back_for_redelivery() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;
    clouds.credentials.sync_now(&access, &credential.id.to_string(), &caller()).await.unwrap();
    let body = serde_json::to_string(&clouds.queue.take()[0]).unwrap();
    clouds.platform.store.set_unavailable(true);

    let redeliver =
        clouds.sync.handle_batch(vec![("m-1".into(), body.clone()), ("m-2".into(), "not json".into())]).await;

    assert_eq!(redeliver, ["m-1"], "the store failure is retried; a body that is not a message never is");
    clouds.platform.store.set_unavailable(false);
    assert!(clouds.sync.handle_batch(vec![("m-1".into(), body)]).await.is_empty());
}

#[tokio::test]
async fn the_fan_out_queues_one_message_per_active_credential_in_batches_of_ten() {
    let clouds = Clouds::new().await;
    let access = clouds.owner_access().await;
    let mut active = Vec::new();
    for n in 0..23 {
        active.push(clouds.add_aws(&format!("c{n}"), None).await.id);
    }
    let off = skyforge_app::credentials::CredentialChanges { sync_enabled: Some(false), ..Default::default() };
    let disabled = active.pop().unwrap();
    clouds.credentials.update(&access, &disabled.to_string(), off, &caller()).await.unwrap();
    clouds.lose_the_first_syncs();

    let fan_out = clouds.sync.fan_out().await.unwrap();

    let mut sent: Vec<_> = clouds.queue.sent().into_iter().map(|m| (m.credential_id, m.trigger)).collect();
    sent.sort_by_key(|(id, _)| *id);
    active.sort();
    assert_eq!(sent, active.iter().map(|id| (*id, SyncTrigger::Schedule)).collect::<Vec<_>>());
    assert_eq!((fan_out.credentials, fan_out.send_calls, fan_out.failed), (22, 3, 0));
    assert_eq!(fan_out.orgs_without_recent_sync, 1, "nothing has synced yet");
}

#[tokio::test]
async fn the_fan_out_sends_a_refused_entry_once_more() {
    let clouds = Clouds::new().await;
    for n in 0..3 {
        clouds.add_aws(&format!("c{n}"), None).await;
    }
    clouds.lose_the_first_syncs();
    clouds.queue.refuse_next(1);

    let fan_out = clouds.sync.fan_out().await.unwrap();

    assert_eq!((fan_out.send_calls, fan_out.failed), (2, 0));
    assert_eq!(clouds.queue.sent().len(), 3);
}

#[tokio::test]
async fn the_fan_out_reads_the_active_index_page_by_page_until_a_page_is_not_full() {
    let clouds = Clouds::new().await;
    for n in 0..4 {
        clouds.add_aws(&format!("c{n}"), None).await;
    }
    clouds.lose_the_first_syncs();

    let fan_out = clouds.sync_service().with_page_size(2).fan_out().await.unwrap();

    // like DynamoDB, a full page answers a cursor even when nothing follows: 2, 2, then 0
    assert_eq!((fan_out.index_pages, fan_out.credentials, fan_out.send_calls), (3, 4, 2));
    assert_eq!(clouds.queue.sent().len(), 4);
}
