//! The inventory, resource history, the dashboard and provider health (api-inventory).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRef, Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use skyforge_app::Services;
use skyforge_app::compliance::ComplianceService;
use skyforge_app::inventory::InventoryService;
use skyforge_domain::inventory::{ChangeKind, ResourceState, ResourceType};
use skyforge_domain::inventory::{InventoryItem, InventoryQuery};
use skyforge_domain::page::PageRequest;
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::ProviderHealth;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, Problem};
use crate::export::ExportFormat;
use crate::extract::OrgMember;
use crate::params::{InventoryParams, PageParams, page_request};
use crate::routes::compliance::FindingView;
use crate::routes::credentials::SyncSummaryView;
use crate::views::ListOf;

#[derive(Clone)]
pub struct InventoryState {
    pub services: Services,
    pub inventory: Arc<InventoryService>,
    pub compliance: Arc<ComplianceService>,
}

impl FromRef<InventoryState> for Services {
    fn from_ref(state: &InventoryState) -> Services {
        state.services.clone()
    }
}

pub fn routes() -> OpenApiRouter<InventoryState> {
    OpenApiRouter::new()
        .routes(routes!(list_inventory))
        .routes(routes!(export_inventory))
        .routes(routes!(get_resource))
        .routes(routes!(resource_history))
        .routes(routes!(dashboard))
        .routes(routes!(provider_health))
        .merge(crate::routes::compliance::routes())
}

/// A resource in the inventory, in the same shape for every provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceView {
    #[schema(example = "res_01JD7Z8Y3Q4W5E6R7T8Y9U0I1Oa1b2c3d4e5f6a7b8c9d0e1f2")]
    pub id: String,
    pub credential_id: String,
    pub provider: Provider,
    /// AWS account id, Azure subscription or GCP project.
    pub account: String,
    /// Region or location; `global` for resources without one.
    pub region: String,
    #[serde(rename = "type")]
    pub kind: ResourceType,
    /// The provider's own id.
    pub native_id: String,
    pub name: Option<String>,
    pub state: ResourceState,
    /// Instance type, disk size, CIDR or storage class.
    pub size: Option<String>,
    pub public_ips: Vec<String>,
    pub private_ips: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub attributes: BTreeMap<String, String>,
    /// The deployment that created it (its `skyforge-deployment` tag).
    pub deployment: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub first_seen: DateTime<Utc>,
    /// When a sync last wrote it (syncs do not rewrite unchanged resources).
    pub last_seen: DateTime<Utc>,
    /// Set when a sync no longer found it.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Its compliance findings (every check that applies, open or not): only in the
    /// resource's own detail, not in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingView>>,
}

impl From<InventoryItem> for ResourceView {
    fn from(item: InventoryItem) -> Self {
        let r = item.resource;
        Self {
            deployment: r.deployment().map(str::to_owned),
            id: item.id,
            credential_id: item.credential_id.to_string(),
            provider: r.provider,
            account: r.account,
            region: r.region,
            kind: r.kind,
            native_id: r.native_id,
            name: r.name,
            state: r.state,
            size: r.size,
            public_ips: r.public_ips,
            private_ips: r.private_ips,
            tags: r.tags,
            attributes: r.attributes,
            created_at: r.created_at,
            first_seen: item.first_seen,
            last_seen: item.last_seen,
            deleted_at: item.deleted_at,
            findings: None,
        }
    }
}

/// The inventory's orders: by type (then name) or by name, `-` for descending.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[allow(dead_code)] // only names the schema of the `sort` parameter
pub enum InventorySortParam {
    #[serde(rename = "type")]
    Type,
    #[serde(rename = "-type")]
    TypeDescending,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDescending,
}

/// Every resource the organisation's credentials found, filtered, sorted and paged.
#[utoipa::path(get, path = "/v1/orgs/{org}/inventory", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), InventoryParams),
    responses(
        (status = 200, body = ListOf<ResourceView>),
        (status = 400, description = "invalid_query: a filter, sort, limit or cursor is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_inventory(
    State(state): State<InventoryState>,
    member: OrgMember,
    Query(params): Query<InventoryParams>,
) -> ApiResult<Json<ListOf<ResourceView>>> {
    let query = InventoryQuery::try_from(&params)?;
    let page = state.inventory.list(&member.access, &query).await?;
    Ok(Json(ListOf::from_page(page)))
}

/// The `format` of an export.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryExportFormat {
    /// csv (default) or ndjson
    pub format: Option<String>,
}

/// The inventory export's columns, in their order (a contract: new columns go last). Lists
/// (IPs) are joined with `;`, tags as `key=value;...`.
pub const INVENTORY_CSV_COLUMNS: [&str; 19] = [
    "id",
    "provider",
    "account",
    "region",
    "type",
    "native_id",
    "name",
    "state",
    "size",
    "public_ips",
    "private_ips",
    "tags",
    "deployment",
    "credential_id",
    "created_at",
    "first_seen",
    "last_seen",
    "deleted_at",
    "attributes",
];

