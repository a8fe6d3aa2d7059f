//! `make package`'s figures: each function's release binary and zip size, and its cold start,
//! the time from starting the process to its first answered invocation, driven through the
//! tests' Lambda Runtime API emulator on 127.0.0.1 (`skyforge_e2e::lambda`).
//!
//! Usage: lambda-bench <lambda-dir> <release-dir>
//!   <lambda-dir>: cargo lambda's zips (<dir>/<function>/bootstrap.zip)
//!   <release-dir>: the same binaries unzipped (target/<triple>/release/<function>), which it runs
//! Needs AWS_ENDPOINT_URL (the moto server): the functions read their table and secrets at init.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skyforge_e2e::lambda::LambdaProcess;

/// Cold starts per function; the median is printed.
const RUNS: usize = 5;

/// What one function is given as its first event.
fn first_event(function: &str) -> Value {
    match function {
        "sync-scheduler" | "run-reaper" => json!({
            "version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.scheduler",
            "account": "123456789012", "time": "2026-11-22T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {}
        }),
        "sync-worker" => json!({ "Records": [] }),
        "run-events" => json!({
            "version": "0", "id": "bench", "detail-type": "CodeBuild Build State Change", "source": "aws.codebuild",
            "account": "123456789012", "time": "2026-11-22T00:00:00Z", "region": "us-east-1", "resources": [],
            "detail": { "build-status": "IN_PROGRESS", "project-name": "terraform-runner", "build-id": "terraform-runner:bench", "additional-information": { "environment": { "environment-variables": [] } } }
        }),
        // gzip + base64 of a subscription's control message (what CloudWatch Logs sends first)
        "log-forwarder" => {
            json!({ "awslogs": { "data": "H4sIAAAAAAACA6tWyk0tLk5MTw2pLEhVslJQcvb3Cwny94n3dQ0OdnR3VdJRUMovz0stAsvl5JemlCeWJGf45KcXg6Ry8tPdi/JLC0CyUH5wSVFqYi5MoLg0qTi5KLOgJDM/zy0zpyS1qBgoFR0LUetalppXAhGoBQCo05TSigAAAA==" } })
        }
        "ws" => json!({
            "requestContext": { "routeKey": "$disconnect", "eventType": "DISCONNECT", "connectionId": "bench", "requestId": "r", "apiId": "a", "stage": "prod", "domainName": "localhost", "requestTimeEpoch": 0 },
            "isBase64Encoded": false
        }),
        // every HTTP function: an unauthenticated read, answered 401 or 200 without a store write
        _ => json!({
            "version": "2.0", "routeKey": "GET /v1/health", "rawPath": "/v1/health", "rawQueryString": "",
            "headers": { "host": "localhost" },
            "requestContext": { "accountId": "123456789012", "apiId": "bench", "domainName": "localhost", "domainPrefix": "bench",
                "http": { "method": "GET", "path": "/v1/health", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench" },
                "requestId": "bench", "routeKey": "GET /v1/health", "stage": "$default", "time": "22/Nov/2026:00:00:00 +0000", "timeEpoch": 0 },
            "isBase64Encoded": false
        }),
    }
}

/// Starts the process, serves it one event, and answers how long until it responded.
async fn cold_start(bootstrap: &Path, function: &str, env: &BTreeMap<String, String>) -> Result<Duration, String> {
    let started = Instant::now();
    let mut process = LambdaProcess::start(bootstrap, function, env).await?;
    process.invoke(first_event(function)).await?;
    Ok(started.elapsed())
}

/// The environment every function gets: its configuration, pointed at the stand-in.
async fn environment() -> BTreeMap<String, String> {
    let sdk = skyforge_aws::sdk_config().await;
    let id = ulid::Ulid::new().to_string().to_lowercase();
    let table = format!("bench-lambda-{id}");
    let secret = format!("bench-lambda/{id}/jwt");
    let definition = skyforge_aws::table::TableDefinition::app_table().expect("template.yaml AppTable");
    skyforge_aws::bootstrap::ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), &table, &definition).await.unwrap();
    skyforge_aws::bootstrap::ensure_jwt_secret(&aws_sdk_secretsmanager::Client::new(&sdk), &secret).await.unwrap();
    let queue =
        skyforge_aws::queue::ensure_queue(&aws_sdk_sqs::Client::new(&sdk), &format!("bench-{id}")).await.unwrap();
    let mut env: BTreeMap<String, String> =
        ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), std::env::var(name).ok()?)))
            .collect();
    env.extend(
        [
            ("SKYFORGE_TABLE_NAME", table.as_str()),
            ("SKYFORGE_JWT_SECRET_ID", secret.as_str()),
            ("SKYFORGE_SYNC_QUEUE_URL", queue.as_str()),
            ("SKYFORGE_PLATFORM_PRINCIPAL", "arn:aws:iam::123456789012:root"),
            ("SKYFORGE_ROLE_TEMPLATE_URL", "https://example.invalid/customer-role.yaml"),
            // the provisioning functions' resources are only named at start-up, never called
            ("SKYFORGE_ARTIFACT_BUCKET", "bench-artifacts"),
            ("SKYFORGE_RUNNER_PROJECT", "bench-terraform-runner"),
            ("SKYFORGE_RUNNER_LOG_GROUP", "/skyforge/terraform-runner"),
            ("SKYFORGE_WS_ENDPOINT", "https://bench.invalid/live"),
            ("AWS_LAMBDA_LOG_LEVEL", "WARN"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    env
}

fn size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("-".into(), |b| format!("{:.2} MiB", b as f64 / 1_048_576.0))
}

#[tokio::main]
async fn main() {
    let usage = "usage: lambda-bench <lambda-dir> <release-dir>";
    let dir: PathBuf = std::env::args().nth(1).expect(usage).into();
    let release: PathBuf = std::env::args().nth(2).expect(usage).into();
    assert!(std::env::var("AWS_ENDPOINT_URL").is_ok(), "run through `make package`, which starts the stand-in");
    let env = environment().await;
    let mut functions: Vec<String> = std::fs::read_dir(&dir)
        .expect("the lambda dir")
        .filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
        .filter(|name| dir.join(name).join("bootstrap.zip").exists() && release.join(name).exists())
        .collect();
    functions.sort();
    println!("{:<18} {:>12} {:>12} {:>14}", "function", "binary", "zip", "cold start p50");
    for function in functions {
        // the binary the zip holds as `bootstrap`
        let bootstrap = release.join(&function);
        let mut times = Vec::with_capacity(RUNS);
        let mut failure = None;
        for _ in 0..RUNS {
            match cold_start(&bootstrap, &function, &env).await {
                Ok(time) => times.push(time),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        times.sort();
        let cold = match (&failure, times.get(times.len() / 2)) {
            (None, Some(median)) => format!("{:.0} ms", median.as_secs_f64() * 1000.0),
            (Some(error), _) => format!("failed: {error}"),
            _ => "-".into(),
        };
        let zip = size(&dir.join(&function).join("bootstrap.zip"));
        println!("{:<18} {:>12} {:>12} {:>14}", function, mib(size(&bootstrap)), mib(zip), cold);
    }
}
