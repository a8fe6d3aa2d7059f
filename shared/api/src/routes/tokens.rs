//! Personal API tokens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_domain::auth::TokenScope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::params::{PageParams, page_request};
use crate::views::{ListOf, TokenView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_tokens, create_token)).routes(routes!(revoke_token))
}

/// The caller's API tokens, newest first. Secrets are never listed.
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, body = ListOf<TokenView>),
        (status = 400, description = "invalid_query (limit or cursor)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "unauthenticated", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<TokenView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.services.tokens.list(&auth.principal, &page).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    #[schema(example = "ci pipeline")]
    pub name: String,
    /// `read` (safe requests only) or `write`.
    #[schema(value_type = TokenScope)]
    pub scope: String,
    /// Optional expiry, in the future and at most two years ahead.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreateTokenResponse {
    pub id: String,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The secret, shown this once only. Send it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Create an API token. The answer holds the secret once; only its SHA-256 is stored.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", security(("bearer" = [])), request_body = CreateTokenRequest,
    responses(
        (status = 201, body = CreateTokenResponse),
        (status = 403, description = "insufficient_scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> ApiResult<(StatusCode, Json<CreateTokenResponse>)> {
    let (token, secret) =
        state.services.tokens.create(&auth.principal, &body.name, &body.scope, body.expires_at, &auth.caller).await?;
    let view = TokenView::from(token);
    let response = CreateTokenResponse {
        id: view.id,
        name: view.name,
        scope: view.scope,
        created_at: view.created_at,
        expires_at: view.expires_at,
        last_used_at: view.last_used_at,
        token: secret.expose().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(response)))
}

/// Revoke an API token; it stops working at once.
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "tokens", security(("bearer" = [])),
    params(("id" = String, Path, description = "token id")),
    responses(
        (status = 204, description = "revoked"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_token(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    state.services.tokens.revoke(&auth.principal, &id, &auth.caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
