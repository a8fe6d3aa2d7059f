//! Compliance: the built-in checks (what each one looks at, how bad a failure is and how to fix
//! it) and the findings they leave on resources, with the rules that open and resolve them.
//! The checks' Rego lives in the `skyforge-policy` crate; this module has no engine and no I/O.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::CredentialId;
use crate::inventory::{Resource, ResourceType};
use crate::provider::Provider;

/// How bad a failed check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl FromStr for Severity {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s).ok_or(())
    }
}

/// One check of the built-in library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable id; also the Rego package `skyforge.checks.<id>`.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub providers: &'static [Provider],
    pub resource_types: &'static [ResourceType],
    /// The attributes it reads: a resource that has none of them was not described by its sync
    /// in enough detail, so the check does not apply (rather than passing or failing blindly).
    /// Empty: it reads only the common fields.
    pub reads: &'static [&'static str],
    pub risk: &'static str,
    pub remediation: &'static str,
}

impl CheckInfo {
    /// Whether this check says something about this resource.
    pub fn applies_to(&self, resource: &Resource) -> bool {
        self.providers.contains(&resource.provider)
            && self.resource_types.contains(&resource.kind)
            && (self.reads.is_empty() || self.reads.iter().any(|a| resource.attributes.contains_key(*a)))
    }
}

const ALL_CLOUDS: &[Provider] = &[Provider::Aws, Provider::Azure, Provider::Gcp];
const FIREWALL: &[ResourceType] = &[ResourceType::Firewall];
const BUCKET: &[ResourceType] = &[ResourceType::Bucket];
const DISK: &[ResourceType] = &[ResourceType::Disk];
const VM: &[ResourceType] = &[ResourceType::Vm];

