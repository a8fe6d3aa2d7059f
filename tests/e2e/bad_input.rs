//! Bad input always gets a 4xx problem document with a stable code, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use skyforge_e2e::{PASSWORD, Platform};

#[tokio::test]
async fn malformed_bodies_get_clear_4xx_codes() {
    let platform = Platform::start().await;
    let post = |body: &'static str, content_type: &'static str| {
        platform.raw(Method::POST, "/v1/auth/signup").header("content-type", content_type).body(body)
    };
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        ("broken json", post("{\"email\": ", "application/json"), StatusCode::BAD_REQUEST, "invalid_json"),
        ("empty body", post("", "application/json"), StatusCode::BAD_REQUEST, "invalid_json"),
        ("not an object", post("[1,2,3]", "application/json"), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (
            "wrong type",
            post(r#"{"email":1,"password":"x","name":"y"}"#, "application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown field",
            post(
                r#"{"email":"a@b.io","password":"correct horse battery","name":"y","role":"owner"}"#,
                "application/json",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "missing field",
            post(r#"{"email":"a@b.io"}"#, "application/json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "form body",
            post("email=a", "application/x-www-form-urlencoded"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "no content type",
            platform.raw(Method::POST, "/v1/auth/signup").body("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (case, request, status, code) in cases {
        let reply = platform.send(request).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{case}: {:?}", reply.body);
        assert_eq!(reply.headers["content-type"], "application/problem+json", "{case}");
        assert_eq!(reply.body["status"], status.as_u16(), "{case}");
    }
}

#[tokio::test]
async fn field_errors_name_the_field_without_echoing_it() {
    let platform = Platform::start().await;
    let reply = platform
        .send(
            platform
                .raw(Method::POST, "/v1/auth/login")
                .header("content-type", "application/json")
                .body(r#"{"email":"a@b.io","password":424242424242,"extra":true}"#),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let field = &reply.field_codes()[0];
    assert_eq!((field.0.as_str(), field.1.as_str()), ("password", "invalid_type"));
    assert!(!reply.body.to_string().contains("424242424242"));
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let platform = Platform::start().await;
    let big = format!(r#"{{"email":"a@b.io","password":"{}","name":"x"}}"#, "x".repeat(1024 * 1024 + 10));
    let reply = platform
        .send(platform.raw(Method::POST, "/v1/auth/signup").header("content-type", "application/json").body(big))
        .await;
    assert_eq!((reply.status, reply.code()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    // a long but acceptable password is refused by the rules, not the size limit
    let long = serde_json::json!({"email": "a@b.io", "password": "p".repeat(300), "name": "x"});
    let reply = platform.post("/v1/auth/signup", None, long).await;
    assert_eq!(reply.field_codes(), vec![("password".to_owned(), "too_long".to_owned())]);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problem_documents() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let missing = platform.get("/v1/nothing-here", &user.access).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "route_not_found"));
    let method = platform.call(Method::PUT, "/v1/me", Some(&user.access), None).await;
    assert_eq!((method.status, method.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    let bad_id = platform.get("/v1/orgs/not-an-id/members", &user.access).await;
    assert_eq!((bad_id.status, bad_id.code()), (StatusCode::NOT_FOUND, "not_found"));
    let bad_member = platform
        .call(
            Method::PATCH,
            &format!("/v1/orgs/{}/members/usr_bogus", user.org),
            Some(&user.access),
            Some(serde_json::json!({"role": "viewer"})),
        )
        .await;
    assert_eq!((bad_member.status, bad_member.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_ne!(platform.login(&user.email, PASSWORD).await.body, Value::Null);
}
