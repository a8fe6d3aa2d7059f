//! Cloud resources in one normalised shape, whatever provider they come from, and the rules
//! that keep an inventory fresh: content hashes, the state vocabulary, and the diff between
//! what was stored and what a sync saw.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::CredentialId;

/// A cloud provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Provider::ALL.into_iter().find(|p| p.as_str() == s).ok_or(())
    }
}

/// What kind of resource, across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    /// EC2 instance, Azure VM, Compute Engine instance.
    Vm,
    /// EBS volume, managed disk, persistent disk.
    Disk,
    /// VPC, virtual network, VPC network.
    Network,
    Subnet,
    /// Elastic IP, public IP address, static external address.
    PublicIp,
    /// S3 bucket, storage account, Cloud Storage bucket.
    Bucket,
}

impl ResourceType {
    pub const ALL: [ResourceType; 6] = [
        ResourceType::Vm,
        ResourceType::Disk,
        ResourceType::Network,
        ResourceType::Subnet,
        ResourceType::PublicIp,
        ResourceType::Bucket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Vm => "vm",
            ResourceType::Disk => "disk",
            ResourceType::Network => "network",
            ResourceType::Subnet => "subnet",
            ResourceType::PublicIp => "public_ip",
            ResourceType::Bucket => "bucket",
        }
    }
}

impl FromStr for ResourceType {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ResourceType::ALL.into_iter().find(|t| t.as_str() == s).ok_or(())
    }
}

/// The one state vocabulary every provider's states map into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceState {
    Pending,
    Running,
    Stopping,
    Stopped,
    /// Exists and is usable but not attached or in use (a volume, an address).
    Available,
    /// Attached or associated (a volume on an instance, an address on an interface).
    InUse,
    Terminated,
    Error,
    Unknown,
}

impl ResourceState {
    pub const ALL: [ResourceState; 9] = [
        ResourceState::Pending,
        ResourceState::Running,
        ResourceState::Stopping,
        ResourceState::Stopped,
        ResourceState::Available,
        ResourceState::InUse,
        ResourceState::Terminated,
        ResourceState::Error,
        ResourceState::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceState::Pending => "pending",
            ResourceState::Running => "running",
            ResourceState::Stopping => "stopping",
            ResourceState::Stopped => "stopped",
            ResourceState::Available => "available",
            ResourceState::InUse => "in_use",
            ResourceState::Terminated => "terminated",
            ResourceState::Error => "error",
            ResourceState::Unknown => "unknown",
        }
    }
}

impl FromStr for ResourceState {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ResourceState::ALL.into_iter().find(|t| t.as_str() == s).ok_or(())
    }
}

