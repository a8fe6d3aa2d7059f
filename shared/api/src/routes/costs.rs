//! Cost analytics and savings recommendations (api-costs). Amounts are decimal strings with
//! two places, always next to their currency: amounts in different currencies are never added.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRef, Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use skyforge_app::costs::CostService;
use skyforge_app::{AppError, Services};
use skyforge_domain::costs::GroupBy;
use skyforge_domain::costs::{Change, CostGroup, CostOverview, CostRefresh, ProviderDay, Totals, display_amount};
use skyforge_domain::inventory::ResourceType;
use skyforge_domain::provider::Provider;
use skyforge_domain::recommendations::{PriceTable, Recommendation, Rule};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::export::{ExportFormat, csv_line};
use crate::extract::OrgMember;
use crate::params::{PageParams, page_request};
use crate::views::{ListOf, wire_word};

#[derive(Clone)]
pub struct CostsState {
    pub services: Services,
    pub costs: Arc<CostService>,
}

impl FromRef<CostsState> for Services {
    fn from_ref(state: &CostsState) -> Services {
        state.services.clone()
    }
}

pub fn routes() -> OpenApiRouter<CostsState> {
    OpenApiRouter::new().routes(routes!(costs)).routes(routes!(export_costs)).routes(routes!(recommendations))
}

/// An amount in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyView {
    #[schema(example = "USD")]
    pub currency: String,
    /// A decimal string, two places.
    #[schema(example = "1234.50")]
    pub amount: String,
}

fn money(totals: &Totals) -> Vec<MoneyView> {
    totals.0.iter().map(|(c, a)| MoneyView { currency: c.to_string(), amount: display_amount(*a) }).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostGroupView {
    /// The provider, service, credential id or day (`YYYY-MM-DD`), as grouped.
    pub key: String,
    pub currency: String,
    pub amount: String,
}

impl From<&CostGroup> for CostGroupView {
    fn from(g: &CostGroup) -> Self {
        Self { key: g.key.clone(), currency: g.currency.to_string(), amount: display_amount(g.amount) }
    }
}

/// One provider's cost on one day, in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderDayView {
    pub day: NaiveDate,
    pub provider: Provider,
    #[schema(example = "USD")]
    pub currency: String,
    /// A decimal string, two places.
    #[schema(example = "68.93")]
    pub amount: String,
}

impl From<&ProviderDay> for ProviderDayView {
    fn from(p: &ProviderDay) -> Self {
        Self { day: p.day, provider: p.provider, currency: p.currency.to_string(), amount: display_amount(p.amount) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub currency: String,
    pub current: String,
    pub previous: String,
    /// `current - previous`.
    pub delta: String,
    /// Percent of `previous`; null when there was nothing before.
    pub percent: Option<String>,
}

fn change_views(changes: &[Change]) -> Vec<ChangeView> {
    changes
        .iter()
        .map(|c| ChangeView {
            currency: c.currency.to_string(),
            current: display_amount(c.current),
            previous: display_amount(c.previous),
            delta: display_amount(c.delta),
            percent: c.percent.map(display_amount),
        })
        .collect()
}

/// The month's headline figures, per currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostOverviewView {
    pub month_to_date: Vec<MoneyView>,
    pub last_month: Vec<MoneyView>,
    /// Month to date plus the provider's forecast of the rest of the month (its run rate where
    /// the provider has no forecast).
    pub forecast_month_end: Vec<MoneyView>,
    /// Yesterday against the day before.
    pub day_over_day: Vec<ChangeView>,
    /// This month to date against the same days of last month.
    pub month_over_month: Vec<ChangeView>,
}

impl From<&CostOverview> for CostOverviewView {
    fn from(o: &CostOverview) -> Self {
        Self {
            month_to_date: money(&o.month_to_date),
            last_month: money(&o.last_month),
            forecast_month_end: money(&o.forecast_month_end),
            day_over_day: change_views(&o.day_over_day),
            month_over_month: change_views(&o.month_over_month),
        }
    }
}

/// A credential's last cost refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostRefreshView {
    pub credential_id: String,
    pub provider: Provider,
    pub refreshed_at: DateTime<Utc>,
    /// The days fetched.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: u64,
    /// Billing API requests the refresh made (Cost Explorer charges each).
    pub requests: u64,
    /// The error code when it failed (the rows from before are kept).
    pub error: Option<String>,
}

