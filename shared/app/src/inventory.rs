//! Reading the inventory back: filtered, sorted, paged lists; one resource and its history; the
//! dashboard (one read of the summary item) and provider health.
//!
//! The dashboard's cost figures come from the summary's cost snapshot, which the sync computes
//! after each cost refresh. When there is none for today (the day turned, a credential was
//! deleted, or a refresh raced it) the dashboard computes them and stores them for the next
//! reader, unless the cost data moved on meanwhile.

use std::collections::BTreeMap;
use std::sync::Arc;

use skyforge_domain::costs::CostOverview;
use skyforge_domain::ids::CredentialId;
use skyforge_domain::ids::OrgId;
use skyforge_domain::inventory::{
    HistoryEntry, InventoryItem, InventoryQuery, ResourceCounts, ResourceState, ResourceType,
};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::Permission;
use skyforge_domain::sync::{CostSnapshot, CredentialSummary, ProviderHealth};

use crate::costs::CostService;
use crate::error::AppError;
use crate::orgs::OrgAccess;
use crate::ports::Clock;
use crate::sync_ports::{Inventory, Summaries};

/// The dashboard's numbers, all from the organisation's summary item.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub counts: ResourceCounts,
    /// Month to date, forecast and changes (`None` where costs are not wired in).
    pub costs: Option<CostOverview>,
    pub running_vms: u64,
    pub credentials: BTreeMap<CredentialId, CredentialSummary>,
}

pub struct InventoryService {
    inventory: Arc<dyn Inventory>,
    summaries: Arc<dyn Summaries>,
    /// The month's costs, and the clock that says which day a cost snapshot must be of.
    costs: Option<(Arc<CostService>, Arc<dyn Clock>)>,
}

impl InventoryService {
    pub fn new(inventory: Arc<dyn Inventory>, summaries: Arc<dyn Summaries>) -> Self {
        Self { inventory, summaries, costs: None }
    }

    /// The dashboard also shows the month's costs.
    pub fn with_costs(mut self, costs: Arc<CostService>, clock: Arc<dyn Clock>) -> Self {
        self.costs = Some((costs, clock));
        self
    }

    pub async fn list(&self, access: &OrgAccess, query: &InventoryQuery) -> Result<Page<InventoryItem>, AppError> {
        access.require(Permission::Read)?;
        Ok(self.inventory.list(access.org_id, query).await?)
    }

    pub async fn get(&self, access: &OrgAccess, id: &str) -> Result<InventoryItem, AppError> {
        access.require(Permission::Read)?;
        if !id.starts_with("res_") {
            return Err(AppError::NotFound("resource"));
        }
        self.inventory.get(access.org_id, id).await?.ok_or(AppError::NotFound("resource"))
    }

    pub async fn history(
        &self,
        access: &OrgAccess,
        id: &str,
        page: &PageRequest,
    ) -> Result<Page<HistoryEntry>, AppError> {
        let item = self.get(access, id).await?;
        Ok(self.inventory.history(access.org_id, &item.id, page).await?)
    }

    pub async fn dashboard(&self, access: &OrgAccess) -> Result<Dashboard, AppError> {
        access.require(Permission::Read)?;
        let summary = self.summaries.get(access.org_id).await?;
        let mut counts = ResourceCounts::default();
        for part in summary.credentials.values() {
            counts.add(&part.counts);
        }
        let running_vms = counts.total(None, Some(ResourceType::Vm), Some(ResourceState::Running));
        let costs = match &self.costs {
            Some((costs, clock)) => {
                let today = clock.now().date_naive();
                Some(match summary.costs {
                    Some(snapshot) if snapshot.as_of == today => snapshot.overview,
                    _ => self.compute_costs(costs, access.org_id, today, summary.costs_version).await?,
                })
            }
            None => None,
        };
        Ok(Dashboard { counts, costs, running_vms, credentials: summary.credentials })
    }

    /// Computes the cost figures and keeps them for the next reader (best effort).
    async fn compute_costs(
        &self,
        costs: &CostService,
        org: OrgId,
        today: chrono::NaiveDate,
        version: u64,
    ) -> Result<CostOverview, AppError> {
        let overview = costs.overview(org).await?;
        let snapshot = CostSnapshot { as_of: today, overview };
        if let Err(error) = self.summaries.put_costs(org, &snapshot, version).await {
            tracing::warn!(org = %org, error = %error, "the dashboard's cost figures could not be kept");
        }
        Ok(snapshot.overview)
    }

    pub async fn provider_health(&self, access: &OrgAccess) -> Result<Vec<ProviderHealth>, AppError> {
        access.require(Permission::Read)?;
        let mut health = self.summaries.health(access.org_id).await?;
        health.sort_by(|a, b| (a.provider, a.credential_id, &a.region).cmp(&(b.provider, b.credential_id, &b.region)));
        Ok(health)
    }
}
