//! Provisioning adapters: deployments and runs on DynamoDB (moto), artifacts on S3 (moto), and
//! the requests of the CodeBuild executor and the API Gateway hub (HTTP doubles: moto's CodeBuild
//! never runs builds and its PostToConnection exposes nothing).

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use chrono::Utc;
use serde_json::{Value, json};
use skyforge_app::deployment_ports::{
    AppliedState, ConnectionUser, Connections, Deployments, LogHub, PhaseRequest, RecentRuns, RunArtifacts,
    RunExecutor, Runs, StateLocks,
};
use skyforge_app::ports::{Conflict, StoreError};
use skyforge_aws::provisioning::{ApiGatewayHub, CodeBuildExecutor, S3Artifacts};
use skyforge_domain::deployments::{
    Deployment, ExecutionState, Lifecycle, LiveMessage, LogLine, Phase, RECENT_RUNS, Run, RunEvent, RunKind, RunStatus,
};
use skyforge_domain::ids::{CredentialId, DeploymentId, OrgId, RunId, UserId};
use skyforge_domain::page::PageRequest;
use skyforge_domain::provider::Provider;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fresh_store;

fn deployment(org: OrgId) -> Deployment {
    let id = DeploymentId::new();
    Deployment {
        id,
        org_id: org,
        template: "sandbox".into(),
        name: "demo".into(),
        credential_id: None,
        variables: Default::default(),
        outputs: None,
        state_key: Deployment::state_key_for(org, id),
        lifecycle: Lifecycle::New,
        applied_variables: None,
        active_run_id: None,
        created_by: UserId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[tokio::test]
async fn one_run_at_a_time_holds_a_deployment() {
    let store = fresh_store().await;
    let org = OrgId::new();
    let d = deployment(org);
    Deployments::create(store.as_ref(), &d).await.unwrap();
    let (first, second) = (RunId::new(), RunId::new());
    assert!(store.claim(org, d.id, first).await.unwrap());
    assert!(store.claim(org, d.id, first).await.unwrap(), "claiming again is idempotent");
    assert!(!store.claim(org, d.id, second).await.unwrap());
    store.release(org, d.id, second, Utc::now()).await.unwrap(); // not the holder: no effect
    assert_eq!(Deployments::get(store.as_ref(), org, d.id).await.unwrap().unwrap().active_run_id, Some(first));
    store.release(org, d.id, first, Utc::now()).await.unwrap();
    assert!(store.claim(org, d.id, second).await.unwrap());
    assert!(!store.claim(org, DeploymentId::new(), second).await.unwrap(), "no such deployment");

    let outputs = json!({"id": {"value": "42", "sensitive": false, "type": "string"}});
    let vars: std::collections::BTreeMap<String, Value> = [("instance_count".to_owned(), json!(2))].into();
    let applied =
        AppliedState { outputs: Some(outputs.clone()), lifecycle: Lifecycle::Applied, variables: Some(vars.clone()) };
    store.set_outputs(org, d.id, &applied, Utc::now()).await.unwrap();
    let stored = Deployments::get(store.as_ref(), org, d.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.outputs, stored.lifecycle, stored.applied_variables),
        (Some(outputs), Lifecycle::Applied, Some(vars.clone()))
    );
    let destroyed = AppliedState { outputs: None, lifecycle: Lifecycle::Destroyed, variables: None };
    store.set_outputs(org, d.id, &destroyed, Utc::now()).await.unwrap();
    let stored = Deployments::get(store.as_ref(), org, d.id).await.unwrap().unwrap();
    assert_eq!(stored.outputs, None);
    assert_eq!(stored.lifecycle, Lifecycle::Destroyed);
    assert_eq!(stored.applied_variables, Some(vars), "a destroy keeps the last applied variables");
}

#[tokio::test]
async fn a_deployment_changes_name_and_variables_and_is_deleted_with_its_runs_only_when_free_and_not_applied() {
    let store = fresh_store().await;
    let org = OrgId::new();
    let d = deployment(org);
    Deployments::create(store.as_ref(), &d).await.unwrap();
    let run = Run::new(org, d.id, RunKind::PlanAndApply, UserId::new(), Utc::now());
    Runs::create(store.as_ref(), &run).await.unwrap();
    assert!(store.claim(org, d.id, run.id).await.unwrap());

    // a change keeps the active run (only name and variables are written)
    let vars: std::collections::BTreeMap<String, Value> = [("message".to_owned(), json!("hi"))].into();
    Deployments::update(store.as_ref(), org, d.id, "renamed", &vars, Utc::now()).await.unwrap();
    let stored = Deployments::get(store.as_ref(), org, d.id).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), &stored.variables, stored.active_run_id), ("renamed", &vars, Some(run.id)));
    let gone = Deployments::update(store.as_ref(), org, DeploymentId::new(), "x", &vars, Utc::now()).await;
    assert!(matches!(gone, Err(StoreError::Conflict(Conflict::Gone))), "{gone:?}");

    // held by a run, or applied: refused, nothing deleted
    let held = Deployments::delete(store.as_ref(), org, d.id).await;
    assert!(matches!(held, Err(StoreError::Conflict(Conflict::Concurrent))), "{held:?}");
    store.release(org, d.id, run.id, Utc::now()).await.unwrap();
    store.set_lifecycle(org, d.id, Lifecycle::Applied, Utc::now()).await.unwrap();
    let applied = Deployments::delete(store.as_ref(), org, d.id).await;
    assert!(matches!(applied, Err(StoreError::Conflict(Conflict::Concurrent))), "{applied:?}");
    assert!(Runs::get(store.as_ref(), org, run.id).await.unwrap().is_some());

    store.set_lifecycle(org, d.id, Lifecycle::Destroyed, Utc::now()).await.unwrap();
    store.reserve_log_lines(&run, 3).await.unwrap();
    Deployments::delete(store.as_ref(), org, d.id).await.unwrap();
    assert!(Deployments::get(store.as_ref(), org, d.id).await.unwrap().is_none());
    assert!(Runs::get(store.as_ref(), org, run.id).await.unwrap().is_none());
    assert!(store.locate(run.id).await.unwrap().is_none(), "the run's ref is gone too");
    let page = store.for_deployment(org, d.id, &PageRequest::first(10)).await.unwrap();
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn racing_transitions_from_the_same_state_write_once() {
    let store = fresh_store().await;
    let org = OrgId::new();
    let d = deployment(org);
    let mut run = Run::new(org, d.id, RunKind::PlanAndApply, UserId::new(), Utc::now());
    Runs::create(store.as_ref(), &run).await.unwrap();
    for event in [RunEvent::Start, RunEvent::PlanFinished, RunEvent::AwaitApproval] {
        let from = run.status;
        run.apply(event, Utc::now()).unwrap();
        store.transition(&run, from).await.unwrap();
    }
    // two approvers read the same run and both try to move it on
    let (mut a, mut b) = (run.clone(), run.clone());
    a.apply(RunEvent::Approve, Utc::now()).unwrap();
    b.apply(RunEvent::Discard, Utc::now()).unwrap();
    let (ra, rb) = tokio::join!(
        store.transition(&a, RunStatus::AwaitingApproval),
        store.transition(&b, RunStatus::AwaitingApproval)
    );
    let wins = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{ra:?} {rb:?}");
    assert!([&ra, &rb].iter().any(|r| matches!(r, Err(StoreError::Conflict(Conflict::Concurrent)))));
    let stored = Runs::get(store.as_ref(), org, run.id).await.unwrap().unwrap();
    // the stored state is the winner's, whichever of the two it was
    let winner = if ra.is_ok() { RunStatus::Applying } else { RunStatus::Discarded };
    assert_eq!(stored.status, winner);
    assert_eq!(stored.timestamps.len(), 5);

    // another organisation does not find it; the run id alone locates it
    assert!(Runs::get(store.as_ref(), OrgId::new(), run.id).await.unwrap().is_none());
    assert_eq!(store.locate(run.id).await.unwrap(), Some((org, d.id)));
    let listed = store.for_deployment(org, d.id, &PageRequest::first(10)).await.unwrap();
    assert_eq!(listed.items.len(), 1);
}

