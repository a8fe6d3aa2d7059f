//! Drift: what a refresh-only plan (`terraform plan -refresh-only`) found changed outside
//! Terraform, per resource address and attribute.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PlanParseError;
use crate::ids::RunId;

/// Where the last drift check left a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftState {
    /// The real resources match the state.
    InSync,
    /// Something changed outside Terraform: see the resources.
    Drifted,
    /// The check failed; the next one tries again.
    CheckFailed,
}

/// One attribute that differs: `state` is what Terraform recorded, `real` what the provider
/// read now (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDrift {
    /// Dotted path into the resource's attributes (`tags.env`, `triggers.name`).
    pub path: String,
    pub state: Option<Value>,
    pub real: Option<Value>,
}

/// A resource that drifted: changed (`update`) or deleted outside Terraform (`delete`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDrift {
    pub address: String,
    pub action: String,
    pub attributes: Vec<AttributeDrift>,
}

/// The result of a deployment's last drift check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub state: DriftState,
    pub run_id: RunId,
    pub checked_at: DateTime<Utc>,
    #[serde(default)]
    pub resources: Vec<ResourceDrift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Drift {
    /// The check's result from what it found.
    pub fn found(run_id: RunId, checked_at: DateTime<Utc>, resources: Vec<ResourceDrift>) -> Self {
        let state = if resources.is_empty() { DriftState::InSync } else { DriftState::Drifted };
        Drift { state, run_id, checked_at, resources, error: None }
    }
}

/// Reads the `resource_drift` of `terraform show -json` of a refresh-only plan: every resource
/// whose real attributes differ from the state, with the differing attributes.
pub fn parse_drift_json(document: &[u8]) -> Result<Vec<ResourceDrift>, PlanParseError> {
    #[derive(Deserialize)]
    struct Doc {
        format_version: Option<String>,
        #[serde(default)]
        resource_drift: Vec<Entry>,
    }
    #[derive(Deserialize)]
    struct Entry {
        address: String,
        change: Change,
    }
    #[derive(Deserialize)]
    struct Change {
        actions: Vec<String>,
        #[serde(default)]
        before: Value,
        #[serde(default)]
        after: Value,
    }
    let doc: Doc = serde_json::from_slice(document).map_err(|e| PlanParseError::new(e.to_string()))?;
    if doc.format_version.is_none() {
        return Err(PlanParseError::new("format_version is missing".into()));
    }
    let mut out = Vec::new();
    for entry in doc.resource_drift {
        let action = match entry.change.actions.as_slice() {
            [a] if a == "delete" => "delete",
            [a] if a == "no-op" || a == "read" => continue,
            _ => "update",
        };
        let mut attributes = Vec::new();
        if action == "update" {
            diff(&entry.change.before, &entry.change.after, "", &mut attributes);
        }
        if action == "update" && attributes.is_empty() {
            continue;
        }
        out.push(ResourceDrift { address: entry.address, action: action.into(), attributes });
    }
    Ok(out)
}

/// Differences between two attribute values, by dotted path; objects are walked, anything else
/// (lists included) is compared whole.
fn diff(state: &Value, real: &Value, path: &str, out: &mut Vec<AttributeDrift>) {
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match (state, real) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff(x, y, &join(key), out),
                    (x, y) => out.push(AttributeDrift { path: join(key), state: x.cloned(), real: y.cloned() }),
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(AttributeDrift {
            path: path.to_owned(),
            state: (!a.is_null()).then(|| a.clone()),
            real: (!b.is_null()).then(|| b.clone()),
        }),
    }
}
