//! Cloud credentials and their syncs (api-credentials).

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use skyforge_app::Services;
use skyforge_app::credentials::{CredentialChanges, CredentialService, NewCredential, SyncState};
use skyforge_domain::credentials::Credential;
use skyforge_domain::credentials::{CredentialInput, Sensitive};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{PendingSync, SyncRun, SyncStatus, SyncSummary, SyncTrigger};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, OrgMember};
use crate::params::{PageParams, page_request};
use crate::views::ListOf;

#[derive(Clone)]
pub struct CredentialsState {
    pub services: Services,
    pub credentials: Arc<CredentialService>,
}

impl FromRef<CredentialsState> for Services {
    fn from_ref(state: &CredentialsState) -> Services {
        state.services.clone()
    }
}

pub fn routes() -> OpenApiRouter<CredentialsState> {
    OpenApiRouter::new()
        .routes(routes!(list_credentials, add_credential))
        .routes(routes!(aws_role_setup))
        .routes(routes!(get_credential, update_credential, delete_credential))
        .routes(routes!(rotate_credential))
        .routes(routes!(sync_now))
        .routes(routes!(list_syncs))
        .routes(routes!(get_sync))
}

/// How a credential authenticates (the domain keeps it as text; these are the words it writes).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // only names the schema of `CredentialView::method`
pub enum CredentialMethod {
    AccessKey,
    Role,
    ServicePrincipal,
    ServiceAccount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncSummaryView {
    pub run_id: String,
    pub status: SyncStatus,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: SyncCountsView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncCountsView {
    pub seen: u64,
    pub created: u64,
    pub changed: u64,
    pub deleted: u64,
    pub unchanged: u64,
    pub regions_listed: u64,
    pub regions_failed: u64,
}

impl From<&skyforge_domain::sync::SyncCounts> for SyncCountsView {
    fn from(c: &skyforge_domain::sync::SyncCounts) -> Self {
        Self {
            seen: c.seen,
            created: c.created,
            changed: c.changed,
            deleted: c.deleted,
            unchanged: c.unchanged,
            regions_listed: c.regions_listed,
            regions_failed: c.regions_failed,
        }
    }
}

impl From<SyncSummary> for SyncSummaryView {
    fn from(s: SyncSummary) -> Self {
        Self { run_id: s.run_id.to_string(), status: s.status, finished_at: s.finished_at, counts: (&s.counts).into() }
    }
}

/// A connected cloud account. Never contains its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialView {
    #[schema(example = "cred_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub provider: Provider,
    pub name: String,
    #[schema(value_type = CredentialMethod)]
    pub method: String,
    /// Tells credentials apart without revealing the secret: a masked key id, the role ARN, a client id or email.
    pub hint: String,
    /// The AWS account the credential reached when it was checked.
    pub account_id: Option<String>,
    /// Azure subscriptions or GCP projects.
    pub scopes: Vec<String>,
    /// The regions synced; null means every region enabled for the account.
    pub regions: Option<Vec<String>>,
    pub sync_enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sync: Option<SyncSummaryView>,
    /// The sync queued or running now, if any: right after adding or rotating, the first sync
    /// (follow it at `.../syncs/{run_id}`).
    pub pending_sync: Option<PendingSyncView>,
}

/// A sync on its way: queued (waiting for a worker since `since`) or running (since `since`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingSyncView {
    pub run_id: String,
    /// `queued` or `running`
    pub status: SyncStatus,
    pub trigger: SyncTrigger,
    pub since: DateTime<Utc>,
}

impl From<PendingSync> for PendingSyncView {
    fn from(p: PendingSync) -> Self {
        Self { run_id: p.run_id.to_string(), status: p.status, trigger: p.trigger, since: p.since }
    }
}

impl From<&SyncRun> for PendingSyncView {
    fn from(r: &SyncRun) -> Self {
        Self { run_id: r.id.to_string(), status: r.status, trigger: r.trigger, since: r.queued_at }
    }
}

impl CredentialView {
    pub fn new(c: Credential, sync: Option<SyncState>) -> Self {
        let SyncState { last: last_sync, pending } = sync.unwrap_or_default();
        Self {
            id: c.id.to_string(),
            provider: c.provider,
            name: c.name,
            method: c.method,
            hint: c.hint,
            account_id: c.account_id,
            scopes: c.scopes,
            regions: c.regions,
            sync_enabled: c.sync_enabled,
            created_at: c.created_at,
            updated_at: c.updated_at,
            last_sync: last_sync.map(Into::into),
            pending_sync: pending.map(Into::into),
        }
    }
}

