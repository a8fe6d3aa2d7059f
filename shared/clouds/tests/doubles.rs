//! The Azure and GCP inventory adapters against HTTP doubles serving the providers' documented
//! JSON (ARM, Compute Engine) and the Cloud Storage emulator: normalised resources, paging,
//! 429 with Retry-After, 401/403 and malformed bodies.

use std::collections::BTreeMap;
use std::sync::Arc;

use skyforge_app::clouds::{CloudError, CloudInventory, RegionListing};
use skyforge_app::config::CloudEndpoints;
use skyforge_cloud_doubles::azure::AzureDouble;
use skyforge_cloud_doubles::demo::{
    self, AZURE_CLIENT, AZURE_SECRET, AZURE_SUBSCRIPTION, AZURE_TENANT, GCP_EMAIL, GCP_PROJECT,
};
use skyforge_cloud_doubles::gcp::GcpDouble;
use skyforge_cloud_doubles::gcs::GcsEmulator;
use skyforge_cloud_doubles::service_account_key;
use skyforge_cloud_signin::{AzureAuth, GcpAuth, ProviderHttp};
use skyforge_clouds::{AzureInventory, GcpInventory, WholeAccount};
use skyforge_domain::credentials::{CloudSecret, Sensitive};
use skyforge_domain::inventory::{Resource, ResourceState, ResourceType};

fn azure_secret(secret: &str) -> CloudSecret {
    CloudSecret::AzureServicePrincipal {
        tenant_id: AZURE_TENANT.into(),
        client_id: AZURE_CLIENT.into(),
        client_secret: Sensitive::new(secret),
        subscription_ids: vec![AZURE_SUBSCRIPTION.into()],
    }
}

fn azure(double: &AzureDouble) -> WholeAccount<AzureInventory> {
    let endpoints = CloudEndpoints { azure_login: double.uri(), azure_arm: double.uri(), ..CloudEndpoints::default() };
    WholeAccount(AzureInventory::new(Arc::new(AzureAuth::new(ProviderHttp::default(), &endpoints))))
}

fn by_name(listing: &RegionListing, kind: ResourceType) -> BTreeMap<String, Resource> {
    listing
        .resources
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| (r.name.clone().unwrap_or_default(), r.clone()))
        .collect()
}

