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
    let service = &skyforge_wiring::sync::sync_service(&sdk, &config.table_name, &sync, Default::default());
    lambda_runtime::run(service_fn(|_: LambdaEvent<EventBridgeEvent<serde_json::Value>>| async move {
        let stats = service.fan_out().await?;
        tracing::info!(
            credentials = stats.credentials,
            queued = stats.queued,
            requeued = stats.requeued,
            skipped = stats.skipped,
            send_calls = stats.send_calls,
            failed = stats.failed,
            "sync fan-out done"
        );
        let now = chrono::Utc::now().timestamp_millis();
        println!("{}", sync_age_metric(stats.orgs_without_recent_sync, now));
        let (depth, now_depth) = service.backlog().await;
        println!("{}", backlog_metric(&stats, depth, now_depth, now));
        Ok::<_, lambda_runtime::Error>(serde_json::json!({
            "credentials": stats.credentials,
            "queued": stats.queued,
            "skipped": stats.skipped,
            "failed": stats.failed,
        }))
    }))
    .await
}

/// The sync backlog as embedded metrics, like the sync age: the queues' depth, the age of the
/// oldest sync still queued (the backlog alarm's metric), and what the tick queued and skipped.
fn backlog_metric(
    stats: &skyforge_app::sync::FanOut,
    depth: Option<u64>,
    now_depth: Option<u64>,
    timestamp_ms: i64,
) -> serde_json::Value {
    let mut line = serde_json::json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": "Skyforge",
                "Dimensions": [[]],
                "Metrics": [
                    {"Name": "OldestQueuedSyncSeconds", "Unit": "Seconds"},
                    {"Name": "SyncsQueued", "Unit": "Count"},
                    {"Name": "SyncsSkipped", "Unit": "Count"},
                    {"Name": "SyncsRequeued", "Unit": "Count"},
                    {"Name": "SyncQueueDepth", "Unit": "Count"},
                    {"Name": "SyncNowQueueDepth", "Unit": "Count"},
                ],
            }],
        },
        "OldestQueuedSyncSeconds": stats.oldest_queued_seconds,
        "SyncsQueued": stats.queued,
        "SyncsSkipped": stats.skipped,
        "SyncsRequeued": stats.requeued,
    });
    // a queue that could not be read reports nothing rather than a made-up zero
    if let Some(depth) = depth {
        line["SyncQueueDepth"] = depth.into();
    }
    if let Some(depth) = now_depth {
        line["SyncNowQueueDepth"] = depth.into();
    }
    line
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

    #[test]
    fn the_backlog_metrics_name_the_oldest_queued_sync_the_alarm_watches() {
        let stats =
            skyforge_app::sync::FanOut { queued: 4, skipped: 196, oldest_queued_seconds: 75, ..Default::default() };
        let line = super::backlog_metric(&stats, Some(12), None, 1_700_000_000_000);
        let names: Vec<&str> = line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"OldestQueuedSyncSeconds") && names.contains(&"SyncQueueDepth"));
        assert_eq!((line["OldestQueuedSyncSeconds"].as_u64(), line["SyncsSkipped"].as_u64()), (Some(75), Some(196)));
        assert_eq!(line["SyncQueueDepth"], 12);
        assert!(line.get("SyncNowQueueDepth").is_none(), "an unread queue reports nothing");
        let template = include_str!("../../../template.yaml");
        assert!(template.contains("Namespace: Skyforge\n      MetricName: OldestQueuedSyncSeconds"));
    }
}
