//! The fault suite: faults injected on purpose into the real local runtime and its stand-in,
//! asserting what a user sees afterwards. Each case prints what it injected and what it observed
//! (`cargo nextest run -p skyforge-e2e -E 'test(fault)' --no-capture` shows them).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::{Platform, TestUser};

fn deployments(user: &TestUser) -> String {
    format!("/v1/orgs/{}/deployments", user.org)
}

async fn run_reply(platform: &Platform, user: &TestUser, deployment: &str, run: &str) -> Value {
    let reply = platform.get(&format!("{}/{deployment}/runs/{run}", deployments(user)), &user.access).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

async fn wait_for(platform: &Platform, user: &TestUser, deployment: &str, run: &str, states: &[&str]) -> Value {
    let started = Instant::now();
    loop {
        let body = run_reply(platform, user, deployment, run).await;
        if states.contains(&body["status"].as_str().unwrap_or("")) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "run {run} is still {}, wanted {states:?}; log: {}",
            body["status"],
            platform.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn log_lines(platform: &Platform, user: &TestUser, deployment: &str, run: &str) -> Vec<String> {
    let reply = platform.get(&format!("{}/{deployment}/runs/{run}/logs", deployments(user)), &user.access).await;
    assert_eq!(reply.status, StatusCode::OK, "the log stays readable: {:?}", reply.body);
    reply.body["lines"].as_array().unwrap().iter().map(|l| l["text"].as_str().unwrap_or("").to_owned()).collect()
}

/// The locks in the lock table (Terraform's `-md5` digest items are not locks).
async fn state_locks(table: &str) -> Vec<String> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let items = aws_sdk_dynamodb::Client::new(&sdk).scan().table_name(table).send().await.unwrap();
    items
        .items()
        .iter()
        .filter_map(|i| i.get("LockID")?.as_s().ok().cloned())
        .filter(|id| !id.ends_with("-md5"))
        .collect()
}

#[tokio::test]
async fn fault_kill_9_during_an_apply_errors_the_run_executor_lost_frees_the_lock_and_the_queue_moves_on() {
    // the reaper's timer is short, so "within one interval" is quick to wait for
    let mut platform = Platform::start_with(&[("SKYFORGE_REAPER_INTERVAL_SECS", "2")]).await;
    let user = platform.user("ops").await;
    // three instances, 2 s between each one's lines: the apply runs about 8 s
    let reply = platform
        .post(
            &deployments(&user),
            Some(&user.access),
            json!({"template": "sandbox", "name": "fault", "variables": {"instance_count": 3, "step_delay_seconds": 2}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let deployment = reply.body["id"].as_str().unwrap().to_owned();
    let runs = format!("{}/{deployment}/runs", deployments(&user));
    let first = platform.post(&runs, Some(&user.access), json!({})).await.body["id"].as_str().unwrap().to_owned();
    wait_for(&platform, &user, &deployment, &first, &["awaiting_approval"]).await;
    let approve = |run: &str| format!("{runs}/{run}/approve");
    assert_eq!(platform.post(&approve(&first), Some(&user.access), json!({})).await.status, StatusCode::OK);
    // a second run waits behind the first
    let second = platform.post(&runs, Some(&user.access), json!({})).await;
    assert_eq!(second.body["status"], "queued", "{:?}", second.body);
    let second = second.body["id"].as_str().unwrap().to_owned();

    // once a provisioner has started, terraform holds the state lock
    let started = Instant::now();
    while !log_lines(&platform, &user, &deployment, &first).await.iter().any(|l| l.contains("[sandbox]")) {
        assert!(started.elapsed() < Duration::from_secs(60), "the apply never started: {}", platform.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(run_reply(&platform, &user, &deployment, &first).await["status"], "applying");
    let locks_before = state_locks(&platform.lock_table()).await;
    println!(
        "injected: kill -9 of skyforge-local (pid {}) while run {first} applies; locks held: {locks_before:?}",
        platform.pid()
    );
    platform.kill_and_restart().await;
    let restarted = Instant::now();

    let errored = wait_for(&platform, &user, &deployment, &first, &["errored", "applied"]).await;
    let took = restarted.elapsed();
    println!(
        "observed: run {first} {} ({}) {:.1} s after the restart: {}",
        errored["status"],
        errored["error_reason"],
        took.as_secs_f64(),
        errored["error"]
    );
    assert_eq!(errored["status"], "errored", "{errored}");
    assert_eq!(errored["error_reason"], "executor_lost", "{errored}");
    assert!(took < Duration::from_secs(10), "within one reaper interval (and the restart's own pass): {took:?}");
    // the closing line is appended right after the status change: allow it a moment
    let mut lines = log_lines(&platform, &user, &deployment, &first).await;
    let reading = Instant::now();
    while !lines.last().is_some_and(|l| l.contains("executor_lost")) && reading.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        lines = log_lines(&platform, &user, &deployment, &first).await;
    }
    assert!(lines.iter().any(|l| l.contains("[sandbox]")), "the log before the kill is kept: {lines:?}");
    assert!(lines.last().unwrap().contains("executor_lost"), "the log ends saying why: {lines:?}");

    // the queued run went on: it plans against free state, and applies
    let planned = wait_for(&platform, &user, &deployment, &second, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["status"], "awaiting_approval", "the next run planned (the lock is free): {planned}");
    assert_eq!(platform.post(&approve(&second), Some(&user.access), json!({})).await.status, StatusCode::OK);
    let applied = wait_for(&platform, &user, &deployment, &second, &["applied", "errored"]).await;
    assert_eq!(applied["status"], "applied", "{applied}");
    let locks_after = state_locks(&platform.lock_table()).await;
    println!("observed: queued run {second} {}, locks held now: {locks_after:?}", applied["status"]);
    assert!(locks_after.is_empty(), "no lock is left: {locks_after:?}");
    let dep = platform.get(&format!("{}/{deployment}", deployments(&user)), &user.access).await;
    assert!(dep.body["active_run_id"].is_null(), "the deployment is free again: {}", dep.body);
}

/// A moto server of this test's own, so pausing it disturbs no other test. Dropping it resumes
/// it (SIGCONT) and stops it, by its PID.
struct OwnStandIn {
    child: std::process::Child,
    url: String,
}

impl OwnStandIn {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let venv = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv"));
        let child = std::process::Command::new(venv.join("bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting the test's own moto server (.venv/bin/moto_server)");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..150 {
            if http.get(format!("{url}/moto-api/")).send().await.is_ok() {
                return Self { child, url };
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the test's own moto server did not answer within 30 s");
    }

    fn signal(&self, signal: &str) {
        let _ = std::process::Command::new("kill").args([signal, &self.child.id().to_string()]).status();
    }
}

impl Drop for OwnStandIn {
    fn drop(&mut self) {
        // always resumed first: a stopped process would not act on the termination
        self.signal("-CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn fault_a_paused_stand_in_answers_503_within_the_request_deadline_and_reads_recover() {
    let stand_in = OwnStandIn::start().await;
    let deadline = Duration::from_secs(2);
    let platform =
        Platform::start_with(&[("AWS_ENDPOINT_URL", &stand_in.url), ("SKYFORGE_REQUEST_TIMEOUT_SECS", "2")]).await;
    let user = platform.user("ops").await;
    let reads = [
        "/v1/me".to_owned(),
        format!("/v1/orgs/{}/dashboard", user.org),
        format!("/v1/orgs/{}/inventory", user.org),
        format!("/v1/orgs/{}/deployments", user.org),
    ];
    for path in &reads {
        assert_eq!(platform.get(path, &user.access).await.status, StatusCode::OK, "{path} before the fault");
    }

    println!(
        "injected: SIGSTOP of the test's own moto server (pid {}), held 6 s past a {deadline:?} request deadline",
        stand_in.child.id()
    );
    stand_in.signal("-STOP");
    let paused = Instant::now();
    for path in &reads {
        let asked = Instant::now();
        let reply = platform.get(path, &user.access).await;
        let took = asked.elapsed();
        println!("observed: GET {path} -> {} {} in {:.2} s", reply.status.as_u16(), reply.code(), took.as_secs_f64());
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {:?}", reply.body);
        assert_eq!(reply.code(), "service_unavailable", "{path}");
        assert_eq!(reply.headers["content-type"], "application/problem+json", "{path}");
        assert!(reply.headers.contains_key("retry-after"), "{path}");
        assert!(took < deadline + Duration::from_secs(2), "{path} answered within the deadline: {took:?}");
    }
    let held = Duration::from_secs(6).saturating_sub(paused.elapsed());
    tokio::time::sleep(held).await;
    stand_in.signal("-CONT");
    println!("injected: SIGCONT of the stand-in");

    // reads answer again once the stand-in does
    let resumed = Instant::now();
    for path in &reads {
        loop {
            let reply = platform.get(path, &user.access).await;
            if reply.status == StatusCode::OK {
                break;
            }
            assert!(resumed.elapsed() < Duration::from_secs(30), "{path} still answers {:?}", reply.body);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    println!("observed: every read answers 200 again {:.1} s after SIGCONT", resumed.elapsed().as_secs_f64());
}
