//! `template.yaml` against the code: every function's environment is exactly what its binary
//! reads (each binary lists that with `--print-env`), and each function's
//! `[package.metadata.lambda.deploy]`, used by `cargo lambda deploy`, says the same memory,
//! timeout, environment and role as the template.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_norway::Value;

const TEMPLATE: &str = include_str!("../../template.yaml");
const FUNCTIONS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions");

struct TemplateFunction {
    logical_id: String,
    binary: String,
    memory: u64,
    timeout: u64,
    env: BTreeMap<String, Value>,
    /// The role the function runs as: its own `Role`, or the one SAM makes for it.
    role: Value,
}

fn template() -> Value {
    serde_norway::from_str(TEMPLATE).expect("template.yaml parses")
}

fn functions(template: &Value) -> Vec<TemplateFunction> {
    let globals = &template["Globals"]["Function"];
    let number = |properties: &Value, key: &str| {
        properties.get(key).or_else(|| globals.get(key)).and_then(Value::as_u64).expect(key)
    };
    let mut functions = Vec::new();
    for (id, resource) in template["Resources"].as_mapping().expect("Resources") {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let logical_id = id.as_str().expect("logical id").to_owned();
        let properties = &resource["Properties"];
        let env = properties
            .get("Environment")
            .and_then(|e| e["Variables"].as_mapping())
            .map(|vars| vars.iter().map(|(k, v)| (k.as_str().expect("name").to_owned(), v.clone())).collect())
            .unwrap_or_default();
        let role = properties
            .get("Role")
            .cloned()
            .unwrap_or_else(|| serde_norway::from_str(&format!("!GetAtt {logical_id}Role.Arn")).expect("a GetAtt"));
        functions.push(TemplateFunction {
            binary: resource["Metadata"]["BuildProperties"]["Binary"].as_str().expect("Binary").to_owned(),
            memory: number(properties, "MemorySize"),
            timeout: number(properties, "Timeout"),
            env,
            role,
            logical_id,
        });
    }
    functions
}

/// What the binary reads: name → "required" | "optional".
fn variables_read(binary: &str) -> BTreeMap<String, String> {
    let output = Command::new(skyforge_e2e::built_binary(binary))
        .arg("--print-env")
        .env_clear()
        .output()
        .unwrap_or_else(|e| panic!("running {binary} --print-env: {e}"));
    assert!(output.status.success(), "{binary} --print-env failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{binary} --print-env printed no JSON ({e}): {}", String::from_utf8_lossy(&output.stdout))
    })
}

#[test]
fn every_function_under_functions_is_in_the_template() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(FUNCTIONS_DIR)
        .expect("functions/")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let in_template: BTreeSet<String> = functions(&template()).into_iter().map(|f| f.binary).collect();
    assert_eq!(on_disk, in_template);
}

