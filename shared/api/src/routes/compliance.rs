//! Compliance: the built-in checks, the findings the syncs leave, and their summary
//! (served by api-inventory, next to the resources they are about).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use skyforge_app::compliance::{ComplianceSummary, FindingQuery};
use skyforge_domain::compliance::{CheckInfo, Finding, FindingStatus, Severity, builtin_check};
use skyforge_domain::error::{FieldError, ValidationErrors};
use skyforge_domain::provider::Provider;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::OrgMember;
use crate::params::{PageParams, page_request};
use crate::routes::inventory::InventoryState;
use crate::views::ListOf;

pub fn routes() -> OpenApiRouter<InventoryState> {
    OpenApiRouter::new().routes(routes!(summary)).routes(routes!(list_findings)).routes(routes!(list_checks))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityView {
    Critical,
    High,
    Medium,
    Low,
}

impl From<Severity> for SeverityView {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Critical => Self::Critical,
            Severity::High => Self::High,
            Severity::Medium => Self::Medium,
            Severity::Low => Self::Low,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatusView {
    Fail,
    Pass,
    /// The check could not be evaluated (time limit, runtime error); see `message`.
    Error,
}

impl From<FindingStatus> for FindingStatusView {
    fn from(s: FindingStatus) -> Self {
        match s {
            FindingStatus::Fail => Self::Fail,
            FindingStatus::Pass => Self::Pass,
            FindingStatus::Error => Self::Error,
        }
    }
}

/// One check on one resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    pub check_id: String,
    pub check_title: String,
    pub severity: SeverityView,
    pub status: FindingStatusView,
    /// `true` while the check fails and nothing resolved it.
    pub open: bool,
    pub resource_id: String,
    pub resource_name: Option<String>,
    /// vm, disk, network, subnet, public_ip, bucket or firewall
    pub resource_type: String,
    /// aws, azure or gcp
    pub provider: String,
    pub region: String,
    pub credential_id: String,
    /// Why the evaluation failed, for `error`.
    pub message: Option<String>,
    pub remediation: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// When the failure stopped: the check passed again, or the resource was deleted.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<Finding> for FindingView {
    fn from(f: Finding) -> Self {
        let check = builtin_check(&f.check_id);
        Self {
            check_title: check.map_or_else(|| f.check_id.clone(), |c| c.title.to_owned()),
            remediation: check.map(|c| c.remediation.to_owned()).unwrap_or_default(),
            open: f.is_open(),
            check_id: f.check_id,
            severity: f.severity.into(),
            status: f.status.into(),
            resource_id: f.resource_id,
            resource_name: f.resource_name,
            resource_type: f.resource_type.as_str().into(),
            provider: f.provider.as_str().into(),
            region: f.region,
            credential_id: f.credential_id.to_string(),
            message: f.message,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            resolved_at: f.resolved_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendPointView {
    pub day: NaiveDate,
    /// Open failures at the end of the day.
    pub failing: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceSummaryView {
    /// Passing evaluations out of all passing and failing ones, in percent.
    pub score: u32,
    pub failing: u64,
    pub passing: u64,
    pub errors: u64,
    /// Open failures by severity: critical, high, medium, low (all four always present).
    pub by_severity: BTreeMap<String, u64>,
    /// Open failures by check id.
    pub by_check: BTreeMap<String, u64>,
    /// Open failures by provider.
    pub by_provider: BTreeMap<String, u64>,
    /// The last 30 days, oldest first.
    pub trend: Vec<TrendPointView>,
}

impl From<ComplianceSummary> for ComplianceSummaryView {
    fn from(s: ComplianceSummary) -> Self {
        Self {
            score: s.score,
            failing: s.failing,
            passing: s.passing,
            errors: s.errors,
            by_severity: s.by_severity.into_iter().map(|(k, v)| (k.as_str().to_owned(), v)).collect(),
            by_check: s.by_check,
            by_provider: s.by_provider.into_iter().map(|(k, v)| (k.as_str().to_owned(), v)).collect(),
            trend: s.trend.into_iter().map(|t| TrendPointView { day: t.day, failing: t.failing }).collect(),
        }
    }
}

/// A check of the built-in library.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceCheckView {
    pub id: String,
    pub title: String,
    pub severity: SeverityView,
    /// aws, azure, gcp
    pub providers: Vec<String>,
    /// vm, disk, public_ip, bucket, firewall
    pub resource_types: Vec<String>,
    pub risk: String,
    pub remediation: String,
}

impl From<&CheckInfo> for ComplianceCheckView {
    fn from(c: &CheckInfo) -> Self {
        Self {
            id: c.id.into(),
            title: c.title.into(),
            severity: c.severity.into(),
            providers: c.providers.iter().map(|p| p.as_str().to_owned()).collect(),
            resource_types: c.resource_types.iter().map(|t| t.as_str().to_owned()).collect(),
            risk: c.risk.into(),
            remediation: c.remediation.into(),
        }
    }
}

/// Counts by severity, check and provider, the score and a 30-day trend.
#[utoipa::path(get, path = "/v1/orgs/{org}/compliance/summary", tag = "compliance", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses((status = 200, body = ComplianceSummaryView), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn summary(State(state): State<InventoryState>, member: OrgMember) -> ApiResult<Json<ComplianceSummaryView>> {
    Ok(Json(state.compliance.summary(&member.access).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingParams {
    /// fail, pass or error
    pub status: Option<String>,
    /// critical, high, medium or low
    pub severity: Option<String>,
    /// A check id (see `/compliance/checks`).
    pub check: Option<String>,
    /// aws, azure or gcp
    pub provider: Option<String>,
    /// A resource id (`res_...`).
    pub resource: Option<String>,
    /// A credential id (`cred_...`).
    pub credential: Option<String>,
    /// `true`: also failures that were resolved (default false).
    pub include_resolved: Option<bool>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl FindingParams {
    fn query(&self) -> Result<FindingQuery, ApiError> {
        let mut errors = Vec::new();
        fn parse<T: std::str::FromStr>(
            errors: &mut Vec<FieldError>,
            field: &'static str,
            value: &Option<String>,
            allowed: &str,
        ) -> Option<T> {
            let value = value.as_deref().filter(|v| !v.is_empty())?;
            let parsed = value.parse().ok();
            if parsed.is_none() {
                errors.push(FieldError::new(field, "invalid_value", &format!("{field} is one of {allowed}")));
            }
            parsed
        }
        let query = FindingQuery {
            status: parse(&mut errors, "status", &self.status, "fail, pass, error"),
            severity: parse(&mut errors, "severity", &self.severity, "critical, high, medium, low"),
            provider: parse::<Provider>(&mut errors, "provider", &self.provider, "aws, azure, gcp"),
            credential: parse(&mut errors, "credential", &self.credential, "a credential id (cred_...)"),
            check: self.check.clone().filter(|c| !c.is_empty()),
            resource: self.resource.clone().filter(|r| !r.is_empty()),
            include_resolved: self.include_resolved.unwrap_or(false),
        };
        if let Some(check) = &query.check
            && builtin_check(check).is_none()
        {
            errors.push(FieldError::new(
                "check",
                "unknown_check",
                "check is the id of a check; see /compliance/checks",
            ));
        }
        if errors.is_empty() { Ok(query) } else { Err(ApiError::InvalidQuery(ValidationErrors(errors))) }
    }
}

/// Findings, filtered, ordered by resource then check; open ones only unless
/// `include_resolved` is set.
#[utoipa::path(get, path = "/v1/orgs/{org}/compliance/findings", tag = "compliance", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id"), FindingParams),
    responses(
        (status = 200, body = ListOf<FindingView>),
        (status = 400, description = "invalid_query: a filter, limit or cursor is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_findings(
    State(state): State<InventoryState>,
    member: OrgMember,
    Query(params): Query<FindingParams>,
) -> ApiResult<Json<ListOf<FindingView>>> {
    let query = params.query()?;
    let page = page_request(&PageParams { limit: params.limit.clone(), cursor: params.cursor.clone() })?;
    Ok(Json(ListOf::from_page(state.compliance.findings(&member.access, &query, &page).await?)))
}

/// The checks every sync evaluates.
#[utoipa::path(get, path = "/v1/orgs/{org}/compliance/checks", tag = "compliance", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation id")),
    responses((status = 200, body = ListOf<ComplianceCheckView>), (status = 404, description = "not_found", body = Problem, content_type = "application/problem+json")))]
async fn list_checks(
    State(state): State<InventoryState>,
    _member: OrgMember,
) -> ApiResult<Json<ListOf<ComplianceCheckView>>> {
    Ok(Json(ListOf {
        items: state.compliance.checks().iter().map(ComplianceCheckView::from).collect(),
        next_cursor: None,
    }))
}
