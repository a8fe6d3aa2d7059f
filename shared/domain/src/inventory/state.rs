//! The one state vocabulary, and the table that maps each provider's own states into it.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::*;
use crate::provider::Provider;

/// The one state vocabulary every provider's states map into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
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
            ResourceType::Network | ResourceType::Subnet | ResourceType::Bucket | ResourceType::Firewall,
            "available" | "succeeded" | "ready" | "active" | "",
        ) => Available,
        (_, ResourceType::Network | ResourceType::Subnet, "pending" | "creating" | "updating") => Pending,
        // addresses
        (_, ResourceType::PublicIp, "associated" | "in_use" | "in-use") => InUse,
        (_, ResourceType::PublicIp, "unassociated" | "reserved" | "available") => Available,
        _ => Unknown,
    }
}
