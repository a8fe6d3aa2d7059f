//! The demo Azure subscription and GCP project: what `make up` shows next to the demo AWS
//! account, and what the end-to-end tests sync. Every name says `demo`, every resource carries
//! the `skyforge-demo` tag or label.

use std::collections::BTreeMap;

use crate::azure::{AzureStorageAccount, AzureSubscription, AzureVm, AzureVnet, AzureWorld};
use crate::gcp::{GcpInstance, GcpNetwork, GcpProject, GcpWorld};

pub const AZURE_TENANT: &str = "d3a0f1c2-0000-4000-8000-00000000de70";
pub const AZURE_CLIENT: &str = "d3a0f1c2-0000-4000-8000-0000000c1e27";
/// Only the double accepts it.
pub const AZURE_SECRET: &str = "demo-client-secret-not-a-real-one";
pub const AZURE_SUBSCRIPTION: &str = "d3a0f1c2-0000-4000-8000-000000005b51";
pub const GCP_PROJECT: &str = "skyforge-demo-project";
pub const GCP_EMAIL: &str = "skyforge-reader@skyforge-demo-project.iam.gserviceaccount.com";
/// The tag (Azure) and label (GCP) on every demo resource.
pub const DEMO_TAG: &str = "skyforge-demo";

fn tags(role: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(DEMO_TAG.to_owned(), "true".to_owned()), ("role".to_owned(), role.to_owned())])
}

fn vm(name: &str, location: &str, size: &str, power: &str, ip: (&str, Option<&str>), role: &str) -> AzureVm {
    AzureVm {
        name: name.into(),
        resource_group: "demo-rg".into(),
        location: location.into(),
        size: size.into(),
        power_state: power.into(),
        private_ip: ip.0.into(),
        public_ip: ip.1.map(Into::into),
        os_disk_gb: 30,
        tags: tags(role),
    }
}

/// One subscription: three VMs (one deallocated), a spare disk and IP, two VNets, two storage
/// accounts, across two locations.
pub fn azure_world() -> AzureWorld {
    let mut world = AzureWorld::new(AZURE_TENANT, AZURE_CLIENT, AZURE_SECRET);
    world.subscriptions.push(AzureSubscription {
        id: AZURE_SUBSCRIPTION.into(),
        name: "Skyforge demo subscription".into(),
        vms: vec![
            vm("demo-web-1", "westeurope", "Standard_B2s", "running", ("10.1.0.4", Some("20.61.10.4")), "web"),
            vm("demo-api-1", "westeurope", "Standard_D2s_v5", "running", ("10.1.0.5", None), "api"),
            vm("demo-batch-1", "eastus", "Standard_D4s_v5", "deallocated", ("10.2.0.4", None), "batch"),
        ],
        unattached_disks: vec![("demo-old-data".into(), "westeurope".into(), 128)],
        unassociated_ips: vec![("demo-spare-ip".into(), "eastus".into(), "52.170.3.9".into())],
        vnets: vec![
            AzureVnet {
                name: "demo-vnet-weu".into(),
                resource_group: "demo-rg".into(),
                location: "westeurope".into(),
                address_prefix: "10.1.0.0/16".into(),
                subnets: vec![("app".into(), "10.1.0.0/24".into()), ("data".into(), "10.1.1.0/24".into())],
            },
            AzureVnet {
                name: "demo-vnet-eus".into(),
                resource_group: "demo-rg".into(),
                location: "eastus".into(),
                address_prefix: "10.2.0.0/16".into(),
                subnets: vec![("batch".into(), "10.2.0.0/24".into())],
            },
        ],
        storage_accounts: vec![
            AzureStorageAccount {
                name: "skyforgedemologs".into(),
                resource_group: "demo-rg".into(),
                location: "westeurope".into(),
                kind: "StorageV2".into(),
                sku: "Standard_LRS".into(),
            },
            AzureStorageAccount {
                name: "skyforgedemoarchive".into(),
                resource_group: "demo-rg".into(),
                location: "eastus".into(),
                kind: "BlobStorage".into(),
                sku: "Standard_GRS".into(),
            },
        ],
    });
    world
}

fn instance(name: &str, zone: &str, machine: &str, status: &str, ip: (&str, Option<&str>), role: &str) -> GcpInstance {
    GcpInstance {
        name: name.into(),
        zone: zone.into(),
        machine_type: machine.into(),
        status: status.into(),
        internal_ip: ip.0.into(),
        external_ip: ip.1.map(Into::into),
        boot_disk_gb: 20,
        labels: tags(role),
    }
}

/// One project: three instances in two zones (one terminated), a spare disk and address, a
/// VPC network with two subnetworks.
pub fn gcp_world(public_key_pem: &str) -> GcpWorld {
    let mut world = GcpWorld::new(GCP_EMAIL, public_key_pem);
    world.projects.push(GcpProject {
        id: GCP_PROJECT.into(),
        instances: vec![
            instance(
                "demo-frontend-1",
                "us-central1-a",
                "e2-medium",
                "RUNNING",
                ("10.128.0.2", Some("34.70.1.2")),
                "web",
            ),
            instance("demo-worker-1", "us-central1-b", "e2-standard-4", "RUNNING", ("10.128.0.3", None), "worker"),
            instance("demo-report-1", "europe-west1-b", "n2-standard-2", "TERMINATED", ("10.132.0.2", None), "batch"),
        ],
        unattached_disks: vec![("demo-orphan-disk".into(), "us-central1-a".into(), 200)],
        reserved_addresses: vec![("demo-reserved-ip".into(), "us-central1".into(), "34.70.9.9".into())],
        networks: vec![GcpNetwork {
            name: "demo-vpc".into(),
            subnets: vec![
                ("demo-us".into(), "us-central1".into(), "10.128.0.0/20".into()),
                ("demo-eu".into(), "europe-west1".into(), "10.132.0.0/20".into()),
            ],
        }],
    });
    world
}