/// Maps a provider's own state name for a resource type to the shared vocabulary. One table
/// for every provider, so the inventory filters and the dashboard mean the same everywhere.
pub fn normalise_state(provider: Provider, kind: ResourceType, native: &str) -> ResourceState {
    use ResourceState::*;
    let native = native.to_ascii_lowercase();
    match (provider, kind, native.as_str()) {
        // AWS EC2 instance states
        (Provider::Aws, ResourceType::Vm, "pending") => Pending,
        (Provider::Aws, ResourceType::Vm, "running") => Running,
        (Provider::Aws, ResourceType::Vm, "stopping" | "shutting-down") => Stopping,
        (Provider::Aws, ResourceType::Vm, "stopped") => Stopped,
        (Provider::Aws, ResourceType::Vm, "terminated") => Terminated,
        // AWS EBS volume states
        (Provider::Aws, ResourceType::Disk, "creating") => Pending,
        (Provider::Aws, ResourceType::Disk, "available") => Available,
        (Provider::Aws, ResourceType::Disk, "in-use") => InUse,
        (Provider::Aws, ResourceType::Disk, "deleting" | "deleted") => Terminated,
        (Provider::Aws, ResourceType::Disk, "error") => Error,
        // Azure VM power states (from the instance view: "PowerState/deallocated")
        (Provider::Azure, ResourceType::Vm, "running") => Running,
        (Provider::Azure, ResourceType::Vm, "starting") => Pending,
        (Provider::Azure, ResourceType::Vm, "stopping" | "deallocating") => Stopping,
        (Provider::Azure, ResourceType::Vm, "stopped" | "deallocated") => Stopped,
        // Azure managed disk states
        (Provider::Azure, ResourceType::Disk, "unattached") => Available,
        (Provider::Azure, ResourceType::Disk, "attached" | "reserved") => InUse,
        // GCP Compute Engine instance statuses
        (Provider::Gcp, ResourceType::Vm, "provisioning" | "staging") => Pending,
        (Provider::Gcp, ResourceType::Vm, "running") => Running,
        (Provider::Gcp, ResourceType::Vm, "stopping" | "suspending") => Stopping,
        (Provider::Gcp, ResourceType::Vm, "terminated" | "suspended" | "stopped") => Stopped,
        (Provider::Gcp, ResourceType::Disk, "creating" | "restoring") => Pending,
        (Provider::Gcp, ResourceType::Disk, "ready") => Available,
        (Provider::Gcp, ResourceType::Disk, "failed") => Error,
        // a READY disk with users is attached to an instance
        (Provider::Gcp, ResourceType::Disk, "attached") => InUse,
        // networks, subnets, buckets: the provider says "available"/"succeeded"/"ready" or nothing
        (
            _,
            ResourceType::Network | ResourceType::Subnet | ResourceType::Bucket,
            "available" | "succeeded" | "ready" | "active" | "",
        ) => Available,
        (_, ResourceType::Network | ResourceType::Subnet, "pending" | "creating" | "updating") => Pending,
        // addresses
        (_, ResourceType::PublicIp, "associated" | "in_use" | "in-use") => InUse,
        (_, ResourceType::PublicIp, "unassociated" | "reserved" | "available") => Available,
        _ => Unknown,
    }
}

/// One resource as a provider adapter reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub provider: Provider,
    /// AWS account id, Azure subscription id, GCP project id.
    pub account: String,
    /// Region, location or zone; `global` for resources without one.
    pub region: String,
    pub kind: ResourceType,
    /// The provider's own id (instance id, ARM id, self link, bucket name).
    pub native_id: String,
    pub name: Option<String>,
    pub state: ResourceState,
    /// Instance type or VM size, disk size ("100 GiB"), storage class or SKU.
    pub size: Option<String>,
    pub public_ips: Vec<String>,
    pub private_ips: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub created_at: Option<DateTime<Utc>>,
    /// Provider-specific details worth showing (vpc_id, zone, attached_to, ...).
    pub attributes: BTreeMap<String, String>,
}

/// The tag (AWS, Azure) or label (GCP) linking a resource to the deployment that made it.
pub const DEPLOYMENT_TAG: &str = "skyforge-deployment";

impl Resource {
    /// A resource with nothing but its identity and its state in the provider's own word
    /// (normalised here); adapters fill in the rest.
    pub fn new(
        provider: Provider,
        account: &str,
        region: &str,
        kind: ResourceType,
        native_id: &str,
        native_state: &str,
    ) -> Self {
        Self {
            provider,
            account: account.to_owned(),
            region: region.to_lowercase(),
            kind,
            native_id: native_id.to_owned(),
            name: None,
            state: normalise_state(provider, kind, native_state),
            size: None,
            public_ips: Vec::new(),
            private_ips: Vec::new(),
            tags: BTreeMap::new(),
            created_at: None,
            attributes: BTreeMap::new(),
        }
    }

    /// SHA-256 over the resource's content (keys sorted, IPs in a stable order): equal hashes
    /// mean nothing a user could see has changed, so nothing needs writing.
    pub fn content_hash(&self) -> String {
        let mut canonical = self.clone();
        canonical.public_ips.sort();
        canonical.private_ips.sort();
        let bytes = serde_json::to_vec(&canonical).expect("a resource always serialises");
        hex::encode(&Sha256::digest(&bytes)[..16])
    }

