//! Provisioning: the template catalog (one per Terraform module, with a JSON Schema generated from
//! the module's own `variables.tf`), deployments, and runs with their state machine.
//!
//! ## Run lifecycle
//! ```text
//! queued ─start─► planning ─plan_finished─► planned ─await_approval─► awaiting_approval
//!    │               │                         │                              │
//!    │cancel         │fail / cancel            │discard                approve│  │discard
//!    ▼               ▼                         ▼                              ▼  ▼
//! cancelled    errored | cancelled         discarded                applying  discarded
//!                                                                  │fail/cancel  │apply_finished
//!                                                                  ▼             ▼
//!                                                           errored | cancelled  applied
//! ```
//! A run is *active* from `planning` until it ends; a deployment has at most one active run,
//! later ones wait in `queued` and the oldest starts when the active one ends. A run waiting for
//! approval is active too, so a second plan cannot be made against state the first may change.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use hcl::expr::{BinaryOperator, Expression, Operation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{FieldError, ValidationErrors};
use crate::ids::{CredentialId, DeploymentId, OrgId, RunId, UserId};
use crate::inventory::Provider;

/// The variable every module has, set by Skyforge to the deployment id (the `skyforge-deployment`
/// tag), never by the user.
pub const DEPLOYMENT_ID_VARIABLE: &str = "deployment_id";

/// The tag or label every module puts on what it creates.
pub const DEPLOYMENT_TAG: &str = "skyforge-deployment";

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/// A Terraform variable type, as far as the modules use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarType {
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Map(Box<VarType>),
    /// `any` or a type this parser does not model: accepted as is, Terraform checks it.
    Any,
}

impl VarType {
    fn from_expr(expr: &Expression) -> VarType {
        match expr {
            Expression::Variable(v) => match v.as_str() {
                "string" => VarType::String,
                "number" => VarType::Number,
                "bool" => VarType::Bool,
                _ => VarType::Any,
            },
            Expression::FuncCall(call) if call.args.len() == 1 => {
                let inner = Box::new(VarType::from_expr(&call.args[0]));
                match call.name.name.as_str() {
                    "list" | "set" => VarType::List(inner),
                    "map" => VarType::Map(inner),
                    _ => VarType::Any,
                }
            }
            _ => VarType::Any,
        }
    }

    /// The Terraform spelling (`list(string)`).
    pub fn terraform(&self) -> String {
        match self {
            VarType::String => "string".into(),
            VarType::Number => "number".into(),
            VarType::Bool => "bool".into(),
            VarType::List(inner) => format!("list({})", inner.terraform()),
            VarType::Map(inner) => format!("map({})", inner.terraform()),
            VarType::Any => "any".into(),
        }
    }

    fn schema(&self) -> Map<String, Value> {
        let mut out = Map::new();
        match self {
            VarType::String => {
                out.insert("type".into(), json!("string"));
            }
            VarType::Number => {
                out.insert("type".into(), json!("number"));
            }
            VarType::Bool => {
                out.insert("type".into(), json!("boolean"));
            }
            VarType::List(inner) => {
                out.insert("type".into(), json!("array"));
                out.insert("items".into(), Value::Object(inner.schema()));
            }
            VarType::Map(inner) => {
                out.insert("type".into(), json!("object"));
                out.insert("additionalProperties".into(), Value::Object(inner.schema()));
            }
            VarType::Any => {}
        }
        out
    }

    /// Checks `value` against the type; the error names the first offending path.
    fn check(&self, field: &str, value: &Value) -> Result<(), FieldError> {
        let wrong = |expected: &str| {
            Err(FieldError::new(field, "invalid_type", format!("must be {expected} ({})", self.terraform())))
        };
        match (self, value) {
            (VarType::Any, _) => Ok(()),
            (VarType::String, Value::String(_)) => Ok(()),
            (VarType::Number, Value::Number(_)) => Ok(()),
            (VarType::Bool, Value::Bool(_)) => Ok(()),
            (VarType::List(inner), Value::Array(items)) => {
                items.iter().enumerate().try_for_each(|(i, item)| inner.check(&format!("{field}[{i}]"), item))
            }
            (VarType::Map(inner), Value::Object(entries)) => {
                entries.iter().try_for_each(|(key, item)| inner.check(&format!("{field}.{key}"), item))
            }
            (VarType::String, _) => wrong("a string"),
            (VarType::Number, _) => wrong("a number"),
            (VarType::Bool, _) => wrong("true or false"),
            (VarType::List(_), _) => wrong("a list"),
            (VarType::Map(_), _) => wrong("an object"),
        }
    }
}