#[tokio::test]
async fn azure_subscription_is_listed_and_normalised() {
    let double = AzureDouble::start(demo::azure_world()).await; // two items a page: nextLink everywhere
    let inventory = azure(&double);
    let secret = azure_secret(AZURE_SECRET);
    assert_eq!(
        inventory.scopes(&secret).await.unwrap(),
        vec![(AZURE_SUBSCRIPTION.to_owned(), vec!["global".to_owned()])]
    );
    let listing = inventory.list_region(&secret, AZURE_SUBSCRIPTION, "global").await.unwrap();

    let vms = by_name(&listing, ResourceType::Vm);
    assert_eq!(vms.len(), 3, "three VMs over two pages");
    let web = &vms["demo-web-1"];
    assert_eq!(
        (web.state, web.size.as_deref(), web.region.as_str()),
        (ResourceState::Running, Some("Standard_B2s"), "westeurope")
    );
    assert_eq!(
        (web.public_ips.clone(), web.private_ips.clone()),
        (vec!["20.61.10.4".to_owned()], vec!["10.1.0.4".to_owned()])
    );
    assert_eq!(web.tags.get("role").map(String::as_str), Some("web"));
    assert_eq!(web.attributes.get("resource_group").map(String::as_str), Some("demo-rg"));
    assert_eq!(web.attributes.get("os_disk").map(String::as_str), Some("demo-web-1-osdisk"));
    assert_eq!(web.account, AZURE_SUBSCRIPTION);
    assert!(web.created_at.is_some());
    // deallocated is stopped, from the instance view
    assert_eq!(vms["demo-batch-1"].state, ResourceState::Stopped);
    assert_eq!(vms["demo-batch-1"].attributes.get("power_state").map(String::as_str), Some("deallocated"));

    let disks = by_name(&listing, ResourceType::Disk);
    assert_eq!(disks.len(), 4);
    assert_eq!(disks["demo-web-1-osdisk"].state, ResourceState::InUse);
    assert_eq!(disks["demo-web-1-osdisk"].attributes.get("attached_to").map(String::as_str), Some("demo-web-1"));
    assert_eq!(
        (disks["demo-old-data"].state, disks["demo-old-data"].size.as_deref()),
        (ResourceState::Available, Some("128 GiB"))
    );

    let ips = by_name(&listing, ResourceType::PublicIp);
    assert_eq!(ips["demo-web-1-ip"].state, ResourceState::InUse);
    assert_eq!(ips["demo-spare-ip"].state, ResourceState::Available);

    assert_eq!(by_name(&listing, ResourceType::Network).len(), 2);
    let subnets = by_name(&listing, ResourceType::Subnet);
    assert_eq!(subnets.len(), 3);
    assert_eq!(subnets["app"].attributes.get("cidr").map(String::as_str), Some("10.1.0.0/24"));
    let accounts = by_name(&listing, ResourceType::Bucket);
    assert_eq!(accounts["skyforgedemologs"].size.as_deref(), Some("Standard_LRS"));
    assert_eq!(accounts["skyforgedemologs"].attributes.get("kind").map(String::as_str), Some("StorageV2"));

    let operations: Vec<&str> = listing.calls.iter().map(|c| c.operation).collect();
    assert!(
        operations.contains(&"VirtualMachines.ListAll") && operations.contains(&"StorageAccounts.List"),
        "{operations:?}"
    );
    assert!(listing.calls.iter().all(|c| c.error.is_none()));
}

#[tokio::test]
async fn azure_throttling_is_waited_out_and_failures_are_clear() {
    let double = AzureDouble::start(demo::azure_world()).await;
    let inventory = azure(&double);
    let secret = azure_secret(AZURE_SECRET);

    double.update(|w| w.throttle_next = 2);
    let listing = inventory.list_region(&secret, AZURE_SUBSCRIPTION, "global").await.expect("429s are retried");
    assert_eq!(by_name(&listing, ResourceType::Vm).len(), 3);
    assert!(
        listing.calls.iter().any(|c| c.error == Some("throttled")),
        "the throttled attempts are recorded for health"
    );

    double.update(|w| {
        w.forbidden.insert(AZURE_SUBSCRIPTION.into());
    });
    let (error, calls) = inventory.list_region(&secret, AZURE_SUBSCRIPTION, "global").await.unwrap_err();
    assert!(matches!(error, CloudError::AccessDenied(_)), "{error}");
    assert!(!calls.is_empty());

    double.update(|w| {
        w.forbidden.clear();
        w.malformed_vm_list = true;
    });
    let (error, _) = inventory.list_region(&secret, AZURE_SUBSCRIPTION, "global").await.unwrap_err();
    assert_eq!(error.code(), "malformed_response", "{error}");

    let (error, _) =
        azure(&double).list_region(&azure_secret("wrong"), AZURE_SUBSCRIPTION, "global").await.unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(why) if why.contains("client secret is wrong")), "{error}");
}

struct Gcp {
    double: GcpDouble,
    storage: GcsEmulator,
    key: String,
}

async fn gcp() -> Gcp {
    let double = GcpDouble::start(demo::gcp_world("")).await;
    let (key, public) = service_account_key(GCP_EMAIL, GCP_PROJECT, &double.token_uri());
    double.update(|w| w.public_key_pem = public);
    let storage = GcsEmulator::start().await.expect("the Cloud Storage emulator (infra/local/setup.sh installs it)");
    storage.create_bucket(GCP_PROJECT, "demo-assets").await.unwrap();
    Gcp { double, storage, key }
}