    /// The stable identity of this resource within one credential.
    pub fn key(&self) -> ResourceKey {
        ResourceKey { region: self.region.clone(), kind: self.kind, native_id: self.native_id.clone() }
    }

    pub fn deployment(&self) -> Option<&str> {
        self.tags.get(DEPLOYMENT_TAG).map(String::as_str)
    }
}

/// What identifies a resource within one credential's inventory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    pub region: String,
    pub kind: ResourceType,
    pub native_id: String,
}

/// A stable, prefixed id for a resource in the inventory: the same resource of the same
/// credential always gets the same id, so a redelivered sync finds it again. It carries its
/// credential (`res_<credential ulid><24 hex>`) so it can be looked up by key alone.
pub fn resource_id(credential: CredentialId, key: &ResourceKey) -> String {
    let mut hasher = Sha256::new();
    for part in [credential.to_string().as_str(), key.region.as_str(), key.kind.as_str(), key.native_id.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    format!("res_{}{}", credential.ulid(), hex::encode(&hasher.finalize()[..12]))
}

/// The credential a resource id belongs to; `None` for anything that is not a resource id.
pub fn resource_credential(id: &str) -> Option<CredentialId> {
    let rest = id.strip_prefix("res_")?;
    if rest.len() != 26 + 24 || !rest[26..].bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    format!("cred_{}", &rest[..26]).parse().ok()
}

/// A stored inventory item as diffing needs it: the resource, its content hash, and whether it
/// was already marked deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResource {
    pub resource: Resource,
    pub hash: String,
    pub deleted: bool,
    pub first_seen: DateTime<Utc>,
}

/// The changes one sync makes to one credential's inventory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InventoryDiff {
    pub created: Vec<Resource>,
    /// (as stored, as seen now)
    pub changed: Vec<(StoredResource, Resource)>,
    /// Resources seen again after being marked deleted.
    pub reappeared: Vec<Resource>,
    pub gone: Vec<StoredResource>,
    pub unchanged: usize,
}

impl InventoryDiff {
    pub fn writes(&self) -> usize {
        self.created.len() + self.changed.len() + self.reappeared.len() + self.gone.len()
    }
}

/// Compares what a sync saw with what is stored. `incomplete` says which stored keys a failed
/// listing would have covered: those are left alone, because a resource missing from a failed
/// listing is not gone, the listing is just incomplete.
pub fn diff_inventory(
    stored: Vec<StoredResource>,
    seen: Vec<Resource>,
    incomplete: impl Fn(&Resource) -> bool,
) -> InventoryDiff {
    let mut by_key: HashMap<ResourceKey, StoredResource> = stored.into_iter().map(|s| (s.resource.key(), s)).collect();
    let mut diff = InventoryDiff::default();
    for resource in seen {
        match by_key.remove(&resource.key()) {
            None => diff.created.push(resource),
            Some(stored) if stored.deleted => diff.reappeared.push(resource),
            Some(stored) if stored.hash != resource.content_hash() => diff.changed.push((stored, resource)),
            Some(_) => diff.unchanged += 1,
        }
    }
    diff.gone = by_key.into_values().filter(|s| !s.deleted && !incomplete(&s.resource)).collect();
    diff.gone.sort_by_key(|s| s.resource.key());
    diff
}

