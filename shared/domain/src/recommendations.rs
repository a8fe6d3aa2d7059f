//! Savings recommendations: rules over the synced inventory, each naming the resources it
//! applies to and an estimated monthly saving from the price table kept in the repository
//! (`shared/domain/prices.toml`, which states its sources and date).
//!
//! The rules, each resource counted by one rule only so savings never add up twice:
//! - `idle_stopped_vm`: a VM stopped with no change for over 30 days: snapshot and delete it;
//!   saves its disks and the addresses still attached to it.
//! - `stopped_vm_disks`: a VM stopped more recently: its disks (and addresses) are still billed.
//! - `unattached_disk`: a disk attached to nothing.
//! - `unassociated_public_ip`: a reserved public address associated with nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::costs::Currency;
use crate::inventory::{InventoryItem, ResourceState, ResourceType};
use crate::provider::Provider;

/// A VM stopped with no change for longer than this is idle.
pub const IDLE_AFTER: Duration = Duration::days(30);

/// Each provider's prices in the table.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderPrices {
    pub public_ip_month: Decimal,
    pub default_root_disk_gb: u32,
    /// Per GiB-month by disk type (lower case), with a `default`.
    pub disk_gb_month: BTreeMap<String, Decimal>,
}

/// The price table (`prices.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct PriceTable {
    pub as_of: NaiveDate,
    pub currency: Currency,
    pub hours_per_month: u32,
    pub aws: ProviderPrices,
    pub azure: ProviderPrices,
    pub gcp: ProviderPrices,
}

static PRICES: LazyLock<PriceTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../prices.toml")).expect("prices.toml is valid (a unit test reads it)")
});

impl PriceTable {
    /// The table kept in the repository.
    pub fn bundled() -> &'static PriceTable {
        &PRICES
    }

    fn of(&self, provider: Provider) -> &ProviderPrices {
        match provider {
            Provider::Aws => &self.aws,
            Provider::Azure => &self.azure,
            Provider::Gcp => &self.gcp,
        }
    }

    /// The monthly price of a disk of `gb` GiB of `kind` (the provider's default type when unknown).
    pub fn disk_month(&self, provider: Provider, gb: u32, kind: Option<&str>) -> Decimal {
        let prices = &self.of(provider).disk_gb_month;
        let per_gb = kind
            .and_then(|k| prices.get(&k.to_ascii_lowercase()))
            .or_else(|| prices.get("default"))
            .copied()
            .unwrap_or_default();
        per_gb * Decimal::from(gb)
    }

    pub fn public_ip_month(&self, provider: Provider) -> Decimal {
        self.of(provider).public_ip_month
    }
}

/// Which rule found a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    IdleStoppedVm,
    StoppedVmDisks,
    UnattachedDisk,
    UnassociatedPublicIp,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::IdleStoppedVm => "idle_stopped_vm",
            Rule::StoppedVmDisks => "stopped_vm_disks",
            Rule::UnattachedDisk => "unattached_disk",
            Rule::UnassociatedPublicIp => "unassociated_public_ip",
        }
    }
}

/// A resource a recommendation applies to, with what it costs a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedResource {
    /// The inventory id (`res_...`).
    pub id: String,
    pub kind: ResourceType,
    pub native_id: String,
    pub name: Option<String>,
    pub region: String,
    pub monthly_cost: Decimal,
}

/// One thing a team could stop paying for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    /// `rec_<rule>_<resource id>`: stable while the resource stays as it is.
    pub id: String,
    pub rule: Rule,
    pub provider: Provider,
    /// What to do, in words.
    pub action: String,
    /// The resource the rule matched first, then the disks and addresses that go with it.
    pub resources: Vec<AffectedResource>,
    pub monthly_saving: Decimal,
    pub currency: Currency,
}

/// A disk's size in GiB and type from the inventory's `size` ("100 GiB gp3", "30 GB Premium_LRS").
fn disk_size(size: Option<&str>) -> Option<(u32, Option<&str>)> {
    let mut words = size?.split_whitespace();
    let gb = words.next()?.parse().ok()?;
    let _unit = words.next();
    Some((gb, words.next()))
}

fn affected(item: &InventoryItem, monthly_cost: Decimal) -> AffectedResource {
    AffectedResource {
        id: item.id.clone(),
        kind: item.resource.kind,
        native_id: item.resource.native_id.clone(),
        name: item.resource.name.clone(),
        region: item.resource.region.clone(),
        monthly_cost,
    }
}

