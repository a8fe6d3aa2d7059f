//! The sync queue on SQS.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use aws_smithy_types::error::display::DisplayErrorContext;
use skyforge_app::error::BoxError;
use skyforge_app::sync_ports::{SyncMessage, SyncQueue};

#[derive(Clone)]
pub struct SqsQueue {
    client: Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: Client, url: &str) -> Self {
        Self { client, url: url.to_owned() }
    }
}

#[async_trait]
impl SyncQueue for SqsQueue {
    async fn send_batch(&self, messages: &[SyncMessage]) -> Result<Vec<usize>, BoxError> {
        let entries = messages
            .iter()
            .enumerate()
            .map(|(i, message)| {
                Ok(SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(serde_json::to_string(message)?)
                    .build()?)
            })
            .collect::<Result<Vec<_>, BoxError>>()?;
        let output = self
            .client
            .send_message_batch()
            .queue_url(&self.url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| format!("SendMessageBatch: {}", DisplayErrorContext(e)))?;
        // a successful call can still have refused single entries
        Ok(output.failed.iter().filter_map(|f| f.id.parse().ok()).collect())
    }

    async fn depth(&self) -> Result<u64, BoxError> {
        use aws_sdk_sqs::types::QueueAttributeName;
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .map_err(|e| format!("GetQueueAttributes: {}", DisplayErrorContext(e)))?;
        Ok(output
            .attributes
            .and_then(|mut a| a.remove(&QueueAttributeName::ApproximateNumberOfMessages))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0))
    }
}

/// Creates the queue (and its dead-letter queue, with redrive after 5 receives) if missing, as
/// the SAM template does on AWS; answers the queue URL. For the local runtime and tests.
pub async fn ensure_queue(client: &Client, name: &str) -> anyhow::Result<String> {
    use aws_sdk_sqs::types::QueueAttributeName;
    let dlq = client
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("creating {name}-dlq: {}", DisplayErrorContext(e)))?;
    let dlq_url = dlq.queue_url.unwrap_or_default();
    let dlq_arn = client
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("reading {name}-dlq: {}", DisplayErrorContext(e)))?
        .attributes
        .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
        .unwrap_or_default();
    let policy = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}).to_string();
    let queue = client
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::VisibilityTimeout, "900")
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("creating {name}: {}", DisplayErrorContext(e)))?;
    Ok(queue.queue_url.unwrap_or_default())
}
