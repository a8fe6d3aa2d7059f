//! Tests of the catalog, the run state machine and the plan summary.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::template::MODULES;
use super::*;
use crate::ids::{DeploymentId, OrgId, UserId};

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

// ---- the run reaper's rule ---------------------------------------------------------------------

fn running_run(status: RunStatus, started: chrono::DateTime<Utc>, deadline: chrono::Duration) -> Run {
    let mut run = Run::new(OrgId::new(), DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), started);
    run.status = status;
    run.timestamps.push(StatusTimestamp { status, at: started });
    run.execution_id = Some("build-1".into());
    run.phase_deadline = Some(started + deadline);
    run
}

#[test]
fn the_reaper_leaves_a_running_build_within_its_deadline() {
    let start = Utc::now();
    let run = running_run(RunStatus::Applying, start, chrono::Duration::minutes(60));
    let verdict = reap(&run, Some(&ExecutionState::Running), start + chrono::Duration::minutes(59));
    assert_eq!(verdict, Reaping::Leave);
}

#[test]
fn the_reaper_times_out_a_running_build_past_its_deadline_and_stops_it() {
    let start = Utc::now();
    let run = running_run(RunStatus::Planning, start, chrono::Duration::minutes(60));
    match reap(&run, Some(&ExecutionState::Running), start + chrono::Duration::minutes(60)) {
        Reaping::Error { phase, reason, stop_build, detail } => {
            assert_eq!((phase, reason, stop_build), (Phase::Plan, RunErrorReason::PhaseTimeout, true));
            assert!(detail.contains("exceeded its timeout"), "{detail}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn the_reaper_errors_a_run_whose_build_is_gone_as_executor_lost_even_before_its_deadline() {
    let start = Utc::now();
    let run = running_run(RunStatus::Applying, start, chrono::Duration::minutes(60));
    for state in [ExecutionState::Gone, ExecutionState::Failed("FAILED".into())] {
        match reap(&run, Some(&state), start + chrono::Duration::seconds(5)) {
            Reaping::Error { phase, reason, stop_build, .. } => {
                assert_eq!(
                    (phase, reason, stop_build),
                    (Phase::Apply, RunErrorReason::ExecutorLost, false),
                    "{state:?}"
                );
            }
            other => panic!("{state:?}: expected executor_lost, got {other:?}"),
        }
    }
}

#[test]
fn the_reaper_finishes_a_phase_whose_build_succeeded_without_its_event() {
    let start = Utc::now();
    let run = running_run(RunStatus::Planning, start, chrono::Duration::minutes(60));
    // even past the deadline: the build did finish, only its report was lost
    let verdict = reap(&run, Some(&ExecutionState::Succeeded), start + chrono::Duration::hours(2));
    assert_eq!(verdict, Reaping::Finish(Phase::Plan));
}

#[test]
fn the_reaper_gives_a_run_without_an_execution_id_the_start_grace_then_errors_it() {
    let start = Utc::now();
    let mut run = running_run(RunStatus::Planning, start, chrono::Duration::minutes(60));
    run.execution_id = None;
    assert_eq!(reap(&run, None, start + chrono::Duration::seconds(30)), Reaping::Leave);
    match reap(&run, None, start + START_GRACE) {
        Reaping::Error { reason, .. } => assert_eq!(reason, RunErrorReason::ExecutorLost),
        other => panic!("expected executor_lost, got {other:?}"),
    }
}

#[test]
fn the_reaper_never_touches_a_run_outside_a_running_phase() {
    let start = Utc::now();
    for status in [
        RunStatus::Queued,
        RunStatus::Planned,
        RunStatus::AwaitingApproval,
        RunStatus::Applied,
        RunStatus::Errored,
        RunStatus::Cancelled,
        RunStatus::Discarded,
    ] {
        let run = running_run(status, start, chrono::Duration::seconds(1));
        for state in [None, Some(ExecutionState::Gone), Some(ExecutionState::Succeeded)] {
            assert_eq!(reap(&run, state.as_ref(), start + chrono::Duration::hours(3)), Reaping::Leave, "{status}");
        }
    }
}

#[test]
fn error_reasons_are_stable_snake_case_words() {
    for reason in [
        RunErrorReason::BuildFailed,
        RunErrorReason::StartFailed,
        RunErrorReason::ExecutorLost,
        RunErrorReason::PhaseTimeout,
    ] {
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(reason.as_str()));
    }
}

fn set(value: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(value).unwrap()
}

fn patch(value: Value) -> Map<String, Value> {
    serde_json::from_value(value).unwrap()
}

#[test]
fn a_variables_patch_replaces_given_values_and_null_returns_to_the_default() {
    let sandbox = template("sandbox").unwrap();
    let current = set(json!({"instance_count": 2, "message": "hi"}));
    let patched =
        patch_variables(sandbox, &current, &patch(json!({"instance_count": 3, "message": null, "name": "web"})))
            .unwrap();
    assert_eq!(patched, set(json!({"instance_count": 3, "name": "web"})));
}

#[test]
fn a_variables_patch_is_checked_like_a_new_deployment_and_names_each_bad_field() {
    let sandbox = template("sandbox").unwrap();
    let current = set(json!({"instance_count": 2}));
    let errors = patch_variables(
        sandbox,
        &current,
        &patch(json!({"instance_count": "two", "name": "Bad Name", "extra": 1, "gone": null, "deployment_id": "x"})),
    )
    .unwrap_err();
    let mut fields: Vec<(String, String)> = errors.0.iter().map(|e| (e.field.clone(), e.code.to_string())).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("variables.deployment_id".to_owned(), "read_only".to_owned()),
            ("variables.extra".to_owned(), "unknown_variable".to_owned()),
            ("variables.gone".to_owned(), "unknown_variable".to_owned()),
            ("variables.instance_count".to_owned(), "invalid_type".to_owned()),
            ("variables.name".to_owned(), "invalid_format".to_owned()),
        ]
    );
    // a required variable cannot be removed
    let aws_vm = template("aws_vm").unwrap();
    let errors = patch_variables(aws_vm, &set(json!({"name": "web"})), &patch(json!({"name": null}))).unwrap_err();
    assert_eq!(errors.0[0].field, "variables.name");
    assert_eq!(errors.0[0].code, "required");
}