#[tokio::test]
async fn recent_runs_keep_the_newest_follow_their_status_and_never_go_back() {
    let store = fresh_store().await;
    let org = OrgId::new();
    let d = deployment(org);
    assert!(RecentRuns::list(store.as_ref(), org).await.unwrap().is_empty());
    let mut runs = Vec::new();
    for _ in 0..RECENT_RUNS + 2 {
        let run = Run::new(org, d.id, RunKind::PlanAndApply, UserId::new(), Utc::now());
        store.add(&run, "web servers").await.unwrap();
        runs.push(run);
        // ids sort by their millisecond; keep the creation order unambiguous
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let listed = RecentRuns::list(store.as_ref(), org).await.unwrap();
    let expected: Vec<RunId> = runs.iter().rev().take(RECENT_RUNS).map(|r| r.id).collect();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), expected, "the newest, newest first");
    assert_eq!(listed[0].deployment_name, "web servers");
    assert_eq!(
        (listed[0].status, listed[0].kind, listed[0].deployment_id),
        (RunStatus::Queued, RunKind::PlanAndApply, d.id)
    );

    // a status change moves the entry on
    let newest = runs.last().unwrap().clone();
    let mut planning = newest.clone();
    planning.apply(RunEvent::Start, Utc::now()).unwrap();
    RecentRuns::update(store.as_ref(), &planning).await.unwrap();
    let mut planned = planning.clone();
    planned.apply(RunEvent::PlanFinished, Utc::now()).unwrap();
    RecentRuns::update(store.as_ref(), &planned).await.unwrap();
    let top = &RecentRuns::list(store.as_ref(), org).await.unwrap()[0];
    assert_eq!((top.id, top.status, top.updated_at), (newest.id, RunStatus::Planned, planned.timestamps[2].at));
    assert_eq!(top.deployment_name, "web servers", "an update keeps the name");

    // an update that arrives late does not move it back
    RecentRuns::update(store.as_ref(), &planning).await.unwrap();
    assert_eq!(RecentRuns::list(store.as_ref(), org).await.unwrap()[0].status, RunStatus::Planned);

    // a run that dropped out is not listed again by a later change
    let mut oldest = runs[0].clone();
    oldest.apply(RunEvent::Cancel, Utc::now()).unwrap();
    RecentRuns::update(store.as_ref(), &oldest).await.unwrap();
    let listed = RecentRuns::list(store.as_ref(), org).await.unwrap();
    assert_eq!(listed.len(), RECENT_RUNS);
    assert!(listed.iter().all(|r| r.id != oldest.id));

    // another organisation has its own list
    assert!(RecentRuns::list(store.as_ref(), OrgId::new()).await.unwrap().is_empty());
}

