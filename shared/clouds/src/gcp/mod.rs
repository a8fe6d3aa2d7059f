//! GCP inventory, one project at a time: Compute Engine instances, disks, subnetworks and
//! external addresses through aggregated lists (every zone and region in one paged call),
//! VPC networks, firewall rules, and Cloud Storage buckets through the JSON API. What the
//! compliance checks read is kept as attributes: firewall rules' ingress, the admin ports they
//! open to the internet on each instance (by network and target tags), disks' encryption key,
//! buckets' uniform bucket-level access. Compute's aggregated lists
//! span the project, so the sync's unit is the project, and health is recorded per project.
//!
//! Buckets are listed with the Cloud Storage JSON API (`GET /storage/v1/b?project=`) rather
//! than `google-cloud-storage`: that crate lists buckets only over gRPC
//! (`google.storage.v2.Storage/ListBuckets`), which no local stand-in serves; the JSON API is
//! what the emulator the tests use speaks.

pub mod costs;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use skyforge_app::clouds::{CloudError, GLOBAL_REGION};
use skyforge_cloud_signin::{CallLog, GcpAuth, Op};
use skyforge_domain::compliance::{IngressRule, format_ingress, internet_admin_ports};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::{Resource, ResourceType};
use skyforge_domain::provider::Provider;

use crate::whole_account::AccountLister;

pub struct GcpInventory {
    auth: Arc<GcpAuth>,
}

impl GcpInventory {
    pub fn new(auth: Arc<GcpAuth>) -> Self {
        Self { auth }
    }

    async fn list_project(
        &self,
        secret: &CloudSecret,
        project: &str,
        log: &CallLog,
    ) -> Result<Vec<Resource>, CloudError> {
        let token = self.auth.token(secret, log).await?;
        let token = token.secret();
        let http = self.auth.http();
        let endpoints = self.auth.endpoints();
        let compute = format!("{}/compute/v1/projects/{project}", endpoints.gcp_compute);
        let firewalls_url = format!("{compute}/global/firewalls");
        let (instances_url, disks_url, subnets_url, addresses_url, networks_url, buckets_url) = (
            format!("{compute}/aggregated/instances"),
            format!("{compute}/aggregated/disks"),
            format!("{compute}/aggregated/subnetworks"),
            format!("{compute}/aggregated/addresses"),
            format!("{compute}/global/networks"),
            format!("{}/storage/v1/b?project={project}", endpoints.gcp_storage),
        );
        let (instances, disks, subnets, addresses, networks, buckets, firewalls) = futures::join!(
            http.google_pages::<Aggregated<InstancesScope>>(
                Op::new("compute", "instances.aggregatedList"),
                &instances_url,
                token,
                log
            ),
            http.google_pages::<Aggregated<DisksScope>>(
                Op::new("compute", "disks.aggregatedList"),
                &disks_url,
                token,
                log
            ),
            http.google_pages::<Aggregated<SubnetworksScope>>(
                Op::new("compute", "subnetworks.aggregatedList"),
                &subnets_url,
                token,
                log
            ),
            http.google_pages::<Aggregated<AddressesScope>>(
                Op::new("compute", "addresses.aggregatedList"),
                &addresses_url,
                token,
                log
            ),
            http.google_pages::<Vec<Network>>(Op::new("compute", "networks.list"), &networks_url, token, log),
            http.google_pages::<Vec<Bucket>>(Op::new("storage", "buckets.list"), &buckets_url, token, log),
            http.google_pages::<Vec<Firewall>>(Op::new("compute", "firewalls.list"), &firewalls_url, token, log),
        );
        let firewalls: Vec<Firewall> = firewalls?
            .into_iter()
            .flatten()
            .filter(|f| f.direction.as_deref() != Some("EGRESS") && !f.disabled)
            .collect();
        let mut resources = Vec::new();
        resources.extend(flatten(instances?, |s| s.instances).into_iter().map(|i| {
            let ports = instance_admin_ports(&i, &firewalls);
            let mut vm = instance_resource(project, i);
            vm.attributes.insert("internet_admin_ports".into(), ports);
            vm
        }));
        resources.extend(firewalls.iter().map(|f| firewall_resource(project, f)));
        resources.extend(flatten(disks?, |s| s.disks).into_iter().map(|d| disk_resource(project, d)));
        resources.extend(flatten(subnets?, |s| s.subnetworks).into_iter().map(|s| subnet_resource(project, s)));
        resources.extend(
            flatten(addresses?, |s| s.addresses)
                .into_iter()
                .filter(|a| a.address_type.as_deref() != Some("INTERNAL"))
                .map(|a| address_resource(project, a)),
        );
        resources.extend(networks?.into_iter().flatten().map(|n| network_resource(project, n)));
        resources.extend(buckets?.into_iter().flatten().map(|b| bucket_resource(project, b)));
        Ok(resources)
    }
}

