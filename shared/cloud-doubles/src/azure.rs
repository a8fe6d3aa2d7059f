//! A double of the Microsoft identity platform's token endpoint and of Azure Resource Manager,
//! serving the JSON shapes the REST API reference documents (virtual machines with their
//! instance view, managed disks, network interfaces, public IPs, virtual networks with subnets,
//! storage accounts), paged with `nextLink`, and the Cost Management Query API's daily cost by
//! service (a table of `columns` and `rows`, paged with a `nextLink` that is POSTed again).
//! Faults can be switched on: a subscription that answers 403, 429 with `Retry-After`, a
//! malformed body.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde_json::{Value, json};
use wiremock::matchers::any;

use crate::costs::{DailyCost, window};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[derive(Debug, Clone)]
pub struct AzureVm {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size: String,
    /// The instance view's power state: `running`, `stopped`, `deallocated`, ...
    pub power_state: String,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub os_disk_gb: u32,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct AzureVnet {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub address_prefix: String,
    /// (name, address prefix)
    pub subnets: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct AzureStorageAccount {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub kind: String,
    pub sku: String,
    /// `allowBlobPublicAccess`: anonymous reads of blobs allowed.
    pub public_blob_access: bool,
    /// `supportsHttpsTrafficOnly`
    pub https_only: bool,
    /// `minimumTlsVersion`: `TLS1_0`, `TLS1_1` or `TLS1_2`.
    pub min_tls_version: String,
}

/// A network security group with its inbound rules, on the NICs of some VMs.
#[derive(Debug, Clone, Default)]
pub struct AzureNsg {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub rules: Vec<AzureNsgRule>,
    /// The VMs whose NIC it is attached to.
    pub vms: Vec<String>,
}

/// One security rule as ARM documents it.
#[derive(Debug, Clone)]
pub struct AzureNsgRule {
    pub name: String,
    /// `Inbound` or `Outbound`
    pub direction: String,
    /// `Allow` or `Deny`
    pub access: String,
    /// `Tcp`, `Udp`, `Icmp` or `*`
    pub protocol: String,
    /// `22`, `1000-2000` or `*`
    pub destination_port_range: String,
    /// `*`, `Internet`, a CIDR or a service tag
    pub source_address_prefix: String,
}

#[derive(Debug, Clone, Default)]
pub struct AzureSubscription {
    pub id: String,
    pub name: String,
    pub vms: Vec<AzureVm>,
    /// Managed disks attached to nothing: (name, location, size in GiB).
    pub unattached_disks: Vec<(String, String, u32)>,
    /// Public IPs associated with nothing: (name, location, address).
    pub unassociated_ips: Vec<(String, String, String)>,
    pub vnets: Vec<AzureVnet>,
    pub storage_accounts: Vec<AzureStorageAccount>,
    pub network_security_groups: Vec<AzureNsg>,
    /// What Cost Management reports for the subscription, day by day and service by service.
    pub costs: Vec<DailyCost>,
}

/// What the double knows and how it misbehaves.
#[derive(Debug, Clone)]
pub struct AzureWorld {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub subscriptions: Vec<AzureSubscription>,
    /// Subscriptions the service principal is listed in but may not read (403 on listings).
    pub forbidden: BTreeSet<String>,
    /// Items per page of every list (so `nextLink` paging is exercised).
    pub page_size: usize,
    /// Rows per page of a cost query.
    pub cost_page_size: usize,
    /// The next this many ARM requests answer 429 with `Retry-After: 1`.
    pub throttle_next: u32,
    /// The virtual machine list answers a body that is not JSON.
    pub malformed_vm_list: bool,
}

impl AzureWorld {
    pub fn new(tenant_id: &str, client_id: &str, client_secret: &str) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            subscriptions: Vec::new(),
            forbidden: BTreeSet::new(),
            page_size: 2,
            cost_page_size: 100,
            throttle_next: 0,
            malformed_vm_list: false,
        }
    }

    pub fn vm_mut(&mut self, name: &str) -> Option<&mut AzureVm> {
        self.subscriptions.iter_mut().flat_map(|s| s.vms.iter_mut()).find(|vm| vm.name == name)
    }
}

/// A running double; stops with its server when dropped.
pub struct AzureDouble {
    server: MockServer,
    world: Arc<Mutex<AzureWorld>>,
}

impl AzureDouble {
    pub async fn start(world: AzureWorld) -> Self {
        let server = MockServer::builder().start().await;
        let world = Arc::new(Mutex::new(world));
        let base = server.uri();
        let shared = world.clone();
        Mock::given(any())
            .respond_with(move |request: &Request| {
                let mut world = shared.lock().expect("azure world poisoned");
                answer(&mut world, &base, request)
            })
            .mount(&server)
            .await;
        Self { server, world }
    }

