//! Templates, deployments and their runs (api-deployments).

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use skyforge_app::Services;
use skyforge_app::deployments::{DeploymentService, DeploymentUpdate, NewDeployment};
use skyforge_app::inventory::InventoryService;
use skyforge_domain::FieldError;
use skyforge_domain::deployments::{
    Deployment, Lifecycle, LogLine, Phase, RECENT_RUNS, RecentRun, Run, RunErrorReason, RunKind, RunStatus, Template,
    VariableChange,
};
use skyforge_domain::inventory::InventoryQuery;
use skyforge_domain::provider::Provider;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, Auth, OrgMember};
use crate::params::{InventoryParams, PageParams, page_request};
use crate::routes::inventory::ResourceView;
use crate::views::ListOf;

#[derive(Clone)]
pub struct DeploymentsState {
    pub services: Services,
    pub deployments: Arc<DeploymentService>,
    /// A deployment's resources are the inventory's, filtered by its `skyforge-deployment` tag.
    pub inventory: Arc<InventoryService>,
}

impl FromRef<DeploymentsState> for Services {
    fn from_ref(state: &DeploymentsState) -> Services {
        state.services.clone()
    }
}

pub fn routes() -> OpenApiRouter<DeploymentsState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(list_deployments, create_deployment))
        .routes(routes!(get_deployment, update_deployment, delete_deployment))
        .routes(routes!(deployment_resources))
        .routes(routes!(list_runs, create_run))
        .routes(routes!(recent_runs))
        .routes(routes!(get_run))
        .routes(routes!(approve_run))
        .routes(routes!(cancel_run))
        .routes(routes!(discard_run))
        .routes(routes!(run_logs))
}

/// A deployable Terraform module.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    #[schema(example = "aws_vm")]
    pub id: String,
    pub title: String,
    pub description: String,
    /// Null for the sandbox, which needs no cloud account.
    pub provider: Option<Provider>,
    /// The offline demo template (null provider): creates nothing outside Terraform's state.
    pub sandbox: bool,
    /// JSON Schema of `variables`, generated from the module's `variables.tf`.
    #[schema(value_type = Object)]
    pub variables_schema: Value,
}

