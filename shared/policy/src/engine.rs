//! A set of Rego modules compiled once and evaluated many times, each evaluation under a time
//! limit. A module that does not compile is refused with its name, line, column and message.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde::Serialize;

/// The most Rego source a policy set may hold, all modules together.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024;

/// How long one evaluation may run unless a policy set says otherwise.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_millis(250);

/// One Rego file of a policy set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyModule {
    /// A file name (`ssh.rego`), named in compile errors.
    pub name: String,
    pub source: String,
}

impl PolicyModule {
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Self {
        Self { name: name.into(), source: source.into() }
    }
}

/// Why a policy set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// A module does not parse or type-check: where, and why.
    #[error("{module}:{line}:{column}: {message}")]
    Invalid { module: String, line: u32, column: u32, message: String },
    #[error("the policy modules hold {size} bytes; at most {MAX_SOURCE_BYTES} are allowed")]
    TooLarge { size: usize },
    #[error("a policy set needs at least one module")]
    Empty,
}

/// Why one evaluation gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvalError {
    #[error("the evaluation ran past its time limit of {limit_ms} ms")]
    TimedOut { limit_ms: u64 },
    #[error("the evaluation failed: {message}")]
    Failed { message: String },
}

/// Compiled Rego, ready to evaluate. Cloning is cheap (the parsed modules are shared), so a
/// caller clones the compiled set once per batch rather than compiling again.
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    limit: Duration,
}

impl PolicyEngine {
    /// Parses and checks every module; the first one that does not compile is the error.
    pub fn compile(modules: &[PolicyModule], limit: Duration) -> Result<Self, CompileError> {
        if modules.is_empty() {
            return Err(CompileError::Empty);
        }
        let size: usize = modules.iter().map(|m| m.source.len()).sum();
        if size > MAX_SOURCE_BYTES {
            return Err(CompileError::TooLarge { size });
        }
        let mut engine = regorus::Engine::new();
        engine.set_strict_builtin_errors(false);
        for module in modules {
            engine
                .add_policy(module.name.clone(), module.source.clone())
                .map_err(|error| compile_error(&module.name, &error.to_string()))?;
        }
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit,
            check_interval: NonZeroU32::new(64).expect("non-zero"),
        });
        // rule conflicts and unknown references surface when the modules are linked together,
        // which regorus does on a first evaluation; an error there without a source location
        // (the time limit, a runtime error on the empty input) is not the modules' fault
        if let Err(error) = engine.eval_modules(false)
            && error.to_string().contains("--> ")
        {
            let text = error.to_string();
            let module = modules.iter().find(|m| text.contains(&format!("--> {}:", m.name))).unwrap_or(&modules[0]);
            return Err(compile_error(&module.name, &text));
        }
        Ok(Self { engine, limit })
    }

    /// The value of one rule (`data.pkg.rule`) for this input; `None` when it is undefined.
    pub fn evaluate(&mut self, rule: &str, input: &serde_json::Value) -> Result<Option<serde_json::Value>, EvalError> {
        self.engine.set_input(regorus::Value::from(input.clone()));
        self.eval(rule)
    }

    /// Sets the input once for several [`Self::evaluate_rule`] calls.
    pub fn set_input(&mut self, input: &serde_json::Value) {
        self.engine.set_input(regorus::Value::from(input.clone()));
    }

    /// The value of one rule for the input last set.
    pub fn evaluate_rule(&mut self, rule: &str) -> Result<Option<serde_json::Value>, EvalError> {
        self.eval(rule)
    }

    fn eval(&mut self, rule: &str) -> Result<Option<serde_json::Value>, EvalError> {
        let value = self.engine.eval_rule(rule.to_owned()).map_err(|error| {
            let message = error.to_string();
            if message.contains("time limit") {
                EvalError::TimedOut { limit_ms: self.limit.as_millis() as u64 }
            } else {
                EvalError::Failed { message: last_line(&message).to_owned() }
            }
        })?;
        if value == regorus::Value::Undefined {
            return Ok(None);
        }
        serde_json::to_value(&value).map(Some).map_err(|error| EvalError::Failed { message: error.to_string() })
    }
}