    /// The base URL of both the identity platform and ARM.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn update(&self, change: impl FnOnce(&mut AzureWorld)) {
        change(&mut self.world.lock().expect("azure world poisoned"));
    }

    /// How many requests reached the double (to check caching and paging).
    pub async fn request_count(&self) -> usize {
        self.server.received_requests().await.map_or(0, |r| r.len())
    }
}

fn arm_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": { "code": code, "message": message } }))
}

fn oauth_error(status: u16, error: &str, code: u64, description: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description}\r\nTrace ID: 0000\r\nCorrelation ID: 0000"),
        "error_codes": [code],
    }))
}

fn answer(world: &mut AzureWorld, base: &str, request: &Request) -> ResponseTemplate {
    let path = request.url.path().to_owned();
    if request.method.as_str() == "POST" && path.ends_with("/oauth2/v2.0/token") {
        return token(world, &path, request);
    }
    let expected = format!("Bearer azure-token-{}", world.tenant_id);
    let authorised = request.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str());
    if !authorised {
        return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.");
    }
    if world.throttle_next > 0 {
        world.throttle_next -= 1;
        return arm_error(429, "TooManyRequests", "The request is being throttled.").insert_header("Retry-After", "1");
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let items = match segments.as_slice() {
        ["subscriptions"] => world
            .subscriptions
            .iter()
            .map(|s| {
                json!({
                    "id": format!("/subscriptions/{}", s.id),
                    "subscriptionId": s.id,
                    "displayName": s.name,
                    "state": "Enabled",
                    "tenantId": world.tenant_id,
                })
            })
            .collect(),
        ["subscriptions", sub, "providers", namespace, kind] => {
            let Some(subscription) = world.subscriptions.iter().find(|s| s.id == *sub) else {
                return arm_error(
                    404,
                    "SubscriptionNotFound",
                    &format!("The subscription '{sub}' could not be found."),
                );
            };
            if world.forbidden.contains(*sub) {
                return arm_error(
                    403,
                    "AuthorizationFailed",
                    &format!(
                        "The client '{}' does not have authorization to perform action '{namespace}/{kind}/read' over scope '/subscriptions/{sub}'.",
                        world.client_id
                    ),
                );
            }
            let status_only = request.url.query_pairs().any(|(k, v)| k == "statusOnly" && v == "true");
            match (*namespace, *kind) {
                ("Microsoft.CostManagement", "query") => return cost_query(world, base, subscription, request),
                ("Microsoft.Compute", "virtualMachines") if world.malformed_vm_list => {
                    return ResponseTemplate::new(200).set_body_string("{\"value\": [ {\"id\": ");
                }
                ("Microsoft.Compute", "virtualMachines") => {
                    subscription.vms.iter().map(|vm| vm_json(sub, vm, status_only)).collect()
                }
                ("Microsoft.Compute", "disks") => disks(sub, subscription),
                ("Microsoft.Network", "networkInterfaces") => {
                    subscription.vms.iter().map(|vm| nic_json(sub, vm, &subscription.network_security_groups)).collect()
                }
                ("Microsoft.Network", "publicIPAddresses") => public_ips(sub, subscription),
                ("Microsoft.Network", "virtualNetworks") => {
                    subscription.vnets.iter().map(|v| vnet_json(sub, v)).collect()
                }
                ("Microsoft.Network", "networkSecurityGroups") => {
                    subscription.network_security_groups.iter().map(|n| nsg_json(sub, n)).collect()
                }
                ("Microsoft.Storage", "storageAccounts") => {
                    subscription.storage_accounts.iter().map(|a| storage_json(sub, a)).collect()
                }
                _ => return arm_error(404, "InvalidResourceType", "The resource type could not be found."),
            }
        }
        _ => return arm_error(404, "NotFound", "No route."),
    };
    page(world.page_size, base, request, items)
}

