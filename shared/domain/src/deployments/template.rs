//! The template catalog: one template per Terraform module, with a JSON Schema generated from
//! the module's own `variables.tf`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use hcl::expr::{BinaryOperator, Expression, Operation};
use serde_json::{Map, Value, json};

use super::*;
use crate::error::{FieldError, ValidationErrors};
use crate::provider::Provider;

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

pub(super) struct ModuleSource {
    pub(super) id: &'static str,
    title: &'static str,
    description: &'static str,
    provider: Option<Provider>,
    pub(super) variables_tf: &'static str,
}

// Embedded at compile time, so the catalog cannot drift from the modules.
pub(super) const MODULES: [ModuleSource; 7] = [
    ModuleSource {
        id: "aws_vm",
        title: "AWS EC2 instance",
        description: "An EC2 instance with IMDSv2, an encrypted root volume and key-only SSH.",
        provider: Some(Provider::Aws),
        variables_tf: include_str!("../../../../terraform/modules/aws_vm/variables.tf"),
    },
    ModuleSource {
        id: "aws_s3",
        title: "AWS S3 bucket",
        description: "A private, encrypted, versioned S3 bucket.",
        provider: Some(Provider::Aws),
        variables_tf: include_str!("../../../../terraform/modules/aws_s3/variables.tf"),
    },
    ModuleSource {
        id: "azure_vm",
        title: "Azure Linux VM",
        description: "A Linux VM with its own network, SSH key auth only.",
        provider: Some(Provider::Azure),
        variables_tf: include_str!("../../../../terraform/modules/azure_vm/variables.tf"),
    },
    ModuleSource {
        id: "azure_blob",
        title: "Azure Blob container",
        description: "A storage account and a private blob container.",
        provider: Some(Provider::Azure),
        variables_tf: include_str!("../../../../terraform/modules/azure_blob/variables.tf"),
    },
    ModuleSource {
        id: "gcp_vm",
        title: "GCP Compute Engine VM",
        description: "A Compute Engine instance with Shielded VM and OS Login.",
        provider: Some(Provider::Gcp),
        variables_tf: include_str!("../../../../terraform/modules/gcp_vm/variables.tf"),
    },
    ModuleSource {
        id: "gcp_storage",
        title: "GCP Cloud Storage bucket",
        description: "A private Cloud Storage bucket with uniform access.",
        provider: Some(Provider::Gcp),
        variables_tf: include_str!("../../../../terraform/modules/gcp_storage/variables.tf"),
    },
    ModuleSource {
        id: "sandbox",
        title: "Sandbox (local demo, creates nothing)",
        description: "Null resources that print progress lines: runs offline, needs no cloud account.",
        provider: None,
        variables_tf: include_str!("../../../../terraform/modules/sandbox/variables.tf"),
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