/// One input variable of a module, read from its `variables.tf`.
#[derive(Debug, Clone)]
pub struct TemplateVariable {
    pub name: String,
    pub var_type: VarType,
    pub description: Option<String>,
    /// `None`: the variable is required.
    pub default: Option<Value>,
    /// From a `contains([...], var.x)` validation.
    pub allowed: Option<Vec<Value>>,
    /// From a `can(regex("...", var.x))` validation (RE2 syntax, which regex-lite shares here).
    pub pattern: Option<String>,
    /// From `var.x >= a && var.x <= b`.
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// Error messages of the module's validation blocks, shown when a rule is broken.
    pub rule_messages: Vec<String>,
}

impl TemplateVariable {
    /// Set by Skyforge, not by the user.
    pub fn set_by_platform(&self) -> bool {
        self.name == DEPLOYMENT_ID_VARIABLE
    }
}

/// A deployable Terraform module.
#[derive(Debug, Clone)]
pub struct Template {
    /// The module's folder name under `terraform/modules` (`aws_vm`).
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// `None` for the local sandbox, which needs no cloud credential.
    pub provider: Option<Provider>,
    /// The offline demo module (null provider).
    pub sandbox: bool,
    pub variables: Vec<TemplateVariable>,
}

struct ModuleSource {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    provider: Option<Provider>,
    variables_tf: &'static str,
}

// Embedded at compile time, so the catalog cannot drift from the modules.
const MODULES: [ModuleSource; 7] = [
    ModuleSource {
        id: "aws_vm",
        title: "AWS EC2 instance",
        description: "An EC2 instance with IMDSv2, an encrypted root volume and key-only SSH.",
        provider: Some(Provider::Aws),
        variables_tf: include_str!("../../../terraform/modules/aws_vm/variables.tf"),
    },
    ModuleSource {
        id: "aws_s3",
        title: "AWS S3 bucket",
        description: "A private, encrypted, versioned S3 bucket.",
        provider: Some(Provider::Aws),
        variables_tf: include_str!("../../../terraform/modules/aws_s3/variables.tf"),
    },
    ModuleSource {
        id: "azure_vm",
        title: "Azure Linux VM",
        description: "A Linux VM with its own network, SSH key auth only.",
        provider: Some(Provider::Azure),
        variables_tf: include_str!("../../../terraform/modules/azure_vm/variables.tf"),
    },
    ModuleSource {
        id: "azure_blob",
        title: "Azure Blob container",
        description: "A storage account and a private blob container.",
        provider: Some(Provider::Azure),
        variables_tf: include_str!("../../../terraform/modules/azure_blob/variables.tf"),
    },
    ModuleSource {
        id: "gcp_vm",
        title: "GCP Compute Engine VM",
        description: "A Compute Engine instance with Shielded VM and OS Login.",
        provider: Some(Provider::Gcp),
        variables_tf: include_str!("../../../terraform/modules/gcp_vm/variables.tf"),
    },
    ModuleSource {
        id: "gcp_storage",
        title: "GCP Cloud Storage bucket",
        description: "A private Cloud Storage bucket with uniform access.",
        provider: Some(Provider::Gcp),
        variables_tf: include_str!("../../../terraform/modules/gcp_storage/variables.tf"),
    },
    ModuleSource {
        id: "sandbox",
        title: "Sandbox (local demo, creates nothing)",
        description: "Null resources that print progress lines: runs offline, needs no cloud account.",
        provider: None,
        variables_tf: include_str!("../../../terraform/modules/sandbox/variables.tf"),
    },
];