fn inventory_csv_row(r: &ResourceView) -> String {
    let time = |t: &Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let pairs = |m: &BTreeMap<String, String>| m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";");
    let fields = [
        r.id.clone(),
        r.provider.as_str().to_owned(),
        r.account.clone(),
        r.region.clone(),
        r.kind.as_str().to_owned(),
        r.native_id.clone(),
        r.name.clone().unwrap_or_default(),
        r.state.as_str().to_owned(),
        r.size.clone().unwrap_or_default(),
        r.public_ips.join(";"),
        r.private_ips.join(";"),
        pairs(&r.tags),
        r.deployment.clone().unwrap_or_default(),
        r.credential_id.clone(),
        time(&r.created_at),
        r.first_seen.to_rfc3339(),
        r.last_seen.to_rfc3339(),
        time(&r.deleted_at),
        pairs(&r.attributes),
    ];
    crate::export::csv_line(fields.iter().map(String::as_str))
}

fn inventory_chunk(format: ExportFormat, items: Vec<InventoryItem>, header: bool) -> Bytes {
    let mut out = String::new();
    if header && format == ExportFormat::Csv {
        out.push_str(&crate::export::csv_line(INVENTORY_CSV_COLUMNS));
    }
    for item in items {
        let view = ResourceView::from(item);
        match format {
            ExportFormat::Csv => out.push_str(&inventory_csv_row(&view)),
            ExportFormat::Ndjson => {
                // a view of strings, maps and dates always serialises
                out.push_str(&serde_json::to_string(&view).unwrap_or_default());
                out.push('\n');
            }
        }
    }
    Bytes::from(out)
}

