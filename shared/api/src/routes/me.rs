//! The caller's own account.

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::Auth;
use crate::params::{PageParams, page_request};
use crate::views::{AuditEventView, ListOf, OrgView, UserView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(my_audit))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserView,
    /// Every organisation the user belongs to, oldest first, with the user's role.
    pub organizations: Vec<OrgView>,
}

/// The authenticated user and their organisations.
#[utoipa::path(get, path = "/v1/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, body = MeResponse),
        (status = 401, description = "unauthenticated, invalid_token or token_expired", body = Problem, content_type = "application/problem+json"),
    ))]
async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<MeResponse>> {
    let (user, orgs) = state.services.orgs.me(&auth.principal).await?;
    let organizations = orgs.into_iter().map(|(org, role)| OrgView::new(org, role)).collect();
    Ok(Json(MeResponse { user: user.into(), organizations }))
}

/// The caller's own account events (logins, tokens, sign-up), newest first.
#[utoipa::path(get, path = "/v1/me/audit", tag = "account", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, body = ListOf<AuditEventView>),
        (status = 400, description = "invalid_query (limit or cursor)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn my_audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<AuditEventView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.services.audit.for_user(auth.principal.user_id, &page).await?)))
}