/// The built-in library, evaluated on every sync.
pub const BUILTIN_CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "firewall_ssh_open",
        title: "SSH (port 22) open to the internet",
        severity: Severity::Critical,
        providers: ALL_CLOUDS,
        resource_types: FIREWALL,
        reads: &["ingress"],
        risk: "Anyone on the internet can try to log in over SSH; exposed SSH is scanned and brute-forced within minutes.",
        remediation: "Restrict the rule's source to known address ranges, or reach instances through a bastion, VPN or the provider's session manager.",
    },
    CheckInfo {
        id: "firewall_rdp_open",
        title: "RDP (port 3389) open to the internet",
        severity: Severity::Critical,
        providers: ALL_CLOUDS,
        resource_types: FIREWALL,
        reads: &["ingress"],
        risk: "Remote Desktop exposed to the internet is a common ransomware entry point.",
        remediation: "Remove the rule or restrict its source to known address ranges; use a bastion or VPN for remote desktop.",
    },
    CheckInfo {
        id: "firewall_all_ports_open",
        title: "All ports open to the internet",
        severity: Severity::High,
        providers: ALL_CLOUDS,
        resource_types: FIREWALL,
        reads: &["ingress"],
        risk: "Every service listening on the attached machines is reachable from anywhere, including ones never meant to be public.",
        remediation: "Replace the rule with rules for the ports that must be public (usually 80 and 443) only.",
    },
    CheckInfo {
        id: "firewall_database_ports_open",
        title: "Database ports open to the internet",
        severity: Severity::High,
        providers: ALL_CLOUDS,
        resource_types: FIREWALL,
        reads: &["ingress"],
        risk: "SQL Server, MySQL, PostgreSQL, Redis, Elasticsearch or MongoDB reachable from the internet invites data theft.",
        remediation: "Allow database ports only from the application's own networks or security groups.",
    },
    CheckInfo {
        id: "bucket_public",
        title: "Bucket or storage account readable by anyone",
        severity: Severity::Critical,
        providers: ALL_CLOUDS,
        resource_types: BUCKET,
        reads: &["policy_public", "public_blob_access", "public_members"],
        risk: "Objects can be read by anyone on the internet without credentials.",
        remediation: "AWS: remove the public statements from the bucket policy and turn on Block Public Access. Azure: set allowBlobPublicAccess to false. GCP: remove allUsers and allAuthenticatedUsers from the bucket's IAM policy.",
    },
    CheckInfo {
        id: "bucket_public_access_block_off",
        title: "S3 Block Public Access not fully on",
        severity: Severity::Medium,
        providers: &[Provider::Aws],
        resource_types: BUCKET,
        reads: &["public_access_block"],
        risk: "Without all four Block Public Access settings, a later ACL or policy change can make the bucket public.",
        remediation: "Turn on all four Block Public Access settings on the bucket (or the account).",
    },
    CheckInfo {
        id: "bucket_default_encryption_off",
        title: "S3 bucket without default encryption",
        severity: Severity::Medium,
        providers: &[Provider::Aws],
        resource_types: BUCKET,
        reads: &["default_encryption"],
        risk: "Objects written without an encryption header are stored unencrypted.",
        remediation: "Set default encryption on the bucket (SSE-S3 or SSE-KMS).",
    },
    CheckInfo {
        id: "storage_https_only_off",
        title: "Storage account accepts plain HTTP",
        severity: Severity::High,
        providers: &[Provider::Azure],
        resource_types: BUCKET,
        reads: &["https_only"],
        risk: "Data and shared keys can travel unencrypted and be read or changed in transit.",
        remediation: "Turn on \"Secure transfer required\" (supportsHttpsTrafficOnly) on the storage account.",
    },
    CheckInfo {
        id: "storage_tls_below_1_2",
        title: "Storage account allows TLS older than 1.2",
        severity: Severity::Medium,
        providers: &[Provider::Azure],
        resource_types: BUCKET,
        reads: &["min_tls_version"],
        risk: "TLS 1.0 and 1.1 have known weaknesses and are deprecated.",
        remediation: "Set the storage account's minimum TLS version to TLS1_2.",
    },
    CheckInfo {
        id: "bucket_uniform_access_off",
        title: "Cloud Storage bucket without uniform bucket-level access",
        severity: Severity::Medium,
        providers: &[Provider::Gcp],
        resource_types: BUCKET,
        reads: &["uniform_access"],
        risk: "Per-object ACLs can grant access that the bucket's IAM policy does not show.",
        remediation: "Turn on uniform bucket-level access and move any object ACL grants into IAM.",
    },
    CheckInfo {
        id: "disk_unencrypted",
        title: "Disk or volume not encrypted",
        severity: Severity::High,
        providers: &[Provider::Aws, Provider::Azure],
        resource_types: DISK,
        reads: &["encrypted"],
        risk: "Data on the volume and its snapshots is readable by anyone who gets hold of them.",
        remediation: "Create an encrypted copy (snapshot, copy with encryption, new volume), swap it in, and turn on encryption by default for the region.",
    },
    CheckInfo {
        id: "disk_without_customer_key",
        title: "Disk encrypted with a provider-managed key only",
        severity: Severity::Low,
        providers: ALL_CLOUDS,
        resource_types: DISK,
        reads: &["encryption_key"],
        risk: "The key cannot be rotated, disabled or audited by you; some regulations require customer-managed keys.",
        remediation: "Encrypt the disk with a customer-managed key (KMS key, disk encryption set, Cloud KMS key).",
    },
    CheckInfo {
        id: "vm_imdsv1_allowed",
        title: "Instance allows IMDSv1",
        severity: Severity::High,
        providers: &[Provider::Aws],
        resource_types: VM,
        reads: &["imds_tokens"],
        risk: "A server-side request forgery in any application on the instance can read its role credentials through IMDSv1.",
        remediation: "Require IMDSv2: set HttpTokens to required in the instance's metadata options.",
    },
    CheckInfo {
        id: "vm_public_admin_port",
        title: "Instance with a public IP and an admin port open to the internet",
        severity: Severity::Critical,
        providers: ALL_CLOUDS,
        resource_types: VM,
        reads: &["internet_admin_ports"],
        risk: "The machine is directly reachable on SSH or RDP from anywhere.",
        remediation: "Remove the public IP or close SSH/RDP to the internet in its security groups, NSG or firewall rules.",
    },
    CheckInfo {
        id: "public_ip_unattached",
        title: "Public IP address reserved but not attached",
        severity: Severity::Low,
        providers: ALL_CLOUDS,
        resource_types: &[ResourceType::PublicIp],
        reads: &[],
        risk: "An unattached address is billed, and whatever it is attached to next becomes public without review.",
        remediation: "Release the address if it is not needed.",
    },
];

/// One inbound allow rule of a firewall, as the `ingress` attribute holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp`, ... or `all`.
    pub protocol: String,
    pub from_port: u16,
    pub to_port: u16,
    /// A CIDR, `*`/`internet` (Azure), or a reference such as `sg:sg-123` or a service tag.
    pub source: String,
}

impl IngressRule {
    pub fn new(protocol: &str, from_port: u16, to_port: u16, source: &str) -> Self {
        let protocol = match protocol.to_ascii_lowercase().as_str() {
            "-1" | "*" | "all" | "any" => "all".to_owned(),
            other => other.to_owned(),
        };
        Self { protocol, from_port, to_port, source: source.to_owned() }
    }