#[async_trait]
impl AccountLister for GcpInventory {
    fn provider(&self) -> Provider {
        Provider::Gcp
    }

    fn accounts(&self, secret: &CloudSecret) -> Result<Vec<String>, CloudError> {
        match secret {
            CloudSecret::GcpServiceAccount { project_ids, .. } => Ok(project_ids.clone()),
            _ => Err(CloudError::InvalidCredential("not a GCP service account".into())),
        }
    }

    async fn list_account(
        &self,
        secret: &CloudSecret,
        project: &str,
        log: &CallLog,
    ) -> Result<Vec<Resource>, CloudError> {
        self.list_project(secret, project, log).await
    }
}

/// One page of an aggregated list: scope (`zones/us-central1-a`) → its items, or a warning
/// when the scope has none.
type Aggregated<T> = HashMap<String, T>;

fn flatten<S, T>(pages: Vec<Aggregated<S>>, items: impl Fn(S) -> Option<Vec<T>>) -> Vec<T> {
    pages.into_iter().flat_map(|page| page.into_values()).filter_map(items).flatten().collect()
}

/// The last segment of a Compute URL (`.../zones/us-central1-a` → `us-central1-a`).
fn last(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

fn timestamp(value: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(value?).ok().map(|t| t.to_utc())
}

fn base(project: &str, region: &str, kind: ResourceType, id: &str, name: &str, state: &str) -> Resource {
    Resource { name: Some(name.to_owned()), ..Resource::new(Provider::Gcp, project, region, kind, id, state) }
}

/// A firewall rule's allowed traffic as ingress rules (one per protocol, port range and source).
fn firewall_ingress(f: &Firewall) -> Vec<IngressRule> {
    let mut rules = Vec::new();
    for allowed in &f.allowed {
        let ranges: Vec<(u16, u16)> = if allowed.ports.is_empty() {
            vec![(0, 65535)]
        } else {
            allowed
                .ports
                .iter()
                .map(|p| {
                    let mut parts = p.splitn(2, '-').map(|n| n.trim().parse::<u16>().unwrap_or(0));
                    let from = parts.next().unwrap_or(0);
                    (from, parts.next().unwrap_or(from))
                })
                .collect()
        };
        for (from, to) in ranges {
            for source in &f.source_ranges {
                rules.push(IngressRule::new(&allowed.ip_protocol, from, to, source));
            }
        }
    }
    rules
}

/// The admin ports the rules of the instance's network open to the internet for it: a rule
/// without target tags applies to every instance, one with tags to those carrying one of them.
fn instance_admin_ports(i: &Instance, firewalls: &[Firewall]) -> String {
    let networks: Vec<&str> = i.network_interfaces.iter().filter_map(|n| n.network.as_deref()).map(last).collect();
    let rules: Vec<IngressRule> = firewalls
        .iter()
        .filter(|f| f.network.as_deref().is_some_and(|n| networks.contains(&last(n))))
        .filter(|f| f.target_tags.is_empty() || f.target_tags.iter().any(|t| i.tags.items.contains(t)))
        .flat_map(firewall_ingress)
        .collect();
    internet_admin_ports(&rules)
}

fn firewall_resource(project: &str, f: &Firewall) -> Resource {
    let mut resource = base(project, GLOBAL_REGION, ResourceType::Firewall, &f.self_link, &f.name, "");
    resource.created_at = timestamp(f.creation_timestamp.as_deref());
    let attributes = &mut resource.attributes;
    attributes.extend(f.network.as_deref().map(|n| ("network".to_owned(), last(n).to_owned())));
    if !f.target_tags.is_empty() {
        attributes.insert("target_tags".into(), f.target_tags.join(","));
    }
    attributes.insert("ingress".into(), format_ingress(&firewall_ingress(f)));
    resource
}

fn instance_resource(project: &str, i: Instance) -> Resource {
    let zone = last(&i.zone).to_owned();
    let mut resource = base(project, &zone, ResourceType::Vm, &i.self_link, &i.name, &i.status);
    resource.size = i.machine_type.as_deref().map(|m| last(m).to_owned());
    resource.tags = i.labels;
    resource.created_at = timestamp(i.creation_timestamp.as_deref());
    for interface in &i.network_interfaces {
        resource.private_ips.extend(interface.network_ip.clone());
        resource.public_ips.extend(interface.access_configs.iter().filter_map(|c| c.nat_ip.clone()));
    }
    let attributes = &mut resource.attributes;
    attributes.insert("zone".into(), zone);
    attributes.extend(i.id.map(|id| ("instance_id".to_owned(), id)));
    if let Some(network) = i.network_interfaces.first().and_then(|n| n.network.as_deref()) {
        attributes.insert("network".into(), last(network).to_owned());
    }
    if let Some(boot) = i.disks.iter().find(|d| d.boot).and_then(|d| d.source.as_deref()) {
        attributes.insert("boot_disk".into(), last(boot).to_owned());
    }
    resource
}

fn disk_resource(project: &str, d: GcpDisk) -> Resource {
    let zone = d.zone.as_deref().map(last).unwrap_or(GLOBAL_REGION).to_owned();
    let state = if d.users.is_empty() { d.status.as_str() } else { "attached" };
    let mut resource = base(project, &zone, ResourceType::Disk, &d.self_link, &d.name, state);
    resource.size = d.size_gb.map(|gb| format!("{gb} GiB"));
    resource.tags = d.labels;
    resource.created_at = timestamp(d.creation_timestamp.as_deref());
    resource.attributes.extend(d.disk_type.as_deref().map(|t| ("disk_type".to_owned(), last(t).to_owned())));
    if let Some(user) = d.users.first() {
        resource.attributes.insert("attached_to".into(), last(user).to_owned());
    }
    // every persistent disk is encrypted; a KMS key (or a supplied key) is the customer's
    let customer = d.disk_encryption_key.as_ref().is_some_and(|k| k.kms_key_name.is_some() || k.sha256.is_some());
    resource
        .attributes
        .insert("encryption_key".into(), if customer { "customer_managed" } else { "provider_managed" }.into());
    resource
}

fn subnet_resource(project: &str, s: Subnetwork) -> Resource {
    let region = s.region.as_deref().map(last).unwrap_or(GLOBAL_REGION).to_owned();
    let mut resource = base(project, &region, ResourceType::Subnet, &s.self_link, &s.name, "");
    resource.created_at = timestamp(s.creation_timestamp.as_deref());
    resource.attributes.extend(s.ip_cidr_range.map(|c| ("cidr".to_owned(), c)));
    resource.attributes.extend(s.network.as_deref().map(|n| ("network".to_owned(), last(n).to_owned())));
    resource
}

fn address_resource(project: &str, a: Address) -> Resource {
    let region = a.region.as_deref().map(last).unwrap_or(GLOBAL_REGION).to_owned();
    let status = a.status.as_deref().unwrap_or_default().to_lowercase();
    let mut resource = base(project, &region, ResourceType::PublicIp, &a.self_link, &a.name, &status);
    resource.public_ips.extend(a.address);
    if let Some(user) = a.users.first() {
        resource.attributes.insert("attached_to".into(), last(user).to_owned());
    }
    resource
}

fn network_resource(project: &str, n: Network) -> Resource {
    let mut resource = base(project, GLOBAL_REGION, ResourceType::Network, &n.self_link, &n.name, "");
    resource.created_at = timestamp(n.creation_timestamp.as_deref());
    let mode = if n.auto_create_subnetworks.unwrap_or(false) { "auto" } else { "custom" };
    resource.attributes.insert("subnet_mode".into(), mode.into());
    resource.attributes.insert("subnets".into(), n.subnetworks.len().to_string());
    resource
}

fn bucket_resource(project: &str, b: Bucket) -> Resource {
    let region = b.location.as_deref().unwrap_or(GLOBAL_REGION).to_lowercase();
    let mut resource = base(project, &region, ResourceType::Bucket, &b.name, &b.name, "");
    resource.size = b.storage_class.clone();
    resource.tags = b.labels;
    resource.created_at = timestamp(b.time_created.as_deref());
    resource.attributes.extend(b.location_type.map(|t| ("location_type".to_owned(), t)));
    let uniform = b.iam_configuration.and_then(|c| c.uniform_bucket_level_access).and_then(|u| u.enabled);
    resource.attributes.extend(uniform.map(|u| ("uniform_access".to_owned(), u.to_string())));
    resource
}

// The documented Compute Engine and Cloud Storage shapes, read leniently.

#[derive(Deserialize)]
struct InstancesScope {
    instances: Option<Vec<Instance>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Instance {
    id: Option<String>,
    name: String,
    zone: String,
    machine_type: Option<String>,
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    network_interfaces: Vec<NetworkInterface>,
    #[serde(default)]
    disks: Vec<AttachedDisk>,
    #[serde(default)]
    tags: NetworkTags,
    self_link: String,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize, Default)]
struct NetworkTags {
    #[serde(default)]
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Firewall {
    name: String,
    network: Option<String>,
    direction: Option<String>,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    allowed: Vec<Allowed>,
    #[serde(default)]
    source_ranges: Vec<String>,
    #[serde(default)]
    target_tags: Vec<String>,
    self_link: String,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize)]
struct Allowed {
    #[serde(rename = "IPProtocol")]
    ip_protocol: String,
    #[serde(default)]
    ports: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkInterface {
    #[serde(rename = "networkIP")]
    network_ip: Option<String>,
    network: Option<String>,
    #[serde(default)]
    access_configs: Vec<AccessConfig>,
}

#[derive(Deserialize)]
struct AccessConfig {
    #[serde(rename = "natIP")]
    nat_ip: Option<String>,
}

#[derive(Deserialize)]
struct AttachedDisk {
    #[serde(default)]
    boot: bool,
    source: Option<String>,
}

#[derive(Deserialize)]
struct DisksScope {
    disks: Option<Vec<GcpDisk>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GcpDisk {
    name: String,
    zone: Option<String>,
    size_gb: Option<String>,
    status: String,
    #[serde(rename = "type")]
    disk_type: Option<String>,
    #[serde(default)]
    users: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    disk_encryption_key: Option<DiskEncryptionKey>,
    self_link: String,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiskEncryptionKey {
    kms_key_name: Option<String>,
    sha256: Option<String>,
}

#[derive(Deserialize)]
struct SubnetworksScope {
    subnetworks: Option<Vec<Subnetwork>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subnetwork {
    name: String,
    region: Option<String>,
    network: Option<String>,
    ip_cidr_range: Option<String>,
    self_link: String,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize)]
struct AddressesScope {
    addresses: Option<Vec<Address>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    name: String,
    address: Option<String>,
    address_type: Option<String>,
    status: Option<String>,
    region: Option<String>,
    #[serde(default)]
    users: Vec<String>,
    self_link: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Network {
    name: String,
    auto_create_subnetworks: Option<bool>,
    #[serde(default)]
    subnetworks: Vec<String>,
    self_link: String,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bucket {
    name: String,
    location: Option<String>,
    location_type: Option<String>,
    storage_class: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    time_created: Option<String>,
    iam_configuration: Option<IamConfiguration>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IamConfiguration {
    uniform_bucket_level_access: Option<Toggle>,
}

#[derive(Deserialize)]
struct Toggle {
    enabled: Option<bool>,
}
