//! Following a run: its archived log, then the live one over the WebSocket (`runs watch`), and
//! `deploy --wait`, which follows a run to its end and turns the end into an exit code.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::api;
use crate::client::{CliError, CliResult, Client};

pub const FINAL: [&str; 4] = ["applied", "errored", "cancelled", "discarded"];

fn run_path(org: &str, deployment: &str, run: &str) -> String {
    format!("/v1/orgs/{org}/deployments/{deployment}/runs/{run}")
}

/// Prints the archived lines after `after`: the last sequence number printed.
pub async fn print_archived(
    client: &mut Client,
    org: &str,
    deployment: &str,
    run: &str,
    mut after: u64,
) -> CliResult<u64> {
    let path = format!("{}/logs", run_path(org, deployment, run));
    loop {
        let page: api::RunLogView = client.get(&path, &[("after", after.to_string())]).await?;
        let mut out = std::io::stdout().lock();
        for line in &page.lines {
            if line.seq > after {
                writeln!(out, "{}", line.text)?;
            }
        }
        out.flush()?;
        if page.next_after <= after || page.lines.is_empty() {
            return Ok(after);
        }
        after = page.next_after;
    }
}

/// `runs watch`: the archive first, then each live line once, in order, until the run ends.
/// Lines that arrive live while the archive is read, or out of order, wait in `pending` and are
/// printed in sequence; a gap the socket never fills is read back from the archive.
pub async fn watch(client: &mut Client, org: &str, deployment: &str, run: &str) -> CliResult<String> {
    let url = client.live_url().await?;
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| CliError::Network(format!("the live log did not connect: {e}")))?;
    socket
        .send(Message::text(json!({"action": "subscribe", "run_id": run}).to_string()))
        .await
        .map_err(|e| CliError::Network(e.to_string()))?;
    let mut pending: BTreeMap<u64, String> = BTreeMap::new();
    let mut printed: Option<u64> = None;
    let mut status = String::new();
    loop {
        let message = match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<Value>(&text).unwrap_or_default(),
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => Value::Null,
            Ok(Some(Ok(_))) => continue,
            // quiet: check the run did not end while no message came
            Err(_) => {
                let view: api::RunView = client.get(&run_path(org, deployment, run), &[]).await?;
                json!({"type": "status", "status": view.status})
            }
        };
        match message["type"].as_str() {
            Some("subscribed") => {
                status = message["status"].as_str().unwrap_or("").to_owned();
                printed = Some(print_archived(client, org, deployment, run, 0).await?);
            }
            Some("log") => {
                let seq = message["seq"].as_u64().unwrap_or(0);
                pending.insert(seq, message["line"].as_str().unwrap_or("").to_owned());
            }
            Some("status") => status = message["status"].as_str().unwrap_or("").to_owned(),
            Some("error") => {
                return Err(CliError::Api {
                    status: if message["code"] == "not_found" { 404 } else { 400 },
                    code: message["code"].as_str().unwrap_or("").to_owned(),
                    detail: message["message"].as_str().unwrap_or("").to_owned(),
                });
            }
            _ => {
                // the socket closed: the archive has the rest
                if let Some(last) = printed {
                    print_archived(client, org, deployment, run, last).await?;
                }
                let view: api::RunView = client.get(&run_path(org, deployment, run), &[]).await?;
                return Ok(view.status);
            }
        }
        if let Some(last) = printed.as_mut() {
            let mut out = std::io::stdout().lock();
            while let Some((&seq, _)) = pending.first_key_value() {
                if seq <= *last {
                    pending.pop_first();
                } else if seq == *last + 1 {
                    let (seq, line) = pending.pop_first().unwrap();
                    writeln!(out, "{line}")?;
                    *last = seq;
                } else {
                    break;
                }
            }
            out.flush()?;
        }
        if FINAL.contains(&status.as_str()) {
            // the last lines may still be on their way to the archive: read until it settles
            let mut last = printed.unwrap_or(0);
            for _ in 0..10 {
                let now = print_archived(client, org, deployment, run, last).await?;
                if now == last && pending.keys().all(|s| *s <= last) {
                    break;
                }
                last = now;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let _ = socket.close(None).await;
            return Ok(status);
        }
    }
}

/// `deploy --wait`: follows `run` to its end, printing its log and state changes and approving
/// it when asked to. Returns the final status; `Timeout` when `timeout` passes first.
pub async fn wait(
    client: &mut Client,
    org: &str,
    deployment: &str,
    run: &str,
    auto_approve: bool,
    timeout: Option<Duration>,
) -> CliResult<String> {
    let started = Instant::now();
    let mut after = 0;
    let mut last_status = String::new();
    let mut approved = false;
    let terminal = std::io::stderr().is_terminal();
    loop {
        after = print_archived(client, org, deployment, run, after).await?;
        let view: api::RunView = client.get(&run_path(org, deployment, run), &[]).await?;
        if view.status != last_status {
            let elapsed = started.elapsed().as_secs();
            if terminal {
                eprintln!("\u{25b8} run {run}: {} ({elapsed}s)", view.status);
            } else {
                eprintln!("run {run}: {} after {elapsed}s", view.status);
            }
            last_status = view.status.clone();
        }
        if FINAL.contains(&view.status.as_str()) {
            print_archived(client, org, deployment, run, after).await?;
            return Ok(view.status);
        }
        if view.status == "awaiting_approval" && !approved {
            if auto_approve {
                let _: api::RunView =
                    client.post(&format!("{}/approve", run_path(org, deployment, run)), &json!({})).await?;
                eprintln!("run {run}: approved (--auto-approve)");
                approved = true;
            } else if last_status == "awaiting_approval" && !approved {
                eprintln!("run {run}: waiting for approval: `skyforge runs approve {deployment} {run}`");
                approved = true; // said once
            }
        }
        if let Some(limit) = timeout
            && started.elapsed() >= limit
        {
            return Err(CliError::Timeout(format!(
                "run {run} is still {} after {}s (--timeout); it goes on without us",
                view.status,
                limit.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}
