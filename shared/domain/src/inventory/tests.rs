//! Tests of normalisation, hashing, diffing, counts and queries.

use std::collections::BTreeMap;

use chrono::Utc;

use super::*;
use crate::ids::CredentialId;
use crate::provider::Provider;

fn vm(id: &str, region: &str, state: ResourceState) -> Resource {
    Resource {
        provider: Provider::Aws,
        account: "123456789012".into(),
        region: region.into(),
        kind: ResourceType::Vm,
        native_id: id.into(),
        name: Some(format!("{id}-name")),
        state,
        size: Some("t3.micro".into()),
        public_ips: vec!["3.3.3.3".into(), "1.1.1.1".into()],
        private_ips: vec![],
        tags: BTreeMap::new(),
        created_at: None,
        attributes: BTreeMap::new(),
    }
}

fn stored(r: &Resource, deleted: bool) -> StoredResource {
    StoredResource { resource: r.clone(), hash: r.content_hash(), deleted, first_seen: Utc::now() }
}

#[test]
fn states_map_to_one_vocabulary() {
    let cases = [
        (Provider::Aws, ResourceType::Vm, "shutting-down", ResourceState::Stopping),
        (Provider::Aws, ResourceType::Disk, "in-use", ResourceState::InUse),
        (Provider::Azure, ResourceType::Vm, "deallocated", ResourceState::Stopped),
        (Provider::Gcp, ResourceType::Vm, "TERMINATED", ResourceState::Stopped),
        (Provider::Gcp, ResourceType::Vm, "RUNNING", ResourceState::Running),
        (Provider::Azure, ResourceType::Disk, "Unattached", ResourceState::Available),
        (Provider::Azure, ResourceType::PublicIp, "unassociated", ResourceState::Available),
        (Provider::Azure, ResourceType::Network, "Succeeded", ResourceState::Available),
        (Provider::Gcp, ResourceType::Disk, "attached", ResourceState::InUse),
        (Provider::Gcp, ResourceType::PublicIp, "reserved", ResourceState::Available),
        (Provider::Aws, ResourceType::PublicIp, "associated", ResourceState::InUse),
        (Provider::Aws, ResourceType::Vm, "exploding", ResourceState::Unknown),
    ];
    for (provider, kind, native, expected) in cases {
        assert_eq!(normalise_state(provider, kind, native), expected, "{provider} {native}");
    }
}

#[test]
fn hash_ignores_ip_order_but_not_content() {
    let a = vm("i-1", "eu-west-1", ResourceState::Running);
    let mut b = a.clone();
    b.public_ips.reverse();
    assert_eq!(a.content_hash(), b.content_hash());
    b.state = ResourceState::Stopped;
    assert_ne!(a.content_hash(), b.content_hash());
}

#[test]
fn diff_finds_new_changed_gone_and_unchanged() {
    let same = vm("i-same", "eu-west-1", ResourceState::Running);
    let before = vm("i-change", "eu-west-1", ResourceState::Running);
    let after = vm("i-change", "eu-west-1", ResourceState::Stopped);
    let gone = vm("i-gone", "eu-west-1", ResourceState::Running);
    let new = vm("i-new", "us-east-1", ResourceState::Pending);
    let diff = diff_inventory(
        vec![stored(&same, false), stored(&before, false), stored(&gone, false)],
        vec![same.clone(), after.clone(), new.clone()],
        |_| false,
    );
    assert_eq!(diff.created, vec![new]);
    assert_eq!(diff.changed.len(), 1);
    assert_eq!((&diff.changed[0].0.resource, &diff.changed[0].1), (&before, &after));
    assert_eq!(diff.gone.iter().map(|s| s.resource.clone()).collect::<Vec<_>>(), vec![gone]);
    assert_eq!(
        field_changes(&before, &after),
        vec![FieldChange { field: "state".into(), from: Some("running".into()), to: Some("stopped".into()) }]
    );
    assert_eq!(diff.unchanged, 1);
    assert_eq!(diff.writes(), 3);
}

#[test]
fn a_failed_region_loses_nothing_and_deleted_ones_can_return() {
    let in_failed = vm("i-1", "ap-south-1", ResourceState::Running);
    let was_deleted = vm("i-2", "eu-west-1", ResourceState::Running);
    let diff = diff_inventory(
        vec![stored(&in_failed, false), stored(&was_deleted, true)],
        vec![was_deleted.clone()],
        |resource| resource.region == "ap-south-1",
    );
    assert!(diff.gone.is_empty());
    assert_eq!(diff.reappeared, vec![was_deleted]);
    // a deleted one that stays away is not "gone" twice
    let diff = diff_inventory(vec![stored(&in_failed, true)], vec![], |_| false);
    assert_eq!(diff.writes(), 0);
}

#[test]
fn counts_sum_by_any_dimension() {
    let a = vm("i-1", "eu-west-1", ResourceState::Running);
    let b = vm("i-2", "eu-west-1", ResourceState::Stopped);
    let mut counts = ResourceCounts::of([&a, &b]);
    counts.add(&ResourceCounts::of([&a]));
    assert_eq!(counts.total(None, None, None), 3);
    assert_eq!(counts.total(Some(Provider::Aws), Some(ResourceType::Vm), Some(ResourceState::Running)), 2);
    assert_eq!(counts.total(Some(Provider::Gcp), None, None), 0);
}

#[test]
fn tag_changes_are_listed_one_by_one() {
    let before = vm("i-1", "eu-west-1", ResourceState::Running);
    let mut after = before.clone();
    after.tags.insert("env".into(), "prod".into());
    assert_eq!(
        field_changes(&before, &after),
        vec![FieldChange { field: "tags.env".into(), from: None, to: Some("prod".into()) }]
    );
}

#[test]
fn resource_ids_are_stable_and_prefixed() {
    let cred = CredentialId::new();
    let r = vm("i-1", "eu-west-1", ResourceState::Running);
    assert_eq!(resource_id(cred, &r.key()), resource_id(cred, &r.key()));
    assert!(resource_id(cred, &r.key()).starts_with("res_"));
    assert_ne!(resource_id(CredentialId::new(), &r.key()), resource_id(cred, &r.key()));
    assert_eq!(resource_credential(&resource_id(cred, &r.key())), Some(cred));
    assert_eq!(resource_credential("res_nope"), None);
}
