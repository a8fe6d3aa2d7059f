//! One resource as every provider's adapter reports it, its type, and its stable id.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::*;
use crate::deployments::DEPLOYMENT_TAG;
use crate::ids::CredentialId;
use crate::provider::Provider;

/// What kind of resource, across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// Security group, network security group, VPC firewall rule: its inbound rules in the
    /// `ingress` attribute (`protocol|from-to|source`, comma-separated).
    Firewall,
}

impl ResourceType {
    pub const ALL: [ResourceType; 7] = [
        ResourceType::Vm,
        ResourceType::Disk,
        ResourceType::Network,
        ResourceType::Subnet,
        ResourceType::PublicIp,
        ResourceType::Bucket,
        ResourceType::Firewall,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Vm => "vm",
            ResourceType::Disk => "disk",
            ResourceType::Network => "network",
            ResourceType::Subnet => "subnet",
            ResourceType::PublicIp => "public_ip",
            ResourceType::Bucket => "bucket",
            ResourceType::Firewall => "firewall",
        }
    }
}

impl FromStr for ResourceType {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ResourceType::ALL.into_iter().find(|t| t.as_str() == s).ok_or(())
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
