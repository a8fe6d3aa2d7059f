//! The sync a finished run asks for, through the real adapters: the standalone sync requester
//! (the deployment service's `SyncRequester`) records a queued sync run in DynamoDB and sends one
//! message on SQS, both on the moto server.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use skyforge_app::deployment_ports::SyncRequester;
use skyforge_app::ports::SystemClock;
use skyforge_app::sync_ports::{Credentials, SyncMessage, SyncRuns};
use skyforge_app::sync_requests::{SyncRequestPorts, SyncRequests};
use skyforge_aws::queue::{SqsQueue, ensure_queue};
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, UserId};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{SyncStatus, SyncTrigger};

use crate::fresh_store;

/// Every message on the queue now (SQS hands out at most 10 a call).
async fn drain(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<SyncMessage> {
    let mut messages = Vec::new();
    loop {
        let output =
            sqs.receive_message().queue_url(url).max_number_of_messages(10).wait_time_seconds(1).send().await.unwrap();
        let batch = output.messages.unwrap_or_default();
        if batch.is_empty() {
            return messages;
        }
        for message in batch {
            messages.push(serde_json::from_str(message.body().unwrap()).unwrap());
            sqs.delete_message().queue_url(url).receipt_handle(message.receipt_handle().unwrap()).send().await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_sync_requested_after_a_run_sends_one_message_for_the_credential() {
    let store = fresh_store().await;
    let sdk = skyforge_aws::sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue = format!("test-{}", ulid::Ulid::new().to_string().to_lowercase());
    let url = ensure_queue(&sqs, &queue).await.unwrap();
    // the standalone requester the provisioning functions use (no credential service)
    let ports = SyncRequestPorts {
        credentials: store.clone(),
        runs: store.clone(),
        summaries: store.clone(),
        queue: Arc::new(SqsQueue::new(sqs.clone(), &url)),
    };
    let service = SyncRequests::new(ports, Arc::new(SystemClock));

    let org = OrgId::new();
    let id = CredentialId::new();
    let credential = Credential {
        id,
        org_id: org,
        provider: Provider::Aws,
        name: "prod".into(),
        method: "role".into(),
        hint: "arn:aws:iam::210987654321:role/skyforge-readonly".into(),
        account_id: None,
        scopes: vec![],
        regions: None,
        sync_enabled: true,
        secret_id: format!("skyforge/credentials/{org}/{id}"),
        created_by: UserId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    Credentials::create(store.as_ref(), &credential).await.unwrap();

    service.request_sync(org, id).await.unwrap();
    let messages = drain(&sqs, &url).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!((message.org_id, message.credential_id, message.trigger), (org, id, SyncTrigger::Deployment));
    let run = SyncRuns::get(store.as_ref(), org, id, message.run_id).await.unwrap().expect("the run is recorded");
    assert_eq!((run.status, run.trigger), (SyncStatus::Queued, SyncTrigger::Deployment));

    // a credential deleted meanwhile (or another organisation's) gets nothing
    service.request_sync(org, CredentialId::new()).await.unwrap();
    service.request_sync(OrgId::new(), id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(drain(&sqs, &url).await.is_empty());
}
