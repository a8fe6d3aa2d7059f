//! Platform health and the OpenAPI document.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use skyforge_app::health::HealthService;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<Arc<HealthService>> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` when every check passed, else `degraded`.
    pub status: HealthStatus,
    pub checks: Vec<CheckView>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// The checks the health service runs (it names them as text; these are its words).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // only names the schema of `CheckView::name`
pub enum CheckName {
    Store,
    Secrets,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// `store` (DynamoDB) or `secrets` (Secrets Manager).
    #[schema(value_type = CheckName)]
    pub name: &'static str,
    pub ok: bool,
    pub latency_ms: u64,
    pub error: Option<&'static str>,
}

/// Whether the store and the secrets answer. No authentication; reveals no internals.
#[utoipa::path(get, path = "/v1/health", tag = "health",
    responses((status = 200, body = HealthResponse), (status = 503, description = "a dependency failed", body = HealthResponse)))]
async fn health(State(health): State<Arc<HealthService>>) -> (StatusCode, Json<HealthResponse>) {
    let checks: Vec<CheckView> = health
        .check()
        .await
        .into_iter()
        .map(|c| CheckView { name: c.name, ok: c.ok, latency_ms: c.latency_ms, error: c.error })
        .collect();
    let ok = checks.iter().all(|c| c.ok);
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(HealthResponse { status: if ok { HealthStatus::Ok } else { HealthStatus::Degraded }, checks }))
}
