//! The diff between what was stored and what a sync saw, and a resource's change history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::*;

/// A stored inventory item as diffing needs it: the resource, its content hash, and whether it
/// was already marked deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResource {
    pub resource: Resource,
    pub hash: String,
    pub deleted: bool,
    pub first_seen: DateTime<Utc>,
}

/// The changes one sync makes to one credential's inventory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InventoryDiff {
    pub created: Vec<Resource>,
    /// (as stored, as seen now)
    pub changed: Vec<(StoredResource, Resource)>,
    /// Resources seen again after being marked deleted.
    pub reappeared: Vec<Resource>,
    pub gone: Vec<StoredResource>,
    pub unchanged: usize,
}

impl InventoryDiff {
    pub fn writes(&self) -> usize {
        self.created.len() + self.changed.len() + self.reappeared.len() + self.gone.len()
    }
}

/// Compares what a sync saw with what is stored. `incomplete` says which stored keys a failed
/// listing would have covered: those are left alone, because a resource missing from a failed
/// listing is not gone, the listing is just incomplete.
pub fn diff_inventory(
    stored: Vec<StoredResource>,
    seen: Vec<Resource>,
    incomplete: impl Fn(&Resource) -> bool,
) -> InventoryDiff {
    let mut by_key: HashMap<ResourceKey, StoredResource> = stored.into_iter().map(|s| (s.resource.key(), s)).collect();
    let mut diff = InventoryDiff::default();
    for resource in seen {
        match by_key.remove(&resource.key()) {
            None => diff.created.push(resource),
            Some(stored) if stored.deleted => diff.reappeared.push(resource),
            Some(stored) if stored.hash != resource.content_hash() => diff.changed.push((stored, resource)),
            Some(_) => diff.unchanged += 1,
        }
    }
    diff.gone = by_key.into_values().filter(|s| !s.deleted && !incomplete(&s.resource)).collect();
    diff.gone.sort_by_key(|s| s.resource.key());
    diff
}

/// One field that changed between two versions of a resource, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The user-visible fields that differ, with their old and new values (tags one by one).
pub fn field_changes(before: &Resource, after: &Resource) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field: &str, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(FieldChange { field: field.to_owned(), from, to });
        }
    };
    let ips = |ips: &[String]| {
        let mut ips = ips.to_vec();
        ips.sort();
        (!ips.is_empty()).then(|| ips.join(", "))
    };
    compare("name", before.name.clone(), after.name.clone());
    compare("state", Some(before.state.as_str().into()), Some(after.state.as_str().into()));
    compare("size", before.size.clone(), after.size.clone());
    compare("public_ips", ips(&before.public_ips), ips(&after.public_ips));
    compare("private_ips", ips(&before.private_ips), ips(&after.private_ips));
    let keys: std::collections::BTreeSet<&String> = before.tags.keys().chain(after.tags.keys()).collect();
    for key in keys {
        compare(&format!("tags.{key}"), before.tags.get(key).cloned(), after.tags.get(key).cloned());
    }
    let keys: std::collections::BTreeSet<&String> = before.attributes.keys().chain(after.attributes.keys()).collect();
    for key in keys {
        compare(&format!("attributes.{key}"), before.attributes.get(key).cloned(), after.attributes.get(key).cloned());
    }
    changes
}

/// What happened to a resource in one sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Changed,
    Deleted,
    Reappeared,
}

/// One entry of a resource's change history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub sync_run_id: crate::ids::SyncRunId,
    pub change: ChangeKind,
    pub changes: Vec<FieldChange>,
}