/// A `variables.tf` that cannot be read (a build-time fault: the catalog test catches it).
#[derive(Debug, thiserror::Error)]
#[error("module {module}: {message}")]
pub struct ModuleParseError {
    pub module: String,
    pub message: String,
}

/// Reads the `variable` blocks of a `variables.tf`.
pub fn parse_variables(module: &str, source: &str) -> Result<Vec<TemplateVariable>, ModuleParseError> {
    let fail = |message: String| ModuleParseError { module: module.to_string(), message };
    let body = hcl::parse(source).map_err(|e| fail(e.to_string()))?;
    let mut variables = Vec::new();
    for block in body.blocks().filter(|b| b.identifier.as_str() == "variable") {
        let name = block.labels.first().ok_or_else(|| fail("a variable block has no name".into()))?.as_str();
        let mut variable = TemplateVariable {
            name: name.to_string(),
            var_type: VarType::Any,
            description: None,
            default: None,
            allowed: None,
            pattern: None,
            minimum: None,
            maximum: None,
            rule_messages: Vec::new(),
        };
        for attribute in block.body.attributes() {
            match attribute.key.as_str() {
                "type" => variable.var_type = VarType::from_expr(&attribute.expr),
                "description" => variable.description = string_literal(&attribute.expr),
                "default" => {
                    let value = hcl::Value::from(attribute.expr.clone());
                    variable.default =
                        Some(serde_json::to_value(value).map_err(|e| fail(format!("default of {name}: {e}")))?);
                }
                _ => {}
            }
        }
        for rule in block.body.blocks().filter(|b| b.identifier.as_str() == "validation") {
            for attribute in rule.body.attributes() {
                match attribute.key.as_str() {
                    "condition" => read_condition(&attribute.expr, &mut variable),
                    "error_message" => variable.rule_messages.extend(string_literal(&attribute.expr)),
                    _ => {}
                }
            }
        }
        variables.push(variable);
    }
    Ok(variables)
}

fn string_literal(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => Some(t.to_string()),
        _ => None,
    }
}

/// Recognises the three rule shapes the modules use; anything else is left to Terraform.
fn read_condition(expr: &Expression, variable: &mut TemplateVariable) {
    match expr {
        Expression::FuncCall(call) => match call.name.name.as_str() {
            "contains" if call.args.len() == 2 => {
                if let Expression::Array(items) = &call.args[0] {
                    let values: Option<Vec<Value>> =
                        items.iter().map(|e| serde_json::to_value(hcl::Value::from(e.clone())).ok()).collect();
                    variable.allowed = values;
                }
            }
            "can" if call.args.len() == 1 => {
                if let Expression::FuncCall(inner) = &call.args[0]
                    && inner.name.name.as_str() == "regex"
                    && inner.args.len() == 2
                    && is_var(&inner.args[1], &variable.name)
                {
                    variable.pattern = string_literal(&inner.args[0]);
                }
            }
            _ => {}
        },
        Expression::Operation(op) => {
            if let Operation::Binary(bin) = op.as_ref() {
                match bin.operator {
                    BinaryOperator::And => {
                        read_condition(&bin.lhs_expr, variable);
                        read_condition(&bin.rhs_expr, variable);
                    }
                    BinaryOperator::GreaterEq if is_var(&bin.lhs_expr, &variable.name) => {
                        variable.minimum = number_literal(&bin.rhs_expr);
                    }
                    BinaryOperator::LessEq if is_var(&bin.lhs_expr, &variable.name) => {
                        variable.maximum = number_literal(&bin.rhs_expr);
                    }
                    _ => {}
                }
            }
        }
        Expression::Parenthesis(inner) => read_condition(inner, variable),
        _ => {}
    }
}

fn is_var(expr: &Expression, name: &str) -> bool {
    matches!(expr, Expression::Traversal(t)
        if matches!(&t.expr, Expression::Variable(v) if v.as_str() == "var")
            && matches!(t.operators.as_slice(), [hcl::expr::TraversalOperator::GetAttr(attr)] if attr.as_str() == name))
}