#[tokio::test]
async fn log_line_numbers_never_repeat() {
    let store = fresh_store().await;
    let run = Run::new(OrgId::new(), DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), Utc::now());
    let results = futures::future::join_all((0..8).map(|_| store.reserve_log_lines(&run, 5))).await;
    let mut firsts: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
    firsts.sort();
    assert_eq!(firsts, (0..8).map(|i| 1 + i * 5).collect::<Vec<_>>());
}

#[tokio::test]
async fn connections_subscribe_and_disconnect_cleans_up() {
    let store = fresh_store().await;
    let (org, run) = (OrgId::new(), RunId::new());
    let user = ConnectionUser { user_id: UserId::new(), email: "ann@example.com".into() };
    store.connect("c1", &user, Utc::now()).await.unwrap();
    store.connect("c2", &user, Utc::now()).await.unwrap();
    assert_eq!(store.user("c1").await.unwrap(), Some(user));
    store.subscribe("c1", org, run, Utc::now()).await.unwrap();
    store.subscribe("c2", org, run, Utc::now()).await.unwrap();
    let mut subscribers = store.subscribers(run).await.unwrap();
    subscribers.sort();
    assert_eq!(subscribers, ["c1", "c2"]);
    // unsubscribing stops one connection's messages, not the other's
    store.unsubscribe("c2", run).await.unwrap();
    assert_eq!(store.subscribers(run).await.unwrap(), ["c1"]);
    store.subscribe("c2", org, run, Utc::now()).await.unwrap();
    store.disconnect("c1").await.unwrap();
    assert_eq!(store.subscribers(run).await.unwrap(), ["c2"]);
    assert_eq!(store.user("c1").await.unwrap(), None);
    assert!(store.subscribe("gone", org, run, Utc::now()).await.is_err(), "an unknown connection cannot subscribe");
}

