//! The demo Azure subscription and GCP project: what `make up` shows next to the demo AWS
//! account, and what the end-to-end tests sync. Every name says `demo`, every resource carries
//! the `skyforge-demo` tag or label. Both have 90 days of daily costs up to today (UTC), in USD,
//! across six services each (the demo AWS account's Cost Explorer data is seeded alike).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::azure::{AzureNsg, AzureNsgRule, AzureStorageAccount, AzureSubscription, AzureVm, AzureVnet, AzureWorld};
use crate::costs::DailyCost;
use crate::gcp::{GcpFirewall, GcpInstance, GcpNetwork, GcpProject, GcpWorld};

pub const AZURE_TENANT: &str = "d3a0f1c2-0000-4000-8000-00000000de70";
pub const AZURE_CLIENT: &str = "d3a0f1c2-0000-4000-8000-0000000c1e27";
/// Only the double accepts it.
pub const AZURE_SECRET: &str = "demo-client-secret-not-a-real-one";
pub const AZURE_SUBSCRIPTION: &str = "d3a0f1c2-0000-4000-8000-000000005b51";
pub const GCP_PROJECT: &str = "skyforge-demo-project";
pub const GCP_EMAIL: &str = "skyforge-reader@skyforge-demo-project.iam.gserviceaccount.com";
/// The tag (Azure) and label (GCP) on every demo resource.
pub const DEMO_TAG: &str = "skyforge-demo";
/// The demo GCP credential's Cloud Billing export table, in the demo project.
pub const GCP_BILLING_EXPORT: &str = "skyforge-demo-project.billing_export.gcp_billing_export_v1_01D3A0_F1C200_00DE70";
/// Days of demo costs, up to today.
pub const COST_DAYS: i64 = 90;

/// The demo subscription's services: (Cost Management's `ServiceName`, USD a weekday, whether
/// usage drops at weekends).
const AZURE_SERVICES: [(&str, f64, bool); 6] = [
    ("Virtual Machines", 14.20, true),
    ("Storage", 4.10, false),
    ("Bandwidth", 1.35, true),
    ("Azure Monitor", 0.90, false),
    ("Virtual Network", 0.48, false),
    ("Azure DNS", 0.06, false),
];

/// The demo project's services: (the export's `service.description`, USD a weekday, whether
/// usage drops at weekends).
const GCP_SERVICES: [(&str, f64, bool); 6] = [
    ("Compute Engine", 11.80, true),
    ("Cloud Storage", 2.40, false),
    ("Networking", 1.10, true),
    ("BigQuery", 0.75, true),
    ("Cloud Logging", 0.35, false),
    ("Cloud Monitoring", 0.12, false),
];

/// `days` days of daily costs up to `today` for `services`, in USD. Deterministic: a slow rise
/// over the period, a dip at weekends for usage-driven services, and a wobble of a few percent
/// that depends on the date and the service only.
pub fn daily_costs(services: &[(&str, f64, bool)], today: NaiveDate, days: i64) -> Vec<DailyCost> {
    let mut costs = Vec::new();
    for back in (0..days).rev() {
        let day = today - Duration::days(back);
        let trend = 1.0 + (days - back) as f64 * 0.002;
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        for (i, (service, base, dips)) in services.iter().enumerate() {
            let wobble = 1.0 + ((i64::from(day.num_days_from_ce()) * 7 + i as i64 * 13) % 11) as f64 / 100.0;
            let shape = if *dips && weekend { 0.7 } else { 1.0 };
            costs.push(DailyCost {
                day,
                service: (*service).to_owned(),
                amount: format!("{:.6}", base * shape * trend * wobble),
                currency: "USD".to_owned(),
            });
        }
    }
    costs
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

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
                public_blob_access: false,
                https_only: true,
                min_tls_version: "TLS1_2".into(),
            },
            AzureStorageAccount {
                name: "skyforgedemoarchive".into(),
                resource_group: "demo-rg".into(),
                location: "eastus".into(),
                kind: "BlobStorage".into(),
                sku: "Standard_GRS".into(),
                // deliberately non-compliant, so the demo shows compliance findings
                public_blob_access: true,
                https_only: false,
                min_tls_version: "TLS1_0".into(),
            },
        ],
        network_security_groups: vec![AzureNsg {
            name: "demo-web-nsg".into(),
            resource_group: "demo-rg".into(),
            location: "westeurope".into(),
            rules: vec![
                nsg_rule("allow-https", "Tcp", "443", "Internet"),
                // deliberately non-compliant: SSH from anywhere, on a VM with a public IP
                nsg_rule("allow-ssh", "Tcp", "22", "*"),
            ],
            vms: vec!["demo-web-1".into()],
        }],
        costs: daily_costs(&AZURE_SERVICES, today(), COST_DAYS),
    });
    world
}

fn nsg_rule(name: &str, protocol: &str, port: &str, source: &str) -> AzureNsgRule {
    AzureNsgRule {
        name: name.into(),
        direction: "Inbound".into(),
        access: "Allow".into(),
        protocol: protocol.into(),
        destination_port_range: port.into(),
        source_address_prefix: source.into(),
    }
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
        network_tags: vec![role.to_owned()],
    }
}

/// One project: three instances in two zones (one terminated), a spare disk and address, a
/// VPC network with two subnetworks; its costs in the billing export [`GCP_BILLING_EXPORT`].
pub fn gcp_world(public_key_pem: &str) -> GcpWorld {
    let mut world = GcpWorld::new(GCP_EMAIL, public_key_pem);
    world.billing_export = Some(GCP_BILLING_EXPORT.to_owned());
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
        firewalls: vec![
            GcpFirewall {
                name: "demo-allow-internal".into(),
                network: "default".into(),
                allowed: vec![("all".into(), vec![])],
                source_ranges: vec!["10.128.0.0/9".into()],
                target_tags: vec![],
            },
            // deliberately non-compliant: RDP from anywhere to the web instances (public IP)
            GcpFirewall {
                name: "demo-allow-rdp".into(),
                network: "default".into(),
                allowed: vec![("tcp".into(), vec!["3389".into()])],
                source_ranges: vec!["0.0.0.0/0".into()],
                target_tags: vec!["web".into()],
            },
        ],
        costs: daily_costs(&GCP_SERVICES, today(), COST_DAYS),
    });
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_costs_cover_90_days_of_six_services_with_quieter_weekends() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        let costs = daily_costs(&AZURE_SERVICES, today, COST_DAYS);
        assert_eq!(costs.len(), 90 * 6);
        assert_eq!((costs[0].day.to_string(), costs.last().unwrap().day), ("2026-08-25".into(), today));
        assert_eq!(costs, daily_costs(&AZURE_SERVICES, today, COST_DAYS), "the same every time");
        let day_total = |day: &str| -> f64 {
            costs.iter().filter(|c| c.day.to_string() == day).map(|c| c.amount.parse::<f64>().unwrap()).sum()
        };
        // Friday 20 and Saturday 21 November 2026
        let (friday, saturday) = (day_total("2026-11-20"), day_total("2026-11-21"));
        assert!((18.0..30.0).contains(&friday), "about 21 USD a weekday: {friday}");
        assert!(saturday < friday * 0.9, "{saturday} against {friday}");
        assert!(gcp_world("").billing_export.as_deref().is_some_and(|t| t.starts_with(GCP_PROJECT)));
    }
}
