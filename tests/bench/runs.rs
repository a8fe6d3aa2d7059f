//! Provisioning benchmark against the local runtime on the stand-in (`make bench` runs it):
//!
//! 1. log latency: from a line printed by the runner (Terraform and its provisioners) to its
//!    arrival at a subscribed WebSocket client, over a whole plan and apply of the sandbox
//!    module. The runner is wrapped so each line carries the wall-clock time it was printed.
//! 2. runs started per second: `POST .../runs` on fresh deployments, concurrently, until each
//!    run's plan build (a runner subprocess) has started.
//!
//! Sizes: `SKYFORGE_BENCH_RUNS` (default 20) runs for the second part.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use skyforge_e2e::Platform;
use tokio_tungstenite::tungstenite::Message;

fn now_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    // every line the real runner prints gets `@<unix micros> ` in front, taken as it is printed
    let wrapper = std::env::temp_dir().join(format!("skyforge-bench-runner-{}.sh", std::process::id()));
    std::fs::write(
        &wrapper,
        format!(
            "#!/usr/bin/env bash\nset -o pipefail\nbash {root}/infra/runner/run.sh 2>&1 | {root}/.venv/bin/python -u -c 'import sys,time\nfor l in sys.stdin: sys.stdout.write(\"@%d %s\" % (time.time_ns()//1000, l)); sys.stdout.flush()'\n",
        ),
    )?;
    let wrapper_path = wrapper.to_string_lossy().into_owned();
    let platform = Platform::start_with(&[("SKYFORGE_RUNNER_SCRIPT", &wrapper_path)]).await;
    let user = platform.user("bench").await;
    let deployments = format!("/v1/orgs/{}/deployments", user.org);

    // --- 1. log latency -------------------------------------------------------------------
    let created = platform
        .post(&deployments, Some(&user.access), json!({"template": "sandbox", "name": "bench", "variables": {"instance_count": 5, "step_delay_seconds": 0.2}}))
        .await;
    let deployment = created.body["id"].as_str().unwrap().to_owned();
    let (mut socket, _) = tokio_tungstenite::connect_async(platform.live_url(Some(&user.access))).await?;
    let run = platform.post(&format!("{deployments}/{deployment}/runs"), Some(&user.access), json!({})).await;
    let run_id = run.body["id"].as_str().unwrap().to_owned();
    socket.send(Message::Text(json!({"action": "subscribe", "run_id": run_id}).to_string().into())).await?;
    let mut latencies_ms = Vec::new();
    let mut approved = false;
    loop {
        let Some(Ok(Message::Text(text))) = tokio::time::timeout(Duration::from_secs(120), socket.next()).await? else {
            continue;
        };
        let arrived = now_micros();
        let message: Value = serde_json::from_str(&text)?;
        match message["type"].as_str() {
            Some("log") => {
                let line = message["line"].as_str().unwrap_or("");
                if let Some((stamp, _)) = line.strip_prefix('@').and_then(|l| l.split_once(' '))
                    && let Ok(printed) = stamp.parse::<u128>()
                {
                    latencies_ms.push((arrived.saturating_sub(printed)) as f64 / 1000.0);
                }
            }
            Some("status") if message["status"] == "awaiting_approval" && !approved => {
                approved = true;
                let path = format!("{deployments}/{deployment}/runs/{run_id}/approve");
                let reply = platform.post(&path, Some(&user.access), json!({})).await;
                assert_eq!(reply.status, 200, "{:?}", reply.body);
            }
            Some("status") if message["status"] == "applied" || message["status"] == "errored" => break,
            _ => {}
        }
    }
    latencies_ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "log latency over one plan+apply ({} lines): median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies_ms.len(),
        percentile(&latencies_ms, 0.5),
        percentile(&latencies_ms, 0.99),
        latencies_ms.last().copied().unwrap_or(0.0)
    );

    // --- 2. runs started per second -------------------------------------------------------
    let count: usize = std::env::var("SKYFORGE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let mut ids = Vec::new();
    for i in 0..count {
        let reply = platform
            .post(
                &deployments,
                Some(&user.access),
                json!({"template": "sandbox", "name": format!("b{i}"), "variables": {"step_delay_seconds": 0}}),
            )
            .await;
        ids.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    let paths: Vec<String> = ids.iter().map(|d| format!("{deployments}/{d}/runs")).collect();
    let started = Instant::now();
    let replies =
        futures::future::join_all(paths.iter().map(|p| platform.post(p, Some(&user.access), json!({})))).await;
    let elapsed = started.elapsed();
    // started: planning, or already past it when a quick plan ended before the reply was read
    let is_started = |r: &&skyforge_e2e::Reply| r.status == 201 && r.body["status"] != "queued";
    let planning = replies.iter().filter(is_started).count();
    for other in replies.iter().filter(|r| !is_started(r)) {
        println!("  not started: {} {}", other.status, other.body);
    }
    println!(
        "runs started: {planning} of {count} in {:.2} s = {:.1} runs/s (each answered once its runner subprocess started)",
        elapsed.as_secs_f64(),
        planning as f64 / elapsed.as_secs_f64()
    );
    // let the plans finish before the platform stops
    tokio::time::sleep(Duration::from_secs(5)).await;
    drop(platform);
    let _ = std::fs::remove_file(&wrapper);
    Ok(())
}