#[tokio::test]
async fn artifacts_and_the_log_archive_round_trip_on_s3() {
    assert!(std::env::var("AWS_ENDPOINT_URL").is_ok(), "runs against the moto server");
    let sdk = skyforge_aws::sdk_config().await;
    let client = skyforge_aws::provisioning::s3_client(&sdk);
    let bucket = format!("test-artifacts-{}", ulid::Ulid::new().to_string().to_lowercase());
    skyforge_aws::provisioning::setup::ensure_bucket(&client, &bucket).await.unwrap();
    skyforge_aws::provisioning::setup::ensure_bucket(&client, &bucket).await.unwrap();
    let artifacts = S3Artifacts::new(client.clone(), &bucket);
    let prefix = "runs/org/dep/run";
    assert_eq!(artifacts.plan_json(prefix).await.unwrap(), None);
    client
        .put_object()
        .bucket(&bucket)
        .key(format!("{prefix}/plan.json"))
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"{\"format_version\":\"1.0\"}"))
        .send()
        .await
        .unwrap();
    assert_eq!(artifacts.plan_json(prefix).await.unwrap().unwrap(), b"{\"format_version\":\"1.0\"}");

    let line = |seq: u64| LogLine { seq, phase: Phase::Plan, text: format!("line {seq}") };
    artifacts.append_log(prefix, &(1..=3).map(line).collect::<Vec<_>>()).await.unwrap();
    artifacts.append_log(prefix, &(4..=10).map(line).collect::<Vec<_>>()).await.unwrap();
    let all = artifacts.log(prefix, 0, 1000).await.unwrap();
    assert_eq!(all.iter().map(|l| l.seq).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    let rest = artifacts.log(prefix, 5, 3).await.unwrap();
    assert_eq!(rest.iter().map(|l| l.seq).collect::<Vec<_>>(), [6, 7, 8]);
    assert!(artifacts.log(prefix, 10, 100).await.unwrap().is_empty());
}

async fn sdk_at(uri: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(uri)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("AKID", "secret", None, None, "test")))
        .load()
        .await
}

fn phase_request(secret: Option<&str>) -> PhaseRequest {
    PhaseRequest {
        org_id: OrgId::new(),
        deployment_id: DeploymentId::new(),
        run_id: RunId::new(),
        kind: RunKind::PlanAndApply,
        phase: Phase::Plan,
        module: "aws_vm".into(),
        variables: json!({"name": "web"}),
        state_key: "state/o/d/terraform.tfstate".into(),
        artifact_prefix: "runs/o/d/r".into(),
        provider: Some(Provider::Aws),
        credential_secret_id: secret.map(str::to_owned),
    }
}