impl From<&Template> for TemplateView {
    fn from(t: &Template) -> Self {
        Self {
            id: t.id.into(),
            title: t.title.into(),
            description: t.description.into(),
            provider: t.provider,
            sandbox: t.sandbox,
            variables_schema: t.json_schema(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateView>,
}

/// The template catalog: one template per Terraform module.
#[utoipa::path(get, path = "/v1/templates", tag = "deployments", security(("bearer" = [])),
    responses((status = 200, body = TemplateList), (status = 401, description = "unauthenticated", body = Problem, content_type = "application/problem+json")))]
async fn list_templates(State(state): State<DeploymentsState>, _auth: Auth) -> Json<TemplateList> {
    Json(TemplateList { items: state.deployments.templates().iter().map(Into::into).collect() })
}

/// A deployment: one module instance with its variables, state and outputs.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentView {
    #[schema(example = "dep_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub template: String,
    pub name: String,
    pub credential_id: Option<String>,
    #[schema(value_type = Object)]
    pub variables: Value,
    /// `terraform output -json` of the last apply; null before one and after a destroy.
    #[schema(value_type = Option<Object>)]
    pub outputs: Option<Value>,
    /// The run holding the deployment; queued runs wait for it.
    pub active_run_id: Option<String>,
    pub lifecycle: LifecycleView,
    /// The variables of the last applied `plan_and_apply` run; null before one.
    #[schema(value_type = Option<Object>)]
    pub applied_variables: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What Terraform may have made: `new` (never applied), `applied` (an apply ran, resources may
/// exist), `destroyed` (the last destroy succeeded). Only `new` and `destroyed` can be deleted.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleView {
    New,
    Applied,
    Destroyed,
}

impl From<Lifecycle> for LifecycleView {
    fn from(l: Lifecycle) -> Self {
        match l {
            Lifecycle::New => Self::New,
            Lifecycle::Applied => Self::Applied,
            Lifecycle::Destroyed => Self::Destroyed,
        }
    }
}

impl From<Deployment> for DeploymentView {
    fn from(d: Deployment) -> Self {
        Self {
            id: d.id.to_string(),
            template: d.template,
            name: d.name,
            credential_id: d.credential_id.map(|c| c.to_string()),
            variables: serde_json::to_value(d.variables).unwrap_or_default(),
            outputs: d.outputs,
            active_run_id: d.active_run_id.map(|r| r.to_string()),
            lifecycle: d.lifecycle.into(),
            applied_variables: d.applied_variables.map(|v| serde_json::to_value(v).unwrap_or_default()),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeploymentRequest {
    /// A template id from GET /v1/templates.
    pub template: String,
    pub name: String,
    /// A credential of the template's provider; leave out for the sandbox.
    #[serde(default)]
    pub credential: Option<String>,
    /// Values for the template's variables (see its `variables_schema`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub variables: Map<String, Value>,
}

/// Create a deployment (owners, admins, operators). Variables are checked against the
/// template's schema; a 422 names each bad field (`variables.<name>`).
#[utoipa::path(post, path = "/v1/orgs/{org}/deployments", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")), request_body = CreateDeploymentRequest,
    responses(
        (status = 201, body = DeploymentView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_deployment(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    ApiJson(body): ApiJson<CreateDeploymentRequest>,
) -> ApiResult<(StatusCode, Json<DeploymentView>)> {
    let new = NewDeployment {
        template: body.template,
        name: body.name,
        credential: body.credential,
        variables: body.variables,
    };
    let deployment = state.deployments.create(&member.access, new, &member.auth.caller).await?;
    Ok((StatusCode::CREATED, Json(deployment.into())))
}

/// The organisation's deployments, newest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), PageParams),
    responses((status = 200, body = ListOf<DeploymentView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn list_deployments(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<DeploymentView>>> {
    let page = page_request(&params)?;
    let deployments = state.deployments.list(&member.access, &page).await?;
    Ok(Json(ListOf {
        items: deployments.items.into_iter().map(Into::into).collect(),
        next_cursor: deployments.next_cursor,
    }))
}

/// One deployment, with the outputs of its last apply.
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments/{id}", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id")),
    responses((status = 200, body = DeploymentView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn get_deployment(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<Json<DeploymentView>> {
    Ok(Json(state.deployments.get(&member.access, &path.1).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeploymentRequest {
    /// A new name (1 to 64 printable characters).
    #[serde(default)]
    pub name: Option<String>,
    /// A JSON merge patch of the variables: a value replaces, `null` removes (back to the
    /// module's default). The result is checked against the template's schema.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub variables: Option<Map<String, Value>>,
}

/// The changed deployment, and the run its new variables queued (null when they did not change).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentUpdateView {
    pub deployment: DeploymentView,
    pub run: Option<RunView>,
}

/// Change a deployment's name and/or variables (owners, admins, operators). The variables are
/// checked exactly as on create (a 422 names each bad field, `variables.<name>`, and nothing is
/// changed); a change of them queues a `plan_and_apply` run, which waits behind an active run.
#[utoipa::path(patch, path = "/v1/orgs/{org}/deployments/{id}", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id")),
    request_body = UpdateDeploymentRequest,
    responses(
        (status = 200, body = DeploymentUpdateView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_deployment(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateDeploymentRequest>,
) -> ApiResult<Json<DeploymentUpdateView>> {
    let change = DeploymentUpdate { name: body.name, variables: body.variables };
    let (deployment, run) = state.deployments.update(&member.access, &path.1, change, &member.auth.caller).await?;
    Ok(Json(DeploymentUpdateView { deployment: deployment.into(), run: run.map(Into::into) }))
}

/// Delete a deployment that has nothing left in the cloud: never applied, or destroyed (owners,
/// admins, operators). Its runs go with it; its (empty) Terraform state object is kept.
#[utoipa::path(delete, path = "/v1/orgs/{org}/deployments/{id}", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "deployment_has_resources: it was applied and not destroyed since; invalid_run_state: a run is active or queued", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_deployment(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.deployments.delete(&member.access, &path.1, &member.auth.caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which of a deployment's resources to list, and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeploymentResourcesParams {
    /// Also list resources no longer found (e.g. after a destroy).
    #[param(value_type = Option<bool>)]
    pub include_deleted: Option<String>,
    /// 1 to 100 (default 50)
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The inventory resources the deployment made (those tagged `skyforge-deployment = <id>`),
/// by type then name, paged like the inventory. They appear once a sync of the deployment's
/// cloud account found them (an applied run queues one).
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments/{id}/resources", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), DeploymentResourcesParams),
    responses(
        (status = 200, body = ListOf<ResourceView>),
        (status = 400, description = "invalid_query: include_deleted, limit or cursor is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn deployment_resources(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    Query(params): Query<DeploymentResourcesParams>,
) -> ApiResult<Json<ListOf<ResourceView>>> {
    // the deployment first: another organisation's id is a 404 whatever the query says
    let deployment = state.deployments.get(&member.access, &path.1).await?;
    let query = InventoryQuery::try_from(&InventoryParams {
        deployment: Some(deployment.id.to_string()),
        include_deleted: params.include_deleted,
        limit: params.limit,
        cursor: params.cursor,
        ..Default::default()
    })?;
    let page = state.inventory.list(&member.access, &query).await?;
    Ok(Json(ListOf::from_page(page)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusTimestampView {
    pub status: RunStatus,
    pub at: DateTime<Utc>,
}

/// What the plan will do, by resource address.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummaryView {
    pub add: Vec<String>,
    pub change: Vec<String>,
    pub destroy: Vec<String>,
}

/// Why a run ended `errored`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunErrorReasonView {
    BuildFailed,
    StartFailed,
    ExecutorLost,
    PhaseTimeout,
}

impl From<RunErrorReason> for RunErrorReasonView {
    fn from(reason: RunErrorReason) -> Self {
        match reason {
            RunErrorReason::BuildFailed => Self::BuildFailed,
            RunErrorReason::StartFailed => Self::StartFailed,
            RunErrorReason::ExecutorLost => Self::ExecutorLost,
            RunErrorReason::PhaseTimeout => Self::PhaseTimeout,
        }
    }
}

/// A run: plan and apply (or destroy) of a deployment.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    #[schema(example = "run_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub deployment_id: String,
    pub kind: RunKind,
    pub status: RunStatus,
    /// When the run entered each state, in order.
    pub timestamps: Vec<StatusTimestampView>,
    pub plan: Option<PlanSummaryView>,
    /// The variables the plan was made with; null until it starts planning.
    #[schema(value_type = Option<Object>)]
    pub variables: Option<Value>,
    /// How `variables` differ from those of the last applied run (every variable before the
    /// first apply); empty for a destroy.
    pub variable_changes: Vec<VariableChangeView>,
    pub error: Option<String>,
    /// Why the run ended `errored`: `build_failed` (see the log), `start_failed`,
    /// `executor_lost` (its build vanished or ended unreported; see docs/operations.md) or
    /// `phase_timeout`.
    pub error_reason: Option<RunErrorReasonView>,
    pub created_by: String,
    pub approved_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Run> for RunView {
    fn from(r: Run) -> Self {
        Self {
            id: r.id.to_string(),
            deployment_id: r.deployment_id.to_string(),
            kind: r.kind,
            status: r.status,
            timestamps: r.timestamps.iter().map(|t| StatusTimestampView { status: t.status, at: t.at }).collect(),
            plan: r.plan.map(|p| PlanSummaryView { add: p.add, change: p.change, destroy: p.destroy }),
            variables: r.variables.map(|v| serde_json::to_value(v).unwrap_or_default()),
            variable_changes: r.variable_changes.into_iter().map(Into::into).collect(),
            error: r.error,
            error_reason: r.error_reason.map(RunErrorReasonView::from),
            created_by: r.created_by.to_string(),
            approved_by: r.approved_by.map(|u| u.to_string()),
            created_at: r.created_at,
        }
    }
}

/// One variable that differs: `before` null when it was not set (the module's default),
/// `after` null when it no longer is.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariableChangeView {
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
}

impl From<VariableChange> for VariableChangeView {
    fn from(c: VariableChange) -> Self {
        Self { name: c.name, before: c.before, after: c.after }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRunRequest {
    /// plan_and_apply (default) or destroy
    #[serde(default)]
    #[schema(value_type = Option<RunKind>)]
    pub kind: Option<String>,
}

/// Start a run (owners, admins, operators). It plans at once if the deployment is free, or
/// waits queued behind the active run.
#[utoipa::path(post, path = "/v1/orgs/{org}/deployments/{id}/runs", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id")),
    request_body = CreateRunRequest,
    responses(
        (status = 201, body = RunView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_run(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<CreateRunRequest>,
) -> ApiResult<(StatusCode, Json<RunView>)> {
    let kind = match body.kind.as_deref() {
        None | Some("plan_and_apply") => RunKind::PlanAndApply,
        Some("destroy") => RunKind::Destroy,
        Some(_) => {
            return Err(FieldError::new("kind", "invalid_value", "kind is plan_and_apply or destroy").into());
        }
    };
    let run = state.deployments.create_run(&member.access, &path.1, kind, &member.auth.caller).await?;
    Ok((StatusCode::CREATED, Json(run.into())))
}

/// The deployment's runs, oldest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments/{id}/runs", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), PageParams),
    responses((status = 200, body = ListOf<RunView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn list_runs(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<RunView>>> {
    let page = page_request(&params)?;
    let runs = state.deployments.runs(&member.access, &path.1, &page).await?;
    Ok(Json(ListOf { items: runs.items.into_iter().map(Into::into).collect(), next_cursor: runs.next_cursor }))
}

/// One run, with its plan summary once planned.
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments/{id}/runs/{run}", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), ("run" = String, Path, description = "run id")),
    responses((status = 200, body = RunView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn get_run(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<RunView>> {
    Ok(Json(state.deployments.run(&member.access, &path.1, &path.2).await?.into()))
}

/// Approve a plan that awaits approval (owners, admins, operators): applies exactly the saved
/// plan. Of two racing approvals one wins; the other gets 409 `invalid_run_state`.
#[utoipa::path(post, path = "/v1/orgs/{org}/deployments/{id}/runs/{run}/approve", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), ("run" = String, Path, description = "run id")),
    responses(
        (status = 200, body = RunView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "invalid_run_state", body = Problem, content_type = "application/problem+json"),
    ))]
async fn approve_run(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<RunView>> {
    Ok(Json(state.deployments.approve(&member.access, &path.1, &path.2, &member.auth.caller).await?.into()))
}

/// Cancel a queued, planning or applying run (owners, admins, operators); its build is stopped.
#[utoipa::path(post, path = "/v1/orgs/{org}/deployments/{id}/runs/{run}/cancel", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), ("run" = String, Path, description = "run id")),
    responses(
        (status = 200, body = RunView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "invalid_run_state", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cancel_run(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<RunView>> {
    Ok(Json(state.deployments.cancel(&member.access, &path.1, &path.2, &member.auth.caller).await?.into()))
}

/// Reject a plan (owners, admins, operators): the run ends discarded and nothing is applied.
#[utoipa::path(post, path = "/v1/orgs/{org}/deployments/{id}/runs/{run}/discard", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), ("run" = String, Path, description = "run id")),
    responses(
        (status = 200, body = RunView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "invalid_run_state", body = Problem, content_type = "application/problem+json"),
    ))]
async fn discard_run(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<RunView>> {
    Ok(Json(state.deployments.discard(&member.access, &path.1, &path.2, &member.auth.caller).await?.into()))
}

/// A run as the organisation's recent runs list it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecentRunView {
    #[schema(example = "run_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub deployment_id: String,
    pub deployment_name: String,
    pub kind: RunKind,
    pub status: RunStatus,
    pub created_at: DateTime<Utc>,
    /// When the run entered its current status.
    pub updated_at: DateTime<Utc>,
}

impl From<RecentRun> for RecentRunView {
    fn from(r: RecentRun) -> Self {
        Self {
            id: r.id.to_string(),
            deployment_id: r.deployment_id.to_string(),
            deployment_name: r.deployment_name,
            kind: r.kind,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecentRunList {
    pub items: Vec<RecentRunView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentRunsParams {
    /// 1 to 20 (default 10)
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20)]
    pub limit: Option<String>,
}

/// The organisation's newest runs across all its deployments, newest first: the last 20 at
/// most (a deployment's whole history is `GET .../deployments/{id}/runs`). One read of one item.
#[utoipa::path(get, path = "/v1/orgs/{org}/runs", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), RecentRunsParams),
    responses(
        (status = 200, body = RecentRunList),
        (status = 400, description = "invalid_query: limit is not between 1 and 20", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn recent_runs(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Query(params): Query<RecentRunsParams>,
) -> ApiResult<Json<RecentRunList>> {
    let limit = match params.limit.as_deref() {
        None | Some("") => 10,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=RECENT_RUNS).contains(&n) => n,
            _ => {
                let message = format!("limit is between 1 and {RECENT_RUNS}");
                return Err(ApiError::InvalidQuery(FieldError::new("limit", "out_of_range", message).into()));
            }
        },
    };
    let runs = state.deployments.recent_runs(&member.access, limit).await?;
    Ok(Json(RecentRunList { items: runs.into_iter().map(Into::into).collect() }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Return lines after this sequence number (0: from the start).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogLineView {
    pub seq: u64,
    pub phase: Phase,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunLogView {
    pub lines: Vec<LogLineView>,
    /// Pass as `after` to read on; equal to the request's `after` when nothing new was archived.
    pub next_after: u64,
}

impl From<LogLine> for LogLineView {
    fn from(l: LogLine) -> Self {
        Self { seq: l.seq, phase: l.phase, text: l.text }
    }
}

/// The archived log (both phases), so a finished or reconnecting client reads everything.
#[utoipa::path(get, path = "/v1/orgs/{org}/deployments/{id}/runs/{run}/logs", tag = "deployments", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "deployment id"), ("run" = String, Path, description = "run id"), LogParams),
    responses((status = 200, body = RunLogView), (status = 400, description = "invalid_query", body = Problem, content_type = "application/problem+json"), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn run_logs(
    State(state): State<DeploymentsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
    Query(params): Query<LogParams>,
) -> ApiResult<Json<RunLogView>> {
    let after = match params.after.as_deref() {
        None | Some("") => 0,
        Some(raw) => raw.parse::<u64>().map_err(|_| {
            ApiError::InvalidQuery(FieldError::new("after", "invalid_number", "after must be a whole number").into())
        })?,
    };
    let lines = state.deployments.logs(&member.access, &path.1, &path.2, after).await?;
    let next_after = lines.last().map(|l| l.seq).unwrap_or(after);
    Ok(Json(RunLogView { lines: lines.into_iter().map(Into::into).collect(), next_after }))
}
