//! Organisations, their members and their audit trail.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use skyforge_domain::roles::{Permission, Role};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Auth, OrgMember};
use crate::params::{PageParams, page_request};
use crate::views::{AuditEventView, ListOf, MemberView, OrgView};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_org))
        .routes(routes!(get_org))
        .routes(routes!(list_members, add_member))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(org_audit))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgRequest {
    #[schema(example = "Platform team")]
    pub name: String,
}

/// Create an organisation; the caller becomes its owner.
#[utoipa::path(post, path = "/v1/orgs", tag = "organisations", security(("bearer" = [])), request_body = CreateOrgRequest,
    responses(
        (status = 201, body = OrgView),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_org(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateOrgRequest>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let org = state.services.orgs.create(&auth.principal, &body.name, &auth.caller).await?;
    Ok((StatusCode::CREATED, Json(OrgView::new(org, skyforge_domain::roles::Role::Owner))))
}

/// One organisation the caller belongs to.
#[utoipa::path(get, path = "/v1/orgs/{org}", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses(
        (status = 200, body = OrgView),
        (status = 404, description = "not_found: no such organisation, or the caller is not a member", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_org(State(state): State<AppState>, member: OrgMember) -> ApiResult<Json<OrgView>> {
    let org = state.services.orgs.get(&member.access).await?;
    Ok(Json(OrgView::new(org, member.access.role)))
}

/// Members of an organisation, in the order they joined.
#[utoipa::path(get, path = "/v1/orgs/{org}/members", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), PageParams),
    responses(
        (status = 200, body = ListOf<MemberView>),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "invalid_query (limit or cursor)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_members(
    State(state): State<AppState>,
    member: OrgMember,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<MemberView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.services.orgs.members(&member.access, &page).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// Email of an existing Skyforge user.
    pub email: String,
    /// Only owners grant owner.
    #[schema(value_type = Role)]
    pub role: String,
}

/// Add an existing user to the organisation (owners and admins).
#[utoipa::path(post, path = "/v1/orgs/{org}/members", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")), request_body = AddMemberRequest,
    responses(
        (status = 201, body = MemberView),
        (status = 403, description = "forbidden or insufficient_scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found or user_not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already_member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_member(
    State(state): State<AppState>,
    member: OrgMember,
    ApiJson(body): ApiJson<AddMemberRequest>,
) -> ApiResult<(StatusCode, Json<MemberView>)> {
    let added = state.services.orgs.add_member(&member.access, &body.email, &body.role, &member.auth.caller).await?;
    Ok((StatusCode::CREATED, Json(added.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    #[schema(value_type = Role)]
    pub role: String,
}

/// Change a member's role (owners and admins; only owners touch the owner role).
#[utoipa::path(patch, path = "/v1/orgs/{org}/members/{user}", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("user" = String, Path, description = "user id")),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, body = MemberView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "last_owner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_member(
    State(state): State<AppState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateMemberRequest>,
) -> ApiResult<Json<MemberView>> {
    let updated = state.services.orgs.change_role(&member.access, &path.1, &body.role, &member.auth.caller).await?;
    Ok(Json(updated.into()))
}

/// Remove a member, or leave (any member may remove themselves). The last owner cannot go.
#[utoipa::path(delete, path = "/v1/orgs/{org}/members/{user}", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("user" = String, Path, description = "user id")),
    responses(
        (status = 204, description = "removed"),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "last_owner", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_member(
    State(state): State<AppState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.services.orgs.remove_member(&member.access, &path.1, &member.auth.caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's audit trail, newest first (owners and admins).
#[utoipa::path(get, path = "/v1/orgs/{org}/audit", tag = "organisations", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), PageParams),
    responses(
        (status = 200, body = ListOf<AuditEventView>),
        (status = 400, description = "invalid_query (limit or cursor)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn org_audit(
    State(state): State<AppState>,
    member: OrgMember,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<AuditEventView>>> {
    member.access.require(Permission::ReadAudit)?;
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.services.audit.for_org(member.access.org_id, &page).await?)))
}