#[tokio::test]
async fn codebuild_start_passes_the_credential_only_as_a_secrets_manager_reference() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "CodeBuild_20161006.StartBuild"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"build": {"id": "terraform-runner:1234"}})))
        .expect(1)
        .mount(&double)
        .await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "CodeBuild_20161006.StopBuild"))
        .and(body_string_contains("terraform-runner:1234"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"build": {"id": "terraform-runner:1234"}})))
        .expect(1)
        .mount(&double)
        .await;
    let sdk = sdk_at(&double.uri()).await;
    let executor = CodeBuildExecutor::new(aws_sdk_codebuild::Client::new(&sdk), "terraform-runner", "/skyforge/runner");
    let secret = "skyforge/credentials/org_x/cred_y";
    let request = phase_request(Some(secret));
    assert_eq!(executor.start(&request).await.unwrap(), "terraform-runner:1234");
    executor.stop("terraform-runner:1234").await.unwrap();

    let received = double.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["projectName"], "terraform-runner");
    let vars = body["environmentVariablesOverride"].as_array().unwrap();
    let var = |name: &str| vars.iter().find(|v| v["name"] == name).cloned().unwrap_or(Value::Null);
    assert_eq!(
        var("SKYFORGE_CLOUD_CREDENTIALS"),
        json!({"name": "SKYFORGE_CLOUD_CREDENTIALS", "value": secret, "type": "SECRETS_MANAGER"})
    );
    assert!(vars.iter().filter(|v| v["name"] != "SKYFORGE_CLOUD_CREDENTIALS").all(|v| v["type"] == "PLAINTEXT"));
    assert_eq!(var("SKYFORGE_RUN_ID")["value"], request.run_id.to_string());
    assert_eq!(var("SKYFORGE_PHASE")["value"], "plan");
    assert_eq!(var("SKYFORGE_MODULE")["value"], "aws_vm");
    assert_eq!(body["logsConfigOverride"]["cloudWatchLogs"]["groupName"], "/skyforge/runner");
    assert_eq!(
        body["logsConfigOverride"]["cloudWatchLogs"]["streamName"],
        format!("{}/{}/{}/plan", request.org_id, request.deployment_id, request.run_id)
    );
    let _ = CredentialId::new();
}

struct FixedSubscribers(Vec<String>, std::sync::Mutex<Vec<String>>);

#[async_trait::async_trait]
impl Connections for FixedSubscribers {
    async fn connect(
        &self,
        _: &str,
        _: &ConnectionUser,
        _: chrono::DateTime<Utc>,
    ) -> skyforge_app::ports::StoreResult<()> {
        Ok(())
    }
    async fn user(&self, _: &str) -> skyforge_app::ports::StoreResult<Option<ConnectionUser>> {
        Ok(None)
    }
    async fn unsubscribe(&self, _: &str, _: RunId) -> skyforge_app::ports::StoreResult<()> {
        Ok(())
    }
    async fn subscribe(
        &self,
        _: &str,
        _: OrgId,
        _: RunId,
        _: chrono::DateTime<Utc>,
    ) -> skyforge_app::ports::StoreResult<()> {
        Ok(())
    }
    async fn subscribers(&self, _: RunId) -> skyforge_app::ports::StoreResult<Vec<String>> {
        Ok(self.0.clone())
    }
    async fn disconnect(&self, connection: &str) -> skyforge_app::ports::StoreResult<()> {
        self.1.lock().unwrap().push(connection.to_owned());
        Ok(())
    }
}