/// Every resource matching the inventory's filters, as CSV (a header line, then one line per
/// resource in a stable column order: id, provider, account, region, type, native_id, name,
/// state, size, public_ips, private_ips, tags, deployment, credential_id, created_at,
/// first_seen, last_seen, deleted_at, attributes) or NDJSON (one resource object a line).
/// Sent as it is read, a page at a time; `limit` and `cursor` are ignored.
#[utoipa::path(get, path = "/v1/orgs/{org}/inventory/export", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), InventoryExportFormat, InventoryParams),
    responses(
        (status = 200, description = "the export", content(
            (String = "text/csv"),
            (ResourceView = "application/x-ndjson"),
        )),
        (status = 400, description = "invalid_query: the format, a filter or the sort is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn export_inventory(
    State(state): State<InventoryState>,
    member: OrgMember,
    Query(format): Query<InventoryExportFormat>,
    Query(mut params): Query<InventoryParams>,
) -> ApiResult<Response> {
    let format = ExportFormat::parse(format.format.as_deref(), &[ExportFormat::Csv, ExportFormat::Ndjson])?;
    params.limit = Some(PageRequest::MAX_LIMIT.to_string());
    params.cursor = None;
    let query = InventoryQuery::try_from(&params)?;
    // the first page is read before answering, so a refusal is a status rather than a cut stream
    let page = state.inventory.list(&member.access, &query).await?;
    let (first, next) = (inventory_chunk(format, page.items, true), page.next_cursor);
    let (service, access) = (state.inventory.clone(), member.access);
    let rest = futures::stream::unfold(next, move |cursor| {
        let (service, mut query) = (service.clone(), query.clone());
        async move {
            query.cursor = Some(cursor?);
            match service.list(&access, &query).await {
                Ok(page) => Some((Ok(inventory_chunk(format, page.items, false)), page.next_cursor)),
                Err(error) => {
                    // the status is sent: all the client can see is a truncated body
                    tracing::error!(error = %error, "inventory export failed after its first page");
                    Some((Err(std::io::Error::other("inventory export failed")), None))
                }
            }
        }
    });
    let body = futures::stream::once(async { Ok(first) }).chain(rest);
    let filename = format!("inventory-{}.{}", Utc::now().format("%Y%m%d-%H%M%S"), format.as_str());
    Ok(crate::export::download(format, &filename, body))
}

/// One resource.
#[utoipa::path(get, path = "/v1/orgs/{org}/inventory/{resource}", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("resource" = String, Path, description = "resource id")),
    responses((status = 200, body = ResourceView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn get_resource(
    State(state): State<InventoryState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
) -> ApiResult<Json<ResourceView>> {
    let mut view: ResourceView = state.inventory.get(&member.access, &path.1).await?.into();
    let findings = state.compliance.resource_findings(&member.access, &view.id).await?;
    view.findings = Some(findings.into_iter().map(FindingView::from).collect());
    Ok(Json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeView {
    /// name, state, size, public_ips, private_ips, tags.<key>, attributes.<key>
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryView {
    pub at: DateTime<Utc>,
    pub sync_run_id: String,
    pub change: ChangeKind,
    pub changes: Vec<FieldChangeView>,
}

impl From<skyforge_domain::inventory::HistoryEntry> for HistoryEntryView {
    fn from(e: skyforge_domain::inventory::HistoryEntry) -> Self {
        Self {
            at: e.at,
            sync_run_id: e.sync_run_id.to_string(),
            change: e.change,
            changes: e
                .changes
                .into_iter()
                .map(|c| FieldChangeView { field: c.field, from: c.from, to: c.to })
                .collect(),
        }
    }
}

/// A resource's changes, newest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/inventory/{resource}/history", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), ("resource" = String, Path, description = "resource id"), PageParams),
    responses((status = 200, body = ListOf<HistoryEntryView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn resource_history(
    State(state): State<InventoryState>,
    member: OrgMember,
    Path(path): Path<(String, String)>,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<HistoryEntryView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.inventory.history(&member.access, &path.1, &page).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsView {
    pub resources: u64,
    pub by_provider: BTreeMap<String, u64>,
    pub by_type: BTreeMap<String, u64>,
    pub by_state: BTreeMap<String, u64>,
    /// provider/type/state → count
    pub by_provider_type_state: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionHealthView {
    pub region: String,
    pub ok: bool,
    pub latency_ms: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialStatusView {
    pub credential_id: String,
    pub name: String,
    pub provider: Option<Provider>,
    pub resources: u64,
    pub last_sync: Option<SyncSummaryView>,
    pub health: Vec<RegionHealthView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub totals: TotalsView,
    pub running_vms: u64,
    /// Month-to-date cost, forecast to month end and changes, per currency.
    pub costs: Option<crate::routes::costs::CostOverviewView>,
    pub credentials: Vec<CredentialStatusView>,
}

/// Totals by provider, type and state, running VMs, each credential's last sync and provider
/// health (one read of the organisation's summary), and the month's costs.
#[utoipa::path(get, path = "/v1/orgs/{org}/dashboard", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses((status = 200, body = DashboardView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn dashboard(State(state): State<InventoryState>, member: OrgMember) -> ApiResult<Json<DashboardView>> {
    let dashboard = state.inventory.dashboard(&member.access).await?;
    let mut totals = TotalsView {
        resources: 0,
        by_provider: BTreeMap::new(),
        by_type: BTreeMap::new(),
        by_state: BTreeMap::new(),
        by_provider_type_state: BTreeMap::new(),
    };
    for (key, n) in &dashboard.counts.0 {
        let mut parts = key.split('/');
        let (provider, kind, state) =
            (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        totals.resources += n;
        *totals.by_provider.entry(provider.into()).or_default() += n;
        *totals.by_type.entry(kind.into()).or_default() += n;
        *totals.by_state.entry(state.into()).or_default() += n;
        totals.by_provider_type_state.insert(key.clone(), *n);
    }
    let credentials = dashboard
        .credentials
        .into_iter()
        .map(|(id, s)| CredentialStatusView {
            credential_id: id.to_string(),
            resources: s.counts.total(None, None, None),
            name: s.name,
            provider: s.provider,
            last_sync: s.last_sync.map(Into::into),
            health: s
                .health
                .into_iter()
                .map(|(region, (ok, latency_ms))| RegionHealthView { region, ok, latency_ms })
                .collect(),
        })
        .collect();
    Ok(Json(DashboardView {
        totals,
        running_vms: dashboard.running_vms,
        costs: dashboard.costs.as_ref().map(Into::into),
        credentials,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderHealthView {
    pub credential_id: String,
    pub provider: Provider,
    pub region: String,
    pub checked_at: DateTime<Utc>,
    pub ok: bool,
    pub calls: u64,
    pub errors: u64,
    pub latency_p50_ms: u64,
    pub latency_max_ms: u64,
    pub last_error: Option<String>,
}

impl From<ProviderHealth> for ProviderHealthView {
    fn from(h: ProviderHealth) -> Self {
        Self {
            credential_id: h.credential_id.to_string(),
            provider: h.provider,
            region: h.region,
            checked_at: h.checked_at,
            ok: h.ok,
            calls: h.calls,
            errors: h.errors,
            latency_p50_ms: h.latency_p50_ms,
            latency_max_ms: h.latency_max_ms,
            last_error: h.last_error,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderHealthList {
    pub items: Vec<ProviderHealthView>,
}

/// How each provider's API answered each credential, per region, at its last sync.
#[utoipa::path(get, path = "/v1/orgs/{org}/health/providers", tag = "inventory", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses((status = 200, body = ProviderHealthList), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn provider_health(
    State(state): State<InventoryState>,
    member: OrgMember,
) -> ApiResult<Json<ProviderHealthList>> {
    let items = state.inventory.provider_health(&member.access).await?.into_iter().map(Into::into).collect();
    Ok(Json(ProviderHealthList { items }))
}