/// Whether `item` (a disk or an address) is attached to `vm`: its `attached_to` names the VM.
fn attached_to(item: &InventoryItem, vm: &InventoryItem) -> bool {
    item.credential_id == vm.credential_id
        && item
            .resource
            .attributes
            .get("attached_to")
            .is_some_and(|list| list.split(',').map(str::trim).any(|id| !id.is_empty() && id == vm.resource.native_id))
}

/// Applies every rule to the live inventory. `last_change` has, per stopped VM, when its
/// history last recorded a change (the item's first sighting where it has none).
pub fn recommend(
    items: &[InventoryItem],
    last_change: &HashMap<String, DateTime<Utc>>,
    now: DateTime<Utc>,
    prices: &PriceTable,
) -> Vec<Recommendation> {
    let live: Vec<&InventoryItem> = items.iter().filter(|i| i.deleted_at.is_none()).collect();
    let disk_cost = |disk: &InventoryItem| match disk_size(disk.resource.size.as_deref()) {
        Some((gb, kind)) => prices.disk_month(disk.resource.provider, gb, kind),
        None => prices.disk_month(disk.resource.provider, prices.of(disk.resource.provider).default_root_disk_gb, None),
    };
    let mut out = Vec::new();
    for vm in live.iter().filter(|i| i.resource.kind == ResourceType::Vm && i.resource.state == ResourceState::Stopped)
    {
        let provider = vm.resource.provider;
        let mut resources = vec![affected(vm, Decimal::ZERO)];
        let disks: Vec<&&InventoryItem> =
            live.iter().filter(|d| d.resource.kind == ResourceType::Disk && attached_to(d, vm)).collect();
        if disks.is_empty() {
            // the root disk the listing did not show is still there
            let gb = prices.of(provider).default_root_disk_gb;
            resources[0].monthly_cost = prices.disk_month(provider, gb, None);
        }
        resources.extend(disks.iter().map(|d| affected(d, disk_cost(d))));
        resources.extend(
            live.iter()
                .filter(|a| a.resource.kind == ResourceType::PublicIp && attached_to(a, vm))
                .map(|a| affected(a, prices.public_ip_month(provider))),
        );
        let changed = last_change.get(&vm.id).copied().unwrap_or(vm.first_seen);
        let idle_days = (now - changed).num_days();
        let (rule, action) = if now - changed > IDLE_AFTER {
            (
                Rule::IdleStoppedVm,
                format!("stopped with no change for {idle_days} days: snapshot its disks and delete it"),
            )
        } else {
            (
                Rule::StoppedVmDisks,
                "stopped, but its disks and addresses are still billed: delete what it no longer needs".to_owned(),
            )
        };
        out.push(recommendation(rule, vm, action, resources, prices));
    }
    for disk in
        live.iter().filter(|i| i.resource.kind == ResourceType::Disk && i.resource.state == ResourceState::Available)
    {
        let resources = vec![affected(disk, disk_cost(disk))];
        out.push(recommendation(
            Rule::UnattachedDisk,
            disk,
            "attached to nothing: snapshot it and delete it".into(),
            resources,
            prices,
        ));
    }
    for ip in live
        .iter()
        .filter(|i| i.resource.kind == ResourceType::PublicIp && i.resource.state == ResourceState::Available)
    {
        let resources = vec![affected(ip, prices.public_ip_month(ip.resource.provider))];
        out.push(recommendation(
            Rule::UnassociatedPublicIp,
            ip,
            "associated with nothing: release it".into(),
            resources,
            prices,
        ));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn recommendation(
    rule: Rule,
    item: &InventoryItem,
    action: String,
    resources: Vec<AffectedResource>,
    prices: &PriceTable,
) -> Recommendation {
    Recommendation {
        id: format!("rec_{}_{}", rule.as_str(), item.id),
        rule,
        provider: item.resource.provider,
        action,
        monthly_saving: resources.iter().map(|r| r.monthly_cost).sum(),
        resources,
        currency: prices.currency.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::ids::CredentialId;
    use crate::inventory::Resource;

    fn item(
        credential: CredentialId,
        kind: ResourceType,
        native: &str,
        state: ResourceState,
        size: Option<&str>,
        attached: Option<&str>,
    ) -> InventoryItem {
        let mut attributes = BTreeMap::new();
        if let Some(a) = attached {
            attributes.insert("attached_to".to_owned(), a.to_owned());
        }
        InventoryItem {
            id: format!("res_{native}"),
            credential_id: credential,
            resource: Resource {
                provider: Provider::Aws,
                account: "123456789012".into(),
                region: "us-east-1".into(),
                kind,
                native_id: native.into(),
                name: Some(native.into()),
                state,
                size: size.map(str::to_owned),
                public_ips: vec![],
                private_ips: vec![],
                tags: BTreeMap::new(),
                created_at: None,
                attributes,
            },
            hash: String::new(),
            first_seen: "2026-11-20T00:00:00Z".parse().unwrap(),
            last_seen: "2026-11-20T00:00:00Z".parse().unwrap(),
            deleted_at: None,
        }
    }

    #[test]
    fn the_price_table_reads_and_names_its_date() {
        let prices = PriceTable::bundled();
        assert_eq!(prices.currency.as_str(), "USD");
        assert_eq!(prices.as_of, "2026-11-01".parse::<NaiveDate>().unwrap());
        assert_eq!(prices.disk_month(Provider::Aws, 100, Some("gp3")), Decimal::from(8));
        assert_eq!(prices.disk_month(Provider::Aws, 10, Some("unknown")), "0.80".parse().unwrap());
        assert_eq!(prices.public_ip_month(Provider::Gcp), "7.30".parse().unwrap());
    }

    #[test]
    fn every_rule_with_its_resources_and_saving() {
        use ResourceState::*;
        use ResourceType::*;
        let c = CredentialId::new();
        let items = vec![
            item(c, Vm, "i-recent", Stopped, Some("t3.small"), None),
            item(c, Disk, "vol-root", InUse, Some("100 GiB gp3"), Some("i-recent")),
            item(c, PublicIp, "eipalloc-1", InUse, None, Some("i-recent")),
            item(c, Vm, "i-idle", Stopped, Some("t3.small"), None),
            item(c, Vm, "i-running", Running, Some("t3.small"), None),
            item(c, Disk, "vol-running", InUse, Some("8 GiB gp3"), Some("i-running")),
            item(c, Disk, "vol-loose", Available, Some("50 GiB gp2"), Some("")),
            item(c, PublicIp, "eipalloc-2", Available, None, None),
        ];
        let now: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        let last_change = HashMap::from([
            ("res_i-recent".to_owned(), now - Duration::days(2)),
            ("res_i-idle".to_owned(), now - Duration::days(45)),
        ]);
        let recs = recommend(&items, &last_change, now, PriceTable::bundled());
        let summary: Vec<(Rule, &str, String, Vec<&str>)> = recs
            .iter()
            .map(|r| {
                (
                    r.rule,
                    r.resources[0].native_id.as_str(),
                    r.monthly_saving.to_string(),
                    r.resources.iter().map(|x| x.native_id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Rule::IdleStoppedVm, "i-idle", "0.64".into(), vec!["i-idle"]),
                (Rule::StoppedVmDisks, "i-recent", "11.65".into(), vec!["i-recent", "vol-root", "eipalloc-1"]),
                (Rule::UnassociatedPublicIp, "eipalloc-2", "3.65".into(), vec!["eipalloc-2"]),
                (Rule::UnattachedDisk, "vol-loose", "5.00".into(), vec!["vol-loose"]),
            ]
        );
        assert!(recs[1].action.contains("still billed"));
        assert!(recs[0].action.contains("45 days"));
    }

    #[test]
    fn deleted_resources_and_other_credentials_do_not_count() {
        use ResourceState::*;
        use ResourceType::*;
        let (a, b) = (CredentialId::new(), CredentialId::new());
        let mut gone = item(a, Disk, "vol-gone", Available, Some("10 GiB gp3"), None);
        gone.deleted_at = Some("2026-11-21T00:00:00Z".parse().unwrap());
        let items = vec![
            gone,
            item(a, Vm, "i-1", Stopped, None, None),
            // same instance id in another account: not this VM's disk
            item(b, Disk, "vol-other", InUse, Some("100 GiB gp3"), Some("i-1")),
        ];
        let recs = recommend(&items, &HashMap::new(), "2026-11-22T00:00:00Z".parse().unwrap(), PriceTable::bundled());
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].resources.len(), 1);
        assert_eq!(recs[0].monthly_saving, "0.64".parse().unwrap(), "the default root disk: 8 GiB at 0.08");
    }
}
