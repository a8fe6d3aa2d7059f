//! Azure inventory, one subscription at a time: virtual machines and managed disks through
//! `azure_mgmt_compute`; network interfaces (for VM addresses), public IPs, virtual networks
//! with their subnets, storage accounts and network security groups through the documented ARM
//! REST API. What the compliance checks read is kept as attributes: NSG inbound rules, the admin
//! ports a VM's NSGs open to the internet, storage accounts' public access / HTTPS-only / TLS,
//! disks' encryption key. ARM lists a
//! whole subscription in one go, so the sync's unit is the subscription, and provider health
//! is recorded per subscription.

pub mod costs;

mod compute;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use azure_mgmt_compute::package_2024_07_01::models::{Disk, VirtualMachine};
use serde::Deserialize;
use skyforge_app::clouds::CloudError;
use skyforge_cloud_signin::{AzureAuth, CallLog, Op};
use skyforge_domain::compliance::{IngressRule, format_ingress, internet_admin_ports};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::{Resource, ResourceType};
use skyforge_domain::provider::Provider;

use crate::whole_account::AccountLister;

const NETWORK_API: &str = "2024-05-01";
const STORAGE_API: &str = "2023-05-01";

pub struct AzureInventory {
    auth: Arc<AzureAuth>,
}

impl AzureInventory {
    pub fn new(auth: Arc<AzureAuth>) -> Self {
        Self { auth }
    }

    async fn list_subscription(
        &self,
        secret: &CloudSecret,
        sub: &str,
        log: &CallLog,
    ) -> Result<Vec<Resource>, CloudError> {
        let token = self.auth.arm_token(secret, log).await?;
        let client = compute::client(self.auth.arm(), &token)?;
        let http = self.auth.http();
        let url = |namespace: &str, api: &str| {
            format!("{}/subscriptions/{sub}/providers/{namespace}?api-version={api}", self.auth.arm())
        };
        let (nic_url, ip_url, vnet_url, storage_url, nsg_url) = (
            url("Microsoft.Network/networkInterfaces", NETWORK_API),
            url("Microsoft.Network/publicIPAddresses", NETWORK_API),
            url("Microsoft.Network/virtualNetworks", NETWORK_API),
            url("Microsoft.Storage/storageAccounts", STORAGE_API),
            url("Microsoft.Network/networkSecurityGroups", NETWORK_API),
        );
        let bearer = token.secret();
        let (vms, disks, nics, ips, vnets, accounts, nsgs) = futures::join!(
            compute::virtual_machines(&client, sub, log),
            compute::disks(&client, sub, log),
            http.arm_list::<ArmNic>(Op::new("arm", "NetworkInterfaces.ListAll"), &nic_url, bearer, log),
            http.arm_list::<ArmPublicIp>(Op::new("arm", "PublicIPAddresses.ListAll"), &ip_url, bearer, log),
            http.arm_list::<ArmVnet>(Op::new("arm", "VirtualNetworks.ListAll"), &vnet_url, bearer, log),
            http.arm_list::<ArmStorageAccount>(Op::new("arm", "StorageAccounts.List"), &storage_url, bearer, log),
            http.arm_list::<ArmNsg>(Op::new("arm", "NetworkSecurityGroups.ListAll"), &nsg_url, bearer, log),
        );
        let (vms, disks, nics, ips, vnets, accounts, nsgs) = (vms?, disks?, nics?, ips?, vnets?, accounts?, nsgs?);

        let addresses = Addresses::new(&nics, &ips);
        let exposure = Exposure::new(&nics, &vnets, &nsgs);
        let mut resources = Vec::new();
        resources.extend(vms.into_iter().filter_map(|(vm, power)| vm_resource(sub, vm, power, &addresses)).map(
            |mut vm| {
                vm.attributes.insert("internet_admin_ports".into(), exposure.admin_ports(&vm.native_id));
                vm
            },
        ));
        resources.extend(nsgs.iter().map(|nsg| nsg_resource(sub, nsg)));
        resources.extend(disks.into_iter().filter_map(|disk| disk_resource(sub, disk)));
        resources.extend(ips.iter().map(|ip| public_ip_resource(sub, ip)));
        for vnet in &vnets {
            resources.push(vnet_resource(sub, vnet));
            resources.extend(vnet.properties.subnets.iter().map(|subnet| subnet_resource(sub, vnet, subnet)));
        }
        resources.extend(accounts.iter().map(|account| storage_resource(sub, account)));
        Ok(resources)
    }
}

