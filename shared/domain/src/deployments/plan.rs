//! The plan summary read from `terraform show -json`.

use serde::{Deserialize, Serialize};

/// What a plan will do, by resource address.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub add: Vec<String>,
    pub change: Vec<String>,
    pub destroy: Vec<String>,
}

impl PlanSummary {
    pub fn has_changes(&self) -> bool {
        !(self.add.is_empty() && self.change.is_empty() && self.destroy.is_empty())
    }
}

/// `terraform show -json` output that is not a plan.
#[derive(Debug, thiserror::Error)]
#[error("not a terraform plan document: {0}")]
pub struct PlanParseError(String);

impl PlanParseError {
    pub(super) fn new(reason: String) -> Self {
        Self(reason)
    }
}

/// Reads the `resource_changes` of `terraform show -json <planfile>`. A replacement counts as
/// both an add and a destroy, as Terraform's own summary line does.
pub fn parse_plan_json(document: &[u8]) -> Result<PlanSummary, PlanParseError> {
    #[derive(Deserialize)]
    struct Doc {
        format_version: Option<String>,
        #[serde(default)]
        resource_changes: Vec<ResourceChange>,
    }
    #[derive(Deserialize)]
    struct ResourceChange {
        address: String,
        change: Change,
    }
    #[derive(Deserialize)]
    struct Change {
        actions: Vec<String>,
    }
    let doc: Doc = serde_json::from_slice(document).map_err(|e| PlanParseError(e.to_string()))?;
    if doc.format_version.is_none() {
        return Err(PlanParseError("format_version is missing".into()));
    }
    let mut summary = PlanSummary::default();
    for rc in doc.resource_changes {
        let actions: Vec<&str> = rc.change.actions.iter().map(String::as_str).collect();
        match actions.as_slice() {
            ["create"] => summary.add.push(rc.address),
            ["update"] => summary.change.push(rc.address),
            ["delete"] => summary.destroy.push(rc.address),
            ["delete", "create"] | ["create", "delete"] => {
                summary.add.push(rc.address.clone());
                summary.destroy.push(rc.address);
            }
            _ => {} // no-op, read
        }
    }
    Ok(summary)
}
