//! The built-in compliance checks: their Rego, compiled once per process into one engine, and
//! their evaluation on one resource at a time.

use std::sync::LazyLock;

use serde_json::Value;
use skyforge_domain::compliance::{BUILTIN_CHECKS, CheckInfo, Outcome};
use skyforge_domain::inventory::Resource;

use crate::engine::{CompileError, DEFAULT_TIME_LIMIT, PolicyEngine, PolicyModule};

pub use skyforge_domain::compliance::CheckInfo as Check;

/// The Rego of each built-in check, by id, and the helpers they share.
const SOURCES: &[(&str, &str)] = &[
    ("lib", include_str!("../checks/lib.rego")),
    ("firewall_ssh_open", include_str!("../checks/firewall_ssh_open.rego")),
    ("firewall_rdp_open", include_str!("../checks/firewall_rdp_open.rego")),
    ("firewall_all_ports_open", include_str!("../checks/firewall_all_ports_open.rego")),
    ("firewall_database_ports_open", include_str!("../checks/firewall_database_ports_open.rego")),
    ("bucket_public", include_str!("../checks/bucket_public.rego")),
    ("bucket_public_access_block_off", include_str!("../checks/bucket_public_access_block_off.rego")),
    ("bucket_default_encryption_off", include_str!("../checks/bucket_default_encryption_off.rego")),
    ("storage_https_only_off", include_str!("../checks/storage_https_only_off.rego")),
    ("storage_tls_below_1_2", include_str!("../checks/storage_tls_below_1_2.rego")),
    ("bucket_uniform_access_off", include_str!("../checks/bucket_uniform_access_off.rego")),
    ("disk_unencrypted", include_str!("../checks/disk_unencrypted.rego")),
    ("disk_without_customer_key", include_str!("../checks/disk_without_customer_key.rego")),
    ("vm_imdsv1_allowed", include_str!("../checks/vm_imdsv1_allowed.rego")),
    ("vm_public_admin_port", include_str!("../checks/vm_public_admin_port.rego")),
    ("public_ip_unattached", include_str!("../checks/public_ip_unattached.rego")),
];

/// The Rego modules of the built-in library, as a policy set would hold them.
pub fn builtin_modules() -> Vec<PolicyModule> {
    SOURCES.iter().map(|(id, source)| PolicyModule::new(format!("{id}.rego"), *source)).collect()
}

static COMPILED: LazyLock<Result<PolicyEngine, CompileError>> =
    LazyLock::new(|| PolicyEngine::compile(&builtin_modules(), DEFAULT_TIME_LIMIT));

/// The compiled library (compiled on first use, once per process); clone it for a batch.
pub fn builtin_checks() -> BuiltinChecks {
    let engine = COMPILED.as_ref().expect("the built-in checks compile (tested)").clone();
    BuiltinChecks { engine }
}

/// What one check said about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub check: &'static CheckInfo,
    pub outcome: Outcome,
}

/// The built-in checks, ready to evaluate resources one by one.
#[derive(Debug, Clone)]
pub struct BuiltinChecks {
    engine: PolicyEngine,
}

impl BuiltinChecks {
    /// Every check that applies to the resource, with its outcome. A check whose `fail` rule
    /// is true fails; undefined or false passes; an evaluation error is an `Error` outcome.
    pub fn evaluate(&mut self, resource: &Resource) -> Vec<CheckOutcome> {
        let applicable: Vec<&'static CheckInfo> = BUILTIN_CHECKS.iter().filter(|c| c.applies_to(resource)).collect();
        if applicable.is_empty() {
            return Vec::new();
        }
        let input = serde_json::to_value(resource).expect("a resource always serialises");
        self.engine.set_input(&input);
        applicable
            .into_iter()
            .map(|check| {
                let outcome = match self.engine.evaluate_rule(&format!("data.skyforge.checks.{}.fail", check.id)) {
                    Ok(Some(Value::Bool(true))) => Outcome::Fail,
                    Ok(_) => Outcome::Pass,
                    Err(error) => Outcome::Error { message: error.to_string() },
                };
                CheckOutcome { check, outcome }
            })
            .collect()
    }
}

/// The built-in library as the sync's evaluator: one clone of the compiled engine per batch.
#[derive(Debug, Default, Clone, Copy)]
pub struct BuiltinEvaluator;

impl skyforge_app::compliance::ComplianceEvaluator for BuiltinEvaluator {
    fn evaluate(&self, resources: &[&Resource]) -> Vec<Vec<(&'static CheckInfo, Outcome)>> {
        let mut checks = builtin_checks();
        resources.iter().map(|r| checks.evaluate(r).into_iter().map(|o| (o.check, o.outcome)).collect()).collect()
    }
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
