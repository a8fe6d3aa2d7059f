//! Tenants never see each other: a user of organisation A gets 404 on every route of B.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::Platform;

#[tokio::test]
async fn an_outsider_gets_404_on_every_route_of_another_organisation() {
    let platform = Platform::start().await;
    let (a, b) = (platform.user("alice").await, platform.user("bob").await);
    let org = &b.org;
    let routes = [
        (Method::GET, format!("/v1/orgs/{org}"), None),
        (Method::GET, format!("/v1/orgs/{org}/members"), None),
        (Method::POST, format!("/v1/orgs/{org}/members"), Some(json!({"email": a.email, "role": "owner"}))),
        (Method::PATCH, format!("/v1/orgs/{org}/members/{}", b.id), Some(json!({"role": "viewer"}))),
        (Method::DELETE, format!("/v1/orgs/{org}/members/{}", b.id), None),
        (Method::GET, format!("/v1/orgs/{org}/audit"), None),
    ];
    for (method, path, body) in &routes {
        let reply = platform.call(method.clone(), path, Some(&a.access), body.clone()).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "not_found"), "{method} {path}");
    }
    // an organisation that does not exist looks exactly the same
    let unknown = platform.get("/v1/orgs/org_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O", &a.access).await;
    assert_eq!(unknown.body["detail"], platform.get(&format!("/v1/orgs/{org}"), &a.access).await.body["detail"]);

    // and B is unchanged: still the only member, still owner
    let members = platform.get(&format!("/v1/orgs/{org}/members"), &b.access).await;
    let items = members.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["role"], "owner");
}

#[tokio::test]
async fn tokens_of_one_user_are_invisible_to_another() {
    let platform = Platform::start().await;
    let (a, b) = (platform.user("alice").await, platform.user("bob").await);
    let created = platform.post("/v1/tokens", Some(&b.access), json!({"name": "bobs", "scope": "read"})).await;
    let id = created.body["id"].as_str().unwrap();
    assert!(platform.get("/v1/tokens", &a.access).await.body["items"].as_array().unwrap().is_empty());
    let revoke = platform.call(Method::DELETE, &format!("/v1/tokens/{id}"), Some(&a.access), None).await;
    assert_eq!(revoke.status, StatusCode::NOT_FOUND);
    assert_eq!(platform.get("/v1/me", created.body["token"].as_str().unwrap()).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_cursor_from_one_organisation_is_refused_by_another_and_by_other_lists() {
    let platform = Platform::start().await;
    let (a, b) = (platform.user("alice").await, platform.user("bob").await);
    let other = platform.user("carol").await;
    platform.add_member(&b, &b.org, &other, "viewer").await;
    let page = platform.get(&format!("/v1/orgs/{}/members?limit=1", b.org), &b.access).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["items"][0]["email"], b.email.as_str());
    let cursor = page.body["next_cursor"].as_str().unwrap();
    // bob's own next page works: the cursor is good where it came from
    let next = platform.get(&format!("/v1/orgs/{}/members?limit=1&cursor={cursor}", b.org), &b.access).await;
    assert_eq!((next.status, next.body["items"][0]["email"].as_str()), (StatusCode::OK, Some(other.email.as_str())));
    // alice replays it against her organisation, bob against another list of his own
    for (path, who) in [
        (format!("/v1/orgs/{}/members?cursor={cursor}", a.org), &a),
        (format!("/v1/orgs/{}/audit?cursor={cursor}", b.org), &b),
        (format!("/v1/tokens?cursor={cursor}"), &b),
    ] {
        let replay = platform.get(&path, &who.access).await;
        assert_eq!(replay.status, StatusCode::BAD_REQUEST, "{path}: {}", replay.body);
        assert_eq!(replay.body["code"], "invalid_query", "{path}");
        assert_eq!(replay.body["errors"][0]["field"], "cursor", "{path}");
    }
}
