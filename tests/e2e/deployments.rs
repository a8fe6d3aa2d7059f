//! Provisioning end to end, with real Terraform (the offline sandbox module, null provider)
//! run by the local runtime's runner subprocess, its state in the S3 backend on the stand-in:
//! plan, plan summary, approval (and a racing second approval), apply, outputs, destroy, live
//! logs over the WebSocket endpoint, cancel, a failing plan, rights and tenant isolation.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::{Platform, TestUser, fresh_aws_account};
use tokio_tungstenite::tungstenite::Message;

fn deployments(user: &TestUser) -> String {
    format!("/v1/orgs/{}/deployments", user.org)
}

async fn sandbox(platform: &Platform, user: &TestUser, variables: Value) -> String {
    let reply = platform
        .post(
            &deployments(user),
            Some(&user.access),
            json!({"template": "sandbox", "name": "demo", "variables": variables}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn start_run(platform: &Platform, user: &TestUser, deployment: &str, kind: &str) -> String {
    let reply = platform
        .post(&format!("{}/{deployment}/runs", deployments(user)), Some(&user.access), json!({"kind": kind}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// Polls the run until it reaches one of `states` (60 s at most: init, plan and apply take a few
/// seconds each on the stand-in).
async fn wait_for(platform: &Platform, user: &TestUser, deployment: &str, run: &str, states: &[&str]) -> Value {
    let path = format!("{}/{deployment}/runs/{run}", deployments(user));
    let started = Instant::now();
    loop {
        let reply = platform.get(&path, &user.access).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let status = reply.body["status"].as_str().unwrap_or("").to_owned();
        if states.contains(&status.as_str()) {
            return reply.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "run {run} is still {status}, wanted {states:?}; log: {}",
            platform.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(socket: &mut Socket, run: &str) -> Value {
    socket.send(Message::Text(json!({"action": "subscribe", "run_id": run}).to_string().into())).await.unwrap();
    next_message(socket).await
}

async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("a live message within 30 s")
            .expect("the socket is open")
            .expect("a readable message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn a_sandbox_deployment_plans_applies_with_live_logs_and_destroys() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    let viewer = platform.user("viewer").await;
    platform.add_member(&owner, &owner.org, &viewer, "viewer").await;
    let outsider = platform.user("outsider").await;

    let templates = platform.get("/v1/templates", &owner.access).await;
    assert_eq!(templates.status, StatusCode::OK);
    let sandbox_template = templates.body["items"].as_array().unwrap().iter().find(|t| t["id"] == "sandbox").unwrap();
    assert_eq!(sandbox_template["sandbox"], true);
    assert_eq!(sandbox_template["variables_schema"]["properties"]["instance_count"]["type"], "number");

    // 0.3 s between the provisioner's lines: the apply prints over about 1.2 s per instance
    let deployment = sandbox(&platform, &owner, json!({"instance_count": 2, "step_delay_seconds": 0.3})).await;

    let (mut socket, _) = tokio_tungstenite::connect_async(platform.live_url(Some(&owner.access))).await.unwrap();
    let run = start_run(&platform, &owner, &deployment, "plan_and_apply").await;
    let subscribed = subscribe(&mut socket, &run).await;
    assert_eq!(subscribed["type"], "subscribed", "{subscribed}");

    // another organisation can neither read nor subscribe to the run
    let path = format!("{}/{deployment}/runs/{run}", deployments(&owner));
    assert_eq!(platform.get(&path, &outsider.access).await.status, StatusCode::NOT_FOUND);
    let foreign = format!("/v1/orgs/{}/deployments/{deployment}/runs/{run}", outsider.org);
    assert_eq!(platform.get(&foreign, &outsider.access).await.status, StatusCode::NOT_FOUND);
    let (mut spy, _) = tokio_tungstenite::connect_async(platform.live_url(Some(&outsider.access))).await.unwrap();
    let refused = subscribe(&mut spy, &run).await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "not_found");

    let planned = wait_for(&platform, &owner, &deployment, &run, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["status"], "awaiting_approval", "{planned}");
    assert_eq!(planned["plan"]["add"], json!(["null_resource.this[0]", "null_resource.this[1]"]));
    assert_eq!(planned["plan"]["destroy"], json!([]));
    let states: Vec<&str> =
        planned["timestamps"].as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["queued", "planning", "planned", "awaiting_approval"]);

    // a viewer cannot approve
    let denied = platform.post(&format!("{path}/approve"), Some(&viewer.access), json!({})).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(denied.code(), "forbidden");

    // two racing approvals: exactly one applies
    let approve = format!("{path}/approve");
    let (a, b) = tokio::join!(
        platform.post(&approve, Some(&owner.access), json!({})),
        platform.post(&approve, Some(&owner.access), json!({})),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{:?} / {:?}", a.body, b.body);
    let loser = if a.status == StatusCode::CONFLICT { &a } else { &b };
    assert_eq!(loser.code(), "invalid_run_state");

    // the live log: lines arrive while the apply runs, in order, before the run is applied
    let mut seqs = Vec::new();
    let mut first_step: Option<Instant> = None;
    let mut last_step: Option<Instant> = None;
    loop {
        let message = next_message(&mut socket).await;
        match message["type"].as_str().unwrap() {
            "log" => {
                seqs.push(message["seq"].as_u64().unwrap());
                let line = message["line"].as_str().unwrap();
                if line.contains("sandbox-0: step 1/4") {
                    first_step = Some(Instant::now());
                }
                if line.contains("sandbox-0: step 4/4") {
                    last_step = Some(Instant::now());
                }
            }
            "status" if message["status"] == "applied" => break,
            "status" => assert_ne!(message["status"], "errored", "{message}"),
            other => panic!("unexpected live message {other}: {message}"),
        }
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "lines in order: {seqs:?}");
    let (first, last) = (first_step.expect("step 1 seen live"), last_step.expect("step 4 seen live"));
    assert!(
        last - first >= Duration::from_millis(500),
        "lines streamed as printed, not at the end: {:?}",
        last - first
    );

    let applied = wait_for(&platform, &owner, &deployment, &run, &["applied"]).await;
    assert!(applied["approved_by"].as_str().is_some());
    let dep = platform.get(&format!("{}/{deployment}", deployments(&owner)), &owner.access).await;
    assert_eq!(dep.body["outputs"]["instance_names"]["value"], json!(["sandbox-0", "sandbox-1"]), "{}", dep.body);
    assert_eq!(dep.body["outputs"]["region"]["value"], "local");
    assert!(dep.body["active_run_id"].is_null());

    // the archived log holds both phases, and `after` reads on from a position
    let log = platform.get(&format!("{path}/logs"), &owner.access).await;
    assert_eq!(log.status, StatusCode::OK);
    let lines = log.body["lines"].as_array().unwrap();
    assert!(lines.iter().any(|l| l["phase"] == "plan" && l["text"].as_str().unwrap().contains("Plan: 2 to add")));
    assert!(lines.iter().any(|l| l["phase"] == "apply" && l["text"].as_str().unwrap().contains("step 2/4")));
    let middle = lines[lines.len() / 2]["seq"].as_u64().unwrap();
    let rest = platform.get(&format!("{path}/logs?after={middle}"), &owner.access).await;
    assert_eq!(rest.body["lines"][0]["seq"].as_u64().unwrap(), middle + 1);
    assert_eq!(rest.body["next_after"], log.body["next_after"]);
    assert_eq!(platform.get(&format!("{path}/logs?after=x"), &owner.access).await.code(), "invalid_query");

    // destroy: plans the removal of both instances, applies it, clears the outputs
    let destroy = start_run(&platform, &owner, &deployment, "destroy").await;
    let planned = wait_for(&platform, &owner, &deployment, &destroy, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["plan"]["destroy"], json!(["null_resource.this[0]", "null_resource.this[1]"]), "{planned}");
    let destroy_path = format!("{}/{deployment}/runs/{destroy}", deployments(&owner));
    assert_eq!(
        platform.post(&format!("{destroy_path}/approve"), Some(&owner.access), json!({})).await.status,
        StatusCode::OK
    );
    wait_for(&platform, &owner, &deployment, &destroy, &["applied"]).await;
    let dep = platform.get(&format!("{}/{deployment}", deployments(&owner)), &owner.access).await;
    assert!(dep.body["outputs"].is_null(), "{}", dep.body);
}

#[tokio::test]
async fn a_cancelled_plan_ends_cancelled_and_a_failing_plan_ends_errored_with_its_log() {
    let platform = Platform::start().await;
    let user = platform.user("ops").await;

    // cancel right after starting: planning (or still queued) becomes cancelled and stays so
    let deployment = sandbox(&platform, &user, json!({})).await;
    let run = start_run(&platform, &user, &deployment, "plan_and_apply").await;
    let path = format!("{}/{deployment}/runs/{run}", deployments(&user));
    let cancelled = platform.post(&format!("{path}/cancel"), Some(&user.access), json!({})).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(platform.get(&path, &user.access).await.body["status"], "cancelled");
    let again = platform.post(&format!("{path}/cancel"), Some(&user.access), json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // the deployment is free again: the next run plans
    let next = start_run(&platform, &user, &deployment, "plan_and_apply").await;
    let planned = wait_for(&platform, &user, &deployment, &next, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["status"], "awaiting_approval", "{planned}");
    // while it awaits approval it holds the deployment: another run waits queued, then starts
    let third =
        platform.post(&format!("{}/{deployment}/runs", deployments(&user)), Some(&user.access), json!({})).await;
    assert_eq!(third.body["status"], "queued", "{:?}", third.body);
    let third = third.body["id"].as_str().unwrap().to_owned();
    let discarded = platform
        .post(&format!("{}/{deployment}/runs/{next}/discard", deployments(&user)), Some(&user.access), json!({}))
        .await;
    assert_eq!(discarded.body["status"], "discarded");
    let planned = wait_for(&platform, &user, &deployment, &third, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["status"], "awaiting_approval", "{planned}");

    // 1.5 instances passes the schema (a number from 1 to 5) but Terraform's count refuses it
    let failing = sandbox(&platform, &user, json!({"instance_count": 1.5})).await;
    let run = start_run(&platform, &user, &failing, "plan_and_apply").await;
    let errored = wait_for(&platform, &user, &failing, &run, &["errored", "awaiting_approval"]).await;
    assert_eq!(errored["status"], "errored", "{errored}");
    assert!(errored["error"].as_str().unwrap().contains("plan failed"), "{errored}");
    let log = platform.get(&format!("{}/{failing}/runs/{run}/logs", deployments(&user)), &user.access).await;
    let text: Vec<&str> = log.body["lines"].as_array().unwrap().iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert!(text.iter().any(|l| l.contains("Error")), "the failure is in the kept log: {text:?}");
}

#[tokio::test]
async fn deployments_refuse_bad_variables_wrong_credentials_and_unauthenticated_sockets() {
    let platform = Platform::start().await;
    let user = platform.user("ops").await;
    let reply = platform
        .post(
            &deployments(&user),
            Some(&user.access),
            json!({"template": "sandbox", "name": "x", "variables": {"instance_count": "two", "name": "Bad Name", "extra": 1}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "validation_failed");
    let mut fields = reply.field_codes();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("variables.extra".to_owned(), "unknown_variable".to_owned()),
            ("variables.instance_count".to_owned(), "invalid_type".to_owned()),
            ("variables.name".to_owned(), "invalid_format".to_owned()),
        ]
    );
    let reply = platform
        .post(
            &deployments(&user),
            Some(&user.access),
            json!({"template": "aws_vm", "name": "vm", "variables": {"name": "web"}}),
        )
        .await;
    assert_eq!(reply.field_codes(), [("credential".to_owned(), "required".to_owned())]);
    let reply = platform
        .post(&deployments(&user), Some(&user.access), json!({"template": "aws_vm", "name": "vm", "credential": "cred_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O", "variables": {"name": "web"}}))
        .await;
    assert_eq!(reply.field_codes(), [("credential".to_owned(), "not_found".to_owned())]);
    let reply = platform.post(&deployments(&user), Some(&user.access), json!({"template": "nope", "name": "x"})).await;
    assert_eq!(reply.field_codes(), [("template".to_owned(), "unknown_template".to_owned())]);

    // the WebSocket endpoint refuses a connection without a valid token
    for url in [platform.live_url(None), platform.live_url(Some("not-a-token"))] {
        let error = tokio_tungstenite::connect_async(url).await.expect_err("refused");
        match error {
            tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status(), 401),
            other => panic!("expected an HTTP refusal, got {other}"),
        }
    }
}

#[tokio::test]
async fn a_phase_that_outlives_its_timeout_is_errored_and_stopped() {
    // init alone takes longer than a second here
    let platform = Platform::start_with(&[("SKYFORGE_PHASE_TIMEOUT_SECS", "1")]).await;
    let user = platform.user("ops").await;
    let deployment = sandbox(&platform, &user, json!({})).await;
    let run = start_run(&platform, &user, &deployment, "plan_and_apply").await;
    let errored = wait_for(&platform, &user, &deployment, &run, &["errored", "awaiting_approval"]).await;
    assert_eq!(errored["status"], "errored", "{errored}");
    assert!(errored["error"].as_str().unwrap().contains("exceeded its timeout"), "{errored}");
    assert_eq!(errored["error_reason"], "phase_timeout", "{errored}");
    let dep = platform.get(&format!("{}/{deployment}", deployments(&user)), &user.access).await;
    assert!(dep.body["active_run_id"].is_null(), "the deployment is free again: {}", dep.body);
}

/// A fresh moto account behind its own role, connected to `user` for us-east-1 only.
async fn connected_aws_account(platform: &Platform, user: &TestUser) -> (String, String) {
    let (_, role) = fresh_aws_account();
    (platform.connect_aws(user, &role).await, role)
}

/// Starts an instance in the role's account, tagged as `tags` say; answers its id.
async fn instance(role: &str, tags: &[(&str, &str)]) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let sdk = skyforge_aws::sdk_config().await;
    let secret = skyforge_domain::credentials::CloudSecret::AwsRole { role_arn: role.into(), external_id: "x".into() };
    let config = skyforge_aws::sts::aws_config_for(&sdk, &secret).await.unwrap();
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&config).region(aws_sdk_ec2::config::Region::new("us-east-1")).build(),
    );
    let spec = TagSpecification::builder()
        .resource_type(ResourceType::Instance)
        .set_tags(Some(tags.iter().map(|(k, v)| Tag::builder().key(*k).value(*v).build()).collect()))
        .build();
    let run = ec2
        .run_instances()
        .image_id(skyforge_clouds::demo::DEMO_IMAGE)
        .min_count(1)
        .max_count(1)
        .tag_specifications(spec)
        .send()
        .await
        .unwrap();
    run.instances()[0].instance_id().unwrap().to_owned()
}

#[tokio::test]
async fn a_deployment_lists_the_synced_resources_tagged_with_it_and_another_org_gets_404() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    let outsider = platform.user("outsider").await;
    let (credential, role) = connected_aws_account(&platform, &owner).await;
    let reply = platform
        .post(
            &deployments(&owner),
            Some(&owner.access),
            json!({"template": "aws_vm", "name": "web", "credential": credential, "variables": {"name": "web"}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let deployment = reply.body["id"].as_str().unwrap().to_owned();
    let resources = format!("{}/{deployment}/resources", deployments(&owner));

    // nothing synced yet: an empty list
    let empty = platform.get(&resources, &owner.access).await;
    assert_eq!(empty.status, StatusCode::OK, "{:?}", empty.body);
    assert_eq!(empty.body, json!({"items": [], "next_cursor": null}));

    // what Terraform would have made (it tags with the id in lower case), and an untagged neighbour
    let tagged = instance(&role, &[("Name", "web"), ("skyforge-deployment", &deployment.to_lowercase())]).await;
    let other = instance(&role, &[("Name", "hand-made")]).await;
    assert_eq!(platform.resynced(&owner, &credential).await["status"], "succeeded");

    let listed = platform.get(&resources, &owner.access).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    let native: Vec<&str> = items.iter().map(|r| r["native_id"].as_str().unwrap()).collect();
    assert_eq!(native, [tagged.as_str()], "only the deployment's own resources");
    assert_eq!(items[0]["deployment"], deployment.to_lowercase());
    assert_eq!(items[0]["type"], "vm");
    assert_eq!(items[0]["credential_id"], credential.as_str());
    // the inventory itself holds both
    let inventory = platform.get(&format!("/v1/orgs/{}/inventory?type=vm", owner.org), &owner.access).await;
    let all: Vec<&str> =
        inventory.body["items"].as_array().unwrap().iter().map(|r| r["native_id"].as_str().unwrap()).collect();
    assert!(all.contains(&tagged.as_str()) && all.contains(&other.as_str()), "{all:?}");

    // paged like the inventory
    assert_eq!(
        platform.get(&format!("{resources}?limit=1"), &owner.access).await.body["items"].as_array().unwrap().len(),
        1
    );
    let bad = platform.get(&format!("{resources}?limit=0"), &owner.access).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::BAD_REQUEST, "invalid_query"));

    // another organisation: 404 through its own path and through the owner's
    let foreign = format!("/v1/orgs/{}/deployments/{deployment}/resources", outsider.org);
    let reply = platform.get(&foreign, &outsider.access).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(platform.get(&resources, &outsider.access).await.status, StatusCode::NOT_FOUND);
    let unknown = format!("{}/dep_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O/resources", deployments(&owner));
    assert_eq!(platform.get(&unknown, &owner.access).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn recent_runs_list_the_organisations_newest_runs_across_deployments_and_no_other_org_sees_them() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    let outsider = platform.user("outsider").await;
    let recent = format!("/v1/orgs/{}/runs", owner.org);
    let none = platform.get(&recent, &owner.access).await;
    assert_eq!((none.status, none.body.clone()), (StatusCode::OK, json!({"items": []})));

    let first = sandbox(&platform, &owner, json!({})).await;
    let cancelled = start_run(&platform, &owner, &first, "plan_and_apply").await;
    let path = format!("{}/{first}/runs/{cancelled}/cancel", deployments(&owner));
    assert_eq!(platform.post(&path, Some(&owner.access), json!({})).await.status, StatusCode::OK);
    let second = sandbox(&platform, &owner, json!({})).await;
    let planned = start_run(&platform, &owner, &second, "plan_and_apply").await;
    wait_for(&platform, &owner, &second, &planned, &["awaiting_approval"]).await;

    let reply = platform.get(&recent, &owner.access).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let items = reply.body["items"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["deployment_id"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [(planned.as_str(), second.as_str(), "awaiting_approval"), (cancelled.as_str(), first.as_str(), "cancelled")],
        "newest first, each in its current status"
    );
    assert_eq!(items[0]["deployment_name"], "demo");
    assert_eq!(items[0]["kind"], "plan_and_apply");

    let one = platform.get(&format!("{recent}?limit=1"), &owner.access).await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    for bad in ["0", "21", "x"] {
        let reply = platform.get(&format!("{recent}?limit={bad}"), &owner.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, "invalid_query"), "limit={bad}");
    }

    // tenant isolation: the outsider's own list is empty, and the owner's is not theirs to read
    let theirs = platform.get(&format!("/v1/orgs/{}/runs", outsider.org), &outsider.access).await;
    assert_eq!(theirs.body, json!({"items": []}));
    let reply = platform.get(&recent, &outsider.access).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "not_found"));
}

async fn patch(platform: &Platform, path: &str, token: &str, body: Value) -> skyforge_e2e::Reply {
    platform.call(reqwest::Method::PATCH, path, Some(token), Some(body)).await
}

async fn delete(platform: &Platform, path: &str, token: &str) -> skyforge_e2e::Reply {
    platform.call(reqwest::Method::DELETE, path, Some(token), None).await
}

async fn approve_and_apply(platform: &Platform, user: &TestUser, deployment: &str, run: &str) -> Value {
    let path = format!("{}/{deployment}/runs/{run}", deployments(user));
    let planned = wait_for(platform, user, deployment, run, &["awaiting_approval", "errored"]).await;
    assert_eq!(planned["status"], "awaiting_approval", "{planned}");
    let approved = platform.post(&format!("{path}/approve"), Some(&user.access), json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.body);
    let applied = wait_for(platform, user, deployment, run, &["applied", "errored"]).await;
    assert_eq!(applied["status"], "applied", "{applied}");
    planned
}

#[tokio::test]
async fn a_deployment_changes_its_variables_through_a_new_plan_and_once_destroyed_is_deleted() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    let viewer = platform.user("viewer").await;
    platform.add_member(&owner, &owner.org, &viewer, "viewer").await;
    let outsider = platform.user("outsider").await;

    let deployment = sandbox(&platform, &owner, json!({"instance_count": 1, "step_delay_seconds": 0})).await;
    let path = format!("{}/{deployment}", deployments(&owner));
    assert_eq!(platform.get(&path, &owner.access).await.body["lifecycle"], "new");
    let first = start_run(&platform, &owner, &deployment, "plan_and_apply").await;
    let planned = approve_and_apply(&platform, &owner, &deployment, &first).await;
    assert_eq!(planned["variables"], json!({"instance_count": 1, "step_delay_seconds": 0}));
    let applied = platform.get(&path, &owner.access).await.body;
    assert_eq!(applied["lifecycle"], "applied");
    assert_eq!(applied["applied_variables"], json!({"instance_count": 1, "step_delay_seconds": 0}));

    // bad variables: 422 per field, and nothing changed
    let bad =
        patch(&platform, &path, &owner.access, json!({"name": "", "variables": {"instance_count": "two", "extra": 1}}))
            .await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let mut fields = bad.field_codes();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("name".to_owned(), "invalid_length".to_owned()),
            ("variables.extra".to_owned(), "unknown_variable".to_owned()),
            ("variables.instance_count".to_owned(), "invalid_type".to_owned()),
        ]
    );
    let unchanged = platform.get(&path, &owner.access).await.body;
    assert_eq!(
        (unchanged["name"].clone(), unchanged["variables"].clone()),
        (applied["name"].clone(), applied["variables"].clone())
    );

    // a viewer cannot change it, another organisation does not see it
    let change = json!({"name": "bigger", "variables": {"instance_count": 2}});
    let denied = patch(&platform, &path, &viewer.access, change.clone()).await;
    assert_eq!((denied.status, denied.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(patch(&platform, &path, &outsider.access, change.clone()).await.status, StatusCode::NOT_FOUND);
    let foreign = format!("/v1/orgs/{}/deployments/{deployment}", outsider.org);
    assert_eq!(patch(&platform, &foreign, &outsider.access, change.clone()).await.status, StatusCode::NOT_FOUND);

    // the change queues a plan that adds the second instance and shows what changed
    let changed = patch(&platform, &path, &owner.access, change).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["deployment"]["name"], "bigger");
    assert_eq!(changed.body["deployment"]["variables"]["instance_count"], 2);
    let run = changed.body["run"]["id"].as_str().expect("a run was queued").to_owned();
    assert_eq!(changed.body["run"]["kind"], "plan_and_apply");
    let planned = approve_and_apply(&platform, &owner, &deployment, &run).await;
    assert_eq!(planned["plan"]["add"], json!(["null_resource.this[1]"]), "{planned}");
    assert_eq!(planned["plan"]["destroy"], json!([]));
    assert_eq!(planned["variable_changes"], json!([{"name": "instance_count", "before": 1, "after": 2}]));
    let dep = platform.get(&path, &owner.access).await.body;
    assert_eq!(dep["outputs"]["instance_names"]["value"], json!(["sandbox-0", "sandbox-1"]), "{dep}");
    assert_eq!(dep["applied_variables"]["instance_count"], 2);
    // a rename alone queues nothing
    let renamed = patch(&platform, &path, &owner.access, json!({"name": "renamed"})).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert!(renamed.body["run"].is_null(), "{:?}", renamed.body);

    // applied: it may have resources, so it cannot be deleted yet
    let refused = delete(&platform, &path, &owner.access).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::CONFLICT, "deployment_has_resources"));
    assert_eq!(delete(&platform, &path, &viewer.access).await.status, StatusCode::FORBIDDEN);
    assert_eq!(delete(&platform, &path, &outsider.access).await.status, StatusCode::NOT_FOUND);
    assert_eq!(delete(&platform, &foreign, &outsider.access).await.status, StatusCode::NOT_FOUND);

    let destroy = start_run(&platform, &owner, &deployment, "destroy").await;
    approve_and_apply(&platform, &owner, &deployment, &destroy).await;
    assert_eq!(platform.get(&path, &owner.access).await.body["lifecycle"], "destroyed");
    let deleted = delete(&platform, &path, &owner.access).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    assert_eq!(platform.get(&path, &owner.access).await.status, StatusCode::NOT_FOUND);
    assert_eq!(platform.get(&format!("{path}/runs"), &owner.access).await.status, StatusCode::NOT_FOUND);
    assert_eq!(delete(&platform, &path, &owner.access).await.status, StatusCode::NOT_FOUND);

    // a never-applied deployment with an active run: 409 until the run ends
    let other = sandbox(&platform, &owner, json!({})).await;
    let other_path = format!("{}/{other}", deployments(&owner));
    let run = start_run(&platform, &owner, &other, "plan_and_apply").await;
    let busy = delete(&platform, &other_path, &owner.access).await;
    assert_eq!((busy.status, busy.code()), (StatusCode::CONFLICT, "invalid_run_state"));
    let cancelled = platform.post(&format!("{other_path}/runs/{run}/cancel"), Some(&owner.access), json!({})).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    assert_eq!(delete(&platform, &other_path, &owner.access).await.status, StatusCode::NO_CONTENT);
}
