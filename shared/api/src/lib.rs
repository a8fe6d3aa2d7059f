//! Skyforge's HTTP API: one axum router per area, served unchanged by the area's Lambda
//! (`lambda_http::run`) and by the local runtime (`axum::serve`).
//!
//! Conventions every area follows: JSON with snake_case fields, RFC 3339 UTC timestamps,
//! prefixed ids, lists as `{"items", "next_cursor"}` with `limit` and `cursor`, and errors as
//! `application/problem+json` with a stable `code` (see [`error`]).

pub mod answers;
pub mod deadline;
pub mod error;
pub mod export;
pub mod extract;
pub mod live;
pub mod params;
pub mod routes;
pub mod views;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use skyforge_app::Services;
use skyforge_app::health::HealthService;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;

/// What the handlers of the account areas share.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
}

impl axum::extract::FromRef<AppState> for Services {
    fn from_ref(state: &AppState) -> Services {
        state.services.clone()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Skyforge API", description = "One control plane for AWS, Azure and GCP. Authenticate with `Authorization: Bearer <token>`: a JWT from /v1/auth/login or a personal API token."),
    modifiers(&BearerAuth),
    // schemas only query parameters name (utoipa collects those of bodies by itself)
    components(schemas(routes::inventory::InventorySortParam)),
    tags(
        (name = "auth", description = "sign-up, login, refresh, logout"),
        (name = "account", description = "the caller's own account"),
        (name = "organisations", description = "organisations, members, audit trail"),
        (name = "tokens", description = "personal API tokens"),
        (name = "credentials", description = "cloud accounts and their syncs"),
        (name = "inventory", description = "the inventory, dashboard and provider health"),
        (name = "compliance", description = "compliance checks and their findings on the inventory"),
        (name = "deployments", description = "templates, deployments, runs, approvals and logs"),
        (name = "costs", description = "cost analytics and savings recommendations"),
        (name = "health", description = "platform health and this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The auth area (api-auth): accounts, organisations, members, tokens, audit.
fn auth_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(routes::auth::routes())
        .merge(routes::me::routes())
        .merge(routes::orgs::routes())
        .merge(routes::tokens::routes())
}

/// The auth area's routes, without a fallback: finish with [`finish`] (one area, in Lambda)
/// or merge with other areas first (locally).
pub fn auth_router(services: Services) -> Router {
    let (router, _) = auth_routes().split_for_parts();
    router.with_state(AppState { services })
}

/// The credentials area (api-credentials): cloud accounts, syncs.
pub fn credentials_router(state: routes::credentials::CredentialsState) -> Router {
    let (router, _) = routes::credentials::routes().split_for_parts();
    router.with_state(state)
}

/// The inventory area (api-inventory): inventory, history, dashboard, provider health.
pub fn inventory_router(state: routes::inventory::InventoryState) -> Router {
    let (router, _) = routes::inventory::routes().split_for_parts();
    router.with_state(state)
}

/// The deployments area (api-deployments): templates, deployments, runs, approvals, logs.
pub fn deployments_router(state: routes::deployments::DeploymentsState) -> Router {
    let (router, _) = routes::deployments::routes().split_for_parts();
    router.with_state(state)
}

/// The costs area (api-costs): cost analytics and savings recommendations.
pub fn costs_router(state: routes::costs::CostsState) -> Router {
    let (router, _) = routes::costs::routes().split_for_parts();
    router.with_state(state)
}

/// The health area (api-health): platform health and the OpenAPI document.
pub fn health_router(health: Arc<HealthService>) -> Router {
    let (router, _) = routes::health::routes().split_for_parts();
    router.with_state(health).route("/v1/openapi.json", axum::routing::get(openapi_json))
}

/// The OpenAPI document of every area, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(auth_routes().split_for_parts().1);
    doc.merge(routes::credentials::routes().split_for_parts().1);
    doc.merge(routes::inventory::routes().split_for_parts().1);
    doc.merge(routes::deployments::routes().split_for_parts().1);
    doc.merge(routes::costs::routes().split_for_parts().1);
    doc.merge(routes::health::routes().split_for_parts().1);
    doc.paths.paths.insert("/v1/openapi.json".into(), openapi_path_item());
    answers::document(&mut doc);
    doc
}

fn openapi_path_item() -> utoipa::openapi::PathItem {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    use utoipa::openapi::response::ResponseBuilder;
    let operation = OperationBuilder::new()
        .summary(Some("This OpenAPI document"))
        .tag("health")
        .response("200", ResponseBuilder::new().description("the OpenAPI document").build())
        .build();
    utoipa::openapi::PathItem::new(HttpMethod::Get, operation)
}

async fn openapi_json() -> impl IntoResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(|| openapi().to_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.clone())
}

/// What a served router gets: problem+json for unknown routes and methods, the body limit, and
/// request tracing.
pub fn finish(router: Router) -> Router {
    layers(router.fallback(not_found))
}

/// [`finish`] for a router that brings its own fallback (the local runtime's web app).
pub fn layers(router: Router) -> Router {
    router
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(deadline::request_timeout(), deadline::enforce))
        .layer(TraceLayer::new_for_http())
}

