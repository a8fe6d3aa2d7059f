//! sync-scheduler: on the 10-minute schedule, queues one sync per active credential.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use skyforge_app::config::{Config, Env, SyncConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, sync) = (Config::read_table_only(&mut env), SyncConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    // the scheduler lists no cloud: it only queues
    let service = &skyforge_wiring::sync::sync_service(&sdk, &config.table_name, &sync.queue_url, Default::default());
    lambda_runtime::run(service_fn(|_: LambdaEvent<EventBridgeEvent<serde_json::Value>>| async move {
        let stats = service.fan_out().await?;
        tracing::info!(
            credentials = stats.credentials,
            send_calls = stats.send_calls,
            failed = stats.failed,
            "sync fan-out done"
        );
        println!("{}", sync_age_metric(stats.orgs_without_recent_sync, chrono::Utc::now().timestamp_millis()));
        Ok::<_, lambda_runtime::Error>(serde_json::json!({"credentials": stats.credentials, "failed": stats.failed}))
    }))
    .await
}

/// The sync-age alarm's metric as a CloudWatch embedded-metric-format log line: CloudWatch
/// extracts it from the log, no PutMetricData call (nor its IAM) needed.
fn sync_age_metric(orgs_without_recent_sync: u64, timestamp_ms: i64) -> serde_json::Value {
    serde_json::json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": "Skyforge",
                "Dimensions": [[]],
                "Metrics": [{"Name": "OrgsWithoutRecentSync", "Unit": "Count"}],
            }],
        },
        "OrgsWithoutRecentSync": orgs_without_recent_sync,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sync_age_metric_is_an_embedded_metric_named_as_the_alarm_expects() {
        let line = super::sync_age_metric(3, 1_700_000_000_000);
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "Skyforge");
        assert_eq!(directive["Metrics"][0]["Name"], "OrgsWithoutRecentSync");
        assert_eq!(line["OrgsWithoutRecentSync"], 3);
        // the alarm in template.yaml watches the same namespace and name
        let template = include_str!("../../../template.yaml");
        assert!(template.contains("Namespace: Skyforge\n      MetricName: OrgsWithoutRecentSync"));
    }
}
