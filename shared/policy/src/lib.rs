//! Skyforge's policy engine: Rego modules compiled once with `regorus` and evaluated with a
//! time limit, and the built-in library of compliance checks that every sync runs.

pub mod checks;
pub mod engine;

pub use checks::{BuiltinChecks, BuiltinEvaluator, Check, CheckOutcome, builtin_checks};
pub use engine::{CompileError, DEFAULT_TIME_LIMIT, EvalError, MAX_SOURCE_BYTES, PolicyEngine, PolicyModule};
