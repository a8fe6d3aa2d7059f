//! Sign-up, login, token refresh and logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use skyforge_app::auth::{IssuedTokens, LoginInput, SignupInput};
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
    /// The `device_token` this client was given by an earlier successful login. A valid one
    /// lets its user's login past the throttles other clients may have triggered.
    #[serde(default)]
    #[schema(example = "sfd_...")]
    pub device_token: Option<String>,
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
    /// Only on a login without a valid device token: keep it on this device and send it with
    /// the next logins. It is shown once and valid for 90 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

impl From<IssuedTokens> for TokenResponse {
    fn from(t: IssuedTokens) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token.expose().to_owned(),
            token_type: "Bearer",
            expires_in: t.expires_in,
            device_token: t.device_token.map(|token| token.expose().to_owned()),
        }
    }
}

/// Log in with email and password.
///
/// Failed attempts are throttled without letting anyone lock a user out (see docs/identity.md):
/// within 15 minutes, 5 failures for one email from one source address, 20 failures from one
/// source address across emails, or 50 failures for one email from all sources make further
/// attempts from there get 429 `too_many_attempts` with `Retry-After`, whether or not the email
/// exists. A client presenting its user's `device_token` is counted on its own instead (5
/// failures), so the user's known devices get in while others are throttled.
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
    let input = LoginInput { email: &body.email, password: &body.password, device_token: body.device_token.as_deref() };
    Ok(Json(state.services.auth.login(input, &caller).await?.into()))
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
