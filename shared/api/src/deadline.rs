//! The request deadline: a request that has not been answered within it (a backing service
//! hangs: a paused store, a provider that stopped answering) gets 503 `service_unavailable`
//! problem+json with `Retry-After`, well inside API Gateway's 30 s integration timeout and the
//! HTTP functions' Lambda timeout (template.yaml), so no request hangs and none is billed
//! until Lambda gives up. Live-log streams (WebSocket upgrades) are exempt: a socket outlives
//! any deadline by design.
//!
//! tower-http's `TimeoutLayer` answers an empty 408 (or a bare status); this is the same
//! `tokio::time::timeout` around the inner service, answering the API's own problem document.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use skyforge_app::error::AppError;

use crate::error::ApiError;

/// `SKYFORGE_REQUEST_TIMEOUT_SECS`: the request deadline, default 8 s (the HTTP functions'
/// Lambda timeout is 10 s, API Gateway's 30 s).
pub const REQUEST_TIMEOUT_VARIABLE: &str = "SKYFORGE_REQUEST_TIMEOUT_SECS";
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(8);

/// The deadline from the environment (fractions of a second allowed, for tests); the default
/// when unset or not a positive number.
pub fn request_timeout() -> Duration {
    std::env::var(REQUEST_TIMEOUT_VARIABLE)
        .ok()
        .and_then(|raw| raw.trim().parse::<f64>().ok())
        .filter(|secs| *secs > 0.0 && secs.is_finite())
        .map_or(DEFAULT_REQUEST_TIMEOUT, Duration::from_secs_f64)
}

/// A WebSocket upgrade: the live-log stream.
fn is_stream(request: &Request) -> bool {
    request.headers().get(header::UPGRADE).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"))
}

/// The middleware (`axum::middleware::from_fn_with_state(deadline, enforce)`).
pub async fn enforce(State(deadline): State<Duration>, request: Request, next: Next) -> Response {
    if is_stream(&request) {
        return next.run(request).await;
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, path, deadline_ms = deadline.as_millis() as u64, "request deadline passed");
            let cause = format!("the request was not answered within its {} ms deadline", deadline.as_millis());
            ApiError::from(AppError::Unavailable(cause.into())).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request as HttpRequest, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn app(deadline: Duration) -> Router {
        Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/fast", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(deadline, enforce))
    }

    #[tokio::test]
    async fn a_request_past_its_deadline_answers_503_service_unavailable_with_retry_after() {
        let started = std::time::Instant::now();
        let response = app(Duration::from_millis(200))
            .oneshot(HttpRequest::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(2), "answered at the deadline: {:?}", started.elapsed());
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json");
        assert!(response.headers().contains_key(header::RETRY_AFTER));
        let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "service_unavailable");
        assert!(!problem["detail"].as_str().unwrap().contains("deadline of"), "no internals: {problem}");
    }

    #[tokio::test]
    async fn a_request_within_its_deadline_is_answered_as_usual() {
        let response =
            app(Duration::from_secs(1)).oneshot(HttpRequest::get("/fast").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}