/// One page of `items`, with a `nextLink` back to the double while more remain.
fn page(size: usize, base: &str, request: &Request, items: Vec<Value>) -> ResponseTemplate {
    let (value, next) = window(&items, skip_token(request), size);
    let mut body = json!({ "value": value });
    if let Some(next) = next {
        body["nextLink"] = json!(next_link(base, request, next));
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// Where the request's `$skiptoken` says its page starts.
fn skip_token(request: &Request) -> usize {
    request.url.query_pairs().find(|(k, _)| k == "$skiptoken").and_then(|(_, v)| v.parse().ok()).unwrap_or(0)
}

/// The request's own URL on the double, with `$skiptoken` set to `skip`.
fn next_link(base: &str, request: &Request, skip: usize) -> String {
    let mut next = url::Url::parse(&format!("{base}{}", request.url.path())).expect("double URL");
    for (k, v) in request.url.query_pairs().filter(|(k, _)| k != "$skiptoken") {
        next.query_pairs_mut().append_pair(&k, &v);
    }
    next.query_pairs_mut().append_pair("$skiptoken", &skip.to_string());
    next.into()
}

fn bad_query(message: &str) -> ResponseTemplate {
    arm_error(400, "BadRequest", &format!("Invalid query definition: {message}"))
}

/// `POST .../providers/Microsoft.CostManagement/query`: the documented query of a cost per day
/// and service over a custom time period (what the cost adapter asks), answered as the API's
/// table: `columns` (the aggregation's name, `UsageDate`, the grouping's dimension,
/// `Currency`) and `rows`, `cost_page_size` rows a page, with a `nextLink` to POST again.
fn cost_query(world: &AzureWorld, base: &str, subscription: &AzureSubscription, request: &Request) -> ResponseTemplate {
    if request.method.as_str() != "POST" {
        return arm_error(405, "MethodNotAllowed", "The query is a POST with a query definition.");
    }
    let Ok(query) = serde_json::from_slice::<Value>(&request.body) else {
        return bad_query("the body is not JSON.");
    };
    let text = |pointer: &str| query.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_owned();
    if !["ActualCost", "AmortizedCost", "Usage"].contains(&text("/type").as_str()) {
        return bad_query("type is ActualCost, AmortizedCost or Usage.");
    }
    // the double knows no calendar of its own: it answers custom periods only
    if text("/timeframe") != "Custom" {
        return bad_query("this double answers a Custom timeframe with a timePeriod only.");
    }
    let day = |pointer: &str| text(pointer).get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    let (Some(from), Some(to)) = (day("/timePeriod/from"), day("/timePeriod/to")) else {
        return bad_query("timePeriod needs from and to as ISO 8601 dates.");
    };
    if text("/dataset/granularity") != "Daily" {
        return bad_query("this double answers a Daily granularity only.");
    }
    let grouping = query.pointer("/dataset/grouping").cloned().unwrap_or_default();
    if grouping != json!([{ "type": "Dimension", "name": "ServiceName" }]) {
        return bad_query("this double groups by the ServiceName dimension only.");
    }
    let Some(cost_column) = query
        .pointer("/dataset/aggregation")
        .and_then(Value::as_object)
        .and_then(|aggregations| aggregations.values().find(|a| a["function"] == "Sum"))
        .and_then(|sum| sum["name"].as_str())
        .filter(|name| ["Cost", "PreTaxCost", "CostUSD"].contains(name))
    else {
        return bad_query("the aggregation is a Sum of Cost, PreTaxCost or CostUSD.");
    };
    let rows: Vec<Value> = subscription
        .costs
        .iter()
        .filter(|c| (from..=to).contains(&c.day))
        .map(|c| {
            let amount: f64 = c.amount.parse().unwrap_or_default();
            let usage_date: u64 = c.day.format("%Y%m%d").to_string().parse().expect("a date as digits");
            json!([amount, usage_date, c.service, c.currency])
        })
        .collect();
    let (page, next) = window(&rows, skip_token(request), world.cost_page_size);
    let name = "6dc7b06a-d90a-4df5-b655-ce6cf1c0814d";
    ResponseTemplate::new(200).set_body_json(json!({
        "id": format!("subscriptions/{}/providers/Microsoft.CostManagement/query/{name}", subscription.id),
        "name": name,
        "type": "Microsoft.CostManagement/query",
        "location": null,
        "sku": null,
        "eTag": null,
        "properties": {
            "nextLink": next.map(|skip| next_link(base, request, skip)),
            "columns": [
                { "name": cost_column, "type": "Number" },
                { "name": "UsageDate", "type": "Number" },
                { "name": "ServiceName", "type": "String" },
                { "name": "Currency", "type": "String" }
            ],
            "rows": page,
        },
    }))
}

fn token(world: &AzureWorld, path: &str, request: &Request) -> ResponseTemplate {
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body).into_owned().collect();
    let tenant = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    if tenant != world.tenant_id {
        return oauth_error(400, "invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    if form.get("client_id") != Some(&world.client_id) {
        return oauth_error(400, "unauthorized_client", 700016, "Application was not found in the directory.");
    }
    if form.get("client_secret") != Some(&world.client_secret) {
        return oauth_error(401, "invalid_client", 7000215, "Invalid client secret provided.");
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    }
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "Bearer",
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": format!("azure-token-{}", world.tenant_id),
    }))
}