#[async_trait]
impl AccountLister for AzureInventory {
    fn provider(&self) -> Provider {
        Provider::Azure
    }

    fn accounts(&self, secret: &CloudSecret) -> Result<Vec<String>, CloudError> {
        match secret {
            CloudSecret::AzureServicePrincipal { subscription_ids, .. } => Ok(subscription_ids.clone()),
            _ => Err(CloudError::InvalidCredential("not an Azure service principal".into())),
        }
    }

    async fn list_account(&self, secret: &CloudSecret, sub: &str, log: &CallLog) -> Result<Vec<Resource>, CloudError> {
        self.list_subscription(secret, sub, log).await
    }
}

/// The resource group named in an ARM id (`/subscriptions/s/resourceGroups/<rg>/...`).
fn resource_group(id: &str) -> Option<String> {
    let mut parts = id.split('/');
    parts.by_ref().find(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
    parts.next().map(str::to_owned)
}

/// The last segment of an ARM id: the resource's name.
fn last_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

fn tags_of(value: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    value
        .and_then(|v| v.as_object())
        .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default()
}

fn created(time: Option<time::OffsetDateTime>) -> Option<chrono::DateTime<chrono::Utc>> {
    time.and_then(|t| chrono::DateTime::from_timestamp(t.unix_timestamp(), 0))
}

fn base(sub: &str, region: &str, kind: ResourceType, id: &str, name: Option<String>, state: &str) -> Resource {
    Resource { name, ..Resource::new(Provider::Azure, sub, region, kind, id, state) }
}

/// The addresses of each VM: private ones from its NICs, public ones through the public IPs
/// those NICs reference.
struct Addresses {
    by_vm: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl Addresses {
    fn new(nics: &[ArmNic], ips: &[ArmPublicIp]) -> Self {
        let public: HashMap<String, &str> =
            ips.iter().filter_map(|ip| Some((ip.id.to_lowercase(), ip.properties.ip_address.as_deref()?))).collect();
        let mut by_vm: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
        for nic in nics {
            let Some(vm) = nic.properties.virtual_machine.as_ref() else { continue };
            let entry = by_vm.entry(vm.id.to_lowercase()).or_default();
            for config in &nic.properties.ip_configurations {
                entry.1.extend(config.properties.private_ip_address.clone());
                if let Some(reference) = &config.properties.public_ip_address
                    && let Some(address) = public.get(&reference.id.to_lowercase())
                {
                    entry.0.push((*address).to_owned());
                }
            }
        }
        Self { by_vm }
    }
}

/// Which NSGs guard each VM: those on its NICs and on the subnets those NICs are in.
struct Exposure {
    by_vm: HashMap<String, Vec<IngressRule>>,
}

impl Exposure {
    fn new(nics: &[ArmNic], vnets: &[ArmVnet], nsgs: &[ArmNsg]) -> Self {
        let rules: HashMap<String, Vec<IngressRule>> =
            nsgs.iter().map(|n| (n.id.to_lowercase(), nsg_ingress(n))).collect();
        let subnet_nsg: HashMap<String, String> = vnets
            .iter()
            .flat_map(|v| &v.properties.subnets)
            .filter_map(|s| {
                Some((s.id.to_lowercase(), s.properties.network_security_group.as_ref()?.id.to_lowercase()))
            })
            .collect();
        let mut by_vm: HashMap<String, Vec<IngressRule>> = HashMap::new();
        for nic in nics {
            let Some(vm) = nic.properties.virtual_machine.as_ref() else { continue };
            let mut guarding: Vec<String> =
                nic.properties.network_security_group.iter().map(|n| n.id.to_lowercase()).collect();
            for config in &nic.properties.ip_configurations {
                if let Some(subnet) = &config.properties.subnet {
                    guarding.extend(subnet_nsg.get(&subnet.id.to_lowercase()).cloned());
                }
            }
            let entry = by_vm.entry(vm.id.to_lowercase()).or_default();
            for nsg in guarding {
                entry.extend(rules.get(&nsg).cloned().unwrap_or_default());
            }
        }
        Self { by_vm }
    }

    /// A VM without any NSG is open to whatever reaches it: Azure allows nothing inbound from
    /// the internet by default only when an NSG says so, so no NSG counts as no rules here and
    /// the check stays quiet rather than guessing.
    fn admin_ports(&self, vm_id: &str) -> String {
        internet_admin_ports(self.by_vm.get(&vm_id.to_lowercase()).map(Vec::as_slice).unwrap_or_default())
    }
}

/// An NSG's inbound allow rules as ingress rules (one per source and port range).
fn nsg_ingress(nsg: &ArmNsg) -> Vec<IngressRule> {
    let mut rules = Vec::new();
    for rule in &nsg.properties.security_rules {
        let p = &rule.properties;
        if !p.direction.eq_ignore_ascii_case("inbound") || !p.access.eq_ignore_ascii_case("allow") {
            continue;
        }
        let ports = p.destination_port_range.iter().chain(&p.destination_port_ranges);
        let sources: Vec<&String> = p.source_address_prefix.iter().chain(&p.source_address_prefixes).collect();
        for range in ports {
            let (from, to) = port_range(range);
            for source in &sources {
                rules.push(IngressRule::new(&p.protocol, from, to, source));
            }
        }
    }
    rules
}

/// `22`, `1000-2000` or `*`.
fn port_range(range: &str) -> (u16, u16) {
    if range == "*" {
        return (0, 65535);
    }
    let mut parts = range.splitn(2, '-').map(|p| p.trim().parse::<u16>().unwrap_or(0));
    let from = parts.next().unwrap_or(0);
    (from, parts.next().unwrap_or(from))
}

fn nsg_resource(sub: &str, nsg: &ArmNsg) -> Resource {
    let state = nsg.properties.provisioning_state.as_deref().unwrap_or("");
    let mut resource = base(sub, &nsg.location, ResourceType::Firewall, &nsg.id, Some(nsg.name.clone()), state);
    resource.tags = tags_of(nsg.tags.as_ref());
    resource.attributes.extend(resource_group(&nsg.id).map(|rg| ("resource_group".to_owned(), rg)));
    resource.attributes.insert("ingress".into(), format_ingress(&nsg_ingress(nsg)));
    resource
}

fn vm_resource(sub: &str, vm: VirtualMachine, power: Option<String>, addresses: &Addresses) -> Option<Resource> {
    let id = vm.resource.id.clone()?;
    let name = vm.resource.name.clone();
    let mut resource =
        base(sub, &vm.resource.location, ResourceType::Vm, &id, name, power.as_deref().unwrap_or("unknown"));
    resource.tags = tags_of(vm.resource.tags.as_ref());
    if let Some((public, private)) = addresses.by_vm.get(&id.to_lowercase()) {
        resource.public_ips = public.clone();
        resource.private_ips = private.clone();
    }
    let attributes = &mut resource.attributes;
    attributes.extend(resource_group(&id).map(|rg| ("resource_group".to_owned(), rg)));
    attributes.extend(power.map(|p| ("power_state".to_owned(), p)));
    if let Some(properties) = vm.properties {
        resource.created_at = created(properties.time_created);
        resource.size = properties
            .hardware_profile
            .and_then(|h| h.vm_size)
            .and_then(|size| serde_json::to_value(size).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        let attributes = &mut resource.attributes;
        attributes.extend(properties.vm_id.map(|v| ("vm_id".to_owned(), v)));
        attributes.extend(properties.provisioning_state.map(|v| ("provisioning_state".to_owned(), v)));
        if let Some(os_disk) = properties.storage_profile.and_then(|s| s.os_disk) {
            attributes.extend(os_disk.name.map(|n| ("os_disk".to_owned(), n)));
            attributes.extend(os_disk.disk_size_gb.map(|gb| ("os_disk_size".to_owned(), format!("{gb} GiB"))));
            attributes.extend(
                os_disk
                    .os_type
                    .and_then(|t| serde_json::to_value(t).ok())
                    .and_then(|v| v.as_str().map(|s| ("os_type".to_owned(), s.to_owned()))),
            );
        }
    }
    Some(resource)
}

fn disk_resource(sub: &str, disk: Disk) -> Option<Resource> {
    let id = disk.resource.id.clone()?;
    let properties = disk.properties;
    let state = properties
        .as_ref()
        .and_then(|p| p.disk_state.as_ref())
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    let encryption = properties
        .as_ref()
        .and_then(|p| p.encryption.as_ref())
        .and_then(|e| e.type_.as_ref())
        .and_then(|t| serde_json::to_value(t).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    let mut resource = base(sub, &disk.resource.location, ResourceType::Disk, &id, disk.resource.name.clone(), &state);
    resource.tags = tags_of(disk.resource.tags.as_ref());
    if let Some(properties) = properties {
        resource.size = properties.disk_size_gb.map(|gb| format!("{gb} GiB"));
        resource.created_at = created(properties.time_created);
    }
    let attributes = &mut resource.attributes;
    attributes.extend(resource_group(&id).map(|rg| ("resource_group".to_owned(), rg)));
    attributes.extend(
        disk.sku
            .and_then(|s| s.name)
            .and_then(|n| serde_json::to_value(n).ok())
            .and_then(|v| v.as_str().map(|s| ("sku".to_owned(), s.to_owned()))),
    );
    attributes.extend(disk.managed_by.as_deref().map(|vm| ("attached_to".to_owned(), last_segment(vm).to_owned())));
    // managed disks are always encrypted at rest; what varies is whose key
    attributes.insert("encrypted".into(), "true".into());
    attributes.insert("encryption_key".into(), encryption_key(encryption.as_deref()).into());
    Some(resource)
}

/// `EncryptionAtRestWithCustomerKey` or `...WithPlatformAndCustomerKeys`: the customer holds a
/// key; otherwise (the platform key, or nothing said) Microsoft does.
fn encryption_key(kind: Option<&str>) -> &'static str {
    match kind {
        Some(k) if k.contains("CustomerKey") => "customer_managed",
        _ => "provider_managed",
    }
}

fn public_ip_resource(sub: &str, ip: &ArmPublicIp) -> Resource {
    let state = if ip.properties.ip_configuration.is_some() { "associated" } else { "unassociated" };
    let mut resource = base(sub, &ip.location, ResourceType::PublicIp, &ip.id, Some(ip.name.clone()), state);
    resource.public_ips.extend(ip.properties.ip_address.clone());
    resource.size = ip.sku.as_ref().map(|s| s.name.clone());
    resource.tags = tags_of(ip.tags.as_ref());
    let attributes = &mut resource.attributes;
    attributes.extend(resource_group(&ip.id).map(|rg| ("resource_group".to_owned(), rg)));
    attributes.extend(ip.properties.public_ip_allocation_method.clone().map(|m| ("allocation".to_owned(), m)));
    if let Some(config) = &ip.properties.ip_configuration {
        // `.../networkInterfaces/<nic>/ipConfigurations/<name>`: the NIC is what it is attached to
        let nic = config.id.split("/ipConfigurations/").next().map(last_segment).unwrap_or_default();
        attributes.insert("attached_to".into(), nic.to_owned());
    }
    resource
}

fn vnet_resource(sub: &str, vnet: &ArmVnet) -> Resource {
    let state = vnet.properties.provisioning_state.as_deref().unwrap_or("");
    let mut resource = base(sub, &vnet.location, ResourceType::Network, &vnet.id, Some(vnet.name.clone()), state);
    resource.tags = tags_of(vnet.tags.as_ref());
    resource.attributes.extend(resource_group(&vnet.id).map(|rg| ("resource_group".to_owned(), rg)));
    if let Some(space) = &vnet.properties.address_space {
        resource.attributes.insert("address_space".into(), space.address_prefixes.join(", "));
    }
    resource
}

fn subnet_resource(sub: &str, vnet: &ArmVnet, subnet: &ArmSubnet) -> Resource {
    let state = subnet.properties.provisioning_state.as_deref().unwrap_or("");
    let mut resource = base(sub, &vnet.location, ResourceType::Subnet, &subnet.id, Some(subnet.name.clone()), state);
    resource.attributes.insert("network".into(), vnet.name.clone());
    resource.attributes.extend(subnet.properties.address_prefix.clone().map(|p| ("cidr".to_owned(), p)));
    resource
}

fn storage_resource(sub: &str, account: &ArmStorageAccount) -> Resource {
    let state = account.properties.provisioning_state.as_deref().unwrap_or("");
    let mut resource =
        base(sub, &account.location, ResourceType::Bucket, &account.id, Some(account.name.clone()), state);
    resource.size = account.sku.as_ref().map(|s| s.name.clone());
    resource.tags = tags_of(account.tags.as_ref());
    resource.created_at = account
        .properties
        .creation_time
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.to_utc());
    let attributes = &mut resource.attributes;
    attributes.extend(resource_group(&account.id).map(|rg| ("resource_group".to_owned(), rg)));
    attributes.extend(account.kind.clone().map(|k| ("kind".to_owned(), k)));
    let p = &account.properties;
    // ARM leaves these out when they are at their defaults (since 2023: no public blob access,
    // HTTPS only, TLS 1.0 minimum for older accounts)
    attributes.insert("public_blob_access".into(), p.allow_blob_public_access.unwrap_or(false).to_string());
    attributes.insert("https_only".into(), p.supports_https_traffic_only.unwrap_or(true).to_string());
    attributes.insert("min_tls_version".into(), p.minimum_tls_version.clone().unwrap_or_else(|| "TLS1_0".into()));
    resource
}

// The documented ARM shapes, read leniently: a missing optional field is not an error.

#[derive(Deserialize)]
struct IdRef {
    id: String,
}

#[derive(Deserialize)]
struct Sku {
    name: String,
}

#[derive(Deserialize)]
struct ArmNic {
    #[serde(default)]
    properties: NicProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NicProperties {
    #[serde(default)]
    ip_configurations: Vec<IpConfiguration>,
    virtual_machine: Option<IdRef>,
    network_security_group: Option<IdRef>,
}

#[derive(Deserialize)]
struct IpConfiguration {
    #[serde(default)]
    properties: IpConfigurationProperties,
}

#[derive(Deserialize, Default)]
struct IpConfigurationProperties {
    #[serde(rename = "privateIPAddress")]
    private_ip_address: Option<String>,
    #[serde(rename = "publicIPAddress")]
    public_ip_address: Option<IdRef>,
    subnet: Option<IdRef>,
}

#[derive(Deserialize)]
struct ArmPublicIp {
    id: String,
    name: String,
    location: String,
    sku: Option<Sku>,
    tags: Option<serde_json::Value>,
    #[serde(default)]
    properties: PublicIpProperties,
}

#[derive(Deserialize, Default)]
struct PublicIpProperties {
    #[serde(rename = "ipAddress")]
    ip_address: Option<String>,
    #[serde(rename = "publicIPAllocationMethod")]
    public_ip_allocation_method: Option<String>,
    #[serde(rename = "ipConfiguration")]
    ip_configuration: Option<IdRef>,
}

#[derive(Deserialize)]
struct ArmVnet {
    id: String,
    name: String,
    location: String,
    tags: Option<serde_json::Value>,
    #[serde(default)]
    properties: VnetProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct VnetProperties {
    address_space: Option<AddressSpace>,
    #[serde(default)]
    subnets: Vec<ArmSubnet>,
    provisioning_state: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressSpace {
    #[serde(default)]
    address_prefixes: Vec<String>,
}

#[derive(Deserialize)]
struct ArmSubnet {
    id: String,
    name: String,
    #[serde(default)]
    properties: SubnetProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SubnetProperties {
    address_prefix: Option<String>,
    provisioning_state: Option<String>,
    network_security_group: Option<IdRef>,
}

#[derive(Deserialize)]
struct ArmStorageAccount {
    id: String,
    name: String,
    location: String,
    kind: Option<String>,
    sku: Option<Sku>,
    tags: Option<serde_json::Value>,
    #[serde(default)]
    properties: StorageProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct StorageProperties {
    provisioning_state: Option<String>,
    creation_time: Option<String>,
    allow_blob_public_access: Option<bool>,
    supports_https_traffic_only: Option<bool>,
    minimum_tls_version: Option<String>,
}

#[derive(Deserialize)]
struct ArmNsg {
    id: String,
    name: String,
    location: String,
    tags: Option<serde_json::Value>,
    #[serde(default)]
    properties: NsgProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NsgProperties {
    #[serde(default)]
    security_rules: Vec<SecurityRule>,
    provisioning_state: Option<String>,
}

#[derive(Deserialize)]
struct SecurityRule {
    #[serde(default)]
    properties: SecurityRuleProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SecurityRuleProperties {
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    direction: String,
    destination_port_range: Option<String>,
    #[serde(default)]
    destination_port_ranges: Vec<String>,
    source_address_prefix: Option<String>,
    #[serde(default)]
    source_address_prefixes: Vec<String>,
}