impl From<&CostRefresh> for CostRefreshView {
    fn from(r: &CostRefresh) -> Self {
        Self {
            credential_id: r.credential_id.to_string(),
            provider: r.provider,
            refreshed_at: r.refreshed_at,
            from: r.from,
            to: r.to,
            rows: r.rows,
            requests: r.requests,
            error: r.error.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostReportView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: GroupBy,
    /// Sums of the range by the grouping, one per key and currency.
    pub groups: Vec<CostGroupView>,
    /// The range's daily cost by provider, whatever `group_by` is: one point per day, provider
    /// and currency that has costs (a day without costs has no point), ordered by day, provider,
    /// currency. Amounts in different currencies are never added.
    pub series: Vec<ProviderDayView>,
    /// The range's total, per currency.
    pub totals: Vec<MoneyView>,
    pub overview: CostOverviewView,
    /// The range's five most expensive services, per currency.
    pub top_services: Vec<CostGroupView>,
    /// When each credential's costs were last fetched.
    pub refreshes: Vec<CostRefreshView>,
}

/// The costs query's parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostParams {
    /// First day, `YYYY-MM-DD` (default: 29 days before `to`).
    #[param(value_type = Option<NaiveDate>)]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: today, UTC). At most 366 days after `from`.
    #[param(value_type = Option<NaiveDate>)]
    pub to: Option<String>,
    /// provider, service (default), credential or day
    #[param(value_type = Option<GroupBy>)]
    pub group_by: Option<String>,
}

/// What the organisation spent from `from` to `to`, grouped, with the daily cost by provider,
/// month to date, last month, the forecast to month end, day-over-day and month-over-month
/// changes and the top services.
#[utoipa::path(get, path = "/v1/orgs/{org}/costs", tag = "costs", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), CostParams),
    responses(
        (status = 200, body = CostReportView),
        (status = 400, description = "invalid_range: `to` before `from`, or too long; invalid_query: a date or group_by that does not parse", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn costs(
    State(state): State<CostsState>,
    member: OrgMember,
    Query(params): Query<CostParams>,
) -> ApiResult<Json<CostReportView>> {
    let report = state
        .costs
        .report(&member.access, params.from.as_deref(), params.to.as_deref(), params.group_by.as_deref())
        .await
        .map_err(|error| match error {
            // the query's parameters are the only input: a bad one is a 400 like any query
            AppError::Validation(errors) => ApiError::InvalidQuery(errors),
            other => other.into(),
        })?;
    Ok(Json(CostReportView {
        from: report.range.from,
        to: report.range.to,
        group_by: report.group_by,
        groups: report.groups.iter().map(Into::into).collect(),
        series: report.series.iter().map(Into::into).collect(),
        totals: money(&report.totals),
        overview: (&report.overview).into(),
        top_services: report.top_services.iter().map(Into::into).collect(),
        refreshes: report.refreshes.iter().map(Into::into).collect(),
    }))
}

/// The cost export's parameters: the costs query's, and the format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostExportParams {
    /// csv (the only one, and the default)
    pub format: Option<String>,
}

/// The cost export's columns, in their order (a contract: new columns go last).
pub const COSTS_CSV_COLUMNS: [&str; 6] = ["from", "to", "group_by", "key", "currency", "amount"];

/// The range's sums by the grouping as CSV: a header line, then one line per key and currency,
/// in the costs view's order (largest first; by day for `group_by=day`). Columns: from, to,
/// group_by, key, currency, amount.
#[utoipa::path(get, path = "/v1/orgs/{org}/costs/export", tag = "costs", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), CostExportParams, CostParams),
    responses(
        (status = 200, description = "the export", content_type = "text/csv", body = String),
        (status = 400, description = "invalid_range: `to` before `from`, or too long; invalid_query: the format, a date or group_by that does not parse", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn export_costs(
    State(state): State<CostsState>,
    member: OrgMember,
    Query(export): Query<CostExportParams>,
    Query(params): Query<CostParams>,
) -> ApiResult<axum::response::Response> {
    let format = ExportFormat::parse(export.format.as_deref(), &[ExportFormat::Csv])?;
    let report = state
        .costs
        .report(&member.access, params.from.as_deref(), params.to.as_deref(), params.group_by.as_deref())
        .await
        .map_err(|error| match error {
            AppError::Validation(errors) => ApiError::InvalidQuery(errors),
            other => other.into(),
        })?;
    let (from, to, group_by) =
        (report.range.from.to_string(), report.range.to.to_string(), wire_word(&report.group_by));
    // one line per group: a year of days at most, so it is written at once
    let mut out = csv_line(COSTS_CSV_COLUMNS);
    for group in &report.groups {
        let (currency, amount) = (group.currency.to_string(), display_amount(group.amount));
        out.push_str(&csv_line([from.as_str(), &to, &group_by, &group.key, &currency, &amount]));
    }
    let filename = format!("costs-{from}-{to}-by-{group_by}.csv");
    let body = futures::stream::once(async move { Ok(axum::body::Bytes::from(out)) });
    Ok(crate::export::download(format, &filename, body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AffectedResourceView {
    /// The inventory id (`res_...`).
    pub id: String,
    /// vm, disk or public_ip
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub native_id: String,
    pub name: Option<String>,
    pub region: String,
    /// What it costs a month, by the price table.
    pub monthly_cost: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    pub id: String,
    pub rule: Rule,
    pub provider: Provider,
    pub action: String,
    /// The matched resource first, then the disks and addresses that go with it.
    pub resources: Vec<AffectedResourceView>,
    pub monthly_saving: String,
    pub currency: String,
    /// The date of the price table's figures (`shared/domain/prices.toml` names its sources).
    pub prices_as_of: NaiveDate,
}

impl From<Recommendation> for RecommendationView {
    fn from(r: Recommendation) -> Self {
        Self {
            id: r.id,
            rule: r.rule,
            provider: r.provider,
            action: r.action,
            resources: r
                .resources
                .into_iter()
                .map(|x| AffectedResourceView {
                    id: x.id,
                    kind: x.kind,
                    native_id: x.native_id,
                    name: x.name,
                    region: x.region,
                    monthly_cost: display_amount(x.monthly_cost),
                })
                .collect(),
            monthly_saving: display_amount(r.monthly_saving),
            currency: r.currency.to_string(),
            prices_as_of: PriceTable::bundled().as_of,
        }
    }
}

/// What the organisation could stop paying for, from its synced inventory, with an estimated
/// monthly saving each (list prices; see the price table's sources).
#[utoipa::path(get, path = "/v1/orgs/{org}/costs/recommendations", tag = "costs", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), PageParams),
    responses(
        (status = 200, body = ListOf<RecommendationView>),
        (status = 400, description = "invalid_query: limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn recommendations(
    State(state): State<CostsState>,
    member: OrgMember,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<ListOf<RecommendationView>>> {
    let page = page_request(&params)?;
    Ok(Json(ListOf::from_page(state.costs.recommendations(&member.access, &page).await?)))
}