fn number_literal(expr: &Expression) -> Option<f64> {
    match expr {
        Expression::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// The catalog: one template per module.
pub fn catalog() -> &'static [Template] {
    static CATALOG: OnceLock<Vec<Template>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        MODULES
            .iter()
            .map(|m| Template {
                id: m.id,
                title: m.title,
                description: m.description,
                provider: m.provider,
                sandbox: m.provider.is_none(),
                // embedded files are checked by the catalog test, so a failure here is a build fault
                variables: parse_variables(m.id, m.variables_tf).expect("embedded variables.tf parses"),
            })
            .collect()
    })
}

/// A template by its id.
pub fn template(id: &str) -> Option<&'static Template> {
    catalog().iter().find(|t| t.id == id)
}

impl Template {
    /// JSON Schema (draft 2020-12) of the variables a user passes.
    pub fn json_schema(&self) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for variable in &self.variables {
            let mut schema = variable.var_type.schema();
            schema.insert("x-terraform-type".into(), json!(variable.var_type.terraform()));
            if let Some(description) = &variable.description {
                schema.insert("description".into(), json!(description));
            }
            if let Some(default) = &variable.default {
                schema.insert("default".into(), default.clone());
            }
            if let Some(allowed) = &variable.allowed {
                schema.insert("enum".into(), Value::Array(allowed.clone()));
            }
            if let Some(pattern) = &variable.pattern {
                schema.insert("pattern".into(), json!(pattern));
            }
            if let Some(minimum) = variable.minimum {
                schema.insert("minimum".into(), json!(minimum));
            }
            if let Some(maximum) = variable.maximum {
                schema.insert("maximum".into(), json!(maximum));
            }
            if variable.set_by_platform() {
                schema.insert("readOnly".into(), json!(true));
            } else if variable.default.is_none() {
                required.push(json!(variable.name));
            }
            properties.insert(variable.name.clone(), Value::Object(schema));
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }

    /// Checks user variables against the schema; every bad field is named (`variables.<name>`).
    /// Returns the variables as given (defaults are left to Terraform).
    pub fn validate(&self, given: &Map<String, Value>) -> Result<BTreeMap<String, Value>, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for key in given.keys() {
            match self.variables.iter().find(|v| &v.name == key) {
                None => errors.0.push(FieldError::new(
                    format!("variables.{key}"),
                    "unknown_variable",
                    format!("template {} has no variable {key}", self.id),
                )),
                Some(v) if v.set_by_platform() => errors.0.push(FieldError::new(
                    format!("variables.{key}"),
                    "read_only",
                    "is set by skyforge to the deployment id; leave it out",
                )),
                Some(_) => {}
            }
        }
        for variable in self.variables.iter().filter(|v| !v.set_by_platform()) {
            let field = format!("variables.{}", variable.name);
            let Some(value) = given.get(&variable.name) else {
                if variable.default.is_none() {
                    errors.0.push(FieldError::new(field, "required", "is required"));
                }
                continue;
            };
            if errors.check(variable.var_type.check(&field, value)).is_none() {
                continue;
            }
            errors.check(variable.check_rules(&field, value));
        }
        errors.finish()?;
        Ok(given.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

impl TemplateVariable {
    fn rule_failure(&self, field: &str, code: &'static str, fallback: String) -> FieldError {
        let message = self.rule_messages.first().map(|m| m.to_lowercase()).unwrap_or(fallback);
        FieldError::new(field, code, message)
    }

    fn check_rules(&self, field: &str, value: &Value) -> Result<(), FieldError> {
        if let Some(allowed) = &self.allowed
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(|v| v.to_string()).collect();
            return Err(self.rule_failure(field, "not_allowed", format!("must be one of {}", list.join(", "))));
        }
        if let (Some(pattern), Value::String(text)) = (&self.pattern, value) {
            // a pattern regex-lite cannot compile is left to Terraform's own check
            if let Ok(regex) = regex_lite::Regex::new(pattern)
                && !regex.is_match(text)
            {
                return Err(self.rule_failure(field, "invalid_format", format!("must match {pattern}")));
            }
        }
        if let Some(number) = value.as_f64()
            && (self.minimum.is_some_and(|min| number < min) || self.maximum.is_some_and(|max| number > max))
        {
            return Err(self.rule_failure(field, "out_of_range", "is out of range".into()));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    PlanAndApply,
    Destroy,
}

/// The two builds of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Plan,
    Apply,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Plan => "plan",
            Phase::Apply => "apply",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Planning,
    Planned,
    AwaitingApproval,
    Applying,
    Applied,
    Errored,
    Cancelled,
    Discarded,
}

impl RunStatus {
    pub const ALL: [RunStatus; 9] = [
        RunStatus::Queued,
        RunStatus::Planning,
        RunStatus::Planned,
        RunStatus::AwaitingApproval,
        RunStatus::Applying,
        RunStatus::Applied,
        RunStatus::Errored,
        RunStatus::Cancelled,
        RunStatus::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Planning => "planning",
            RunStatus::Planned => "planned",
            RunStatus::AwaitingApproval => "awaiting_approval",
            RunStatus::Applying => "applying",
            RunStatus::Applied => "applied",
            RunStatus::Errored => "errored",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Discarded => "discarded",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, RunStatus::Applied | RunStatus::Errored | RunStatus::Cancelled | RunStatus::Discarded)
    }

    /// Holds the deployment: from the start of planning until the run ends.
    pub fn is_active(self) -> bool {
        !self.is_final() && self != RunStatus::Queued
    }

    /// The phase whose build runs in this state.
    pub fn running_phase(self) -> Option<Phase> {
        match self {
            RunStatus::Planning => Some(Phase::Plan),
            RunStatus::Applying => Some(Phase::Apply),
            _ => None,
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What can happen to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunEvent {
    /// The deployment is free: start the plan build.
    Start,
    /// The plan build succeeded.
    PlanFinished,
    /// The plan is ready for a person to read.
    AwaitApproval,
    /// An operator approved: start the apply build with the saved plan.
    Approve,
    /// The apply build succeeded.
    ApplyFinished,
    /// A build failed or timed out.
    Fail,
    /// A person stopped the run before or while a build ran.
    Cancel,
    /// A person rejected the plan.
    Discard,
}

impl RunEvent {
    pub const ALL: [RunEvent; 8] = [
        RunEvent::Start,
        RunEvent::PlanFinished,
        RunEvent::AwaitApproval,
        RunEvent::Approve,
        RunEvent::ApplyFinished,
        RunEvent::Fail,
        RunEvent::Cancel,
        RunEvent::Discard,
    ];
}

/// The event is not allowed in the run's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a run that is {from} cannot be {event:?}")]
pub struct TransitionRefused {
    pub from: RunStatus,
    pub event: RunEvent,
}

/// The state machine: where `event` takes a run that is `from`.
pub fn transition(from: RunStatus, event: RunEvent) -> Result<RunStatus, TransitionRefused> {
    use RunEvent as E;
    use RunStatus as S;
    let to = match (from, event) {
        (S::Queued, E::Start) => S::Planning,
        (S::Planning, E::PlanFinished) => S::Planned,
        (S::Planned, E::AwaitApproval) => S::AwaitingApproval,
        (S::AwaitingApproval, E::Approve) => S::Applying,
        (S::Applying, E::ApplyFinished) => S::Applied,
        (S::Planning | S::Applying, E::Fail) => S::Errored,
        (S::Queued | S::Planning | S::Applying, E::Cancel) => S::Cancelled,
        (S::Planned | S::AwaitingApproval, E::Discard) => S::Discarded,
        _ => return Err(TransitionRefused { from, event }),
    };
    Ok(to)
}

/// When a run entered a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTimestamp {
    pub status: RunStatus,
    pub at: DateTime<Utc>,
}

/// One run of a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: RunId,
    pub org_id: OrgId,
    pub deployment_id: DeploymentId,
    pub kind: RunKind,
    pub status: RunStatus,
    /// Append-only: one entry per state the run entered, in order.
    pub timestamps: Vec<StatusTimestamp>,
    pub plan: Option<PlanSummary>,
    /// The build running the current phase (CodeBuild build id or local process id).
    pub execution_id: Option<String>,
    /// When the running phase must have ended.
    pub phase_deadline: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub created_by: UserId,
    pub approved_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl Run {
    pub fn new(org_id: OrgId, deployment_id: DeploymentId, kind: RunKind, by: UserId, now: DateTime<Utc>) -> Self {
        Run {
            id: RunId::new(),
            org_id,
            deployment_id,
            kind,
            status: RunStatus::Queued,
            timestamps: vec![StatusTimestamp { status: RunStatus::Queued, at: now }],
            plan: None,
            execution_id: None,
            phase_deadline: None,
            error: None,
            created_by: by,
            approved_by: None,
            created_at: now,
        }
    }

    /// Applies `event`, recording when the new state began. The caller writes it conditionally
    /// on the old status.
    pub fn apply(&mut self, event: RunEvent, now: DateTime<Utc>) -> Result<RunStatus, TransitionRefused> {
        let to = transition(self.status, event)?;
        self.status = to;
        self.timestamps.push(StatusTimestamp { status: to, at: now });
        if to.running_phase().is_none() {
            self.phase_deadline = None;
        }
        Ok(to)
    }

    pub fn entered(&self, status: RunStatus) -> Option<DateTime<Utc>> {
        self.timestamps.iter().rev().find(|t| t.status == status).map(|t| t.at)
    }

    /// Where the phase's artifacts go in the artifact bucket.
    pub fn artifact_prefix(&self) -> String {
        format!("runs/{}/{}/{}", self.org_id, self.deployment_id, self.id)
    }
}

/// How many runs an organisation's "recent runs" keeps (the dashboard's card).
pub const RECENT_RUNS: usize = 20;

/// A run as the organisation's recent runs list it: enough to show and link it, with the name
/// of its deployment (names never change, so it is copied once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentRun {
    pub id: RunId,
    pub deployment_id: DeploymentId,
    pub deployment_name: String,
    pub kind: RunKind,
    pub status: RunStatus,
    /// How many states the run has entered: a later state always has a higher number, so an
    /// update that arrives late never moves the entry back.
    pub states: u32,
    pub created_at: DateTime<Utc>,
    /// When the run entered its current state.
    pub updated_at: DateTime<Utc>,
}

impl RecentRun {
    pub fn of(run: &Run, deployment_name: &str) -> Self {
        Self {
            id: run.id,
            deployment_id: run.deployment_id,
            deployment_name: deployment_name.to_owned(),
            kind: run.kind,
            status: run.status,
            states: run.timestamps.len() as u32,
            created_at: run.created_at,
            updated_at: run.timestamps.last().map_or(run.created_at, |t| t.at),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plan summary
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Logs and the live protocol
// ---------------------------------------------------------------------------------------------

/// One line of a run's log; `seq` counts from 1 over the whole run (both phases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: u64,
    pub phase: Phase,
    pub text: String,
}

/// What a WebSocket client receives: the same JSON on API Gateway and in the local runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The subscription is in place; lines after `seq` will follow (read earlier ones from the API).
    Subscribed {
        run_id: RunId,
        status: RunStatus,
    },
    Log {
        run_id: RunId,
        seq: u64,
        phase: Phase,
        line: String,
    },
    Status {
        run_id: RunId,
        status: RunStatus,
    },
    /// A request that was refused (unknown run, bad JSON).
    Error {
        code: String,
        message: String,
    },
}

/// What a WebSocket client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ClientMessage {
    Subscribe { run_id: String },
    Unsubscribe { run_id: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_one_template_per_module_with_a_labelled_sandbox() {
        let ids: Vec<&str> = catalog().iter().map(|t| t.id).collect();
        assert_eq!(ids, ["aws_vm", "aws_s3", "azure_vm", "azure_blob", "gcp_vm", "gcp_storage", "sandbox"]);
        let sandbox = template("sandbox").unwrap();
        assert!(sandbox.sandbox && sandbox.provider.is_none());
        assert!(sandbox.title.to_lowercase().contains("sandbox"));
        assert!(catalog().iter().filter(|t| t.id != "sandbox").all(|t| !t.sandbox && t.provider.is_some()));
    }

    /// The drift test: every variable, type, default and description in each `variables.tf`
    /// appears in the template's schema. A second, independent reading (hcl's serde model)
    /// guards against the generator skipping something.
    #[test]
    fn every_variable_of_every_module_appears_in_its_schema() {
        for (module, template) in MODULES.iter().zip(catalog()) {
            let schema = template.json_schema();
            let properties = schema["properties"].as_object().unwrap();
            let raw: Value = hcl::from_str(module.variables_tf).unwrap();
            let declared = raw["variable"].as_object().expect("variables.tf declares variables");
            assert_eq!(properties.len(), declared.len(), "{}: variable count", module.id);
            for (name, decl) in declared {
                let property = properties.get(name).unwrap_or_else(|| panic!("{}: {name} missing", module.id));
                let description = decl.get("description").and_then(|d| d.as_str());
                assert_eq!(property.get("description").and_then(|d| d.as_str()), description, "{name}");
                let default = decl.get("default").cloned();
                assert_eq!(property.get("default").cloned(), default, "{}: default of {name}", module.id);
                let declared_type = decl["type"].as_str().unwrap().replace("${", "").replace('}', "");
                assert_eq!(property["x-terraform-type"], json!(declared_type), "{}: type of {name}", module.id);
                let required = schema["required"].as_array().unwrap().contains(&json!(name));
                assert_eq!(required, default.is_none() && name != DEPLOYMENT_ID_VARIABLE, "{name} required");
            }
        }
    }

    #[test]
    fn schema_types_follow_terraform_types() {
        let aws_vm = template("aws_vm").unwrap().json_schema();
        assert_eq!(aws_vm["properties"]["ssh_allowed_cidrs"]["type"], "array");
        assert_eq!(aws_vm["properties"]["ssh_allowed_cidrs"]["items"]["type"], "string");
        assert_eq!(aws_vm["properties"]["associate_public_ip"]["type"], "boolean");
        assert_eq!(aws_vm["properties"]["architecture"]["enum"], json!(["x86_64", "arm64"]));
        assert_eq!(aws_vm["properties"]["tags"]["additionalProperties"]["type"], "string");
        assert_eq!(aws_vm["properties"]["deployment_id"]["readOnly"], true);
        let sandbox = template("sandbox").unwrap().json_schema();
        assert_eq!(sandbox["properties"]["instance_count"]["minimum"], json!(1.0));
        assert_eq!(sandbox["properties"]["instance_count"]["maximum"], json!(5.0));
        assert!(sandbox["properties"]["name"]["pattern"].is_string());
    }

    fn vars(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn valid_variables_pass_and_defaults_are_left_to_terraform() {
        let sandbox = template("sandbox").unwrap();
        let out = sandbox.validate(&vars(json!({"name": "demo", "instance_count": 2}))).unwrap();
        assert_eq!(out.len(), 2);
        assert!(sandbox.validate(&Map::new()).is_ok());
    }

    #[test]
    fn every_bad_variable_is_named() {
        let sandbox = template("sandbox").unwrap();
        let errors = sandbox
            .validate(&vars(json!({
                "name": "Bad Name",
                "instance_count": "two",
                "step_delay_seconds": 9,
                "nope": 1,
                "deployment_id": "x",
            })))
            .unwrap_err();
        let mut fields: Vec<(&str, &str)> = errors.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                ("variables.deployment_id", "read_only"),
                ("variables.instance_count", "invalid_type"),
                ("variables.name", "invalid_format"),
                ("variables.nope", "unknown_variable"),
                ("variables.step_delay_seconds", "out_of_range"),
            ]
        );
    }

    #[test]
    fn required_variables_and_enums_are_checked() {
        let aws_vm = template("aws_vm").unwrap();
        let errors = aws_vm.validate(&vars(json!({"architecture": "sparc", "ssh_allowed_cidrs": [1]}))).unwrap_err();
        let codes: BTreeMap<&str, &str> = errors.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(codes.get("variables.name"), Some(&"required"));
        assert_eq!(codes.get("variables.architecture"), Some(&"not_allowed"));
        assert_eq!(codes.get("variables.ssh_allowed_cidrs[0]"), Some(&"invalid_type"));
    }

    /// Every (state, event) pair: the allowed ones and where they lead; everything else refused.
    #[test]
    fn state_machine_table() {
        use RunEvent as E;
        use RunStatus as S;
        let allowed: &[(S, E, S)] = &[
            (S::Queued, E::Start, S::Planning),
            (S::Queued, E::Cancel, S::Cancelled),
            (S::Planning, E::PlanFinished, S::Planned),
            (S::Planning, E::Fail, S::Errored),
            (S::Planning, E::Cancel, S::Cancelled),
            (S::Planned, E::AwaitApproval, S::AwaitingApproval),
            (S::Planned, E::Discard, S::Discarded),
            (S::AwaitingApproval, E::Approve, S::Applying),
            (S::AwaitingApproval, E::Discard, S::Discarded),
            (S::Applying, E::ApplyFinished, S::Applied),
            (S::Applying, E::Fail, S::Errored),
            (S::Applying, E::Cancel, S::Cancelled),
        ];
        let mut checked = 0;
        for from in RunStatus::ALL {
            for event in RunEvent::ALL {
                let expected = allowed.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(transition(from, event), Ok(to), "{from} + {event:?}"),
                    None => assert_eq!(transition(from, event), Err(TransitionRefused { from, event }), "{from}"),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 72);
        for status in RunStatus::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(RunEvent::ALL.iter().all(|e| transition(status, *e).is_err()), "{status} is final");
        }
    }

    #[test]
    fn a_run_records_when_it_entered_each_state() {
        let t0 = Utc::now();
        let mut run = Run::new(OrgId::new(), DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), t0);
        let t1 = t0 + chrono::Duration::seconds(1);
        run.apply(RunEvent::Start, t1).unwrap();
        assert!(run.apply(RunEvent::Approve, t1).is_err());
        assert_eq!(run.status, RunStatus::Planning);
        assert_eq!(run.entered(RunStatus::Queued), Some(t0));
        assert_eq!(run.entered(RunStatus::Planning), Some(t1));
        assert_eq!(run.timestamps.len(), 2);
    }

    #[test]
    fn plan_summary_counts_by_address() {
        let doc = json!({
            "format_version": "0.2",
            "resource_changes": [
                {"address": "null_resource.this[0]", "change": {"actions": ["create"]}},
                {"address": "null_resource.this[1]", "change": {"actions": ["delete", "create"]}},
                {"address": "aws_s3_bucket.b", "change": {"actions": ["update"]}},
                {"address": "aws_instance.x", "change": {"actions": ["delete"]}},
                {"address": "data.aws_ami.al", "change": {"actions": ["read"]}},
                {"address": "aws_vpc.v", "change": {"actions": ["no-op"]}},
            ]
        });
        let summary = parse_plan_json(doc.to_string().as_bytes()).unwrap();
        assert_eq!(summary.add, ["null_resource.this[0]", "null_resource.this[1]"]);
        assert_eq!(summary.change, ["aws_s3_bucket.b"]);
        assert_eq!(summary.destroy, ["null_resource.this[1]", "aws_instance.x"]);
        assert!(summary.has_changes());
        let empty = parse_plan_json(br#"{"format_version":"0.2"}"#).unwrap();
        assert!(!empty.has_changes());
        assert!(parse_plan_json(b"{}").is_err());
    }
}