fn id(sub: &str, group: &str, provider: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{group}/providers/{provider}/{name}")
}

fn vm_json(sub: &str, vm: &AzureVm, status_only: bool) -> Value {
    let vm_id = id(sub, &vm.resource_group, "Microsoft.Compute/virtualMachines", &vm.name);
    if status_only {
        return json!({
            "id": vm_id,
            "name": vm.name,
            "type": "Microsoft.Compute/virtualMachines",
            "location": vm.location,
            "properties": { "instanceView": { "statuses": [
                { "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded" },
                { "code": format!("PowerState/{}", vm.power_state), "level": "Info", "displayStatus": format!("VM {}", vm.power_state) },
            ] } },
        });
    }
    json!({
        "id": vm_id,
        "name": vm.name,
        "type": "Microsoft.Compute/virtualMachines",
        "location": vm.location,
        "tags": vm.tags,
        "properties": {
            "vmId": format!("00000000-0000-4000-8000-{:012x}", vm.name.len()),
            "hardwareProfile": { "vmSize": vm.size },
            "storageProfile": { "osDisk": {
                "osType": "Linux",
                "name": format!("{}-osdisk", vm.name),
                "createOption": "FromImage",
                "diskSizeGB": vm.os_disk_gb,
                "managedDisk": { "id": id(sub, &vm.resource_group, "Microsoft.Compute/disks", &format!("{}-osdisk", vm.name)) },
            } },
            "networkProfile": { "networkInterfaces": [
                { "id": id(sub, &vm.resource_group, "Microsoft.Network/networkInterfaces", &format!("{}-nic", vm.name)) },
            ] },
            "provisioningState": "Succeeded",
            "timeCreated": "2026-01-15T10:00:00+00:00",
        },
    })
}

fn disks(sub: &str, subscription: &AzureSubscription) -> Vec<Value> {
    let attached = subscription.vms.iter().map(|vm| {
        json!({
            "id": id(sub, &vm.resource_group, "Microsoft.Compute/disks", &format!("{}-osdisk", vm.name)),
            "name": format!("{}-osdisk", vm.name),
            "type": "Microsoft.Compute/disks",
            "location": vm.location,
            "managedBy": id(sub, &vm.resource_group, "Microsoft.Compute/virtualMachines", &vm.name),
            "sku": { "name": "Premium_LRS", "tier": "Premium" },
            "properties": { "creationData": { "createOption": "FromImage" }, "diskSizeGB": vm.os_disk_gb, "diskState": "Attached", "provisioningState": "Succeeded", "timeCreated": "2026-01-15T10:00:00+00:00", "encryption": { "type": "EncryptionAtRestWithPlatformKey" } },
        })
    });
    let spare = subscription.unattached_disks.iter().map(|(name, location, gb)| {
        json!({
            "id": id(sub, "spare", "Microsoft.Compute/disks", name),
            "name": name,
            "type": "Microsoft.Compute/disks",
            "location": location,
            "sku": { "name": "Standard_LRS", "tier": "Standard" },
            "properties": { "creationData": { "createOption": "Empty" }, "diskSizeGB": gb, "diskState": "Unattached", "provisioningState": "Succeeded", "timeCreated": "2026-02-01T10:00:00+00:00", "encryption": { "type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": format!("/subscriptions/{sub}/resourceGroups/spare/providers/Microsoft.Compute/diskEncryptionSets/keys") } },
        })
    });
    attached.chain(spare).collect()
}

fn nic_json(sub: &str, vm: &AzureVm, nsgs: &[AzureNsg]) -> Value {
    let mut ip_config = json!({ "privateIPAddress": vm.private_ip, "privateIPAllocationMethod": "Dynamic" });
    if vm.public_ip.is_some() {
        ip_config["publicIPAddress"] = json!({ "id": id(sub, &vm.resource_group, "Microsoft.Network/publicIPAddresses", &format!("{}-ip", vm.name)) });
    }
    let mut nic = json!({
        "id": id(sub, &vm.resource_group, "Microsoft.Network/networkInterfaces", &format!("{}-nic", vm.name)),
        "name": format!("{}-nic", vm.name),
        "type": "Microsoft.Network/networkInterfaces",
        "location": vm.location,
        "properties": {
            "ipConfigurations": [ { "name": "ipconfig1", "properties": ip_config } ],
            "virtualMachine": { "id": id(sub, &vm.resource_group, "Microsoft.Compute/virtualMachines", &vm.name) },
            "provisioningState": "Succeeded",
        },
    });
    if let Some(nsg) = nsgs.iter().find(|n| n.vms.contains(&vm.name)) {
        nic["properties"]["networkSecurityGroup"] =
            json!({ "id": id(sub, &nsg.resource_group, "Microsoft.Network/networkSecurityGroups", &nsg.name) });
    }
    nic
}

