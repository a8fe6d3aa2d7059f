//! Sync benchmark against the AWS stand-in (`make bench` starts one and runs this). Prints:
//! - the first sync and an unchanged re-sync of one account holding 10,000 instances over 4
//!   regions: wall time, resources per second, DynamoDB item writes;
//! - fan-out of 10,000 active credentials: SQS requests made and wall time.
//!
//! Sizes can be lowered for a quick look: `SKYFORGE_BENCH_INSTANCES`, `SKYFORGE_BENCH_CREDENTIALS`.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use futures::StreamExt;
use skyforge_app::config::Config;
use skyforge_app::sync::SyncOutcome;
use skyforge_app::sync_ports::{CredentialSecrets, Credentials, SyncMessage};
use skyforge_aws::{DynamoStore, SecretsManager};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId, UserId};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::SyncTrigger;

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"];

fn size(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn credential(org: OrgId, role: &str, regions: Option<Vec<String>>) -> Credential {
    let id = CredentialId::new();
    Credential {
        id,
        org_id: org,
        provider: Provider::Aws,
        name: "bench".into(),
        method: "role".into(),
        hint: role.into(),
        account_id: None,
        scopes: vec![],
        regions,
        sync_enabled: true,
        secret_id: format!("skyforge/credentials/{org}/{id}"),
        created_by: UserId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    anyhow::ensure!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "run it with `make bench`, which starts the AWS stand-in"
    );
    let instances = size("SKYFORGE_BENCH_INSTANCES", 10_000);
    let skip_sync = instances == 0;
    let credentials = size("SKYFORGE_BENCH_CREDENTIALS", 10_000);
    let sdk = skyforge_aws::sdk_config().await;
    let id = ulid::Ulid::new().to_string().to_lowercase();
    let table = format!("bench-{id}");
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    skyforge_aws::bootstrap::ensure_table(&dynamo, &table, &skyforge_aws::table::TableDefinition::app_table()?).await?;
    let queue_url = skyforge_aws::queue::ensure_queue(&aws_sdk_sqs::Client::new(&sdk), &format!("bench-{id}")).await?;
    let config = Config { table_name: table.clone(), jwt_secret_id: "unused".into() };
    let store = Arc::new(DynamoStore::new(dynamo, &table));
    let secrets = SecretsManager::new(aws_sdk_secretsmanager::Client::new(&sdk));
    let sync = skyforge_wiring::sync::sync_service(
        &sdk,
        &config.table_name,
        &one_queue(&queue_url),
        skyforge_clouds::all(&sdk, &Default::default()),
    );
    let org = OrgId::new();

    if !skip_sync {
        println!("== sync of one account with {instances} instances over {} regions", REGIONS.len());
        let role = format!(
            "arn:aws:iam::{}:role/skyforge-readonly",
            ulid::Ulid::new().random() % 900_000_000_000 + 100_000_000_000
        );
        let started = Instant::now();
        skyforge_clouds::demo::seed_bulk_instances(&sdk, &role, &REGIONS, instances / REGIONS.len())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
        let account = credential(org, &role, Some(REGIONS.iter().map(|r| (*r).to_owned()).collect()));
        secrets
            .put(&account.secret_id, &CloudSecret::AwsRole { role_arn: role.clone(), external_id: "bench".into() })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        store.create(&account).await?;
        println!("| sync | wall time | resources | resources/s | item writes |");
        println!("|---|---|---|---|---|");
        for label in ["first", "unchanged re-sync"] {
            let message = SyncMessage {
                org_id: org,
                credential_id: account.id,
                run_id: SyncRunId::new(),
                trigger: SyncTrigger::Manual,
                queued_at: Utc::now(),
            };
            let started = Instant::now();
            let outcome = sync.handle(&message).await?;
            let elapsed = started.elapsed().as_secs_f64();
            let SyncOutcome::Synced { status, counts } = outcome else {
                anyhow::bail!("unexpected outcome {outcome:?}")
            };
            anyhow::ensure!(counts.regions_failed == 0, "regions failed: {status:?} {counts:?}");
            println!(
                "| {label} | {elapsed:.1} s | {} | {:.0} | {} |",
                counts.seen,
                counts.seen as f64 / elapsed,
                counts.item_writes
            );
        }
        println!(
            "(besides item writes, each sync writes its run record twice, the summary once and one health item per region)"
        );
    }

    println!("\n== fan-out of {credentials} active credentials");
    // a table of its own, so the index holds the credentials and nothing of the sync above
    let table = format!("bench-fanout-{id}");
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    skyforge_aws::bootstrap::ensure_table(&dynamo, &table, &skyforge_aws::table::TableDefinition::app_table()?).await?;
    let store = Arc::new(DynamoStore::new(dynamo, &table));
    let sync = skyforge_wiring::sync::sync_service(&sdk, &table, &one_queue(&queue_url), Default::default());
    let started = Instant::now();
    let creates = (0..credentials).map(|_| {
        let store = store.clone();
        async move { store.create(&credential(org, "arn:aws:iam::123456789012:role/x", None)).await }
    });
    let results: Vec<_> = futures::stream::iter(creates).buffer_unordered(32).collect().await;
    anyhow::ensure!(results.iter().all(Result::is_ok), "creating credentials failed");
    println!("created in {:.1} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let stats = sync.fan_out().await?;
    let elapsed = started.elapsed().as_secs_f64();
    println!("| credentials | index pages | SQS requests | failed | wall time |");
    println!("|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {elapsed:.1} s |",
        stats.credentials, stats.index_pages, stats.send_calls, stats.failed
    );
    Ok(())
}

/// Scheduled and on-demand syncs on the same queue: what these tests measure does not tell them apart.
fn one_queue(url: &str) -> skyforge_app::config::SyncConfig {
    skyforge_app::config::SyncConfig {
        queue_url: url.to_owned(),
        now_queue_url: url.to_owned(),
        policy: Default::default(),
    }
}
