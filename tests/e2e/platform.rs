//! Health, the OpenAPI document, and secrets staying out of logs and answers.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::{PASSWORD, Platform};

#[tokio::test]
async fn health_reports_store_and_secrets() {
    let platform = Platform::start().await;
    let reply = platform.call(Method::GET, "/v1/health", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "ok");
    let names: Vec<_> = reply.body["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["store", "secrets"]);
    assert!(reply.body["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true && c["latency_ms"].is_u64()));
}

#[tokio::test]
async fn the_openapi_document_covers_the_routes_that_answer() {
    let platform = Platform::start().await;
    let doc = platform.call(Method::GET, "/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    assert!(paths.len() >= 14);
    let user = platform.user("ann").await;
    // every documented GET without path parameters answers something other than "no such route"
    for (path, item) in paths {
        if item.get("get").is_some() && !path.contains('{') {
            let reply = platform.get(path, &user.access).await;
            assert_ne!(reply.code(), "route_not_found", "{path}");
            assert!(reply.status.is_success(), "{path}: {}", reply.status);
        }
    }
    assert!(doc.body["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn no_secret_reaches_a_response_body_or_a_log_line() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let created = platform.post("/v1/tokens", Some(&user.access), json!({"name": "ci", "scope": "write"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let api_token = created.body["token"].as_str().unwrap().to_owned();
    let refreshed = platform.post("/v1/auth/refresh", None, json!({"refresh_token": user.refresh})).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{:?}", refreshed.body);
    let new_refresh = refreshed.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(platform.get("/v1/me", &api_token).await.status, StatusCode::OK);
    let wrong = platform.login(&user.email, "a wrong password").await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    let me = platform.get("/v1/me", &user.access).await;
    assert_eq!(me.status, StatusCode::OK);
    let audit = platform.get("/v1/me/audit", &user.access).await;
    assert_eq!(audit.status, StatusCode::OK);
    // the answers checked below are the real ones: the events of the calls above are listed
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"token.create") && actions.contains(&"auth.login"), "{actions:?}");

    for body in [me.body.to_string(), audit.body.to_string()] {
        for secret in [PASSWORD, "a wrong password", api_token.as_str(), user.refresh.as_str(), new_refresh.as_str()] {
            assert!(!body.contains(secret), "a response contains a secret");
        }
    }
    let logs = platform.logs();
    assert!(logs.contains("request"), "the platform logs requests at debug level, so this check reads real lines");
    for secret in [PASSWORD, "a wrong password", &api_token, &user.refresh, &new_refresh, &user.access] {
        assert!(!logs.contains(secret), "the log contains a secret");
    }
}
