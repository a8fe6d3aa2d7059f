//! sync-worker: syncs the credentials named by a batch of SQS messages, from either sync queue
//! (scheduled or on-demand: one event source mapping each, with its own concurrency); failed
//! messages go back to their queue on their own (`ReportBatchItemFailures`).

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{LambdaEvent, service_fn};
use skyforge_app::config::{CloudEndpoints, Config, Env, SyncConfig, cost_policy};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, sync) = (Config::read_table_only(&mut env), SyncConfig::read(&mut env));
    let (endpoints, policy) = (CloudEndpoints::read(&mut env), cost_policy(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let service = &skyforge_wiring::sync::sync_worker(&sdk, &config.table_name, &sync, &endpoints, policy);
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| async move {
        let messages = event
            .payload
            .records
            .into_iter()
            .map(|r| (r.message_id.unwrap_or_default(), r.body.unwrap_or_default()))
            .collect();
        let failed = service.handle_batch(messages).await;
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failed
            .into_iter()
            .map(|id| {
                let mut f = BatchItemFailure::default();
                f.item_identifier = id;
                f
            })
            .collect();
        Ok::<_, lambda_runtime::Error>(response)
    }))
    .await
}