/// The problem+json answer for a path no route matches.
pub async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_covers_every_route_with_error_responses() {
        let doc = openapi();
        let paths: Vec<&String> = doc.paths.paths.keys().collect();
        for expected in [
            "/v1/auth/signup",
            "/v1/auth/login",
            "/v1/auth/refresh",
            "/v1/auth/logout",
            "/v1/me",
            "/v1/me/audit",
            "/v1/orgs",
            "/v1/orgs/{org}",
            "/v1/orgs/{org}/members",
            "/v1/orgs/{org}/members/{user}",
            "/v1/orgs/{org}/audit",
            "/v1/tokens",
            "/v1/tokens/{id}",
            "/v1/health",
            "/v1/openapi.json",
            "/v1/orgs/{org}/credentials",
            "/v1/orgs/{org}/credentials/aws-role-setup",
            "/v1/orgs/{org}/credentials/{id}",
            "/v1/orgs/{org}/credentials/{id}/rotate",
            "/v1/orgs/{org}/credentials/{id}/sync",
            "/v1/orgs/{org}/credentials/{id}/syncs",
            "/v1/orgs/{org}/credentials/{id}/syncs/{run}",
            "/v1/orgs/{org}/inventory",
            "/v1/orgs/{org}/inventory/{resource}",
            "/v1/orgs/{org}/inventory/{resource}/history",
            "/v1/orgs/{org}/compliance/summary",
            "/v1/orgs/{org}/compliance/findings",
            "/v1/orgs/{org}/compliance/checks",
            "/v1/orgs/{org}/dashboard",
            "/v1/orgs/{org}/health/providers",
            "/v1/templates",
            "/v1/orgs/{org}/deployments",
            "/v1/orgs/{org}/deployments/{id}",
            "/v1/orgs/{org}/deployments/{id}/resources",
            "/v1/orgs/{org}/deployments/{id}/runs",
            "/v1/orgs/{org}/deployments/{id}/runs/{run}",
            "/v1/orgs/{org}/deployments/{id}/runs/{run}/approve",
            "/v1/orgs/{org}/deployments/{id}/runs/{run}/cancel",
            "/v1/orgs/{org}/deployments/{id}/runs/{run}/discard",
            "/v1/orgs/{org}/deployments/{id}/runs/{run}/logs",
            "/v1/orgs/{org}/runs",
            "/v1/orgs/{org}/costs",
            "/v1/orgs/{org}/costs/recommendations",
        ] {
            assert!(paths.iter().any(|p| p.as_str() == expected), "{expected} missing from {paths:?}");
        }
        let json = doc.to_json().unwrap();
        assert!(json.contains("application/problem+json"));
        assert!(json.contains("\"Problem\""));
    }
}

#[cfg(test)]
mod drift {
    /// The web app generates its API types from `web/openapi.json`; this keeps that file equal
    /// to what the code serves. After an API change: `make openapi`.
    #[test]
    fn web_openapi_json_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/openapi.json");
        let committed = std::fs::read_to_string(path).expect("web/openapi.json exists: run `make openapi`");
        let current = super::openapi().to_pretty_json().unwrap();
        assert!(committed.trim_end() == current.trim_end(), "web/openapi.json is stale: run `make openapi`");
    }
}