#[test]
fn each_function_is_given_exactly_the_variables_its_code_reads() {
    let mut problems = Vec::new();
    for function in functions(&template()) {
        let read = variables_read(&function.binary);
        // a sanity check on --print-env itself: every function works on the app table
        assert!(read.contains_key("SKYFORGE_TABLE_NAME"), "{} lists {read:?}", function.binary);
        for (name, need) in &read {
            if need == "required" && !function.env.contains_key(name) {
                problems.push(format!("{}: reads {name} but template.yaml does not set it", function.logical_id));
            }
        }
        for name in function.env.keys() {
            if !read.contains_key(name) {
                problems
                    .push(format!("{}: template.yaml sets {name}, which its code never reads", function.logical_id));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn cargo_lambda_metadata_matches_the_template() {
    let template = template();
    let outputs = &template["Outputs"];
    // "{Name}" → the value of stack output Name
    let output = |placeholder: &str| -> Option<Value> {
        let name = placeholder.strip_prefix('{')?.strip_suffix('}')?;
        outputs.get(name).map(|o| o["Value"].clone())
    };
    let mut problems = Vec::new();
    for function in functions(&template) {
        let manifest = Path::new(FUNCTIONS_DIR).join(&function.binary).join("Cargo.toml");
        let manifest: toml::Table = std::fs::read_to_string(&manifest).expect("Cargo.toml").parse().expect("TOML");
        let deploy = &manifest["package"]["metadata"]["lambda"]["deploy"];
        let name = &function.binary;
        if deploy.get("memory").and_then(toml::Value::as_integer) != Some(function.memory as i64) {
            problems.push(format!("{name}: memory differs from the template's {}", function.memory));
        }
        if deploy.get("timeout").and_then(toml::Value::as_integer) != Some(function.timeout as i64) {
            problems.push(format!("{name}: timeout differs from the template's {}", function.timeout));
        }
        match deploy.get("role").and_then(toml::Value::as_str).and_then(output) {
            Some(role) if role == function.role => {}
            _ => problems.push(format!("{name}: role is not the {{Output}} of its role in the template")),
        }
        let env: BTreeMap<String, String> = deploy
            .get("env")
            .and_then(toml::Value::as_table)
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        let (declared, templated): (BTreeSet<_>, BTreeSet<_>) = (env.keys().collect(), function.env.keys().collect());
        if declared != templated {
            problems.push(format!("{name}: env names {declared:?} differ from the template's {templated:?}"));
        }
        for (key, placeholder) in &env {
            if let Some(value) = function.env.get(key)
                && output(placeholder).as_ref() != Some(value)
            {
                problems.push(format!("{name}: {key} = {placeholder:?} is not the stack output of its template value"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every `Allow` statement of every function's policies and of the roles in the template.
fn allow_statements(template: &Value) -> Vec<(String, Value)> {
    let mut statements = Vec::new();
    for (id, resource) in template["Resources"].as_mapping().expect("Resources") {
        let id = id.as_str().expect("logical id").to_owned();
        let properties = &resource["Properties"];
        let documents: Vec<&Value> = match resource["Type"].as_str() {
            Some("AWS::Serverless::Function") => {
                properties.get("Policies").and_then(Value::as_sequence).map(|p| p.iter().collect()).unwrap_or_default()
            }
            Some("AWS::IAM::Role") => properties["Policies"]
                .as_sequence()
                .map(|p| p.iter().map(|policy| &policy["PolicyDocument"]).collect())
                .unwrap_or_default(),
            _ => continue,
        };
        for document in documents {
            for statement in document["Statement"].as_sequence().into_iter().flatten() {
                if statement["Effect"].as_str() == Some("Allow") {
                    statements.push((id.clone(), statement.clone()));
                }
            }
        }
    }
    statements
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        other => vec![serde_norway::to_string(other).unwrap_or_default()],
    }
}

#[test]
fn no_policy_allows_a_wildcard_action_and_the_runner_cannot_reach_the_app_table() {
    let template = template();
    let statements = allow_statements(&template);
    assert!(statements.len() > 20, "found only {} statements", statements.len());
    for (owner, statement) in &statements {
        for action in strings(&statement["Action"]) {
            assert!(!action.contains('*'), "{owner} allows the wildcard action {action}");
        }
        // only role assumption may name any resource: customers' roles are in their accounts
        for resource in strings(&statement["Resource"]) {
            if resource == "*" || resource.starts_with("arn:aws:iam::*") {
                assert_eq!(strings(&statement["Action"]), ["sts:AssumeRole"], "{owner}: {resource}");
            }
        }
    }
    for (owner, statement) in statements.iter().filter(|(owner, _)| owner == "RunnerRole") {
        let resources = strings(&statement["Resource"]).join(" ");
        assert!(!resources.contains("AppTable"), "{owner} may reach the app table: {resources}");
    }
}

/// Functions where no user signs in neither read the JWT signing key nor may: a leak of one of
/// them must not let anyone mint sessions.
#[test]
fn functions_that_authenticate_nobody_neither_read_nor_may_read_the_signing_key() {
    let template = template();
    let statements = allow_statements(&template);
    for (binary, logical_id) in [
        ("run-events", "RunEventsFunction"),
        ("log-forwarder", "LogForwarderFunction"),
        ("sync-worker", "SyncWorkerFunction"),
    ] {
        let read = variables_read(binary);
        assert!(!read.contains_key("SKYFORGE_JWT_SECRET_ID"), "{binary} reads the signing key: {read:?}");
        let function = functions(&template).into_iter().find(|f| f.logical_id == logical_id).expect(logical_id);
        assert!(!function.env.contains_key("SKYFORGE_JWT_SECRET_ID"), "{logical_id} is given the signing key");
        for (owner, statement) in statements.iter().filter(|(owner, _)| owner == logical_id) {
            let resources = strings(&statement["Resource"]).join(" ");
            assert!(!resources.contains("JwtSigningKey"), "{owner} may read the signing key: {resources}");
        }
    }
    // and the check can fail: an HTTP function does read it
    assert!(variables_read("api-auth").contains_key("SKYFORGE_JWT_SECRET_ID"));
}