#[test]
fn variable_changes_list_added_changed_and_removed_names_in_order() {
    let before = set(json!({"a": 1, "b": "x", "c": true}));
    let after = set(json!({"a": 1, "b": "y", "d": [1]}));
    let changes = variable_changes(&before, &after);
    assert_eq!(
        changes,
        [
            VariableChange { name: "b".into(), before: Some(json!("x")), after: Some(json!("y")) },
            VariableChange { name: "c".into(), before: Some(json!(true)), after: None },
            VariableChange { name: "d".into(), before: None, after: Some(json!([1])) },
        ]
    );
    assert!(variable_changes(&before, &before).is_empty());
}

#[test]
fn lifecycle_follows_applies_and_destroys() {
    use Lifecycle as L;
    let cases = [
        (L::New, RunKind::PlanAndApply, false, L::Applied),
        (L::New, RunKind::PlanAndApply, true, L::Applied),
        (L::Destroyed, RunKind::PlanAndApply, false, L::Applied),
        (L::Applied, RunKind::Destroy, true, L::Destroyed),
        (L::Applied, RunKind::Destroy, false, L::Applied),
        (L::New, RunKind::Destroy, false, L::New),
        (L::New, RunKind::Destroy, true, L::Destroyed),
    ];
    for (from, kind, succeeded, to) in cases {
        assert_eq!(from.on_apply(kind, succeeded), to, "{from:?} {kind:?} succeeded={succeeded}");
    }
}

#[test]
fn only_a_deployment_without_resources_and_runs_can_be_deleted() {
    let org = OrgId::new();
    let id = DeploymentId::new();
    let now = Utc::now();
    let mut d = Deployment {
        id,
        org_id: org,
        template: "sandbox".into(),
        name: "demo".into(),
        credential_id: None,
        variables: BTreeMap::new(),
        outputs: None,
        state_key: Deployment::state_key_for(org, id),
        active_run_id: None,
        lifecycle: Lifecycle::New,
        applied_variables: None,
        created_by: UserId::new(),
        created_at: now,
        updated_at: now,
    };
    assert_eq!(d.check_deletable(false), Ok(()));
    assert_eq!(d.check_deletable(true), Err(DeploymentConflict::RunActive));
    d.lifecycle = Lifecycle::Applied;
    assert_eq!(d.check_deletable(false), Err(DeploymentConflict::HasResources));
    d.lifecycle = Lifecycle::Destroyed;
    assert_eq!(d.check_deletable(false), Ok(()));
    d.active_run_id = Some(crate::ids::RunId::new());
    assert_eq!(d.check_deletable(false).unwrap_err().code(), "invalid_run_state");
}

#[test]
fn a_refresh_only_plan_names_each_drifted_attribute_and_each_resource_deleted_outside_terraform() {
    let document = json!({
        "format_version": "0.2",
        "terraform_version": "1.0.3",
        "resource_drift": [
            {"address": "aws_instance.this", "change": {"actions": ["update"],
                "before": {"instance_type": "t3.micro", "tags": {"env": "prod"}, "ami": "ami-1"},
                "after": {"instance_type": "t3.large", "tags": {"env": "prod", "owner": "bob"}, "ami": "ami-1"}}},
            {"address": "aws_s3_bucket.logs", "change": {"actions": ["delete"], "before": {"bucket": "logs"}, "after": null}},
            {"address": "null_resource.same", "change": {"actions": ["update"], "before": {"id": "1"}, "after": {"id": "1"}}}
        ]
    });
    let drift = parse_drift_json(document.to_string().as_bytes()).unwrap();
    assert_eq!(
        drift,
        [
            ResourceDrift {
                address: "aws_instance.this".into(),
                action: "update".into(),
                attributes: vec![
                    AttributeDrift {
                        path: "instance_type".into(),
                        state: Some(json!("t3.micro")),
                        real: Some(json!("t3.large"))
                    },
                    AttributeDrift { path: "tags.owner".into(), state: None, real: Some(json!("bob")) },
                ],
            },
            ResourceDrift { address: "aws_s3_bucket.logs".into(), action: "delete".into(), attributes: vec![] },
        ]
    );
    let found = Drift::found(crate::ids::RunId::new(), Utc::now(), drift);
    assert_eq!(found.state, DriftState::Drifted);
}

#[test]
fn a_refresh_only_plan_without_drift_is_in_sync_and_a_document_without_version_is_refused() {
    let none = parse_drift_json(br#"{"format_version":"0.2","resource_changes":[]}"#).unwrap();
    assert!(none.is_empty());
    assert_eq!(Drift::found(crate::ids::RunId::new(), Utc::now(), none).state, DriftState::InSync);
    assert!(parse_drift_json(br#"{"resource_drift":[]}"#).is_err());
    assert!(parse_drift_json(b"not json").is_err());
}
