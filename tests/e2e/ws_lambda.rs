//! The `ws` Lambda function itself, run the way Lambda runs it (through the Runtime API
//! emulator), on the stand-in's table next to a local platform, and posting its replies to a
//! double of API Gateway's management API (`POST /@connections/{id}`): `$connect` needs a valid
//! token, `subscribe` answers on the socket for a run the user may see and refuses another
//! organisation's, `$disconnect` forgets the connection.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::lambda::LambdaProcess;
use skyforge_e2e::live_cases::{Sender, cases, check};
use skyforge_e2e::{Platform, built_binary};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn socket_event(route: &str, connection: &str, token: Option<&str>, body: Option<Value>) -> Value {
    let mut event = json!({
        "requestContext": {
            "routeKey": route, "eventType": if route.starts_with('$') { route.trim_start_matches('$').to_uppercase() } else { "MESSAGE".into() },
            "connectionId": connection, "requestId": "r", "apiId": "a", "stage": "live",
            "domainName": "localhost", "requestTimeEpoch": 0
        },
        "isBase64Encoded": false
    });
    if let Some(token) = token {
        event["queryStringParameters"] = json!({ "token": token });
    }
    if let Some(body) = body {
        event["body"] = Value::String(body.to_string());
    }
    event
}

/// What the function posted to one connection, newest last.
async fn posted_to(management: &MockServer, connection: &str) -> Vec<Value> {
    let requests = management.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .filter(|r| r.url.path().ends_with(&format!("/@connections/{connection}")))
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON message"))
        .collect()
}

#[tokio::test]
async fn the_ws_function_authenticates_connects_and_subscribes_only_to_visible_runs() {
    let platform = Platform::start().await;
    let owner = platform.user("ws-owner").await;
    let stranger = platform.user("ws-stranger").await;
    let deployments = format!("/v1/orgs/{}/deployments", owner.org);
    let created = platform
        .post(&deployments, Some(&owner.access), json!({"template": "sandbox", "name": "ws", "variables": {}}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let deployment = created.body["id"].as_str().unwrap();
    let run = platform
        .post(&format!("{deployments}/{deployment}/runs"), Some(&owner.access), json!({"kind": "plan_and_apply"}))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{:?}", run.body);
    let run_id = run.body["id"].as_str().unwrap();

    let management = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("/@connections/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&management)
        .await;
    let mut env: BTreeMap<String, String> =
        ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), std::env::var(name).ok()?)))
            .collect();
    env.extend(
        [
            ("SKYFORGE_TABLE_NAME", platform.table_name.clone()),
            ("SKYFORGE_JWT_SECRET_ID", platform.jwt_secret_id.clone()),
            ("SKYFORGE_ARTIFACT_BUCKET", platform.artifact_bucket.clone()),
            ("SKYFORGE_SYNC_NOW_QUEUE_URL", "https://sqs.invalid/never-used".into()),
            ("SKYFORGE_RUNNER_PROJECT", "never-used".into()),
            ("SKYFORGE_RUNNER_LOG_GROUP", "never-used".into()),
            ("SKYFORGE_WS_ENDPOINT", format!("{}/live", management.uri())),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let mut ws = LambdaProcess::start(&built_binary("ws"), "ws", &env).await.expect("the ws function starts");
    let status = |answer: Result<Value, String>| answer.expect("an answer")["statusCode"].as_u64();

    // no token, or a forged one: the connection is refused
    assert_eq!(status(ws.invoke(socket_event("$connect", "anon", None, None)).await), Some(401));
    assert_eq!(status(ws.invoke(socket_event("$connect", "forged", Some("not-a-jwt"), None)).await), Some(401));
    // a message on a connection that never authenticated gets an error reply, nothing more
    let subscribe = json!({"action": "subscribe", "run_id": run_id});
    assert_eq!(status(ws.invoke(socket_event("subscribe", "anon", None, Some(subscribe.clone()))).await), Some(200));
    assert_eq!(posted_to(&management, "anon").await.last().unwrap()["code"], "unauthenticated");

    // the owner connects and subscribes to their run
    assert_eq!(status(ws.invoke(socket_event("$connect", "owner", Some(&owner.access), None)).await), Some(200));

    // the protocol's cases, the same the local endpoint is driven through (tests/e2e/live.rs)
    assert_eq!(status(ws.invoke(socket_event("$connect", "stranger", Some(&stranger.access), None)).await), Some(200));
    for case in cases(run_id) {
        let connection = match case.sender {
            Sender::Owner => "owner",
            Sender::Stranger => "stranger",
        };
        let before = posted_to(&management, connection).await.len();
        let answer = ws.invoke(socket_event("subscribe", connection, None, Some(case.frame.clone()))).await;
        assert_eq!(status(answer), Some(200), "{}", case.name);
        let posted = posted_to(&management, connection).await;
        assert!(posted.len() <= before + 1, "{}: more than one reply", case.name);
        check(&case, run_id, posted.get(before));
    }

    // after $disconnect the connection is unknown again
    assert_eq!(status(ws.invoke(socket_event("$disconnect", "owner", None, None)).await), Some(200));
    assert_eq!(status(ws.invoke(socket_event("subscribe", "owner", None, Some(subscribe))).await), Some(200));
    assert_eq!(posted_to(&management, "owner").await.pop().unwrap()["code"], "unauthenticated");
}
