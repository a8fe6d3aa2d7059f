//! One compliant and one non-compliant fixture per built-in check and per cloud it covers.

use skyforge_domain::compliance::{BUILTIN_CHECKS, Outcome};
use skyforge_domain::inventory::{Resource, ResourceType};
use skyforge_domain::provider::Provider;

use super::*;

/// (check, provider, type, native state, public IPs, non-compliant attributes, compliant attributes)
type Fixture = (
    &'static str,
    Provider,
    ResourceType,
    &'static str,
    bool,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);

const AWS: Provider = Provider::Aws;
const AZURE: Provider = Provider::Azure;
const GCP: Provider = Provider::Gcp;
const FW: ResourceType = ResourceType::Firewall;
const BUCKET: ResourceType = ResourceType::Bucket;
const DISK: ResourceType = ResourceType::Disk;
const VM: ResourceType = ResourceType::Vm;

const FIXTURES: &[Fixture] = &[
    // SSH: AWS and GCP say 0.0.0.0/0, Azure's NSG says `*` or `Internet`
    (
        "firewall_ssh_open",
        AWS,
        FW,
        "",
        false,
        &[("ingress", "tcp|22-22|0.0.0.0/0")],
        &[("ingress", "tcp|22-22|10.0.0.0/8,tcp|443-443|0.0.0.0/0")],
    ),
    (
        "firewall_ssh_open",
        AZURE,
        FW,
        "",
        false,
        &[("ingress", "tcp|22-22|Internet")],
        &[("ingress", "tcp|22-22|VirtualNetwork")],
    ),
    (
        "firewall_ssh_open",
        GCP,
        FW,
        "",
        false,
        &[("ingress", "all|0-65535|0.0.0.0/0")],
        &[("ingress", "tcp|80-80|0.0.0.0/0")],
    ),
    (
        "firewall_rdp_open",
        AWS,
        FW,
        "",
        false,
        &[("ingress", "tcp|3000-4000|::/0")],
        &[("ingress", "udp|3389-3389|0.0.0.0/0")],
    ),
    (
        "firewall_rdp_open",
        AZURE,
        FW,
        "",
        false,
        &[("ingress", "tcp|3389-3389|*")],
        &[("ingress", "tcp|3389-3389|192.0.2.0/24")],
    ),
    ("firewall_rdp_open", GCP, FW, "", false, &[("ingress", "tcp|3389-3389|0.0.0.0/0")], &[("ingress", "")]),
    (
        "firewall_all_ports_open",
        AWS,
        FW,
        "",
        false,
        &[("ingress", "all|0-65535|0.0.0.0/0")],
        &[("ingress", "tcp|22-22|0.0.0.0/0")],
    ),
    (
        "firewall_all_ports_open",
        AZURE,
        FW,
        "",
        false,
        &[("ingress", "tcp|0-65535|Internet")],
        &[("ingress", "all|0-65535|VirtualNetwork")],
    ),
    (
        "firewall_all_ports_open",
        GCP,
        FW,
        "",
        false,
        &[("ingress", "all|0-65535|0.0.0.0/0")],
        &[("ingress", "tcp|1-1024|0.0.0.0/0")],
    ),
    (
        "firewall_database_ports_open",
        AWS,
        FW,
        "",
        false,
        &[("ingress", "tcp|5432-5432|0.0.0.0/0")],
        &[("ingress", "tcp|5432-5432|10.0.0.0/16")],
    ),
    (
        "firewall_database_ports_open",
        AZURE,
        FW,
        "",
        false,
        &[("ingress", "tcp|1433-1433|*")],
        &[("ingress", "tcp|443-443|*")],
    ),
    (
        "firewall_database_ports_open",
        GCP,
        FW,
        "",
        false,
        &[("ingress", "tcp|27017-27017|0.0.0.0/0")],
        &[("ingress", "tcp|8080-8080|0.0.0.0/0")],
    ),
    ("bucket_public", AWS, BUCKET, "active", false, &[("policy_public", "true")], &[("policy_public", "false")]),
    (
        "bucket_public",
        AZURE,
        BUCKET,
        "succeeded",
        false,
        &[("public_blob_access", "true")],
        &[("public_blob_access", "false")],
    ),
    ("bucket_public", GCP, BUCKET, "", false, &[("public_members", "allUsers")], &[("public_members", "none")]),
    (
        "bucket_public_access_block_off",
        AWS,
        BUCKET,
        "",
        false,
        &[("public_access_block", "false")],
        &[("public_access_block", "true")],
    ),
    (
        "bucket_default_encryption_off",
        AWS,
        BUCKET,
        "",
        false,
        &[("default_encryption", "none")],
        &[("default_encryption", "aws:kms")],
    ),
    ("storage_https_only_off", AZURE, BUCKET, "", false, &[("https_only", "false")], &[("https_only", "true")]),
    (
        "storage_tls_below_1_2",
        AZURE,
        BUCKET,
        "",
        false,
        &[("min_tls_version", "TLS1_0")],
        &[("min_tls_version", "TLS1_2")],
    ),
    (
        "bucket_uniform_access_off",
        GCP,
        BUCKET,
        "",
        false,
        &[("uniform_access", "false")],
        &[("uniform_access", "true")],
    ),
    ("disk_unencrypted", AWS, DISK, "in-use", false, &[("encrypted", "false")], &[("encrypted", "true")]),
    ("disk_unencrypted", AZURE, DISK, "attached", false, &[("encrypted", "false")], &[("encrypted", "true")]),
    (
        "disk_without_customer_key",
        AWS,
        DISK,
        "in-use",
        false,
        &[("encryption_key", "provider_managed")],
        &[("encryption_key", "customer_managed")],
    ),
    (
        "disk_without_customer_key",
        AZURE,
        DISK,
        "attached",
        false,
        &[("encryption_key", "provider_managed")],
        &[("encryption_key", "customer_managed")],
    ),
    (
        "disk_without_customer_key",
        GCP,
        DISK,
        "ready",
        false,
        &[("encryption_key", "provider_managed")],
        &[("encryption_key", "customer_managed")],
    ),
    ("vm_imdsv1_allowed", AWS, VM, "running", false, &[("imds_tokens", "optional")], &[("imds_tokens", "required")]),
    (
        "vm_public_admin_port",
        AWS,
        VM,
        "running",
        true,
        &[("internet_admin_ports", "22")],
        &[("internet_admin_ports", "")],
    ),
    (
        "vm_public_admin_port",
        AZURE,
        VM,
        "running",
        true,
        &[("internet_admin_ports", "3389")],
        &[("internet_admin_ports", "")],
    ),
    (
        "vm_public_admin_port",
        GCP,
        VM,
        "running",
        true,
        &[("internet_admin_ports", "22,3389")],
        &[("internet_admin_ports", "")],
    ),
    ("public_ip_unattached", AWS, ResourceType::PublicIp, "unassociated", true, &[], &[]),
    ("public_ip_unattached", AZURE, ResourceType::PublicIp, "unassociated", true, &[], &[]),
    ("public_ip_unattached", GCP, ResourceType::PublicIp, "reserved", true, &[], &[]),
];

