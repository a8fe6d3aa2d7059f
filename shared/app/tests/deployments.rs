//! The deployment service over in-memory fakes of its ports: what a finished run asks of the
//! sync pipeline, and how runs reach the organisation's recent runs. The adapters behind these
//! ports are tested against the moto server (`shared/aws/tests/moto`).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use skyforge_app::audit::AuditService;
use skyforge_app::deployment_ports::{
    AppliedState, Deployments, LogHub, PhaseRequest, RecentRuns, RunArtifacts, RunExecutor, Runs, StateLocks,
    SyncRequester,
};
use skyforge_app::deployments::{DeploymentPorts, DeploymentService, DeploymentUpdate, PhaseOutcome};
use skyforge_app::error::AppError;
use skyforge_app::error::BoxError;
use skyforge_app::orgs::OrgAccess;
use skyforge_app::ports::{AuditLog, Clock, Conflict, StoreError, StoreResult};
use skyforge_app::principal::Caller;
use skyforge_app::sync_ports::Credentials;
use skyforge_domain::audit::Action;
use skyforge_domain::audit::AuditEvent;
use skyforge_domain::credentials::Credential;
use skyforge_domain::deployments::{
    Deployment, DeploymentConflict, ExecutionState, Lifecycle, LiveMessage, LogLine, Phase, RECENT_RUNS, RecentRun,
    Run, RunErrorReason, RunEvent, RunKind, RunStatus, VariableChange,
};
use skyforge_domain::ids::{CredentialId, DeploymentId, OrgId, RunId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::provider::Provider;
use skyforge_domain::roles::Role;

// ---- fakes -----------------------------------------------------------------------------------

#[derive(Default)]
struct Store {
    deployments: Mutex<HashMap<DeploymentId, Deployment>>,
    runs: Mutex<HashMap<RunId, Run>>,
    credentials: Mutex<HashMap<CredentialId, Credential>>,
    /// Every call of the recent-runs port, in order: ("add" | "update", run, status).
    recent: Mutex<Vec<(&'static str, RunId, RunStatus)>>,
    /// What the recent-runs port answers.
    listed: Mutex<Vec<RecentRun>>,
    /// Every sync asked for: (organisation, credential).
    syncs: Mutex<Vec<(OrgId, CredentialId)>>,
    /// Phases started: (run, phase).
    started: Mutex<Vec<(RunId, Phase)>>,
    /// What the executor answers about an execution id (absent: running).
    executions: Mutex<HashMap<String, ExecutionState>>,
    /// Builds stopped, by execution id.
    stopped: Mutex<Vec<String>>,
    /// Log lines archived.
    lines: Mutex<Vec<String>>,
    /// The state lock held, if any: (state key, when taken, lock id); and those released.
    lock: Mutex<Option<(String, DateTime<Utc>, String)>>,
    released: Mutex<Vec<String>>,
    /// Audit actions recorded.
    audited: Mutex<Vec<Action>>,
}

#[async_trait]
impl Deployments for Store {
    async fn create(&self, deployment: &Deployment) -> StoreResult<()> {
        self.deployments.lock().unwrap().insert(deployment.id, deployment.clone());
        Ok(())
    }
    async fn get(&self, org: OrgId, id: DeploymentId) -> StoreResult<Option<Deployment>> {
        Ok(self.deployments.lock().unwrap().get(&id).filter(|d| d.org_id == org).cloned())
    }
    async fn list(&self, _org: OrgId, _page: &PageRequest) -> StoreResult<Page<Deployment>> {
        unimplemented!("not used here")
    }
    async fn claim(&self, _org: OrgId, id: DeploymentId, run: RunId) -> StoreResult<bool> {
        let mut deployments = self.deployments.lock().unwrap();
        let d = deployments.get_mut(&id).expect("deployment");
        match d.active_run_id {
            Some(active) if active != run => Ok(false),
            _ => {
                d.active_run_id = Some(run);
                Ok(true)
            }
        }
    }
    async fn release(&self, _org: OrgId, id: DeploymentId, run: RunId, _now: DateTime<Utc>) -> StoreResult<()> {
        let mut deployments = self.deployments.lock().unwrap();
        if let Some(d) = deployments.get_mut(&id).filter(|d| d.active_run_id == Some(run)) {
            d.active_run_id = None;
        }
        Ok(())
    }
    async fn set_outputs(
        &self,
        _org: OrgId,
        id: DeploymentId,
        applied: &AppliedState,
        _now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut deployments = self.deployments.lock().unwrap();
        let d = deployments.get_mut(&id).expect("deployment");
        d.outputs = applied.outputs.clone();
        d.lifecycle = applied.lifecycle;
        if let Some(vars) = &applied.variables {
            d.applied_variables = Some(vars.clone());
        }
        Ok(())
    }
    async fn set_lifecycle(
        &self,
        _org: OrgId,
        id: DeploymentId,
        lifecycle: Lifecycle,
        _now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.deployments.lock().unwrap().get_mut(&id).expect("deployment").lifecycle = lifecycle;
        Ok(())
    }
    async fn update(
        &self,
        _org: OrgId,
        id: DeploymentId,
        name: &str,
        variables: &BTreeMap<String, Value>,
        _now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut deployments = self.deployments.lock().unwrap();
        let d = deployments.get_mut(&id).ok_or(StoreError::Conflict(Conflict::Gone))?;
        d.name = name.to_owned();
        d.variables = variables.clone();
        Ok(())
    }
    async fn delete(&self, _org: OrgId, id: DeploymentId) -> StoreResult<()> {
        self.deployments.lock().unwrap().remove(&id);
        self.runs.lock().unwrap().retain(|_, r| r.deployment_id != id);
        Ok(())
    }
}

#[async_trait]
impl Runs for Store {
    async fn create(&self, run: &Run) -> StoreResult<()> {
        self.runs.lock().unwrap().insert(run.id, run.clone());
        Ok(())
    }
    async fn get(&self, org: OrgId, id: RunId) -> StoreResult<Option<Run>> {
        Ok(self.runs.lock().unwrap().get(&id).filter(|r| r.org_id == org).cloned())
    }
    async fn locate(&self, id: RunId) -> StoreResult<Option<(OrgId, DeploymentId)>> {
        Ok(self.runs.lock().unwrap().get(&id).map(|r| (r.org_id, r.deployment_id)))
    }
    async fn for_deployment(
        &self,
        org: OrgId,
        deployment: DeploymentId,
        _page: &PageRequest,
    ) -> StoreResult<Page<Run>> {
        let mut items: Vec<Run> = self
            .runs
            .lock()
            .unwrap()
            .values()
            .filter(|r| r.org_id == org && r.deployment_id == deployment)
            .cloned()
            .collect();
        items.sort_by_key(|r| r.id);
        Ok(Page { items, next_cursor: None })
    }
    async fn transition(&self, run: &Run, expected: RunStatus) -> StoreResult<()> {
        let mut runs = self.runs.lock().unwrap();
        let stored = runs.get_mut(&run.id).ok_or(StoreError::Conflict(Conflict::Gone))?;
        if stored.status != expected {
            return Err(StoreError::Conflict(Conflict::Concurrent));
        }
        *stored = run.clone();
        Ok(())
    }
    async fn reserve_log_lines(&self, _run: &Run, _count: u64) -> StoreResult<u64> {
        Ok(1)
    }
    async fn running(&self) -> StoreResult<Vec<Run>> {
        Ok(self.runs.lock().unwrap().values().filter(|r| r.status.running_phase().is_some()).cloned().collect())
    }
}

#[async_trait]
impl StateLocks for Store {
    async fn release_if_taken_after(
        &self,
        state_key: &str,
        taken_after: DateTime<Utc>,
    ) -> Result<Option<String>, BoxError> {
        let mut lock = self.lock.lock().unwrap();
        match lock.take() {
            Some((key, at, id)) if key == state_key && at >= taken_after => {
                self.released.lock().unwrap().push(id.clone());
                Ok(Some(id))
            }
            other => {
                *lock = other;
                Ok(None)
            }
        }
    }
}

#[async_trait]
impl RecentRuns for Store {
    async fn add(&self, run: &Run, _deployment_name: &str) -> StoreResult<()> {
        self.recent.lock().unwrap().push(("add", run.id, run.status));
        Ok(())
    }
    async fn update(&self, run: &Run) -> StoreResult<()> {
        self.recent.lock().unwrap().push(("update", run.id, run.status));
        Ok(())
    }
    async fn list(&self, _org: OrgId) -> StoreResult<Vec<RecentRun>> {
        Ok(self.listed.lock().unwrap().clone())
    }
}

#[async_trait]
impl Credentials for Store {
    async fn create(&self, credential: &Credential) -> StoreResult<()> {
        self.credentials.lock().unwrap().insert(credential.id, credential.clone());
        Ok(())
    }
    async fn get(&self, org: OrgId, id: CredentialId) -> StoreResult<Option<Credential>> {
        Ok(self.credentials.lock().unwrap().get(&id).filter(|c| c.org_id == org).cloned())
    }
    async fn list(&self, _org: OrgId, _page: &PageRequest) -> StoreResult<Page<Credential>> {
        unimplemented!("not used here")
    }
    async fn update(&self, _credential: &Credential) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn delete(&self, _org: OrgId, _id: CredentialId) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn active(
        &self,
        _after: Option<String>,
        _limit: usize,
    ) -> StoreResult<(Vec<(OrgId, CredentialId)>, Option<String>)> {
        unimplemented!("not used here")
    }
    async fn external_id(&self, _org: OrgId, _candidate: &str) -> StoreResult<String> {
        unimplemented!("not used here")
    }
}

#[async_trait]
impl RunExecutor for Store {
    async fn start(&self, request: &PhaseRequest) -> Result<String, BoxError> {
        self.started.lock().unwrap().push((request.run_id, request.phase));
        Ok(format!("build-{}", request.run_id))
    }
    async fn stop(&self, execution_id: &str) -> Result<(), BoxError> {
        self.stopped.lock().unwrap().push(execution_id.to_owned());
        Ok(())
    }
    async fn status(&self, execution_id: &str) -> Result<ExecutionState, BoxError> {
        Ok(self.executions.lock().unwrap().get(execution_id).cloned().unwrap_or(ExecutionState::Running))
    }
}

#[async_trait]
impl RunArtifacts for Store {
    async fn plan_json(&self, _prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        Ok(Some(br#"{"format_version":"1.0","resource_changes":[]}"#.to_vec()))
    }
    async fn outputs(&self, _prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        Ok(Some(br#"{"id":{"value":"42","type":"string","sensitive":false}}"#.to_vec()))
    }
    async fn append_log(&self, _prefix: &str, lines: &[LogLine]) -> Result<(), BoxError> {
        self.lines.lock().unwrap().extend(lines.iter().map(|l| l.text.clone()));
        Ok(())
    }
    async fn log(&self, _prefix: &str, _after: u64, _limit: usize) -> Result<Vec<LogLine>, BoxError> {
        Ok(vec![])
    }
}

#[async_trait]
impl LogHub for Store {
    async fn publish(&self, _org: OrgId, _run: RunId, _messages: &[LiveMessage]) -> Result<(), BoxError> {
        Ok(())
    }
}

#[async_trait]
impl SyncRequester for Store {
    async fn request_sync(&self, org: OrgId, credential: CredentialId) -> Result<(), BoxError> {
        self.syncs.lock().unwrap().push((org, credential));
        Ok(())
    }
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        self.audited.lock().unwrap().push(event.action);
        Ok(())
    }
    async fn for_org(&self, _org: OrgId, _page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        unimplemented!("not used here")
    }
    async fn for_user(&self, _user: UserId, _page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        unimplemented!("not used here")
    }
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

// ---- set-up ----------------------------------------------------------------------------------

struct Fixture {
    store: Arc<Store>,
    service: DeploymentService,
    org: OrgId,
    user: UserId,
}

fn fixture() -> Fixture {
    let store = Arc::new(Store::default());
    let clock: Arc<dyn Clock> = Arc::new(FixedClock);
    let ports = DeploymentPorts {
        deployments: store.clone(),
        runs: store.clone(),
        recent: store.clone(),
        credentials: store.clone(),
        executor: store.clone(),
        artifacts: store.clone(),
        hub: store.clone(),
        sync: Some(store.clone()),
    };
    let audit = Arc::new(AuditService::new(store.clone(), clock.clone()));
    let service = DeploymentService::new(ports, clock, audit).with_state_locks(store.clone());
    Fixture { service, store, org: OrgId::new(), user: UserId::new() }
}

impl Fixture {
    fn access(&self) -> OrgAccess {
        OrgAccess { org_id: self.org, user_id: self.user, role: Role::Operator }
    }

    fn caller(&self) -> Caller {
        Caller { user_id: Some(self.user), email: None, ip: None }
    }

    /// A deployment of `template`, with an AWS credential of the organisation when `credential`.
    async fn deployment(&self, template: &str, credential: bool) -> Deployment {
        let credential_id = if credential {
            let id = CredentialId::new();
            let c = Credential {
                id,
                org_id: self.org,
                provider: Provider::Aws,
                name: "prod".into(),
                method: "role".into(),
                hint: "arn".into(),
                account_id: None,
                scopes: vec![],
                regions: None,
                sync_enabled: true,
                secret_id: format!("skyforge/credentials/{}/{id}", self.org),
                created_by: self.user,
                created_at: Utc::now(),
                updated_at: Utc::now(),
            };
            Credentials::create(self.store.as_ref(), &c).await.unwrap();
            Some(id)
        } else {
            None
        };
        let id = DeploymentId::new();
        let deployment = Deployment {
            id,
            org_id: self.org,
            template: template.into(),
            name: format!("{template}-demo"),
            credential_id,
            variables: Default::default(),
            outputs: None,
            state_key: Deployment::state_key_for(self.org, id),
            lifecycle: Lifecycle::New,
            applied_variables: None,
            active_run_id: None,
            created_by: self.user,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        Deployments::create(self.store.as_ref(), &deployment).await.unwrap();
        deployment
    }

    /// A run of `kind` whose apply phase is under way (it holds the deployment).
    async fn applying(&self, deployment: &Deployment, kind: RunKind) -> Run {
        let mut run = Run::new(self.org, deployment.id, kind, self.user, Utc::now());
        for event in [RunEvent::Start, RunEvent::PlanFinished, RunEvent::AwaitApproval, RunEvent::Approve] {
            run.apply(event, Utc::now()).unwrap();
        }
        run.execution_id = Some(format!("build-{}", run.id));
        run.phase_deadline = Some(Utc::now() + chrono::Duration::minutes(60));
        Runs::create(self.store.as_ref(), &run).await.unwrap();
        assert!(self.store.claim(self.org, deployment.id, run.id).await.unwrap());
        run
    }

    fn syncs(&self) -> Vec<(OrgId, CredentialId)> {
        self.store.syncs.lock().unwrap().clone()
    }
}

// ---- sync after a run ------------------------------------------------------------------------

#[tokio::test]
async fn an_applied_run_queues_exactly_one_sync_of_its_deployments_credential() {
    let f = fixture();
    let deployment = f.deployment("aws_vm", true).await;
    let run = f.applying(&deployment, RunKind::PlanAndApply).await;

    let done = f.service.phase_finished(f.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();
    assert_eq!(done.map(|r| r.status), Some(RunStatus::Applied));
    assert_eq!(f.syncs(), [(f.org, deployment.credential_id.unwrap())]);

    // the same build event delivered again changes nothing and asks for no second sync
    let again = f.service.phase_finished(f.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();
    assert!(again.is_none());
    assert_eq!(f.syncs().len(), 1);
}

#[tokio::test]
async fn a_destroyed_run_queues_exactly_one_sync_of_its_deployments_credential() {
    let f = fixture();
    let deployment = f.deployment("aws_vm", true).await;
    let run = f.applying(&deployment, RunKind::Destroy).await;

    f.service.phase_finished(f.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();
    assert_eq!(f.syncs(), [(f.org, deployment.credential_id.unwrap())]);
    let stored = f.store.deployments.lock().unwrap()[&deployment.id].clone();
    assert_eq!(stored.outputs, None, "a destroy clears the outputs");
    assert_eq!(stored.active_run_id, None, "and frees the deployment");
}

#[tokio::test]
async fn a_sandbox_run_without_a_credential_queues_no_sync() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    for kind in [RunKind::PlanAndApply, RunKind::Destroy] {
        let run = f.applying(&deployment, kind).await;
        let done = f.service.phase_finished(f.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();
        assert_eq!(done.map(|r| r.status), Some(RunStatus::Applied));
    }
    assert!(f.syncs().is_empty());
}

#[tokio::test]
async fn a_failed_apply_and_a_finished_plan_queue_no_sync() {
    let f = fixture();
    let deployment = f.deployment("aws_vm", true).await;
    let run = f.applying(&deployment, RunKind::PlanAndApply).await;
    let failed = PhaseOutcome::Failed("apply failed".into());
    let done = f.service.phase_finished(f.org, run.id, Phase::Apply, failed).await.unwrap();
    assert_eq!(done.map(|r| r.status), Some(RunStatus::Errored));

    // a plan that finished awaits approval: nothing changed in the cloud yet
    let run = f.service.create_run(&f.access(), &deployment.id.to_string(), RunKind::PlanAndApply, &f.caller()).await;
    let run = run.unwrap();
    assert_eq!(run.status, RunStatus::Planning);
    let done = f.service.phase_finished(f.org, run.id, Phase::Plan, PhaseOutcome::Succeeded).await.unwrap();
    assert_eq!(done.map(|r| r.status), Some(RunStatus::AwaitingApproval));
    assert!(f.syncs().is_empty());
}

// ---- recent runs -----------------------------------------------------------------------------

#[tokio::test]
async fn a_new_run_is_added_to_the_recent_runs_and_every_status_change_follows() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let id = deployment.id.to_string();
    let run = f.service.create_run(&f.access(), &id, RunKind::PlanAndApply, &f.caller()).await.unwrap();
    f.service.phase_finished(f.org, run.id, Phase::Plan, PhaseOutcome::Succeeded).await.unwrap();
    f.service.approve(&f.access(), &id, &run.id.to_string(), &f.caller()).await.unwrap();
    f.service.phase_finished(f.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();

    let recent = f.store.recent.lock().unwrap().clone();
    let statuses: Vec<(&str, RunStatus)> = recent.iter().map(|(call, _, status)| (*call, *status)).collect();
    assert_eq!(
        statuses,
        [
            ("add", RunStatus::Queued),
            ("update", RunStatus::Planning),
            ("update", RunStatus::Planned),
            ("update", RunStatus::AwaitingApproval),
            ("update", RunStatus::Applying),
            ("update", RunStatus::Applied),
        ]
    );
    assert!(recent.iter().all(|(_, r, _)| *r == run.id));
    assert_eq!(*f.store.started.lock().unwrap(), [(run.id, Phase::Plan), (run.id, Phase::Apply)]);
}

#[tokio::test]
async fn recent_runs_answer_at_most_the_limit_asked_for_and_never_more_than_the_kept_number() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let runs: Vec<RecentRun> = (0..RECENT_RUNS + 5)
        .map(|_| RecentRun::of(&Run::new(f.org, deployment.id, RunKind::PlanAndApply, f.user, Utc::now()), "demo"))
        .collect();
    *f.store.listed.lock().unwrap() = runs.clone();
    assert_eq!(f.service.recent_runs(&f.access(), 3).await.unwrap(), runs[..3]);
    assert_eq!(f.service.recent_runs(&f.access(), 500).await.unwrap().len(), RECENT_RUNS);
    let viewer = OrgAccess { org_id: f.org, user_id: UserId::new(), role: Role::Viewer };
    assert_eq!(f.service.recent_runs(&viewer, 1).await.unwrap().len(), 1, "every member reads them");
}

// ---- the run reaper --------------------------------------------------------------------------

impl Fixture {
    fn executor_says(&self, run: &Run, state: ExecutionState) {
        self.store.executions.lock().unwrap().insert(run.execution_id.clone().unwrap(), state);
    }

    fn run(&self, id: RunId) -> Run {
        self.store.runs.lock().unwrap().get(&id).cloned().unwrap()
    }

    async fn queued(&self, deployment: &Deployment) -> Run {
        let run = f_run(self, deployment);
        Runs::create(self.store.as_ref(), &run).await.unwrap();
        run
    }
}

fn f_run(f: &Fixture, deployment: &Deployment) -> Run {
    Run::new(f.org, deployment.id, RunKind::PlanAndApply, f.user, Utc::now())
}

#[tokio::test]
async fn the_reaper_errors_a_run_whose_runner_is_gone_closes_its_log_frees_its_lock_and_starts_the_next_run() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let lost = f.applying(&deployment, RunKind::PlanAndApply).await;
    let next = f.queued(&deployment).await;
    f.executor_says(&lost, ExecutionState::Gone);
    // the dead runner's lock, taken during the apply
    *f.store.lock.lock().unwrap() = Some((deployment.state_key.clone(), Utc::now(), "lock-of-the-lost-run".into()));

    let report = f.service.reap().await.unwrap();

    assert_eq!((report.examined, report.lost, report.locks_released, report.failed), (1, 1, 1, 0), "{report:?}");
    let lost = f.run(lost.id);
    assert_eq!(lost.status, RunStatus::Errored);
    assert_eq!(lost.error_reason, Some(RunErrorReason::ExecutorLost));
    let last_line = f.store.lines.lock().unwrap().last().cloned().unwrap();
    assert!(last_line.contains("executor_lost"), "{last_line}");
    assert_eq!(*f.store.released.lock().unwrap(), ["lock-of-the-lost-run"]);
    let audited = f.store.audited.lock().unwrap().clone();
    assert!(audited.contains(&Action::RunReap) && audited.contains(&Action::RunLockRelease), "{audited:?}");
    // the queue moved on: the next run holds the deployment and plans
    assert_eq!(f.run(next.id).status, RunStatus::Planning);
    assert_eq!(f.store.deployments.lock().unwrap()[&deployment.id].active_run_id, Some(next.id));
}

#[tokio::test]
async fn the_reaper_leaves_a_lock_taken_before_the_phase_began() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let taken = Utc::now() - chrono::Duration::hours(1);
    *f.store.lock.lock().unwrap() = Some((deployment.state_key.clone(), taken, "someone-elses-lock".into()));
    let lost = f.applying(&deployment, RunKind::PlanAndApply).await;
    f.executor_says(&lost, ExecutionState::Gone);

    let report = f.service.reap().await.unwrap();

    assert_eq!((report.lost, report.locks_released), (1, 0));
    assert!(f.store.lock.lock().unwrap().is_some(), "the older lock is not this run's to release");
}

#[tokio::test]
async fn the_reaper_times_out_an_overdue_phase_and_stops_its_build() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let mut overdue = f.applying(&deployment, RunKind::PlanAndApply).await;
    overdue.phase_deadline = Some(Utc::now() - chrono::Duration::seconds(1));
    f.store.runs.lock().unwrap().insert(overdue.id, overdue.clone());

    let report = f.service.reap().await.unwrap();

    assert_eq!(report.timed_out, 1, "{report:?}");
    let run = f.run(overdue.id);
    assert_eq!((run.status, run.error_reason), (RunStatus::Errored, Some(RunErrorReason::PhaseTimeout)));
    assert_eq!(*f.store.stopped.lock().unwrap(), [overdue.execution_id.unwrap()]);
    assert_eq!(f.store.deployments.lock().unwrap()[&deployment.id].active_run_id, None);
}

#[tokio::test]
async fn the_reaper_finishes_an_apply_whose_build_succeeded_unreported_and_leaves_running_builds_alone() {
    let f = fixture();
    let first = f.deployment("sandbox", false).await;
    let second = f.deployment("sandbox", false).await;
    let succeeded = f.applying(&first, RunKind::PlanAndApply).await;
    let running = f.applying(&second, RunKind::PlanAndApply).await;
    f.executor_says(&succeeded, ExecutionState::Succeeded);

    let report = f.service.reap().await.unwrap();
    // a second pass finds nothing more to do: reaping is idempotent
    let again = f.service.reap().await.unwrap();

    assert_eq!((report.examined, report.finished, report.lost), (2, 1, 0), "{report:?}");
    assert_eq!((again.examined, again.finished), (1, 0), "{again:?}");
    assert_eq!(f.run(succeeded.id).status, RunStatus::Applied);
    assert_eq!(f.run(running.id).status, RunStatus::Applying);
    assert!(f.store.stopped.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_build_reports_build_failed_as_its_reason() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let run = f.applying(&deployment, RunKind::PlanAndApply).await;
    let failed = PhaseOutcome::Failed("apply failed".into());
    let done = f.service.phase_finished(f.org, run.id, Phase::Apply, failed).await.unwrap().unwrap();
    assert_eq!((done.status, done.error_reason), (RunStatus::Errored, Some(RunErrorReason::BuildFailed)));
}

// ---- change and delete -----------------------------------------------------------------------

fn patch_of(value: serde_json::Value) -> serde_json::Map<String, Value> {
    value.as_object().unwrap().clone()
}

impl Fixture {
    /// Plans, approves and applies `run` to the end.
    async fn apply_to_the_end(&self, deployment: &Deployment, run: &Run) {
        let id = deployment.id.to_string();
        self.service.phase_finished(self.org, run.id, Phase::Plan, PhaseOutcome::Succeeded).await.unwrap();
        self.service.approve(&self.access(), &id, &run.id.to_string(), &self.caller()).await.unwrap();
        let done = self.service.phase_finished(self.org, run.id, Phase::Apply, PhaseOutcome::Succeeded).await.unwrap();
        assert_eq!(done.map(|r| r.status), Some(RunStatus::Applied));
    }
}

#[tokio::test]
async fn a_variables_change_queues_a_plan_that_records_its_variables_and_what_changed_since_the_last_apply() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let id = deployment.id.to_string();
    let change = DeploymentUpdate { name: None, variables: Some(patch_of(serde_json::json!({"instance_count": 2}))) };
    let (updated, run) = f.service.update(&f.access(), &id, change, &f.caller()).await.unwrap();
    assert_eq!(updated.variables["instance_count"], 2);
    let run = run.expect("a run is queued");
    assert_eq!((run.kind, run.status), (RunKind::PlanAndApply, RunStatus::Planning));
    let planned = f.store.runs.lock().unwrap()[&run.id].clone();
    assert_eq!(planned.variables.as_ref().unwrap()["instance_count"], 2);
    assert_eq!(planned.variable_changes.len(), 1, "never applied: every variable is a change");

    f.apply_to_the_end(&deployment, &run).await;
    let stored = f.store.deployments.lock().unwrap()[&deployment.id].clone();
    assert_eq!(stored.lifecycle, Lifecycle::Applied);
    assert_eq!(stored.applied_variables.unwrap()["instance_count"], 2);

    // the second change shows only what differs from the applied variables
    let change = DeploymentUpdate {
        name: Some("renamed".into()),
        variables: Some(patch_of(serde_json::json!({"message": "hello", "instance_count": 2}))),
    };
    let (updated, run) = f.service.update(&f.access(), &id, change, &f.caller()).await.unwrap();
    assert_eq!(updated.name, "renamed");
    let planned = f.store.runs.lock().unwrap()[&run.unwrap().id].clone();
    assert_eq!(
        planned.variable_changes,
        [VariableChange { name: "message".into(), before: None, after: Some(serde_json::json!("hello")) }]
    );
}

#[tokio::test]
async fn a_rename_alone_or_an_unchanged_value_queues_no_run() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let id = deployment.id.to_string();
    let change = DeploymentUpdate { name: Some("other".into()), variables: Some(serde_json::Map::new()) };
    let (updated, run) = f.service.update(&f.access(), &id, change, &f.caller()).await.unwrap();
    assert_eq!(updated.name, "other");
    assert!(run.is_none());
    assert!(f.store.runs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_bad_patch_names_each_field_and_changes_nothing() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let change = DeploymentUpdate {
        name: Some(" ".into()),
        variables: Some(patch_of(serde_json::json!({"instance_count": "two", "nope": 1}))),
    };
    let error = f.service.update(&f.access(), &deployment.id.to_string(), change, &f.caller()).await.unwrap_err();
    let AppError::Validation(errors) = error else { panic!("{error:?}") };
    let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["name", "variables.instance_count", "variables.nope"]);
    assert_eq!(f.store.deployments.lock().unwrap()[&deployment.id], deployment);
    assert!(f.store.runs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_viewer_can_neither_change_nor_delete_a_deployment() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let viewer = OrgAccess { role: Role::Viewer, ..f.access() };
    let id = deployment.id.to_string();
    let change = DeploymentUpdate { name: Some("x".into()), variables: None };
    assert!(matches!(f.service.update(&viewer, &id, change, &f.caller()).await, Err(AppError::Forbidden(_))));
    assert!(matches!(f.service.delete(&viewer, &id, &f.caller()).await, Err(AppError::Forbidden(_))));
    assert!(f.store.deployments.lock().unwrap().contains_key(&deployment.id));
}

#[tokio::test]
async fn a_deployment_is_deleted_only_when_destroyed_or_never_applied_and_no_run_waits() {
    let f = fixture();
    let deployment = f.deployment("sandbox", false).await;
    let id = deployment.id.to_string();
    let run = f.service.create_run(&f.access(), &id, RunKind::PlanAndApply, &f.caller()).await.unwrap();
    let refused = f.service.delete(&f.access(), &id, &f.caller()).await.unwrap_err();
    assert!(matches!(refused, AppError::DeploymentConflict(DeploymentConflict::RunActive)), "{refused:?}");

    f.apply_to_the_end(&deployment, &run).await;
    let refused = f.service.delete(&f.access(), &id, &f.caller()).await.unwrap_err();
    assert!(matches!(refused, AppError::DeploymentConflict(DeploymentConflict::HasResources)), "{refused:?}");

    let destroy = f.service.create_run(&f.access(), &id, RunKind::Destroy, &f.caller()).await.unwrap();
    f.apply_to_the_end(&deployment, &destroy).await;
    assert_eq!(f.store.deployments.lock().unwrap()[&deployment.id].lifecycle, Lifecycle::Destroyed);
    f.service.delete(&f.access(), &id, &f.caller()).await.unwrap();
    assert!(!f.store.deployments.lock().unwrap().contains_key(&deployment.id));
    assert!(matches!(f.service.get(&f.access(), &id).await, Err(AppError::NotFound(_))));
}
