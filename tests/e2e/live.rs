//! The local runtime's WebSocket endpoint driven through the live-log protocol's cases, the
//! same ones the `ws` Lambda is driven through (tests/e2e/ws_lambda.rs).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::Platform;
use skyforge_e2e::live_cases::{Sender, cases, check};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message on the socket, or `None` when nothing arrives for a moment.
async fn next_message(socket: &mut Socket) -> Option<Value> {
    match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => Some(serde_json::from_str(&text).expect("a JSON message")),
        Ok(other) => panic!("unexpected frame: {other:?}"),
        Err(_) => None,
    }
}

#[tokio::test]
async fn the_local_live_endpoint_answers_every_case_of_the_protocol() {
    let platform = Platform::start().await;
    let owner = platform.user("live-owner").await;
    let stranger = platform.user("live-stranger").await;
    let deployments = format!("/v1/orgs/{}/deployments", owner.org);
    let created = platform
        .post(&deployments, Some(&owner.access), json!({"template": "sandbox", "name": "live", "variables": {}}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let deployment = created.body["id"].as_str().unwrap();
    let run = platform
        .post(&format!("{deployments}/{deployment}/runs"), Some(&owner.access), json!({"kind": "plan_and_apply"}))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{:?}", run.body);
    let run_id = run.body["id"].as_str().unwrap();

    let (mut owner_socket, _) = tokio_tungstenite::connect_async(platform.live_url(Some(&owner.access))).await.unwrap();
    let (mut stranger_socket, _) =
        tokio_tungstenite::connect_async(platform.live_url(Some(&stranger.access))).await.unwrap();
    for case in cases(run_id) {
        let socket = match case.sender {
            Sender::Owner => &mut owner_socket,
            Sender::Stranger => &mut stranger_socket,
        };
        socket.send(Message::Text(case.frame.to_string().into())).await.unwrap();
        // the owner's subscription also streams the run's own messages: skip those
        let mut received = next_message(socket).await;
        while let Some(message) = &received
            && !matches!(message["type"].as_str(), Some("subscribed" | "error"))
        {
            received = next_message(socket).await;
        }
        check(&case, run_id, received.as_ref());
    }
}