/// One field that changed between two versions of a resource, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The user-visible fields that differ, with their old and new values (tags one by one).
pub fn field_changes(before: &Resource, after: &Resource) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field: &str, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(FieldChange { field: field.to_owned(), from, to });
        }
    };
    let ips = |ips: &[String]| {
        let mut ips = ips.to_vec();
        ips.sort();
        (!ips.is_empty()).then(|| ips.join(", "))
    };
    compare("name", before.name.clone(), after.name.clone());
    compare("state", Some(before.state.as_str().into()), Some(after.state.as_str().into()));
    compare("size", before.size.clone(), after.size.clone());
    compare("public_ips", ips(&before.public_ips), ips(&after.public_ips));
    compare("private_ips", ips(&before.private_ips), ips(&after.private_ips));
    let keys: std::collections::BTreeSet<&String> = before.tags.keys().chain(after.tags.keys()).collect();
    for key in keys {
        compare(&format!("tags.{key}"), before.tags.get(key).cloned(), after.tags.get(key).cloned());
    }
    let keys: std::collections::BTreeSet<&String> = before.attributes.keys().chain(after.attributes.keys()).collect();
    for key in keys {
        compare(&format!("attributes.{key}"), before.attributes.get(key).cloned(), after.attributes.get(key).cloned());
    }
    changes
}

/// Counts of resources by provider, type and state: what the dashboard shows.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCounts(pub BTreeMap<String, u64>);

impl ResourceCounts {
    /// Counts the live (not deleted) resources.
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> Self {
        let mut counts = BTreeMap::new();
        for r in resources {
            *counts.entry(Self::key(r.provider, r.kind, r.state)).or_insert(0) += 1;
        }
        Self(counts)
    }

    pub fn key(provider: Provider, kind: ResourceType, state: ResourceState) -> String {
        format!("{}/{}/{}", provider.as_str(), kind.as_str(), state.as_str())
    }

    /// Adds another set of counts into this one.
    pub fn add(&mut self, other: &ResourceCounts) {
        for (key, n) in &other.0 {
            *self.0.entry(key.clone()).or_insert(0) += n;
        }
    }

    /// Sums over the entries whose (provider, type, state) match the filters.
    pub fn total(&self, provider: Option<Provider>, kind: Option<ResourceType>, state: Option<ResourceState>) -> u64 {
        self.0
            .iter()
            .filter(|(key, _)| {
                let mut parts = key.split('/');
                let (p, k, s) = (parts.next(), parts.next(), parts.next());
                provider.is_none_or(|x| Some(x.as_str()) == p)
                    && kind.is_none_or(|x| Some(x.as_str()) == k)
                    && state.is_none_or(|x| Some(x.as_str()) == s)
            })
            .map(|(_, n)| n)
            .sum()
    }
}

/// A resource as the inventory keeps it: the last content seen, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItem {
    /// `res_...`, stable for the same resource of the same credential.
    pub id: String,
    pub credential_id: CredentialId,
    pub resource: Resource,
    pub hash: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Set when a sync no longer found it.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What happened to a resource in one sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Changed,
    Deleted,
    Reappeared,
}

/// One entry of a resource's change history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub sync_run_id: crate::ids::SyncRunId,
    pub change: ChangeKind,
    pub changes: Vec<FieldChange>,
}

/// Orders an inventory list can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventorySort {
    /// By type, then name (the default).
    Type,
    Name,
}

/// A validated inventory query: filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryQuery {
    pub provider: Option<Provider>,
    pub kind: Option<ResourceType>,
    pub region: Option<String>,
    pub state: Option<ResourceState>,
    pub credential: Option<CredentialId>,
    pub tag: Option<(String, String)>,
    pub deployment: Option<String>,
    /// Lower-cased text to find in the name or the native id.
    pub text: Option<String>,
    pub include_deleted: bool,
    pub sort: InventorySort,
    pub descending: bool,
    pub limit: usize,
    /// The position to continue after, from the previous page's cursor.
    pub after: Option<InventoryCursor>,
}

/// Where a page of the inventory ended: the item's table sort key and index sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryCursor {
    pub sk: String,
    pub index_sk: String,
}

