//! What EventBridge and SQS do for the sync functions on AWS: a timer that runs the same
//! scheduler code, and a loop that long-polls the same queue and runs the same worker code.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use skyforge_app::sync::SyncService;

/// Runs the fan-out every `interval`, as the 10-minute EventBridge schedule does.
pub async fn scheduler(service: Arc<SyncService>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.tick().await; // the first tick is immediate; the demo queues its own first sync
    loop {
        ticks.tick().await;
        match service.fan_out().await {
            Ok(stats) => {
                tracing::info!(credentials = stats.credentials, failed = stats.failed, "scheduled sync fan-out")
            }
            Err(error) => tracing::error!(error = %error, "scheduled sync fan-out failed"),
        }
    }
}

/// Long-polls the queue and hands each batch to the worker; deletes what it handled, leaves the
/// failures for redelivery after the visibility timeout (as `ReportBatchItemFailures` does).
pub async fn poller(service: Arc<SyncService>, sqs: aws_sdk_sqs::Client, queue_url: String) {
    loop {
        let received =
            sqs.receive_message().queue_url(&queue_url).max_number_of_messages(10).wait_time_seconds(2).send().await;
        let messages = match received {
            Ok(output) => output.messages.unwrap_or_default(),
            Err(error) => {
                tracing::warn!(error = %aws_smithy_error(&error), "receiving sync messages failed; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        let batch: Vec<(String, String)> = messages
            .iter()
            .map(|m| (m.message_id.clone().unwrap_or_default(), m.body.clone().unwrap_or_default()))
            .collect();
        let failed = service.handle_batch(batch).await;
        let done: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .filter(|m| !failed.contains(m.message_id.as_ref().unwrap_or(&String::new())))
            .filter_map(|m| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(m.message_id.clone()?)
                    .receipt_handle(m.receipt_handle.clone()?)
                    .build()
                    .ok()
            })
            .collect();
        if !done.is_empty()
            && let Err(error) = sqs.delete_message_batch().queue_url(&queue_url).set_entries(Some(done)).send().await
        {
            tracing::warn!(error = %aws_smithy_error(&error), "deleting handled sync messages failed; they will be redelivered harmlessly");
        }
    }
}

fn aws_smithy_error<E: std::error::Error>(error: &E) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