fn nsg_json(sub: &str, nsg: &AzureNsg) -> Value {
    let nsg_id = id(sub, &nsg.resource_group, "Microsoft.Network/networkSecurityGroups", &nsg.name);
    let rules: Vec<Value> = nsg
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": format!("{nsg_id}/securityRules/{}", r.name),
                "name": r.name,
                "properties": {
                    "protocol": r.protocol,
                    "sourcePortRange": "*",
                    "destinationPortRange": r.destination_port_range,
                    "sourceAddressPrefix": r.source_address_prefix,
                    "destinationAddressPrefix": "*",
                    "access": r.access,
                    "priority": 100 + i * 10,
                    "direction": r.direction,
                    "provisioningState": "Succeeded",
                },
            })
        })
        .collect();
    json!({
        "id": nsg_id,
        "name": nsg.name,
        "type": "Microsoft.Network/networkSecurityGroups",
        "location": nsg.location,
        "tags": {},
        "properties": { "securityRules": rules, "provisioningState": "Succeeded" },
    })
}

fn public_ips(sub: &str, subscription: &AzureSubscription) -> Vec<Value> {
    let associated = subscription.vms.iter().filter_map(|vm| {
        let address = vm.public_ip.as_ref()?;
        let nic = id(sub, &vm.resource_group, "Microsoft.Network/networkInterfaces", &format!("{}-nic", vm.name));
        Some(json!({
            "id": id(sub, &vm.resource_group, "Microsoft.Network/publicIPAddresses", &format!("{}-ip", vm.name)),
            "name": format!("{}-ip", vm.name),
            "type": "Microsoft.Network/publicIPAddresses",
            "location": vm.location,
            "sku": { "name": "Standard" },
            "properties": {
                "ipAddress": address,
                "publicIPAllocationMethod": "Static",
                "ipConfiguration": { "id": format!("{nic}/ipConfigurations/ipconfig1") },
                "provisioningState": "Succeeded",
            },
        }))
    });
    let spare = subscription.unassociated_ips.iter().map(|(name, location, address)| {
        json!({
            "id": id(sub, "spare", "Microsoft.Network/publicIPAddresses", name),
            "name": name,
            "type": "Microsoft.Network/publicIPAddresses",
            "location": location,
            "sku": { "name": "Standard" },
            "properties": { "ipAddress": address, "publicIPAllocationMethod": "Static", "provisioningState": "Succeeded" },
        })
    });
    associated.chain(spare).collect()
}

fn vnet_json(sub: &str, vnet: &AzureVnet) -> Value {
    let vnet_id = id(sub, &vnet.resource_group, "Microsoft.Network/virtualNetworks", &vnet.name);
    let subnets: Vec<Value> = vnet
        .subnets
        .iter()
        .map(|(name, prefix)| {
            json!({
                "id": format!("{vnet_id}/subnets/{name}"),
                "name": name,
                "properties": { "addressPrefix": prefix, "provisioningState": "Succeeded" },
            })
        })
        .collect();
    json!({
        "id": vnet_id,
        "name": vnet.name,
        "type": "Microsoft.Network/virtualNetworks",
        "location": vnet.location,
        "tags": {},
        "properties": {
            "addressSpace": { "addressPrefixes": [vnet.address_prefix] },
            "subnets": subnets,
            "provisioningState": "Succeeded",
        },
    })
}

fn storage_json(sub: &str, account: &AzureStorageAccount) -> Value {
    json!({
        "id": id(sub, &account.resource_group, "Microsoft.Storage/storageAccounts", &account.name),
        "name": account.name,
        "type": "Microsoft.Storage/storageAccounts",
        "location": account.location,
        "kind": account.kind,
        "sku": { "name": account.sku, "tier": "Standard" },
        "tags": {},
        "properties": {
            "provisioningState": "Succeeded",
            "creationTime": "2026-01-10T08:00:00.0000000Z",
            "primaryLocation": account.location,
            "statusOfPrimary": "available",
            "supportsHttpsTrafficOnly": account.https_only,
            "allowBlobPublicAccess": account.public_blob_access,
            "minimumTlsVersion": account.min_tls_version,
        },
    })
}
