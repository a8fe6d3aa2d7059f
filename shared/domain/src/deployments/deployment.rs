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

/// Checks a deployment name: 1–64 printable characters.
pub fn parse_deployment_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(FieldError::new("name", "invalid_length", "must be 1 to 64 printable characters"));
    }
    Ok(name.to_string())
}
