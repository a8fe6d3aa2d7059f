//! GCP inventory, one project at a time: Compute Engine instances, disks, subnetworks and
//! external addresses through aggregated lists (every zone and region in one paged call),
//! VPC networks, and Cloud Storage buckets through the JSON API. Compute's aggregated lists
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
        let (instances_url, disks_url, subnets_url, addresses_url, networks_url, buckets_url) = (
            format!("{compute}/aggregated/instances"),
            format!("{compute}/aggregated/disks"),
            format!("{compute}/aggregated/subnetworks"),
            format!("{compute}/aggregated/addresses"),
            format!("{compute}/global/networks"),
            format!("{}/storage/v1/b?project={project}", endpoints.gcp_storage),
        );
        let (instances, disks, subnets, addresses, networks, buckets) = futures::join!(
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
        );
        let mut resources = Vec::new();
        resources.extend(flatten(instances?, |s| s.instances).into_iter().map(|i| instance_resource(project, i)));
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
    self_link: String,
    creation_timestamp: Option<String>,
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
    self_link: String,
    creation_timestamp: Option<String>,
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
}