/// Adds a credential. Which secret fields are required depends on `provider`:
/// aws — `role_arn` (preferred; see `aws-role-setup`) or `access_key_id` + `secret_access_key`;
/// azure — `tenant_id`, `client_id`, `client_secret`, `subscription_ids`;
/// gcp — `service_account_key` (the JSON key file, as a string) and `project_ids`; optionally
/// `billing_export` (`project.dataset.table` of the Cloud Billing export) for costs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCredentialRequest {
    #[schema(value_type = Provider)]
    pub provider: String,
    pub name: String,
    /// Limit syncing to these regions; leave out for every enabled region.
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    pub access_key_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub secret_access_key: Option<Sensitive>,
    pub role_arn: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub client_secret: Option<Sensitive>,
    pub subscription_ids: Option<Vec<String>>,
    #[schema(value_type = Option<String>)]
    pub service_account_key: Option<Sensitive>,
    pub project_ids: Option<Vec<String>>,
    /// GCP: the BigQuery table of the Cloud Billing export (`project.dataset.table`), for costs.
    pub billing_export: Option<String>,
}

/// A new secret for an existing credential: the same fields as when adding it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateCredentialRequest {
    pub access_key_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub secret_access_key: Option<Sensitive>,
    pub role_arn: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub client_secret: Option<Sensitive>,
    pub subscription_ids: Option<Vec<String>>,
    #[schema(value_type = Option<String>)]
    pub service_account_key: Option<Sensitive>,
    pub project_ids: Option<Vec<String>>,
    /// GCP: the BigQuery table of the Cloud Billing export (`project.dataset.table`), for costs.
    pub billing_export: Option<String>,
}

/// Both requests carry the same secret fields; one conversion serves both.
macro_rules! secret_input {
    ($body:expr) => {
        CredentialInput {
            access_key_id: $body.access_key_id,
            secret_access_key: $body.secret_access_key,
            role_arn: $body.role_arn,
            tenant_id: $body.tenant_id,
            client_id: $body.client_id,
            client_secret: $body.client_secret,
            subscription_ids: $body.subscription_ids,
            service_account_key: $body.service_account_key,
            project_ids: $body.project_ids,
            billing_export: $body.billing_export,
        }
    };
}

const PROVIDERS: &str = "provider is one of aws, azure, gcp";