    /// Whether anyone on the internet is the source.
    pub fn from_internet(&self) -> bool {
        matches!(self.source.to_ascii_lowercase().as_str(), "0.0.0.0/0" | "::/0" | "*" | "internet" | "any")
    }

    /// Whether it lets TCP reach `port` from the internet.
    pub fn opens_to_internet(&self, port: u16) -> bool {
        self.from_internet()
            && matches!(self.protocol.as_str(), "tcp" | "all")
            && self.from_port <= port
            && port <= self.to_port
    }
}

/// The admin ports (SSH, RDP) a machine exposes to the internet.
pub const ADMIN_PORTS: [u16; 2] = [22, 3389];

/// Rules as the `ingress` attribute stores them: `protocol|from-to|source`, comma-separated.
pub fn format_ingress(rules: &[IngressRule]) -> String {
    let mut entries: Vec<String> =
        rules.iter().map(|r| format!("{}|{}-{}|{}", r.protocol, r.from_port, r.to_port, r.source)).collect();
    // a stable order, so an unchanged firewall hashes the same
    entries.sort();
    entries.dedup();
    entries.join(",")
}

/// The `internet_admin_ports` attribute of a machine behind these rules: `22,3389`, or empty.
pub fn internet_admin_ports<'a>(rules: impl IntoIterator<Item = &'a IngressRule> + Clone) -> String {
    ADMIN_PORTS
        .iter()
        .filter(|port| rules.clone().into_iter().any(|r| r.opens_to_internet(**port)))
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A built-in check by id.
pub fn builtin_check(id: &str) -> Option<&'static CheckInfo> {
    BUILTIN_CHECKS.iter().find(|c| c.id == id)
}

/// What one evaluation of one check on one resource said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The check could not be evaluated (time limit, runtime error): recorded, never fatal.
    Error {
        message: String,
    },
}

/// A finding's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Fail,
    Pass,
    Error,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 3] = [FindingStatus::Fail, FindingStatus::Pass, FindingStatus::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Fail => "fail",
            FindingStatus::Pass => "pass",
            FindingStatus::Error => "error",
        }
    }
}

impl FromStr for FindingStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        FindingStatus::ALL.into_iter().find(|v| v.as_str() == s).ok_or(())
    }
}

/// One check on one resource, as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: String,
    pub resource_id: String,
    pub credential_id: CredentialId,
    pub provider: Provider,
    pub resource_type: ResourceType,
    pub resource_name: Option<String>,
    pub region: String,
    pub severity: Severity,
    pub status: FindingStatus,
    /// Why the evaluation failed, for `error`.
    pub message: Option<String>,
    /// When this check first failed on this resource (or was first evaluated, for a pass).
    pub first_seen: DateTime<Utc>,
    /// The last evaluation.
    pub last_seen: DateTime<Utc>,
    /// When a failure stopped: the check passed again, or the resource was deleted.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Finding {
    /// A failure that nothing has resolved yet.
    pub fn is_open(&self) -> bool {
        self.status == FindingStatus::Fail && self.resolved_at.is_none()
    }
}

