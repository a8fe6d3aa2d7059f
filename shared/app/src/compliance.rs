//! Compliance findings: the sync evaluates the built-in checks on what it created, changed or
//! saw reappear (so the cost follows the change volume, not the estate), and resolves the
//! findings of what it found gone. An unchanged resource is not evaluated and costs no write.
//!
//! The findings are written before the inventory: if the inventory write fails, the queue
//! redelivers the message, the same diff comes out again and the same findings are written
//! again (last seen moves on, nothing doubles). The other order would lose them: the second
//! delivery would find the inventory written and nothing left to evaluate.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::StreamExt;
use serde::Serialize;
use skyforge_domain::compliance::{
    BUILTIN_CHECKS, CheckInfo, Finding, FindingStatus, Outcome, Severity, record_outcome, resolve_for_deleted,
};
use skyforge_domain::ids::{CredentialId, OrgId};
use skyforge_domain::inventory::{InventoryDiff, Resource, resource_id};
use skyforge_domain::page::{Cursor, Page, PageRequest};
use skyforge_domain::provider::Provider;

use crate::error::AppError;
use crate::orgs::OrgAccess;
use crate::ports::{Clock, StoreResult};
use skyforge_domain::roles::Permission;

/// Evaluates the checks on resources (the Rego engine, behind a port so that only the sync
/// worker and the local runtime link it).
pub trait ComplianceEvaluator: Send + Sync {
    /// For each resource, every check that applies to it with its outcome.
    fn evaluate(&self, resources: &[&Resource]) -> Vec<Vec<(&'static CheckInfo, Outcome)>>;
}

/// Where findings are kept.
#[async_trait]
pub trait Findings: Send + Sync {
    /// One resource's findings, every check.
    async fn for_resource(&self, org: OrgId, resource_id: &str) -> StoreResult<Vec<Finding>>;
    /// Puts findings (one item per check and resource, replaced whole); answers the writes.
    async fn put(&self, org: OrgId, findings: &[Finding]) -> StoreResult<u64>;
    /// Every finding of the organisation, ordered by resource then check.
    async fn all(&self, org: OrgId) -> StoreResult<Vec<Finding>>;
    /// Removes a credential's findings (when the credential is deleted); answers how many.
    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<u64>;
}

/// Which findings a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingQuery {
    pub status: Option<FindingStatus>,
    pub severity: Option<Severity>,
    pub check: Option<String>,
    pub provider: Option<Provider>,
    pub resource: Option<String>,
    pub credential: Option<CredentialId>,
    /// `false` (the default): resolved failures are left out.
    pub include_resolved: bool,
}

impl FindingQuery {
    fn matches(&self, f: &Finding) -> bool {
        self.status.is_none_or(|s| s == f.status)
            && self.severity.is_none_or(|s| s == f.severity)
            && self.check.as_deref().is_none_or(|c| c == f.check_id)
            && self.provider.is_none_or(|p| p == f.provider)
            && self.resource.as_deref().is_none_or(|r| r == f.resource_id)
            && self.credential.is_none_or(|c| c == f.credential_id)
            && (self.include_resolved || f.resolved_at.is_none() || f.status != FindingStatus::Fail)
    }
}

/// The sort key of a finding in every list: what a cursor carries.
pub fn finding_key(f: &Finding) -> String {
    format!("{}#{}", f.resource_id, f.check_id)
}

/// What the compliance page's header shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComplianceSummary {
    /// Passing evaluations out of all (fail + pass), in percent; 100 with nothing evaluated.
    pub score: u32,
    pub failing: u64,
    pub passing: u64,
    pub errors: u64,
    /// Open failures by severity (every severity present, zero included).
    pub by_severity: BTreeMap<Severity, u64>,
    /// Open failures by check id.
    pub by_check: BTreeMap<String, u64>,
    /// Open failures by provider.
    pub by_provider: BTreeMap<Provider, u64>,
    /// Open failures at the end of each of the last 30 days, oldest first.
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    pub day: NaiveDate,
    pub failing: u64,
}

/// What one sync's evaluation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ComplianceWrite {
    pub evaluated: u64,
    pub writes: u64,
}

pub struct ComplianceService {
    findings: Arc<dyn Findings>,
    /// Only the sync has one; the API reads findings and never evaluates.
    evaluator: Option<Arc<dyn ComplianceEvaluator>>,
    clock: Arc<dyn Clock>,
}

/// Previous findings are read this many resources at a time.
const READS_IN_FLIGHT: usize = 8;

impl ComplianceService {
    pub fn new(findings: Arc<dyn Findings>, clock: Arc<dyn Clock>) -> Self {
        Self { findings, evaluator: None, clock }
    }

    /// Evaluates the checks on what a sync created or changed (without one, a sync only
    /// resolves the findings of deleted resources).
    pub fn with_evaluator(mut self, evaluator: Arc<dyn ComplianceEvaluator>) -> Self {
        self.evaluator = Some(evaluator);
        self
    }

