//! Sign-up, login, token refresh and logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use skyforge_app::auth::{IssuedTokens, SignupInput};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Anonymous, ApiJson};
use crate::views::{OrgView, UserView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signup)).routes(routes!(login)).routes(routes!(refresh)).routes(routes!(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(example = "ann@example.com")]
    pub email: String,
    /// At least 12 characters.
    #[schema(min_length = 12)]
    pub password: String,
    #[schema(example = "Ann Lee")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    pub user: UserView,
    /// The personal organisation created with the account; the new user owns it.
    pub organization: OrgView,
}

/// Create an account and its personal organisation.
#[utoipa::path(post, path = "/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses(
        (status = 201, body = SignupResponse),
        (status = 409, description = "email_taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn signup(
    State(state): State<AppState>,
    Anonymous(caller): Anonymous,
    ApiJson(body): ApiJson<SignupRequest>,
) -> ApiResult<(StatusCode, Json<SignupResponse>)> {
    let input = SignupInput { email: &body.email, password: &body.password, name: &body.name };
    let (user, org) = state.services.auth.signup(input, &caller).await?;
    let organization = OrgView::new(org, skyforge_domain::roles::Role::Owner);
    Ok((StatusCode::CREATED, Json(SignupResponse { user: user.into(), organization })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// OAuth-style token answer of login and refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`, valid `expires_in` seconds.
    pub access_token: String,
    /// Exchange at `/v1/auth/refresh`; each is valid once.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl From<IssuedTokens> for TokenResponse {
    fn from(t: IssuedTokens) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token.expose().to_owned(),
            token_type: "Bearer",
            expires_in: t.expires_in,
        }
    }
}

/// Log in with email and password.
///
/// After 5 failed attempts for one email within 15 minutes, further attempts get 429 with
/// `Retry-After` until the window ends, whether or not the email exists.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "invalid_credentials", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too_many_attempts", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
async fn login(
    State(state): State<AppState>,
    Anonymous(caller): Anonymous,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    Ok(Json(state.services.auth.login(&body.email, &body.password, &caller).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchange a refresh token for a new access and refresh token.
///
/// The presented refresh token is spent. Presenting a spent token again revokes the whole
/// session (`refresh_token_reused`).
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "invalid_refresh_token or refresh_token_reused", body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Anonymous(caller): Anonymous,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    Ok(Json(state.services.auth.refresh(&body.refresh_token, &caller).await?.into()))
}

/// End the session the refresh token belongs to.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "logged out (also for unknown tokens)")))]
async fn logout(
    State(state): State<AppState>,
    Anonymous(caller): Anonymous,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<StatusCode> {
    state.services.auth.logout(&body.refresh_token, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