impl Gcp {
    fn inventory(&self) -> WholeAccount<GcpInventory> {
        let endpoints = CloudEndpoints {
            gcp_compute: self.double.uri(),
            gcp_storage: self.storage.uri().to_owned(),
            ..CloudEndpoints::default()
        };
        WholeAccount(GcpInventory::new(Arc::new(GcpAuth::new(ProviderHttp::default(), &endpoints))))
    }

    fn secret(&self) -> CloudSecret {
        CloudSecret::GcpServiceAccount {
            client_email: GCP_EMAIL.into(),
            key_json: Sensitive::new(self.key.clone()),
            project_ids: vec![GCP_PROJECT.into()],
            billing_export: None,
        }
    }
}

#[tokio::test]
async fn gcp_project_is_listed_and_normalised() {
    let gcp = gcp().await;
    let listing = gcp.inventory().list_region(&gcp.secret(), GCP_PROJECT, "global").await.unwrap();

    let vms = by_name(&listing, ResourceType::Vm);
    assert_eq!(vms.len(), 3, "aggregated over zones and pages");
    let front = &vms["demo-frontend-1"];
    assert_eq!(
        (front.state, front.size.as_deref(), front.region.as_str()),
        (ResourceState::Running, Some("e2-medium"), "us-central1-a")
    );
    assert_eq!(
        (front.public_ips.clone(), front.private_ips.clone()),
        (vec!["34.70.1.2".to_owned()], vec!["10.128.0.2".to_owned()])
    );
    assert_eq!(front.tags.get("role").map(String::as_str), Some("web"));
    assert_eq!(front.attributes.get("boot_disk").map(String::as_str), Some("demo-frontend-1"));
    // TERMINATED is stopped
    assert_eq!(vms["demo-report-1"].state, ResourceState::Stopped);

    let disks = by_name(&listing, ResourceType::Disk);
    assert_eq!(disks["demo-frontend-1"].state, ResourceState::InUse);
    assert_eq!(
        (disks["demo-orphan-disk"].state, disks["demo-orphan-disk"].size.as_deref()),
        (ResourceState::Available, Some("200 GiB"))
    );
    let ips = by_name(&listing, ResourceType::PublicIp);
    assert_eq!(
        (ips["demo-frontend-1-ip"].state, ips["demo-reserved-ip"].state),
        (ResourceState::InUse, ResourceState::Available)
    );
    assert_eq!(by_name(&listing, ResourceType::Network)["demo-vpc"].region, "global");
    let subnets = by_name(&listing, ResourceType::Subnet);
    assert_eq!(
        (subnets["demo-eu"].region.as_str(), subnets["demo-eu"].attributes.get("cidr").map(String::as_str)),
        ("europe-west1", Some("10.132.0.0/20"))
    );

    // from the Cloud Storage emulator, as it reports them
    let bucket = &by_name(&listing, ResourceType::Bucket)["demo-assets"];
    assert_eq!((bucket.region.as_str(), bucket.size.as_deref()), ("us", Some("STANDARD")));
    assert!(listing.calls.iter().any(|c| c.service == "storage" && c.operation == "buckets.list"));
}

#[tokio::test]
async fn gcp_failures_are_clear_and_throttling_is_waited_out() {
    let gcp = gcp().await;
    let inventory = gcp.inventory();
    gcp.double.update(|w| w.throttle_next = 2);
    let listing = inventory.list_region(&gcp.secret(), GCP_PROJECT, "global").await.expect("429s are retried");
    assert_eq!(by_name(&listing, ResourceType::Vm).len(), 3);

    gcp.double.update(|w| {
        w.forbidden.insert(GCP_PROJECT.into());
    });
    let (error, calls) = inventory.list_region(&gcp.secret(), GCP_PROJECT, "global").await.unwrap_err();
    assert!(matches!(&error, CloudError::AccessDenied(why) if why.contains("compute.instances.list")), "{error}");
    assert!(calls.iter().any(|c| c.error == Some("access_denied")));

    gcp.double.update(|w| {
        w.forbidden.clear();
        w.malformed_instance_list = true;
    });
    let (error, _) = inventory.list_region(&gcp.secret(), GCP_PROJECT, "global").await.unwrap_err();
    assert_eq!(error.code(), "malformed_response");

    let (other_key, _) = service_account_key(GCP_EMAIL, GCP_PROJECT, &gcp.double.token_uri());
    let stranger = CloudSecret::GcpServiceAccount {
        client_email: GCP_EMAIL.into(),
        key_json: Sensitive::new(other_key),
        project_ids: vec![GCP_PROJECT.into()],
        billing_export: None,
    };
    let (error, _) = inventory.list_region(&stranger, GCP_PROJECT, "global").await.unwrap_err();
    assert_eq!(error.code(), "invalid_credential");
}