/// Connect a cloud account (owners, admins, operators). The credential is checked with the
/// provider first; a refused one is a 422 and nothing is stored (nor queued). An accepted one
/// is stored and its first sync queued at once: `pending_sync` names the run to follow.
#[utoipa::path(post, path = "/v1/orgs/{org}/credentials", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")), request_body = AddCredentialRequest,
    responses(
        (status = 201, body = CredentialView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed or credential_invalid", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_credential(
    State(state): State<CredentialsState>,
    member: OrgMember,
    ApiJson(body): ApiJson<AddCredentialRequest>,
) -> ApiResult<(StatusCode, Json<CredentialView>)> {
    let provider: Provider =
        body.provider.parse().map_err(|_| skyforge_domain::FieldError::new("provider", "invalid_value", PROVIDERS))?;
    let (name, regions) = (body.name.clone(), body.regions.clone());
    let new = NewCredential { provider, name, regions, input: secret_input!(body) };
    let (credential, run) = state.credentials.add(&member.access, new, &member.auth.caller).await?;
    let mut view = CredentialView::new(credential, None);
    view.pending_sync = run.as_ref().map(Into::into);
    Ok((StatusCode::CREATED, Json(view)))
}

/// The organisation's cloud accounts, oldest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/credentials", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), PageParams),
    responses((status = 200, body = ListOf<CredentialView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn list_credentials(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<CredentialView>>> {
    let page = page_request(&params)?;
    let credentials = state.credentials.list(&member.access, &page).await?;
    let mut summaries = state.credentials.last_syncs(&member.access).await?;
    Ok(Json(ListOf {
        items: credentials
            .items
            .into_iter()
            .map(|c| {
                let last = summaries.remove(&c.id);
                CredentialView::new(c, last)
            })
            .collect(),
        next_cursor: credentials.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwsRoleSetupView {
    /// Put this in the role's trust policy (the template does).
    pub external_id: String,
    /// The principal the role must trust.
    pub platform_principal: String,
    /// `infra/customer-role.yaml`, a read-only role template.
    pub template_url: String,
    /// Opens the AWS console with the template and both parameters filled in.
    pub quick_create_url: String,
}

/// What a customer needs to create the read-only AWS role Skyforge assumes.
#[utoipa::path(get, path = "/v1/orgs/{org}/credentials/aws-role-setup", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses((status = 200, body = AwsRoleSetupView)))]
async fn aws_role_setup(State(state): State<CredentialsState>, member: OrgMember) -> ApiResult<Json<AwsRoleSetupView>> {
    let setup = state.credentials.aws_role_setup(&member.access).await?;
    Ok(Json(AwsRoleSetupView {
        external_id: setup.external_id,
        platform_principal: setup.platform_principal,
        template_url: setup.template_url,
        quick_create_url: setup.quick_create_url,
    }))
}

/// One cloud account.
#[utoipa::path(get, path = "/v1/orgs/{org}/credentials/{id}", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id")),
    responses((status = 200, body = CredentialView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn get_credential(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<Json<CredentialView>> {
    let credential = state.credentials.get(&member.access, &path.1).await?;
    let last = state.credentials.last_syncs(&member.access).await?.remove(&credential.id);
    Ok(Json(CredentialView::new(credential, last)))
}

/// Accepts a JSON `null` as "set to none" and tells it apart from a field left out.
fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCredentialRequest {
    pub name: Option<String>,
    pub sync_enabled: Option<bool>,
    /// A list of regions, or null for every enabled region.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>)]
    pub regions: Option<Option<Vec<String>>>,
}

/// Rename, turn sync on or off, or choose regions (owners, admins, operators).
#[utoipa::path(patch, path = "/v1/orgs/{org}/credentials/{id}", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id")),
    request_body = UpdateCredentialRequest,
    responses(
        (status = 200, body = CredentialView),
        (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_credential(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateCredentialRequest>,
) -> ApiResult<Json<CredentialView>> {
    let changes = CredentialChanges { name: body.name, sync_enabled: body.sync_enabled, regions: body.regions };
    let credential = state.credentials.update(&member.access, &path.1, changes, &member.auth.caller).await?;
    let last = state.credentials.last_syncs(&member.access).await?.remove(&credential.id);
    Ok(Json(CredentialView::new(credential, last)))
}

/// Replace the secret (the same fields as when adding, for the credential's provider). The new
/// secret is checked first and must reach the same account; a sync with it is queued at once
/// (`pending_sync`).
#[utoipa::path(post, path = "/v1/orgs/{org}/credentials/{id}/rotate", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id")),
    request_body = RotateCredentialRequest,
    responses(
        (status = 200, body = CredentialView),
        (status = 422, description = "validation_failed, credential_invalid or account_mismatch", body = Problem, content_type = "application/problem+json"),
    ))]
async fn rotate_credential(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<RotateCredentialRequest>,
) -> ApiResult<Json<CredentialView>> {
    let (credential, run) =
        state.credentials.rotate(&member.access, &path.1, secret_input!(body), &member.auth.caller).await?;
    let last = state.credentials.last_syncs(&member.access).await?.remove(&credential.id);
    let mut view = CredentialView::new(credential, last);
    if let Some(run) = &run {
        view.pending_sync = Some(run.into());
    }
    Ok(Json(view))
}

/// Disconnect a cloud account: its inventory is removed and its secret scheduled for deletion.
#[utoipa::path(delete, path = "/v1/orgs/{org}/credentials/{id}", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id")),
    responses((status = 204, description = "removed"), (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn delete_credential(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.credentials.delete(&member.access, &path.1, &member.auth.caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncErrorView {
    pub region: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRunView {
    pub id: String,
    pub credential_id: String,
    pub trigger: SyncTrigger,
    pub status: SyncStatus,
    pub queued_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: SyncCountsView,
    pub errors: Vec<SyncErrorView>,
}

impl From<SyncRun> for SyncRunView {
    fn from(r: SyncRun) -> Self {
        Self {
            id: r.id.to_string(),
            credential_id: r.credential_id.to_string(),
            trigger: r.trigger,
            status: r.status,
            queued_at: r.queued_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            counts: (&r.counts).into(),
            errors: r
                .errors
                .into_iter()
                .map(|e| SyncErrorView { region: e.region, code: e.code, message: e.message })
                .collect(),
        }
    }
}

/// Queue a sync now (owners, admins, operators). Poll the returned run for progress.
#[utoipa::path(post, path = "/v1/orgs/{org}/credentials/{id}/sync", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id")),
    responses((status = 202, body = SyncRunView), (status = 403, description = "forbidden", body = Problem, content_type = "application/problem+json"), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn sync_now(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<SyncRunView>)> {
    let run = state.credentials.sync_now(&member.access, &path.1, &member.auth.caller).await?;
    Ok((StatusCode::ACCEPTED, Json(run.into())))
}

/// Recent syncs of a credential, newest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/credentials/{id}/syncs", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id"), PageParams),
    responses((status = 200, body = ListOf<SyncRunView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn list_syncs(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<SyncRunView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.credentials.runs(&member.access, &path.1, &page).await?)))
}

/// One sync run.
#[utoipa::path(get, path = "/v1/orgs/{org}/credentials/{id}/syncs/{run}", tag = "credentials", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("id" = String, Path, description = "credential id"), ("run" = String, Path, description = "sync run id")),
    responses((status = 200, body = SyncRunView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn get_sync(
    State(state): State<CredentialsState>,
    member: OrgMember,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<SyncRunView>> {
    Ok(Json(state.credentials.run(&member.access, &path.1, &path.2).await?.into()))
}
