//! Personal API tokens: shown once, stored hashed, scoped, revocable.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::Platform;

#[tokio::test]
async fn a_token_is_shown_once_and_works_as_a_bearer() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let created = platform.post("/v1/tokens", Some(&user.access), json!({"name": "ci", "scope": "write"})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let secret = created.body["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sfk_") && secret.len() >= 4 + 43, "at least 32 random bytes");
    assert!(created.body["id"].as_str().unwrap().starts_with("tok_"));
    assert_eq!(created.body["last_used_at"], serde_json::Value::Null);

    let me = platform.get("/v1/me", &secret).await;
    assert_eq!((me.status, me.body["user"]["id"].as_str()), (StatusCode::OK, Some(user.id.as_str())));

    let list = platform.get("/v1/tokens", &user.access).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].get("token").is_none(), "the secret is never listed");
    assert!(!list.body.to_string().contains(&secret));
    assert!(items[0]["last_used_at"].is_string(), "use is recorded");
}

#[tokio::test]
async fn a_read_token_cannot_write() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let created = platform.post("/v1/tokens", Some(&user.access), json!({"name": "dash", "scope": "read"})).await;
    let read = created.body["token"].as_str().unwrap().to_owned();
    assert_eq!(platform.get(&format!("/v1/orgs/{}/members", user.org), &read).await.status, StatusCode::OK);
    for (method, path, body) in [
        (Method::POST, "/v1/orgs".to_owned(), Some(json!({"name": "x"}))),
        (Method::POST, "/v1/tokens".to_owned(), Some(json!({"name": "x", "scope": "write"}))),
        (Method::POST, format!("/v1/orgs/{}/members", user.org), Some(json!({"email": "a@b.io", "role": "viewer"}))),
        (Method::DELETE, format!("/v1/tokens/{}", created.body["id"].as_str().unwrap()), None),
    ] {
        let reply = platform.call(method.clone(), &path, Some(&read), body).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::FORBIDDEN, "insufficient_scope"), "{method} {path}");
    }
    // nothing was created by the refused calls
    let tokens = platform.get("/v1/tokens", &user.access).await;
    assert_eq!(tokens.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let created = platform.post("/v1/tokens", Some(&user.access), json!({"name": "old", "scope": "read"})).await;
    let (id, secret) = (created.body["id"].as_str().unwrap(), created.body["token"].as_str().unwrap());
    assert_eq!(platform.get("/v1/me", secret).await.status, StatusCode::OK);
    let revoked = platform.call(Method::DELETE, &format!("/v1/tokens/{id}"), Some(&user.access), None).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = platform.get("/v1/me", secret).await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    let again = platform.call(Method::DELETE, &format!("/v1/tokens/{id}"), Some(&user.access), None).await;
    assert_eq!((again.status, again.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn token_input_is_validated() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let bad = platform
        .post(
            "/v1/tokens",
            Some(&user.access),
            json!({"name": "", "scope": "admin", "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let mut fields = bad.field_codes();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("expires_at".into(), "in_the_past".into()),
            ("name".into(), "required".into()),
            ("scope".into(), "invalid_scope".into())
        ]
    );
    let not_a_date = platform
        .post("/v1/tokens", Some(&user.access), json!({"name": "x", "scope": "read", "expires_at": "soon"}))
        .await;
    assert_eq!(not_a_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_a_date.field_codes()[0].0, "expires_at");
    let expiring = platform
        .post(
            "/v1/tokens",
            Some(&user.access),
            json!({"name": "x", "scope": "read", "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(expiring.status, StatusCode::UNPROCESSABLE_ENTITY, "more than two years ahead");
    let listed = platform.get("/v1/tokens", &user.access).await;
    assert!(listed.body["items"].as_array().unwrap().is_empty(), "nothing stored");
}

#[tokio::test]
async fn tokens_are_listed_newest_first_in_pages() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    for i in 0..5 {
        let reply =
            platform.post("/v1/tokens", Some(&user.access), json!({"name": format!("t{i}"), "scope": "read"})).await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let first = platform.get("/v1/tokens?limit=2", &user.access).await;
    let names: Vec<_> =
        first.body["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, vec!["t4", "t3"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = platform.get(&format!("/v1/tokens?limit=2&cursor={cursor}"), &user.access).await;
    let names: Vec<_> =
        second.body["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, vec!["t2", "t1"]);
    let cursor = second.body["next_cursor"].as_str().unwrap();
    let last = platform.get(&format!("/v1/tokens?limit=2&cursor={cursor}"), &user.access).await;
    assert_eq!(last.body["items"].as_array().unwrap().len(), 1);
    assert!(last.body["next_cursor"].is_null());
}