/// regorus reports `--> file:line:col`, the source line, a caret, then `error: message`.
fn compile_error(module: &str, text: &str) -> CompileError {
    let (mut line, mut column) = (0, 0);
    if let Some(at) = text.find("--> ") {
        let location = text[at + 4..].lines().next().unwrap_or_default();
        let mut parts = location.rsplitn(3, ':');
        column = parts.next().and_then(|c| c.trim().parse().ok()).unwrap_or(0);
        line = parts.next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
    }
    let message = last_line(text);
    let message = message.strip_prefix("error: ").unwrap_or(message).to_owned();
    CompileError::Invalid { module: module.to_owned(), line, column, message }
}

fn last_line(text: &str) -> &str {
    text.trim().lines().last().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn compile(source: &str) -> Result<PolicyEngine, CompileError> {
        PolicyEngine::compile(&[PolicyModule::new("main.rego", source)], DEFAULT_TIME_LIMIT)
    }

    #[test]
    fn a_compiled_policy_answers_for_each_input() {
        let mut engine = compile("package t\nallow if input.user == \"root\"\n").unwrap();
        assert_eq!(engine.evaluate("data.t.allow", &json!({"user": "root"})).unwrap(), Some(json!(true)));
        assert_eq!(engine.evaluate("data.t.allow", &json!({"user": "ann"})).unwrap(), None, "undefined, not false");
    }

    #[test]
    fn a_syntax_error_names_the_module_line_and_message() {
        let error = compile("package t\n\nallow if {\n  input.user ==\n").unwrap_err();
        let CompileError::Invalid { module, line, message, .. } = error else { panic!("{error:?}") };
        assert_eq!(module, "main.rego");
        assert!(line >= 3, "line {line}");
        assert!(!message.is_empty() && !message.contains("-->"), "{message}");
    }

    #[test]
    fn an_error_in_the_second_module_names_that_module() {
        let modules =
            [PolicyModule::new("a.rego", "package a\nx := 1\n"), PolicyModule::new("b.rego", "package b\ny := [\n")];
        let CompileError::Invalid { module, line, .. } =
            PolicyEngine::compile(&modules, DEFAULT_TIME_LIMIT).unwrap_err()
        else {
            panic!()
        };
        assert_eq!((module.as_str(), line > 0), ("b.rego", true));
    }

    #[test]
    fn a_call_to_an_unknown_function_is_refused_with_its_line() {
        let CompileError::Invalid { line, message, .. } =
            compile("package t\n\nx := no_such_function(1)\n").unwrap_err()
        else {
            panic!()
        };
        assert_eq!(line, 3, "{message}");
    }

    #[test]
    fn modules_over_256_kb_in_all_are_refused() {
        let big = format!("package t\n# {}\n", "x".repeat(MAX_SOURCE_BYTES));
        assert!(matches!(compile(&big), Err(CompileError::TooLarge { .. })));
        assert_eq!(PolicyEngine::compile(&[], DEFAULT_TIME_LIMIT).unwrap_err(), CompileError::Empty);
    }

    #[test]
    fn an_evaluation_past_its_time_limit_is_an_error_not_an_answer() {
        let source = "package t\nslow := count([x | some a in numbers.range(1, 3000); some b in numbers.range(1, 3000); x := a * b])\n";
        let mut engine =
            PolicyEngine::compile(&[PolicyModule::new("slow.rego", source)], Duration::from_millis(20)).unwrap();
        assert_eq!(engine.evaluate("data.t.slow", &json!({})), Err(EvalError::TimedOut { limit_ms: 20 }));
    }

    #[test]
    fn the_engine_can_be_shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<PolicyEngine>();
    }
}