fn attr<'a>(resource: &'a Resource, key: &str) -> Option<&'a str> {
    resource.attributes.get(key).map(String::as_str)
}

#[tokio::test]
async fn azure_listing_carries_what_the_compliance_checks_read() {
    let double = AzureDouble::start(demo::azure_world()).await;
    let listing = azure(&double).list_region(&azure_secret(AZURE_SECRET), AZURE_SUBSCRIPTION, "global").await.unwrap();

    let nsgs = by_name(&listing, ResourceType::Firewall);
    assert_eq!(attr(&nsgs["demo-web-nsg"], "ingress"), Some("tcp|22-22|*,tcp|443-443|Internet"));
    let vms = by_name(&listing, ResourceType::Vm);
    assert_eq!(attr(&vms["demo-web-1"], "internet_admin_ports"), Some("22"), "SSH through the NIC's NSG");
    assert_eq!(attr(&vms["demo-api-1"], "internet_admin_ports"), Some(""), "no NSG, nothing known to be open");

    let accounts = by_name(&listing, ResourceType::Bucket);
    let archive = &accounts["skyforgedemoarchive"];
    assert_eq!(
        (attr(archive, "public_blob_access"), attr(archive, "https_only"), attr(archive, "min_tls_version")),
        (Some("true"), Some("false"), Some("TLS1_0"))
    );
    assert_eq!(attr(&accounts["skyforgedemologs"], "https_only"), Some("true"));

    let disks = by_name(&listing, ResourceType::Disk);
    assert_eq!(attr(&disks["demo-web-1-osdisk"], "encryption_key"), Some("provider_managed"));
    assert_eq!(attr(&disks["demo-old-data"], "encryption_key"), Some("customer_managed"));
    assert!(listing.calls.iter().any(|c| c.operation == "NetworkSecurityGroups.ListAll"));
}

#[tokio::test]
async fn gcp_listing_carries_what_the_compliance_checks_read() {
    let gcp = gcp().await;
    let listing = gcp.inventory().list_region(&gcp.secret(), GCP_PROJECT, "global").await.unwrap();

    let rules = by_name(&listing, ResourceType::Firewall);
    assert_eq!(attr(&rules["demo-allow-rdp"], "ingress"), Some("tcp|3389-3389|0.0.0.0/0"));
    assert_eq!(attr(&rules["demo-allow-rdp"], "target_tags"), Some("web"));
    assert_eq!(attr(&rules["demo-allow-internal"], "ingress"), Some("all|0-65535|10.128.0.0/9"));
    let vms = by_name(&listing, ResourceType::Vm);
    assert_eq!(attr(&vms["demo-frontend-1"], "internet_admin_ports"), Some("3389"), "targeted by its web tag");
    assert_eq!(attr(&vms["demo-worker-1"], "internet_admin_ports"), Some(""));

    let disks = by_name(&listing, ResourceType::Disk);
    assert_eq!(attr(&disks["demo-frontend-1"], "encryption_key"), Some("provider_managed"));
    assert_eq!(attr(&disks["demo-orphan-disk"], "encryption_key"), Some("customer_managed"));
    assert!(listing.calls.iter().any(|c| c.operation == "firewalls.list"));
}