/// The finding after one evaluation, given the one stored before (if any).
pub fn record_outcome(
    previous: Option<&Finding>,
    check: &CheckInfo,
    resource_id: &str,
    credential_id: CredentialId,
    resource: &Resource,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Finding {
    let (status, message) = match outcome {
        Outcome::Pass => (FindingStatus::Pass, None),
        Outcome::Fail => (FindingStatus::Fail, None),
        Outcome::Error { message } => (FindingStatus::Error, Some(message.clone())),
    };
    let (first_seen, resolved_at) = match previous {
        None => (now, None),
        // an open failure that now passes is resolved; one that still fails stays open
        Some(p) if p.status == FindingStatus::Fail && status == FindingStatus::Pass => {
            (p.first_seen, p.resolved_at.or(Some(now)))
        }
        // a failure coming back (after a pass or a resolution) starts again
        Some(p) if status == FindingStatus::Fail && (p.status != FindingStatus::Fail || p.resolved_at.is_some()) => {
            (now, None)
        }
        Some(p) => (p.first_seen, p.resolved_at),
    };
    Finding {
        check_id: check.id.to_owned(),
        resource_id: resource_id.to_owned(),
        credential_id,
        provider: resource.provider,
        resource_type: resource.kind,
        resource_name: resource.name.clone(),
        region: resource.region.clone(),
        severity: check.severity,
        status,
        message,
        first_seen,
        last_seen: now,
        resolved_at,
    }
}

/// A deleted resource's finding: an open failure is resolved; anything else needs no write.
pub fn resolve_for_deleted(finding: &Finding, now: DateTime<Utc>) -> Option<Finding> {
    finding.is_open().then(|| Finding { resolved_at: Some(now), last_seen: now, ..finding.clone() })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap()
    }

    fn record(previous: Option<&Finding>, outcome: Outcome, hour: u32) -> Finding {
        let check = builtin_check("public_ip_unattached").unwrap();
        let resource = Resource::new(Provider::Aws, "1", "eu-west-1", ResourceType::PublicIp, "eip-1", "unassociated");
        let credential: CredentialId = "cred_01J00000000000000000000000".parse().unwrap();
        record_outcome(previous, check, "res_1", credential, &resource, &outcome, at(hour))
    }

    #[test]
    fn a_new_failure_is_open_from_now() {
        let f = record(None, Outcome::Fail, 1);
        assert_eq!((f.status, f.first_seen, f.last_seen, f.resolved_at), (FindingStatus::Fail, at(1), at(1), None));
        assert!(f.is_open());
    }

    #[test]
    fn a_failure_that_passes_again_is_resolved_and_keeps_its_first_seen() {
        let open = record(None, Outcome::Fail, 1);
        let still = record(Some(&open), Outcome::Fail, 2);
        assert_eq!((still.first_seen, still.last_seen, still.resolved_at), (at(1), at(2), None));
        let fixed = record(Some(&still), Outcome::Pass, 3);
        assert_eq!((fixed.status, fixed.first_seen, fixed.resolved_at), (FindingStatus::Pass, at(1), Some(at(3))));
        assert!(!fixed.is_open());
    }

    #[test]
    fn a_failure_that_comes_back_opens_again_from_then() {
        let fixed = record(Some(&record(None, Outcome::Fail, 1)), Outcome::Pass, 2);
        let again = record(Some(&fixed), Outcome::Fail, 3);
        assert_eq!((again.first_seen, again.resolved_at), (at(3), None));
    }

    #[test]
    fn an_evaluation_error_is_recorded_with_its_message() {
        let f = record(None, Outcome::Error { message: "time limit".into() }, 1);
        assert_eq!((f.status, f.message.as_deref()), (FindingStatus::Error, Some("time limit")));
        assert!(!f.is_open());
    }

    #[test]
    fn deleting_a_resource_resolves_only_its_open_failures() {
        let open = record(None, Outcome::Fail, 1);
        assert_eq!(resolve_for_deleted(&open, at(2)).unwrap().resolved_at, Some(at(2)));
        assert_eq!(resolve_for_deleted(&record(None, Outcome::Pass, 1), at(2)), None);
    }

    #[test]
    fn the_library_has_at_least_15_checks_with_unique_ids_and_full_descriptions() {
        assert!(BUILTIN_CHECKS.len() >= 15);
        let mut ids: Vec<&str> = BUILTIN_CHECKS.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), BUILTIN_CHECKS.len());
        for c in BUILTIN_CHECKS {
            assert!(!c.title.is_empty() && !c.risk.is_empty() && !c.remediation.is_empty(), "{}", c.id);
            assert!(!c.providers.is_empty() && !c.resource_types.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn ingress_rules_are_stored_sorted_and_admin_ports_found_through_any_rule() {
        let rules = [
            IngressRule::new("-1", 0, 65535, "sg:sg-1"),
            IngressRule::new("tcp", 3389, 3389, "10.0.0.0/8"),
            IngressRule::new("TCP", 20, 25, "0.0.0.0/0"),
        ];
        assert_eq!(format_ingress(&rules), "all|0-65535|sg:sg-1,tcp|20-25|0.0.0.0/0,tcp|3389-3389|10.0.0.0/8");
        assert_eq!(internet_admin_ports(&rules), "22");
        assert_eq!(internet_admin_ports(&[IngressRule::new("*", 0, 65535, "Internet")]), "22,3389");
        assert_eq!(internet_admin_ports(&[IngressRule::new("udp", 0, 65535, "*")]), "");
    }

    #[test]
    fn a_check_applies_only_where_its_attributes_were_read() {
        let check = builtin_check("vm_imdsv1_allowed").unwrap();
        let mut vm = Resource::new(Provider::Aws, "1", "eu-west-1", ResourceType::Vm, "i-1", "running");
        assert!(!check.applies_to(&vm));
        vm.attributes.insert("imds_tokens".into(), "optional".into());
        assert!(check.applies_to(&vm));
        vm.provider = Provider::Gcp;
        assert!(!check.applies_to(&vm));
    }
}