fn resource(provider: Provider, kind: ResourceType, state: &str, public_ip: bool, attrs: &[(&str, &str)]) -> Resource {
    let mut r = Resource::new(provider, "acct", "eu-west-1", kind, "fixture-1", state);
    if public_ip {
        r.public_ips.push("203.0.113.9".into());
    }
    r.attributes = attrs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    r
}

fn outcome(check: &str, r: &Resource) -> Option<Outcome> {
    builtin_checks().evaluate(r).into_iter().find(|o| o.check.id == check).map(|o| o.outcome)
}

#[test]
fn the_built_in_library_compiles() {
    PolicyEngine::compile(&builtin_modules(), DEFAULT_TIME_LIMIT).unwrap();
    assert_eq!(SOURCES.len(), BUILTIN_CHECKS.len() + 1, "one module per check, and the helpers");
}

#[test]
fn each_check_fails_its_non_compliant_fixture_and_passes_its_compliant_one() {
    for &(check, provider, kind, state, public_ip, bad, good) in FIXTURES {
        let failing = resource(provider, kind, state, public_ip, bad);
        assert_eq!(outcome(check, &failing), Some(Outcome::Fail), "{check} on {provider:?}: {bad:?}");
        let passing = if check == "public_ip_unattached" {
            resource(provider, kind, "associated", true, good)
        } else {
            resource(provider, kind, state, public_ip, good)
        };
        assert_eq!(outcome(check, &passing), Some(Outcome::Pass), "{check} on {provider:?}: {good:?}");
    }
}

#[test]
fn every_check_has_fixtures_for_every_cloud_it_covers() {
    for check in BUILTIN_CHECKS {
        for provider in check.providers {
            assert!(
                FIXTURES.iter().any(|f| f.0 == check.id && f.1 == *provider),
                "{} has no fixture on {provider:?}",
                check.id
            );
        }
    }
}

#[test]
fn a_resource_described_without_the_checked_attributes_gets_no_outcome() {
    let bare = resource(AWS, BUCKET, "active", false, &[]);
    assert!(builtin_checks().evaluate(&bare).is_empty());
}

#[test]
fn a_public_vm_without_open_admin_ports_passes_and_a_private_one_with_them_passes_too() {
    let private = resource(GCP, VM, "running", false, &[("internet_admin_ports", "22")]);
    assert_eq!(outcome("vm_public_admin_port", &private), Some(Outcome::Pass));
}

/// `cargo nextest run -p skyforge-policy --run-ignored only -E 'test(benchmark)' --no-capture`
/// (the figure in docs/governance.md is from a release-mode run of this test).
#[test]
#[ignore = "a benchmark: prints the time to evaluate 10,000 resources"]
fn benchmark_10000_resources_against_the_library() {
    let kinds = [
        (FW, &[("ingress", "tcp|22-22|0.0.0.0/0,tcp|443-443|0.0.0.0/0")][..]),
        (VM, &[("imds_tokens", "optional"), ("internet_admin_ports", "22")][..]),
        (DISK, &[("encrypted", "true"), ("encryption_key", "provider_managed")][..]),
        (BUCKET, &[("public_access_block", "false"), ("policy_public", "false"), ("default_encryption", "none")][..]),
    ];
    let resources: Vec<Resource> = (0..10_000)
        .map(|i| {
            let (kind, attrs) = kinds[i % 4];
            resource(AWS, kind, "running", true, attrs)
        })
        .collect();
    let started = std::time::Instant::now();
    let mut checks = builtin_checks();
    let outcomes: usize = resources.iter().map(|r| checks.evaluate(r).len()).sum();
    let elapsed = started.elapsed();
    println!("10,000 resources, {outcomes} check outcomes, in {elapsed:?} ({:?} a resource)", elapsed / 10_000);
    assert!(outcomes > 10_000);
}