#[tokio::test]
async fn live_messages_are_posted_to_each_subscriber_and_gone_connections_are_forgotten() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/live/@connections/alive"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&double)
        .await;
    Mock::given(method("POST"))
        .and(path("/live/@connections/gone"))
        .respond_with(
            ResponseTemplate::new(410)
                .insert_header("x-amzn-errortype", "GoneException")
                .set_body_json(json!({"message": "gone"})),
        )
        .mount(&double)
        .await;
    let sdk = sdk_at(&double.uri()).await;
    let connections = Arc::new(FixedSubscribers(vec!["alive".into(), "gone".into()], Default::default()));
    let hub = ApiGatewayHub::new(&sdk, &format!("{}/live", double.uri()), connections.clone());
    let run = RunId::new();
    let messages = [
        LiveMessage::Log { run_id: run, seq: 1, phase: Phase::Apply, line: "one".into() },
        LiveMessage::Log { run_id: run, seq: 2, phase: Phase::Apply, line: "two".into() },
    ];
    hub.publish(OrgId::new(), run, &messages).await.unwrap();
    let received = double.received_requests().await.unwrap();
    let to_alive: Vec<Value> = received
        .iter()
        .filter(|r| r.url.path().ends_with("/alive"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(to_alive.len(), 2, "both lines, in order");
    assert_eq!(to_alive[0]["line"], "one");
    assert_eq!(to_alive[1]["seq"], 2);
    assert_eq!(*connections.1.lock().unwrap(), ["gone"]);
}

// ---- the run reaper's adapters ------------------------------------------------------------------

#[tokio::test]
async fn the_running_runs_index_lists_a_run_only_while_it_plans_or_applies() {
    let store = fresh_store().await;
    let org = OrgId::new();
    let d = deployment(org);
    let mut run = Run::new(org, d.id, RunKind::PlanAndApply, UserId::new(), Utc::now());
    Runs::create(store.as_ref(), &run).await.unwrap();
    let listed = |runs: Vec<Run>| runs.into_iter().map(|r| (r.id, r.status)).collect::<Vec<_>>();
    assert_eq!(listed(store.running().await.unwrap()), [], "queued is not running");
    let mut seen = Vec::new();
    for event in [RunEvent::Start, RunEvent::PlanFinished, RunEvent::AwaitApproval, RunEvent::Approve, RunEvent::Fail] {
        let from = run.status;
        run.apply(event, Utc::now()).unwrap();
        store.transition(&run, from).await.unwrap();
        seen.push((run.status, listed(store.running().await.unwrap())));
    }
    assert_eq!(
        seen,
        [
            (RunStatus::Planning, vec![(run.id, RunStatus::Planning)]),
            (RunStatus::Planned, vec![]),
            (RunStatus::AwaitingApproval, vec![]),
            (RunStatus::Applying, vec![(run.id, RunStatus::Applying)]),
            (RunStatus::Errored, vec![]),
        ]
    );
}

async fn lock_table() -> (aws_sdk_dynamodb::Client, String) {
    let sdk = skyforge_aws::sdk_config().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let name = format!("test-locks-{}", ulid::Ulid::new().to_string().to_lowercase());
    skyforge_aws::provisioning::setup::ensure_lock_table(&client, &name).await.unwrap();
    (client, name)
}

/// A lock as Terraform's S3 backend writes it.
async fn put_lock(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    lock_id: &str,
    id: &str,
    created: chrono::DateTime<Utc>,
) {
    let info = json!({"ID": id, "Operation": "OperationTypeApply", "Info": "", "Who": "runner@build",
        "Version": "1.0.3", "Created": created.to_rfc3339(), "Path": lock_id});
    client
        .put_item()
        .table_name(table)
        .item("LockID", aws_sdk_dynamodb::types::AttributeValue::S(lock_id.into()))
        .item("Info", aws_sdk_dynamodb::types::AttributeValue::S(info.to_string()))
        .send()
        .await
        .unwrap();
}

async fn lock_ids(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<String> {
    let mut ids: Vec<String> = client
        .scan()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .filter_map(|i| i.get("LockID")?.as_s().ok().cloned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_state_lock_is_released_only_when_taken_after_the_phase_began_and_the_digest_stays() {
    let (client, table) = lock_table().await;
    let locks = skyforge_aws::provisioning::DynamoStateLocks::new(client.clone(), &table, "tfstate");
    let key = "state/org_a/dep_b/terraform.tfstate";
    let phase_began = Utc::now() - chrono::Duration::minutes(5);
    // Terraform's digest item next to the lock is not a lock
    client
        .put_item()
        .table_name(&table)
        .item("LockID", aws_sdk_dynamodb::types::AttributeValue::S(format!("tfstate/{key}-md5")))
        .item("Digest", aws_sdk_dynamodb::types::AttributeValue::S("abc".into()))
        .send()
        .await
        .unwrap();

    // a lock older than the phase is not the run's: it stays
    put_lock(&client, &table, &format!("tfstate/{key}"), "older-lock", phase_began - chrono::Duration::minutes(1))
        .await;
    assert_eq!(locks.release_if_taken_after(key, phase_began).await.unwrap(), None);
    assert_eq!(lock_ids(&client, &table).await, [format!("tfstate/{key}"), format!("tfstate/{key}-md5")]);

    // the lost runner's lock is released, by its id
    put_lock(&client, &table, &format!("tfstate/{key}"), "runner-lock", phase_began + chrono::Duration::seconds(3))
        .await;
    assert_eq!(locks.release_if_taken_after(key, phase_began).await.unwrap(), Some("runner-lock".into()));
    assert_eq!(lock_ids(&client, &table).await, [format!("tfstate/{key}-md5")]);
    // nothing locked: nothing to release
    assert_eq!(locks.release_if_taken_after(key, phase_began).await.unwrap(), None);
}

#[tokio::test]
async fn codebuild_batch_get_builds_tells_a_known_build_from_a_vanished_one() {
    let sdk = skyforge_aws::sdk_config().await;
    let client = aws_sdk_codebuild::Client::new(&sdk);
    let project = format!("runner-{}", ulid::Ulid::new().to_string().to_lowercase());
    // moto wants a service role in the caller's account and a source location even for NO_SOURCE
    client
        .create_project()
        .name(&project)
        .service_role("arn:aws:iam::123456789012:role/terraform-runner")
        .source(
            aws_sdk_codebuild::types::ProjectSource::builder()
                .r#type(aws_sdk_codebuild::types::SourceType::NoSource)
                .location("none")
                .build()
                .unwrap(),
        )
        .artifacts(
            aws_sdk_codebuild::types::ProjectArtifacts::builder()
                .r#type(aws_sdk_codebuild::types::ArtifactsType::NoArtifacts)
                .build()
                .unwrap(),
        )
        .environment(
            aws_sdk_codebuild::types::ProjectEnvironment::builder()
                .r#type(aws_sdk_codebuild::types::EnvironmentType::LinuxContainer)
                .image("aws/codebuild/amazonlinux-x86_64-standard:5.0")
                .compute_type(aws_sdk_codebuild::types::ComputeType::BuildGeneral1Small)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let executor = CodeBuildExecutor::new(client, &project, "/skyforge/runner");
    let build = executor.start(&phase_request(None)).await.unwrap();
    // moto records builds without running them: it reports them in progress or succeeded
    let state = executor.status(&build).await.unwrap();
    assert!(matches!(state, ExecutionState::Running | ExecutionState::Succeeded), "{state:?}");
    let vanished = format!("{project}:00000000-0000-0000-0000-000000000000");
    assert_eq!(executor.status(&vanished).await.unwrap(), ExecutionState::Gone);
}

#[tokio::test]
async fn codebuild_status_maps_each_build_status_the_reaper_acts_on() {
    let double = MockServer::start().await;
    for (id, status) in [("b:ok", "SUCCEEDED"), ("b:run", "IN_PROGRESS"), ("b:fail", "FAILED"), ("b:stop", "STOPPED")] {
        Mock::given(method("POST"))
            .and(header("x-amz-target", "CodeBuild_20161006.BatchGetBuilds"))
            .and(body_string_contains(id))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"builds": [{"id": id, "buildStatus": status}], "buildsNotFound": []})),
            )
            .mount(&double)
            .await;
    }
    Mock::given(method("POST"))
        .and(header("x-amz-target", "CodeBuild_20161006.BatchGetBuilds"))
        .and(body_string_contains("b:gone"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"builds": [], "buildsNotFound": ["b:gone"]})))
        .mount(&double)
        .await;
    let sdk = sdk_at(&double.uri()).await;
    let executor = CodeBuildExecutor::new(aws_sdk_codebuild::Client::new(&sdk), "terraform-runner", "/skyforge/runner");
    assert_eq!(executor.status("b:ok").await.unwrap(), ExecutionState::Succeeded);
    assert_eq!(executor.status("b:run").await.unwrap(), ExecutionState::Running);
    assert_eq!(executor.status("b:fail").await.unwrap(), ExecutionState::Failed("FAILED".into()));
    assert_eq!(executor.status("b:stop").await.unwrap(), ExecutionState::Failed("STOPPED".into()));
    assert_eq!(executor.status("b:gone").await.unwrap(), ExecutionState::Gone);
}
