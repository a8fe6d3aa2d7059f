//! A deployment: a workspace made from one template, with its variables and outputs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;
use crate::error::FieldError;
use crate::ids::{CredentialId, DeploymentId, OrgId, RunId, UserId};

/// A workspace: one module instance with its variables, state and outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub id: DeploymentId,
    pub org_id: OrgId,
    pub template: String,
    pub name: String,
    /// `None` only for the sandbox template.
    pub credential_id: Option<CredentialId>,
    pub variables: BTreeMap<String, Value>,
    /// From `terraform output -json` after the last apply; empty after a destroy.
    #[serde(default)]
    pub outputs: Option<Value>,
    /// Key of the Terraform state object in the state bucket.
    pub state_key: String,
    /// The run holding the deployment (planning until it ends); others wait queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_run_id: Option<RunId>,
    /// Whether Terraform may have made something: decides whether it can be deleted.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// The variables of the last applied `plan_and_apply` run (what the infrastructure has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_variables: Option<BTreeMap<String, Value>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Deployment {
    /// The state key for a deployment: one state object per deployment, under its tenant.
    pub fn state_key_for(org_id: OrgId, id: DeploymentId) -> String {
        format!("state/{org_id}/{id}/terraform.tfstate")
    }

    /// The variables Terraform gets: the user's plus the platform's own.
    pub fn terraform_variables(&self) -> BTreeMap<String, Value> {
        let mut vars = self.variables.clone();
        vars.insert(DEPLOYMENT_ID_VARIABLE.into(), json!(self.id.to_string().to_lowercase()));
        vars
    }
}

/// What Terraform may have made for a deployment.
///
/// `applied` is entered when an apply *starts* (an apply that fails half-way may have made
/// resources), `destroyed` when a destroy run's apply succeeded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Never applied: nothing was made.
    #[default]
    New,
    /// An apply ran: resources may exist.
    Applied,
    /// The last destroy succeeded: its state is empty.
    Destroyed,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Applied => "applied",
            Lifecycle::Destroyed => "destroyed",
        }
    }

    /// Where an apply of `kind` takes it: when the apply starts, and when it succeeded.
    pub fn on_apply(self, kind: RunKind, succeeded: bool) -> Lifecycle {
        match (kind, succeeded) {
            (RunKind::Destroy, true) => Lifecycle::Destroyed,
            // a destroy that started may have left part of the resources
            (RunKind::Destroy, false) => {
                if self == Lifecycle::New {
                    Lifecycle::New
                } else {
                    Lifecycle::Applied
                }
            }
            (_, _) => Lifecycle::Applied,
        }
    }
}

/// Why a deployment refuses a request that its state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeploymentConflict {
    #[error("the deployment may still have resources; run a destroy and apply it first")]
    HasResources,
    #[error("a run of the deployment is active or queued; wait for it to end or cancel it")]
    RunActive,
}

impl DeploymentConflict {
    /// The stable error code clients see.
    pub fn code(self) -> &'static str {
        match self {
            DeploymentConflict::HasResources => "deployment_has_resources",
            DeploymentConflict::RunActive => "invalid_run_state",
        }
    }
}

impl Deployment {
    /// A deployment can be deleted when nothing of it can remain in the cloud (never applied,
    /// or destroyed) and no run holds or waits for it.
    pub fn check_deletable(&self, runs_waiting: bool) -> Result<(), DeploymentConflict> {
        if self.active_run_id.is_some() || runs_waiting {
            return Err(DeploymentConflict::RunActive);
        }
        if self.lifecycle == Lifecycle::Applied {
            return Err(DeploymentConflict::HasResources);
        }
        Ok(())
    }
}

/// Applies a JSON merge patch (RFC 7396, one level) to the variables and checks the result
/// exactly as a new deployment's: a value replaces, `null` removes (back to the default).
/// An unknown variable is refused even when it is set to `null`.
pub fn patch_variables(
    template: &Template,
    current: &BTreeMap<String, Value>,
    patch: &serde_json::Map<String, Value>,
) -> Result<BTreeMap<String, Value>, crate::error::ValidationErrors> {
    let mut merged: serde_json::Map<String, Value> = current.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut errors = crate::error::ValidationErrors::default();
    for (name, value) in patch {
        if value.is_null() {
            if !template.variables.iter().any(|v| &v.name == name) {
                errors.0.push(FieldError::new(
                    format!("variables.{name}"),
                    "unknown_variable",
                    format!("template {} has no variable {name}", template.id),
                ));
            }
            merged.remove(name);
        } else {
            merged.insert(name.clone(), value.clone());
        }
    }
    match template.validate(&merged) {
        Ok(vars) => {
            errors.finish()?;
            Ok(vars)
        }
        Err(e) => {
            errors.0.extend(e.0);
            Err(errors)
        }
    }
}

/// One variable that differs between two sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableChange {
    pub name: String,
    /// `None`: not set before (the module's default applied).
    pub before: Option<Value>,
    /// `None`: no longer set (back to the module's default).
    pub after: Option<Value>,
}

/// What differs from `before` to `after`, by name.
pub fn variable_changes(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<VariableChange> {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|n| before.get(*n) != after.get(*n))
        .map(|n| VariableChange { name: n.clone(), before: before.get(n).cloned(), after: after.get(n).cloned() })
        .collect()
}

/// Checks a deployment name: 1–64 printable characters.
pub fn parse_deployment_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(FieldError::new("name", "invalid_length", "must be 1 to 64 printable characters"));
    }
    Ok(name.to_string())
}
