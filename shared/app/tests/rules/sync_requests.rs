//! Asking for a sync: a run is recorded, then one message naming it is queued.

use skyforge_app::AppError;
use skyforge_app::deployment_ports::SyncRequester;
use skyforge_domain::ids::CredentialId;
use skyforge_domain::sync::{SyncStatus, SyncTrigger};

use crate::support::{Clouds, caller};

#[tokio::test]
async fn sync_now_records_a_queued_run_and_sends_one_message_naming_it() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;

    let run = clouds.credentials.sync_now(&access, &credential.id.to_string(), &caller()).await.unwrap();

    assert_eq!((run.status, run.trigger), (SyncStatus::Queued, SyncTrigger::Manual));
    let sent = clouds.queue.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].run_id, sent[0].credential_id, sent[0].org_id), (run.id, credential.id, clouds.org.id));
    assert_eq!(clouds.credentials.run(&access, &credential.id.to_string(), &run.id.to_string()).await.unwrap(), run);
}

#[tokio::test]
async fn a_sync_request_the_queue_refuses_is_an_unavailable_error() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;
    clouds.queue.refuse_next(1);

    let refused = clouds.credentials.sync_now(&access, &credential.id.to_string(), &caller()).await;

    assert!(matches!(refused, Err(AppError::Unavailable(_))), "{refused:?}");
    assert!(clouds.queue.sent().is_empty());
    let runs = clouds.runs_after_the_first(&credential);
    assert_eq!(runs.iter().map(|r| r.status).collect::<Vec<_>>(), [SyncStatus::Queued], "the run stays queued");
}

#[tokio::test]
async fn a_sync_request_while_the_queue_is_down_is_an_unavailable_error() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;
    clouds.queue.set_down(true);

    let down = clouds.requests.queue(&credential, SyncTrigger::Manual).await;

    assert!(matches!(down, Err(AppError::Unavailable(_))), "{down:?}");
}

#[tokio::test]
async fn a_deployment_asking_to_sync_a_deleted_credential_queues_nothing() {
    let clouds = Clouds::new().await;
    let credential = clouds.add_aws("prod", None).await;

    clouds.requests.request_sync(clouds.org.id, CredentialId::new()).await.unwrap();
    assert!(clouds.queue.sent().is_empty());

    clouds.requests.request_sync(clouds.org.id, credential.id).await.unwrap();
    let sent = clouds.queue.sent();
    assert_eq!(
        sent.iter().map(|m| (m.credential_id, m.trigger)).collect::<Vec<_>>(),
        [(credential.id, SyncTrigger::Deployment)]
    );
}