/// Raw query parameters of the inventory list, as strings.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InventoryParams {
    pub provider: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    pub credential: Option<String>,
    /// `key=value`, or `key` alone for "has this tag".
    pub tag: Option<String>,
    pub deployment: Option<String>,
    pub q: Option<String>,
    pub include_deleted: Option<String>,
    /// `type`, `-type`, `name`, `-name`.
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl InventoryQuery {
    pub fn parse(params: &InventoryParams) -> Result<Self, crate::ValidationErrors> {
        use crate::FieldError;
        let mut errors = crate::ValidationErrors::default();
        let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut one_of = |field: &str, value: Option<String>, parse: &dyn Fn(&str) -> bool, allowed: &str| match value {
            Some(v) if !parse(&v) => {
                errors.0.push(FieldError::new(field, "invalid_value", format!("{field} is one of {allowed}")));
                false
            }
            _ => true,
        };
        let provider = present(&params.provider);
        let kind = present(&params.kind);
        let state = present(&params.state);
        one_of("provider", provider.clone(), &|v| v.parse::<Provider>().is_ok(), "aws, azure, gcp");
        one_of(
            "type",
            kind.clone(),
            &|v| v.parse::<ResourceType>().is_ok(),
            "vm, disk, network, subnet, public_ip, bucket",
        );
        one_of(
            "state",
            state.clone(),
            &|v| v.parse::<ResourceState>().is_ok(),
            "pending, running, stopping, stopped, available, in_use, terminated, error, unknown",
        );
        let credential = match present(&params.credential) {
            Some(raw) => match raw.parse::<CredentialId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.0.push(FieldError::new(
                        "credential",
                        "invalid_value",
                        "credential is a credential id (cred_...)",
                    ));
                    None
                }
            },
            None => None,
        };
        let tag = present(&params.tag).map(|t| match t.split_once('=') {
            Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
            None => (t, String::new()),
        });
        let (sort, descending) = match present(&params.sort).as_deref() {
            None | Some("type") => (InventorySort::Type, false),
            Some("-type") => (InventorySort::Type, true),
            Some("name") => (InventorySort::Name, false),
            Some("-name") => (InventorySort::Name, true),
            Some(_) => {
                errors.0.push(FieldError::new("sort", "invalid_value", "sort is one of type, -type, name, -name"));
                (InventorySort::Type, false)
            }
        };
        let include_deleted = match present(&params.include_deleted).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.0.push(FieldError::new("include_deleted", "invalid_value", "include_deleted is true or false"));
                false
            }
        };
        let limit = match present(&params.limit) {
            None => crate::page::PageRequest::DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=crate::page::PageRequest::MAX_LIMIT).contains(&n) => n,
                _ => {
                    errors.0.push(FieldError::new("limit", "out_of_range", "limit is between 1 and 100"));
                    1
                }
            },
        };
        let after = match present(&params.cursor) {
            None => None,
            Some(raw) => match decode_inventory_cursor(&raw) {
                Some(cursor) => Some(cursor),
                None => {
                    errors.0.push(FieldError::new(
                        "cursor",
                        "invalid_cursor",
                        "cursor is not one this list returned; start again without it",
                    ));
                    None
                }
            },
        };
        errors.finish()?;
        Ok(Self {
            provider: provider.and_then(|p| p.parse().ok()),
            kind: kind.and_then(|k| k.parse().ok()),
            region: present(&params.region).map(|r| r.to_lowercase()),
            state: state.and_then(|s| s.parse().ok()),
            credential,
            tag,
            // deployment ids are tagged in lower case (GCP labels allow nothing else)
            deployment: present(&params.deployment).map(|d| d.to_lowercase()),
            text: present(&params.q).map(|q| q.to_lowercase()),
            include_deleted,
            sort,
            descending,
            limit,
            after,
        })
    }
}