    /// Evaluates what the diff created, changed or saw reappear, and resolves what it found
    /// gone. A resource created by this sync has no findings yet, so only the others are read.
    pub async fn apply_diff(
        &self,
        org: OrgId,
        credential: CredentialId,
        diff: &InventoryDiff,
        now: DateTime<Utc>,
    ) -> Result<ComplianceWrite, AppError> {
        let fresh: Vec<&Resource> = diff.created.iter().collect();
        let seen_before: Vec<&Resource> =
            diff.changed.iter().map(|(_, after)| after).chain(diff.reappeared.iter()).collect();
        let gone: Vec<&Resource> = diff.gone.iter().map(|g| &g.resource).collect();

        let ids_to_read: Vec<String> =
            seen_before.iter().chain(gone.iter()).map(|r| resource_id(credential, &r.key())).collect();
        let reads = ids_to_read.into_iter().map(|id| async move {
            let found = self.findings.for_resource(org, &id).await?;
            Ok::<_, AppError>((id, found))
        });
        let read: Vec<Result<(String, Vec<Finding>), AppError>> =
            futures::stream::iter(reads).buffer_unordered(READS_IN_FLIGHT).collect().await;
        let mut previous: HashMap<String, Vec<Finding>> = HashMap::new();
        for result in read {
            let (id, found) = result?;
            previous.insert(id, found);
        }

        let to_evaluate: Vec<&Resource> = match &self.evaluator {
            Some(_) => fresh.into_iter().chain(seen_before).collect(),
            None => Vec::new(),
        };
        let outcomes = self.evaluator.as_ref().map(|e| e.evaluate(&to_evaluate)).unwrap_or_default();
        let mut writes: Vec<Finding> = Vec::new();
        for (resource, outcomes) in to_evaluate.iter().zip(outcomes) {
            let id = resource_id(credential, &resource.key());
            let before = previous.get(&id).map(Vec::as_slice).unwrap_or_default();
            for (check, outcome) in &outcomes {
                let prior = before.iter().find(|f| f.check_id == check.id);
                writes.push(record_outcome(prior, check, &id, credential, resource, outcome, now));
            }
            // a check that no longer applies (the attribute it reads is gone) resolves
            for stale in before.iter().filter(|f| !outcomes.iter().any(|(c, _)| c.id == f.check_id)) {
                writes.extend(resolve_for_deleted(stale, now));
            }
        }
        for resource in gone {
            let id = resource_id(credential, &resource.key());
            for finding in previous.get(&id).map(Vec::as_slice).unwrap_or_default() {
                writes.extend(resolve_for_deleted(finding, now));
            }
        }
        let written = if writes.is_empty() { 0 } else { self.findings.put(org, &writes).await? };
        Ok(ComplianceWrite { evaluated: to_evaluate.len() as u64, writes: written })
    }

    /// The checks of the built-in library.
    pub fn checks(&self) -> &'static [CheckInfo] {
        BUILTIN_CHECKS
    }

    /// One page of findings, ordered by resource then check.
    pub async fn findings(
        &self,
        access: &OrgAccess,
        query: &FindingQuery,
        page: &PageRequest,
    ) -> Result<Page<Finding>, AppError> {
        access.require(Permission::Read)?;
        // the whole list is read and paged here, so the cursor is sealed here
        let scope = format!("findings\n{}", access.org_id);
        let after = page.after(&scope)?;
        let all = self.findings.all(access.org_id).await?;
        let mut matching = all
            .into_iter()
            .filter(|f| query.matches(f))
            .filter(|f| after.as_deref().is_none_or(|after| finding_key(f).as_str() > after));
        let items: Vec<Finding> = matching.by_ref().take(page.limit).collect();
        let next_cursor = match (matching.next(), items.last()) {
            (Some(_), Some(last)) => Some(Cursor::seal(&scope, &finding_key(last))),
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }

    /// A resource's findings, for its inventory detail.
    /// The caller has already read the resource (so it exists in this organisation).
    pub async fn resource_findings(&self, access: &OrgAccess, resource_id: &str) -> Result<Vec<Finding>, AppError> {
        access.require(Permission::Read)?;
        Ok(self.findings.for_resource(access.org_id, resource_id).await?)
    }

    pub async fn summary(&self, access: &OrgAccess) -> Result<ComplianceSummary, AppError> {
        access.require(Permission::Read)?;
        let all = self.findings.all(access.org_id).await?;
        Ok(summarise(&all, self.clock.now()))
    }
}

/// The summary of a set of findings as of `now`.
pub fn summarise(findings: &[Finding], now: DateTime<Utc>) -> ComplianceSummary {
    let mut summary = ComplianceSummary {
        by_severity: Severity::ALL.into_iter().map(|s| (s, 0)).collect(),
        ..ComplianceSummary::default()
    };
    for f in findings {
        match f.status {
            FindingStatus::Fail if f.is_open() => {
                summary.failing += 1;
                *summary.by_severity.entry(f.severity).or_default() += 1;
                *summary.by_check.entry(f.check_id.clone()).or_default() += 1;
                *summary.by_provider.entry(f.provider).or_default() += 1;
            }
            FindingStatus::Fail => {}
            FindingStatus::Pass => summary.passing += 1,
            FindingStatus::Error => summary.errors += 1,
        }
    }
    let evaluated = summary.failing + summary.passing;
    summary.score = if evaluated == 0 { 100 } else { (summary.passing * 100 / evaluated) as u32 };
    let today = now.date_naive();
    summary.trend = (0..30)
        .rev()
        .map(|back| {
            let day = today - Duration::days(back);
            let end = day.and_hms_opt(23, 59, 59).expect("valid time").and_utc();
            // open at the end of that day: failing since before it ended, not resolved by then
            let failing = findings
                .iter()
                .filter(|f| f.status == FindingStatus::Fail || f.resolved_at.is_some())
                .filter(|f| f.first_seen <= end && f.resolved_at.is_none_or(|r| r > end))
                .count() as u64;
            TrendPoint { day, failing }
        })
        .collect();
    summary
}

#[cfg(test)]
mod tests;