pub fn encode_inventory_cursor(cursor: &InventoryCursor) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode_inventory_cursor(raw: &str) -> Option<InventoryCursor> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw).ok()?;
    let cursor: InventoryCursor = serde_json::from_slice(&bytes).ok()?;
    // only positions inside the inventory: the partition is always the caller's organisation
    (cursor.sk.starts_with("RES#") && cursor.sk.len() < 512 && cursor.index_sk.len() < 1024).then_some(cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(id: &str, region: &str, state: ResourceState) -> Resource {
        Resource {
            provider: Provider::Aws,
            account: "123456789012".into(),
            region: region.into(),
            kind: ResourceType::Vm,
            native_id: id.into(),
            name: Some(format!("{id}-name")),
            state,
            size: Some("t3.micro".into()),
            public_ips: vec!["3.3.3.3".into(), "1.1.1.1".into()],
            private_ips: vec![],
            tags: BTreeMap::new(),
            created_at: None,
            attributes: BTreeMap::new(),
        }
    }

    fn stored(r: &Resource, deleted: bool) -> StoredResource {
        StoredResource { resource: r.clone(), hash: r.content_hash(), deleted, first_seen: Utc::now() }
    }

    #[test]
    fn states_map_to_one_vocabulary() {
        let cases = [
            (Provider::Aws, ResourceType::Vm, "shutting-down", ResourceState::Stopping),
            (Provider::Aws, ResourceType::Disk, "in-use", ResourceState::InUse),
            (Provider::Azure, ResourceType::Vm, "deallocated", ResourceState::Stopped),
            (Provider::Gcp, ResourceType::Vm, "TERMINATED", ResourceState::Stopped),
            (Provider::Gcp, ResourceType::Vm, "RUNNING", ResourceState::Running),
            (Provider::Azure, ResourceType::Disk, "Unattached", ResourceState::Available),
            (Provider::Azure, ResourceType::PublicIp, "unassociated", ResourceState::Available),
            (Provider::Azure, ResourceType::Network, "Succeeded", ResourceState::Available),
            (Provider::Gcp, ResourceType::Disk, "attached", ResourceState::InUse),
            (Provider::Gcp, ResourceType::PublicIp, "reserved", ResourceState::Available),
            (Provider::Aws, ResourceType::PublicIp, "associated", ResourceState::InUse),
            (Provider::Aws, ResourceType::Vm, "exploding", ResourceState::Unknown),
        ];
        for (provider, kind, native, expected) in cases {
            assert_eq!(normalise_state(provider, kind, native), expected, "{provider} {native}");
        }
    }

    #[test]
    fn hash_ignores_ip_order_but_not_content() {
        let a = vm("i-1", "eu-west-1", ResourceState::Running);
        let mut b = a.clone();
        b.public_ips.reverse();
        assert_eq!(a.content_hash(), b.content_hash());
        b.state = ResourceState::Stopped;
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn diff_finds_new_changed_gone_and_unchanged() {
        let same = vm("i-same", "eu-west-1", ResourceState::Running);
        let before = vm("i-change", "eu-west-1", ResourceState::Running);
        let after = vm("i-change", "eu-west-1", ResourceState::Stopped);
        let gone = vm("i-gone", "eu-west-1", ResourceState::Running);
        let new = vm("i-new", "us-east-1", ResourceState::Pending);
        let diff = diff_inventory(
            vec![stored(&same, false), stored(&before, false), stored(&gone, false)],
            vec![same.clone(), after.clone(), new.clone()],
            |_| false,
        );
        assert_eq!(diff.created, vec![new]);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!((&diff.changed[0].0.resource, &diff.changed[0].1), (&before, &after));
        assert_eq!(diff.gone.iter().map(|s| s.resource.clone()).collect::<Vec<_>>(), vec![gone]);
        assert_eq!(
            field_changes(&before, &after),
            vec![FieldChange { field: "state".into(), from: Some("running".into()), to: Some("stopped".into()) }]
        );
        assert_eq!(diff.unchanged, 1);
        assert_eq!(diff.writes(), 3);
    }

    #[test]
    fn a_failed_region_loses_nothing_and_deleted_ones_can_return() {
        let in_failed = vm("i-1", "ap-south-1", ResourceState::Running);
        let was_deleted = vm("i-2", "eu-west-1", ResourceState::Running);
        let diff = diff_inventory(
            vec![stored(&in_failed, false), stored(&was_deleted, true)],
            vec![was_deleted.clone()],
            |resource| resource.region == "ap-south-1",
        );
        assert!(diff.gone.is_empty());
        assert_eq!(diff.reappeared, vec![was_deleted]);
        // a deleted one that stays away is not "gone" twice
        let diff = diff_inventory(vec![stored(&in_failed, true)], vec![], |_| false);
        assert_eq!(diff.writes(), 0);
    }

    #[test]
    fn counts_sum_by_any_dimension() {
        let a = vm("i-1", "eu-west-1", ResourceState::Running);
        let b = vm("i-2", "eu-west-1", ResourceState::Stopped);
        let mut counts = ResourceCounts::of([&a, &b]);
        counts.add(&ResourceCounts::of([&a]));
        assert_eq!(counts.total(None, None, None), 3);
        assert_eq!(counts.total(Some(Provider::Aws), Some(ResourceType::Vm), Some(ResourceState::Running)), 2);
        assert_eq!(counts.total(Some(Provider::Gcp), None, None), 0);
    }

    #[test]
    fn tag_changes_are_listed_one_by_one() {
        let before = vm("i-1", "eu-west-1", ResourceState::Running);
        let mut after = before.clone();
        after.tags.insert("env".into(), "prod".into());
        assert_eq!(
            field_changes(&before, &after),
            vec![FieldChange { field: "tags.env".into(), from: None, to: Some("prod".into()) }]
        );
    }

    #[test]
    fn inventory_queries_are_validated() {
        let params = InventoryParams {
            provider: Some("aws".into()),
            kind: Some("vm".into()),
            tag: Some("env=prod".into()),
            sort: Some("-name".into()),
            q: Some("Web".into()),
            ..Default::default()
        };
        let query = InventoryQuery::parse(&params).unwrap();
        assert_eq!(
            (query.provider, query.kind, query.sort, query.descending),
            (Some(Provider::Aws), Some(ResourceType::Vm), InventorySort::Name, true)
        );
        assert_eq!(query.tag, Some(("env".into(), "prod".into())));
        assert_eq!(query.text.as_deref(), Some("web"));

        let bad = InventoryParams {
            provider: Some("ibm".into()),
            state: Some("on".into()),
            sort: Some("size".into()),
            limit: Some("1000".into()),
            cursor: Some("garbage".into()),
            credential: Some("usr_x".into()),
            ..Default::default()
        };
        let mut fields: Vec<_> = InventoryQuery::parse(&bad).unwrap_err().0.into_iter().map(|e| e.field).collect();
        fields.sort();
        assert_eq!(fields, vec!["credential", "cursor", "limit", "provider", "sort", "state"]);

        let cursor = encode_inventory_cursor(&InventoryCursor { sk: "RES#x".into(), index_sk: "vm#a".into() });
        let params = InventoryParams { cursor: Some(cursor), ..Default::default() };
        assert!(InventoryQuery::parse(&params).unwrap().after.is_some());
        let foreign = encode_inventory_cursor(&InventoryCursor { sk: "MEMBER#x".into(), index_sk: String::new() });
        assert!(InventoryQuery::parse(&InventoryParams { cursor: Some(foreign), ..Default::default() }).is_err());
    }

    #[test]
    fn resource_ids_are_stable_and_prefixed() {
        let cred = CredentialId::new();
        let r = vm("i-1", "eu-west-1", ResourceState::Running);
        assert_eq!(resource_id(cred, &r.key()), resource_id(cred, &r.key()));
        assert!(resource_id(cred, &r.key()).starts_with("res_"));
        assert_ne!(resource_id(CredentialId::new(), &r.key()), resource_id(cred, &r.key()));
        assert_eq!(resource_credential(&resource_id(cred, &r.key())), Some(cred));
        assert_eq!(resource_credential("res_nope"), None);
    }
}
