//! Provisioning: deployments and their runs.
//!
//! ## Queueing
//! A new run is stored `queued`, then the deployment's queue is *advanced*: the oldest queued
//! run tries to claim the deployment (a conditional write on the deployment item) and, if it
//! wins, moves to `planning` and its plan build starts. When a run ends (applied, errored,
//! cancelled, discarded) it releases the deployment and the queue is advanced again. A plan
//! waiting for approval keeps the deployment, so no second plan is made against state the first
//! may still change.
//!
//! ## Transitions
//! Every status change is a conditional write on the status the run had when it was read, so
//! of two racing events (two approvals, an approval and a cancel, a build event and a timeout)
//! exactly one wins; the loser gets `InvalidRunState` (409) and changes nothing.
//!
//! ## Phase ends
//! The executor reports a phase's end through [`DeploymentService::phase_finished`], the same
//! call on AWS (the run-events function, from CodeBuild's state-change event) and locally (the
//! subprocess's exit). A plan that succeeded is read from the artifacts and awaits approval; an
//! apply that succeeded stores the outputs on the deployment and queues a sync of the credential
//! (a destroy is an apply too; a deployment without a credential, the sandbox, queues none).
//!
//! ## The run reaper
//! A phase's end can be lost: the local runtime killed while a runner ran, a CodeBuild event
//! that `run-events` never handled. [`DeploymentService::reap`] (the `run-reaper` function on a
//! schedule, the local runtime on a timer and at start-up) asks the executor about every run in a
//! running phase and moves it on by the rule in [`deployments::reap`]: a build that succeeded
//! finishes its phase; a build that is gone or ended unreported errors the run
//! (`executor_lost`); a build past its deadline is stopped and the run errored
//! (`phase_timeout`). An errored run's log ends with a line saying why; then, while the run still
//! holds its deployment (so no other run can have locked the state since), the Terraform state
//! lock its runner took is force-released (that lock id only, audited), and only then is the
//! deployment freed and the next queued run started.
//!
//! ## Changing and deleting
//! A PATCH applies a merge patch to the variables and checks the result exactly as a new
//! deployment's; nothing is stored unless all of it is valid. A change of the variables queues
//! a `plan_and_apply` run (it waits behind an active run, as any run does). Each run records the
//! variables its plan used and how they differ from those of the last applied run, so the
//! deployment's history shows what every change was. A deployment is deleted only when nothing
//! of it can remain in the cloud (never applied, or destroyed) and no run holds or waits for it;
//! its Terraform state object stays in the state bucket (an empty state after a destroy).
//!
//! ## Recent runs
//! Each new run is added to its organisation's recent runs, and each status change moves its
//! entry on, after the run itself was written. Both are best effort: a failure is logged and the
//! request still succeeds, since the run (not the list) is what every decision reads.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde_json::{Map, Value};
use skyforge_domain::ValidationErrors;
use skyforge_domain::audit::Action;
use skyforge_domain::deployments::{
    self, Deployment, Lifecycle, LiveMessage, LogLine, Phase, RECENT_RUNS, Reaping, RecentRun, Run, RunErrorReason,
    RunEvent, RunKind, RunStatus, Template, parse_deployment_name, patch_variables, variable_changes,
};
use skyforge_domain::error::FieldError;
use skyforge_domain::ids::{CredentialId, DeploymentId, OrgId, RunId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::Permission;

use crate::audit::{AuditService, Subject};
use crate::deployment_ports::{
    AppliedState, Deployments, LogHub, PhaseRequest, RecentRuns, RunArtifacts, RunExecutor, Runs, StateLocks,
    SyncRequester,
};
use crate::error::AppError;
use crate::orgs::OrgAccess;
use crate::ports::{Clock, Conflict, StoreError};
use crate::principal::Caller;
use crate::sync_ports::Credentials;

/// Lines per page of `GET .../logs`.
pub const LOG_PAGE: usize = 1000;

pub struct DeploymentPorts {
    pub deployments: Arc<dyn Deployments>,
    pub runs: Arc<dyn Runs>,
    pub recent: Arc<dyn RecentRuns>,
    pub credentials: Arc<dyn Credentials>,
    pub executor: Arc<dyn RunExecutor>,
    pub artifacts: Arc<dyn RunArtifacts>,
    pub hub: Arc<dyn LogHub>,
    pub sync: Option<Arc<dyn SyncRequester>>,
}

/// A deployment as the API receives it.
pub struct NewDeployment {
    pub template: String,
    pub name: String,
    pub credential: Option<String>,
    pub variables: Map<String, Value>,
}

/// A change of a deployment as the API receives it: each part optional.
#[derive(Debug, Default)]
pub struct DeploymentUpdate {
    pub name: Option<String>,
    /// A merge patch of the variables: a value replaces, `null` removes.
    pub variables: Option<Map<String, Value>>,
}

/// How a phase's build ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseOutcome {
    Succeeded,
    /// Terraform or the runner failed; the reason is shown on the run (`build_failed`).
    Failed(String),
    /// Ended by the platform for `reason` (a timeout, a lost executor); the text is shown on the run.
    Errored(RunErrorReason, String),
}

/// What one pass of the run reaper did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReapReport {
    /// Runs in a running phase that were looked at.
    pub examined: usize,
    /// Phases whose build had succeeded unreported, moved on.
    pub finished: usize,
    /// Runs errored `executor_lost`.
    pub lost: usize,
    /// Runs errored `phase_timeout`.
    pub timed_out: usize,
    /// State locks released.
    pub locks_released: usize,
    /// Runs the pass could not handle (the store or the executor failed); tried again next pass.
    pub failed: usize,
}

pub struct DeploymentService {
    ports: DeploymentPorts,
    clock: Arc<dyn Clock>,
    audit: Arc<AuditService>,
    phase_timeout: chrono::Duration,
    locks: Option<Arc<dyn StateLocks>>,
}

impl DeploymentService {
    pub fn new(ports: DeploymentPorts, clock: Arc<dyn Clock>, audit: Arc<AuditService>) -> Self {
        Self { ports, clock, audit, phase_timeout: chrono::Duration::minutes(60), locks: None }
    }

    /// How long one phase may run before it is errored and its build stopped.
    pub fn with_phase_timeout(mut self, timeout: chrono::Duration) -> Self {
        self.phase_timeout = timeout;
        self
    }

    /// Where the run reaper releases state locks left by lost runners (without it, none are).
    pub fn with_state_locks(mut self, locks: Arc<dyn StateLocks>) -> Self {
        self.locks = Some(locks);
        self
    }

    pub fn templates(&self) -> &'static [Template] {
        deployments::catalog()
    }

    pub fn template(&self, id: &str) -> Result<&'static Template, AppError> {
        deployments::template(id).ok_or(AppError::NotFound("template"))
    }

    pub async fn create(
        &self,
        access: &OrgAccess,
        new: NewDeployment,
        caller: &Caller,
    ) -> Result<Deployment, AppError> {
        let id = DeploymentId::new();
        let subject = Subject::new(Action::DeploymentCreate).in_org(access.org_id).target("deployment", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut errors = ValidationErrors::default();
            let name = errors.check(parse_deployment_name(&new.name));
            let Some(template) = deployments::template(&new.template) else {
                errors.0.push(FieldError::new("template", "unknown_template", "is not in GET /v1/templates"));
                return Err(errors.into());
            };
            let variables = match template.validate(&new.variables) {
                Ok(vars) => Some(vars),
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            };
            let credential_id =
                self.check_credential(access.org_id, template, new.credential.as_deref(), &mut errors).await?;
            errors.finish()?;
            let (Some(name), Some(variables)) = (name, variables) else { unreachable!("errors were reported") };
            let now = self.clock.now();
            let deployment = Deployment {
                id,
                org_id: access.org_id,
                template: template.id.to_string(),
                name,
                credential_id,
                variables,
                outputs: None,
                state_key: Deployment::state_key_for(access.org_id, id),
                active_run_id: None,
                lifecycle: Lifecycle::New,
                applied_variables: None,
                created_by: access.user_id,
                created_at: now,
                updated_at: now,
            };
            self.ports.deployments.create(&deployment).await?;
            Ok(deployment)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// The credential must be the organisation's and of the template's provider; the sandbox
    /// needs none.
    async fn check_credential(
        &self,
        org: OrgId,
        template: &Template,
        given: Option<&str>,
        errors: &mut ValidationErrors,
    ) -> Result<Option<CredentialId>, AppError> {
        let Some(provider) = template.provider else {
            if given.is_some() {
                errors.0.push(FieldError::new("credential", "not_allowed", "the sandbox template takes no credential"));
            }
            return Ok(None);
        };
        let Some(raw) = given else {
            errors.0.push(FieldError::new("credential", "required", format!("a {provider} credential is required")));
            return Ok(None);
        };
        let unknown = || FieldError::new("credential", "not_found", "no credential with this id in this organisation");
        let Ok(id) = raw.parse::<CredentialId>() else {
            errors.0.push(unknown());
            return Ok(None);
        };
        match self.ports.credentials.get(org, id).await? {
            None => errors.0.push(unknown()),
            Some(c) if c.provider != provider => errors.0.push(FieldError::new(
                "credential",
                "provider_mismatch",
                format!("template {} needs a {provider} credential, this one is {}", template.id, c.provider),
            )),
            Some(_) => return Ok(Some(id)),
        }
        Ok(None)
    }

    pub async fn list(&self, access: &OrgAccess, page: &PageRequest) -> Result<Page<Deployment>, AppError> {
        access.require(Permission::Read)?;
        Ok(self.ports.deployments.list(access.org_id, page).await?)
    }

    pub async fn get(&self, access: &OrgAccess, id: &str) -> Result<Deployment, AppError> {
        access.require(Permission::Read)?;
        self.find_deployment(access.org_id, id).await
    }

    /// Renames the deployment and/or changes its variables; a change of the variables queues a
    /// `plan_and_apply` run, answered with the deployment.
    pub async fn update(
        &self,
        access: &OrgAccess,
        id: &str,
        change: DeploymentUpdate,
        caller: &Caller,
    ) -> Result<(Deployment, Option<Run>), AppError> {
        let subject = Subject::new(Action::DeploymentUpdate).in_org(access.org_id).target("deployment", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut deployment = self.find_deployment(access.org_id, id).await?;
            let template = self.template(&deployment.template)?;
            let mut errors = ValidationErrors::default();
            let name = match change.name.as_deref() {
                Some(raw) => errors.check(parse_deployment_name(raw)),
                None => Some(deployment.name.clone()),
            };
            let variables = match &change.variables {
                Some(patch) => match patch_variables(template, &deployment.variables, patch) {
                    Ok(vars) => Some(vars),
                    Err(e) => {
                        errors.0.extend(e.0);
                        None
                    }
                },
                None => Some(deployment.variables.clone()),
            };
            errors.finish()?;
            let (Some(name), Some(variables)) = (name, variables) else { unreachable!("errors were reported") };
            let variables_changed = variables != deployment.variables;
            if name == deployment.name && !variables_changed {
                return Ok((deployment, None));
            }
            let now = self.clock.now();
            self.ports.deployments.update(access.org_id, deployment.id, &name, &variables, now).await.map_err(|e| {
                match e {
                    StoreError::Conflict(Conflict::Gone) => AppError::NotFound("deployment"),
                    other => other.into(),
                }
            })?;
            deployment.name = name;
            deployment.variables = variables;
            deployment.updated_at = now;
            let run = if variables_changed {
                Some(self.queue_run(access, &deployment, RunKind::PlanAndApply).await?)
            } else {
                None
            };
            let deployment = self.ports.deployments.get(access.org_id, deployment.id).await?.unwrap_or(deployment);
            Ok((deployment, run))
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// Deletes a deployment that has nothing left in the cloud and no run (409 otherwise).
    pub async fn delete(&self, access: &OrgAccess, id: &str, caller: &Caller) -> Result<(), AppError> {
        let subject = Subject::new(Action::DeploymentDelete).in_org(access.org_id).target("deployment", id);
        let result = async {
            access.require(Permission::Operate)?;
            let deployment = self.find_deployment(access.org_id, id).await?;
            let runs = self.ports.runs.for_deployment(access.org_id, deployment.id, &PageRequest::first(100)).await?;
            let waiting = runs.items.iter().any(|r| !r.status.is_final());
            deployment.check_deletable(waiting).map_err(AppError::DeploymentConflict)?;
            match self.ports.deployments.delete(access.org_id, deployment.id).await {
                Ok(()) => Ok(()),
                // a run claimed it, or an apply started, since it was read
                Err(StoreError::Conflict(Conflict::Concurrent)) => {
                    Err(AppError::DeploymentConflict(deployments::DeploymentConflict::RunActive))
                }
                Err(StoreError::Conflict(Conflict::Gone)) => Err(AppError::NotFound("deployment")),
                Err(e) => Err(e.into()),
            }
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    async fn find_deployment(&self, org: OrgId, id: &str) -> Result<Deployment, AppError> {
        let id: DeploymentId = id.parse().map_err(|_| AppError::NotFound("deployment"))?;
        self.ports.deployments.get(org, id).await?.ok_or(AppError::NotFound("deployment"))
    }

    async fn find_run(&self, org: OrgId, deployment: &str, id: &str) -> Result<Run, AppError> {
        let deployment: DeploymentId = deployment.parse().map_err(|_| AppError::NotFound("run"))?;
        let id: RunId = id.parse().map_err(|_| AppError::NotFound("run"))?;
        match self.ports.runs.get(org, id).await? {
            Some(run) if run.deployment_id == deployment => Ok(run),
            _ => Err(AppError::NotFound("run")),
        }
    }

    /// The organisation a run belongs to, from its id alone (a WebSocket subscription); the
    /// caller then checks the user's membership of it.
    pub async fn run_org(&self, id: &str) -> Result<OrgId, AppError> {
        let id: RunId = id.parse().map_err(|_| AppError::NotFound("run"))?;
        Ok(self.ports.runs.locate(id).await?.ok_or(AppError::NotFound("run"))?.0)
    }

    /// A run of the organisation by id alone, for a member who may read it.
    pub async fn run_of_org(&self, access: &OrgAccess, id: &str) -> Result<Run, AppError> {
        access.require(Permission::Read)?;
        let id: RunId = id.parse().map_err(|_| AppError::NotFound("run"))?;
        self.ports.runs.get(access.org_id, id).await?.ok_or(AppError::NotFound("run"))
    }

    pub async fn runs(&self, access: &OrgAccess, deployment: &str, page: &PageRequest) -> Result<Page<Run>, AppError> {
        access.require(Permission::Read)?;
        let deployment = self.find_deployment(access.org_id, deployment).await?;
        Ok(self.ports.runs.for_deployment(access.org_id, deployment.id, page).await?)
    }

    /// The organisation's newest runs across its deployments, newest first, at most `limit`
    /// (and never more than [`RECENT_RUNS`]).
    pub async fn recent_runs(&self, access: &OrgAccess, limit: usize) -> Result<Vec<RecentRun>, AppError> {
        access.require(Permission::Read)?;
        let mut runs = self.ports.recent.list(access.org_id).await?;
        runs.truncate(limit.min(RECENT_RUNS));
        Ok(runs)
    }

    pub async fn run(&self, access: &OrgAccess, deployment: &str, id: &str) -> Result<Run, AppError> {
        access.require(Permission::Read)?;
        self.find_run(access.org_id, deployment, id).await
    }

    /// Queues a run and starts it if the deployment is free.
    pub async fn create_run(
        &self,
        access: &OrgAccess,
        deployment: &str,
        kind: RunKind,
        caller: &Caller,
    ) -> Result<Run, AppError> {
        let subject = Subject::new(Action::RunCreate).in_org(access.org_id).target("deployment", deployment);
        let result = async {
            access.require(Permission::Operate)?;
            let deployment = self.find_deployment(access.org_id, deployment).await?;
            self.queue_run(access, &deployment, kind).await
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    async fn queue_run(&self, access: &OrgAccess, deployment: &Deployment, kind: RunKind) -> Result<Run, AppError> {
        let run = Run::new(access.org_id, deployment.id, kind, access.user_id, self.clock.now());
        self.ports.runs.create(&run).await?;
        if let Err(error) = self.ports.recent.add(&run, &deployment.name).await {
            tracing::warn!(run = %run.id, error = %error, "the run could not be added to the recent runs");
        }
        self.advance(access.org_id, deployment.id).await?;
        Ok(self.ports.runs.get(access.org_id, run.id).await?.unwrap_or(run))
    }

    pub async fn approve(
        &self,
        access: &OrgAccess,
        deployment: &str,
        id: &str,
        caller: &Caller,
    ) -> Result<Run, AppError> {
        let subject = Subject::new(Action::RunApprove).in_org(access.org_id).target("run", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut run = self.find_run(access.org_id, deployment, id).await?;
            run.approved_by = Some(access.user_id);
            self.move_run(&mut run, RunEvent::Approve).await?;
            self.mark_apply_started(&run).await?;
            self.start_phase(&mut run, Phase::Apply).await?;
            Ok(run)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    pub async fn cancel(
        &self,
        access: &OrgAccess,
        deployment: &str,
        id: &str,
        caller: &Caller,
    ) -> Result<Run, AppError> {
        let subject = Subject::new(Action::RunCancel).in_org(access.org_id).target("run", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut run = self.find_run(access.org_id, deployment, id).await?;
            let execution = run.status.running_phase().and(run.execution_id.clone());
            self.move_run(&mut run, RunEvent::Cancel).await?;
            if let Some(execution) = execution
                && let Err(error) = self.ports.executor.stop(&execution).await
            {
                tracing::error!(run = %run.id, error = %error, "the cancelled run's build could not be stopped");
            }
            self.finished(&run).await?;
            Ok(run)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    pub async fn discard(
        &self,
        access: &OrgAccess,
        deployment: &str,
        id: &str,
        caller: &Caller,
    ) -> Result<Run, AppError> {
        let subject = Subject::new(Action::RunDiscard).in_org(access.org_id).target("run", id);
        let result = async {
            access.require(Permission::Operate)?;
            let mut run = self.find_run(access.org_id, deployment, id).await?;
            self.move_run(&mut run, RunEvent::Discard).await?;
            self.finished(&run).await?;
            Ok(run)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    /// The archived log after line `after`.
    pub async fn logs(
        &self,
        access: &OrgAccess,
        deployment: &str,
        id: &str,
        after: u64,
    ) -> Result<Vec<LogLine>, AppError> {
        access.require(Permission::Read)?;
        let run = self.find_run(access.org_id, deployment, id).await?;
        self.ports.artifacts.log(&run.artifact_prefix(), after, LOG_PAGE).await.map_err(AppError::Unavailable)
    }

    /// Applies `event` with a conditional write; a loser of a race gets `InvalidRunState`.
    async fn move_run(&self, run: &mut Run, event: RunEvent) -> Result<(), AppError> {
        let from = run.status;
        run.apply(event, self.clock.now()).map_err(|e| AppError::InvalidRunState(e.to_string()))?;
        match self.ports.runs.transition(run, from).await {
            Ok(()) => {}
            Err(StoreError::Conflict(Conflict::Concurrent | Conflict::Gone)) => {
                return Err(AppError::InvalidRunState(format!(
                    "the run changed while this request ran; it is no longer {from}"
                )));
            }
            Err(e) => return Err(e.into()),
        }
        if let Err(error) = self.ports.recent.update(run).await {
            tracing::warn!(run = %run.id, error = %error, "the run's entry in the recent runs could not be updated");
        }
        self.publish(run.org_id, run.id, &[LiveMessage::Status { run_id: run.id, status: run.status }]).await;
        Ok(())
    }

    async fn publish(&self, org: OrgId, run: RunId, messages: &[LiveMessage]) {
        if let Err(error) = self.ports.hub.publish(org, run, messages).await {
            tracing::warn!(run = %run, error = %error, "live messages could not be published");
        }
    }

    /// Starts the oldest queued run of the deployment if the deployment is free.
    pub fn advance(&self, org: OrgId, deployment: DeploymentId) -> BoxFuture<'_, Result<(), AppError>> {
        // boxed: a run that cannot start ends, which advances the queue again
        Box::pin(self.advance_inner(org, deployment))
    }

    async fn advance_inner(&self, org: OrgId, deployment: DeploymentId) -> Result<(), AppError> {
        // a deployment's queue is short: one page covers it
        let runs = self.ports.runs.for_deployment(org, deployment, &PageRequest::first(100)).await?;
        let Some(next) = runs.items.into_iter().find(|r| r.status == RunStatus::Queued) else {
            return Ok(());
        };
        if !self.ports.deployments.claim(org, deployment, next.id).await? {
            return Ok(()); // another run holds it; this one starts when that ends
        }
        let mut run = next;
        match self.move_run(&mut run, RunEvent::Start).await {
            Ok(()) => {}
            // cancelled meanwhile: free the deployment again and look at the next one
            Err(AppError::InvalidRunState(_)) => {
                self.ports.deployments.release(org, deployment, run.id, self.clock.now()).await?;
                return self.advance(org, deployment).await;
            }
            Err(e) => return Err(e),
        }
        self.start_phase(&mut run, Phase::Plan).await
    }

    /// From the start of an apply the deployment may have resources (a failed apply too).
    async fn mark_apply_started(&self, run: &Run) -> Result<(), AppError> {
        let Some(deployment) = self.ports.deployments.get(run.org_id, run.deployment_id).await? else {
            return Ok(());
        };
        let lifecycle = deployment.lifecycle.on_apply(run.kind, false);
        if lifecycle != deployment.lifecycle {
            self.ports.deployments.set_lifecycle(run.org_id, run.deployment_id, lifecycle, self.clock.now()).await?;
        }
        Ok(())
    }

    /// Starts the build of `phase`; if it cannot start, the run is errored.
    async fn start_phase(&self, run: &mut Run, phase: Phase) -> Result<(), AppError> {
        let deployment =
            self.ports.deployments.get(run.org_id, run.deployment_id).await?.ok_or(AppError::NotFound("deployment"))?;
        // the plan records the variables it used; the apply gets the same ones
        let mut variables = match (&run.variables, phase) {
            (Some(planned), Phase::Apply) => planned.clone(),
            _ => deployment.variables.clone(),
        };
        if phase == Phase::Plan {
            run.variable_changes = match run.kind {
                RunKind::PlanAndApply => {
                    variable_changes(deployment.applied_variables.as_ref().unwrap_or(&Default::default()), &variables)
                }
                RunKind::Destroy => Vec::new(),
            };
            run.variables = Some(variables.clone());
        }
        variables.insert(
            deployments::DEPLOYMENT_ID_VARIABLE.into(),
            deployment.terraform_variables()[deployments::DEPLOYMENT_ID_VARIABLE].clone(),
        );
        let template = self.template(&deployment.template)?;
        let credential_secret_id = match deployment.credential_id {
            Some(id) => self.ports.credentials.get(run.org_id, id).await?.map(|c| c.secret_id),
            None => None,
        };
        let request = PhaseRequest {
            org_id: run.org_id,
            deployment_id: run.deployment_id,
            run_id: run.id,
            kind: run.kind,
            phase,
            module: template.id.to_string(),
            variables: serde_json::to_value(variables).map_err(AppError::internal)?,
            state_key: deployment.state_key.clone(),
            artifact_prefix: run.artifact_prefix(),
            provider: template.provider,
            credential_secret_id,
        };
        // the deadline is recorded before the build starts, so a lost start still times out
        let expected = run.status;
        run.phase_deadline = Some(self.clock.now() + self.phase_timeout);
        self.ports.runs.transition(run, expected).await?;
        match self.ports.executor.start(&request).await {
            Ok(execution_id) => {
                let current = self.ports.runs.get(run.org_id, run.id).await?;
                // a fast build may already have reported its end: only record the id on the same state
                if let Some(mut current) = current
                    && current.status == expected
                {
                    current.execution_id = Some(execution_id);
                    if self.ports.runs.transition(&current, expected).await.is_ok() {
                        *run = current;
                    }
                }
                Ok(())
            }
            Err(error) => {
                tracing::error!(run = %run.id, error = %error, "the build could not be started");
                run.error = Some(format!("the {} build could not be started", phase.as_str()));
                run.error_reason = Some(RunErrorReason::StartFailed);
                if self.move_run(run, RunEvent::Fail).await.is_ok() {
                    self.finished(run).await?;
                }
                Ok(())
            }
        }
    }

    /// After a run ended: free the deployment and start the next queued run.
    async fn finished(&self, run: &Run) -> Result<(), AppError> {
        self.ports.deployments.release(run.org_id, run.deployment_id, run.id, self.clock.now()).await?;
        self.advance(run.org_id, run.deployment_id).await
    }

    /// A phase's build ended (CodeBuild event or local process exit). Idempotent: an event for a
    /// run that is no longer in that phase changes nothing.
    pub async fn phase_finished(
        &self,
        org: OrgId,
        run_id: RunId,
        phase: Phase,
        outcome: PhaseOutcome,
    ) -> Result<Option<Run>, AppError> {
        let Some(mut run) = self.ports.runs.get(org, run_id).await? else {
            return Ok(None);
        };
        if run.status.running_phase() != Some(phase) {
            return Ok(None);
        }
        let prefix = run.artifact_prefix();
        let outcome = match (outcome, phase) {
            (PhaseOutcome::Succeeded, Phase::Plan) => match self.read_plan(&prefix).await {
                Ok(plan) => {
                    run.plan = Some(plan);
                    PhaseOutcome::Succeeded
                }
                Err(reason) => PhaseOutcome::Failed(reason),
            },
            (outcome, _) => outcome,
        };
        match (outcome, phase) {
            (PhaseOutcome::Succeeded, Phase::Plan) => {
                self.move_run(&mut run, RunEvent::PlanFinished).await?;
                self.move_run(&mut run, RunEvent::AwaitApproval).await?;
            }
            (PhaseOutcome::Succeeded, Phase::Apply) => {
                let outputs = match run.kind {
                    RunKind::Destroy => None,
                    RunKind::PlanAndApply => self.read_outputs(&prefix).await,
                };
                let lifecycle = Lifecycle::Applied.on_apply(run.kind, true);
                let variables = match run.kind {
                    RunKind::PlanAndApply => run.variables.clone(),
                    RunKind::Destroy => None,
                };
                let applied = AppliedState { outputs, lifecycle, variables };
                self.ports.deployments.set_outputs(org, run.deployment_id, &applied, self.clock.now()).await?;
                self.move_run(&mut run, RunEvent::ApplyFinished).await?;
                self.request_sync(&run).await;
                self.finished(&run).await?;
            }
            (PhaseOutcome::Failed(reason), _) => {
                run.error = Some(reason);
                run.error_reason = Some(RunErrorReason::BuildFailed);
                self.move_run(&mut run, RunEvent::Fail).await?;
                self.finished(&run).await?;
            }
            (PhaseOutcome::Errored(reason, detail), _) => {
                run.error = Some(detail);
                run.error_reason = Some(reason);
                self.move_run(&mut run, RunEvent::Fail).await?;
                self.finished(&run).await?;
            }
        }
        Ok(Some(run))
    }

    async fn read_plan(&self, prefix: &str) -> Result<deployments::PlanSummary, String> {
        match self.ports.artifacts.plan_json(prefix).await {
            Ok(Some(document)) => deployments::parse_plan_json(&document).map_err(|e| e.to_string()),
            Ok(None) => Err("the plan build left no plan".into()),
            Err(error) => {
                tracing::error!(error = %error, "reading the plan failed");
                Err("the plan could not be read".into())
            }
        }
    }

    async fn read_outputs(&self, prefix: &str) -> Option<Value> {
        match self.ports.artifacts.outputs(prefix).await {
            Ok(Some(bytes)) => serde_json::from_slice::<Value>(&bytes).ok().map(strip_sensitive_outputs),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(error = %error, "reading the outputs failed");
                None
            }
        }
    }

    async fn request_sync(&self, run: &Run) {
        let (Some(sync), Ok(Some(deployment))) =
            (&self.ports.sync, self.ports.deployments.get(run.org_id, run.deployment_id).await)
        else {
            return;
        };
        if let Some(credential) = deployment.credential_id
            && let Err(error) = sync.request_sync(run.org_id, credential).await
        {
            tracing::warn!(run = %run.id, error = %error, "the sync after the run could not be queued");
        }
    }

    /// One pass of the run reaper over every run in a running phase (see the module docs). A
    /// run that cannot be handled now (the store or the executor failing) is counted and left
    /// for the next pass; the others are still handled.
    pub async fn reap(&self) -> Result<ReapReport, AppError> {
        let mut report = ReapReport { ..Default::default() };
        for listed in self.ports.runs.running().await? {
            report.examined += 1;
            match self.reap_run(listed.org_id, listed.id).await {
                Ok((verdict, lock_released)) => {
                    match verdict {
                        Reaping::Leave => {}
                        Reaping::Finish(_) => report.finished += 1,
                        Reaping::Error { reason: RunErrorReason::PhaseTimeout, .. } => report.timed_out += 1,
                        Reaping::Error { .. } => report.lost += 1,
                    }
                    report.locks_released += usize::from(lock_released);
                }
                Err(error) => {
                    report.failed += 1;
                    tracing::error!(run = %listed.id, error = ?error, "the run reaper could not handle the run");
                }
            }
        }
        Ok(report)
    }

    /// Reaps one run: what was decided, and whether a state lock was released.
    pub async fn reap_run(&self, org: OrgId, run_id: RunId) -> Result<(Reaping, bool), AppError> {
        // the index the runs were listed from may lag: decide on the run as it is now
        let Some(mut run) = self.ports.runs.get(org, run_id).await? else { return Ok((Reaping::Leave, false)) };
        let state = match (&run.execution_id, run.status.running_phase()) {
            (Some(execution), Some(_)) => {
                Some(self.ports.executor.status(execution).await.map_err(AppError::Unavailable)?)
            }
            _ => None,
        };
        let verdict = deployments::reap(&run, state.as_ref(), self.clock.now());
        let mut lock_released = false;
        match &verdict {
            Reaping::Leave => {}
            Reaping::Finish(phase) => {
                tracing::warn!(run = %run.id, phase = phase.as_str(), "the run reaper finishes a phase whose end was not reported");
                if self.phase_finished(org, run_id, *phase, PhaseOutcome::Succeeded).await?.is_none() {
                    return Ok((Reaping::Leave, false));
                }
            }
            Reaping::Error { phase, reason, detail, stop_build } => {
                if *stop_build
                    && let Some(execution) = &run.execution_id
                    && let Err(error) = self.ports.executor.stop(execution).await
                {
                    tracing::error!(run = %run.id, error = %error, "the overdue build could not be stopped");
                }
                let phase_began = run.entered(run.status).unwrap_or(run.created_at);
                run.error = Some(detail.clone());
                run.error_reason = Some(*reason);
                match self.move_run(&mut run, RunEvent::Fail).await {
                    Ok(()) => {}
                    // its real end arrived meanwhile: that one wins
                    Err(AppError::InvalidRunState(_)) => return Ok((Reaping::Leave, false)),
                    Err(error) => return Err(error),
                }
                tracing::warn!(run = %run.id, reason = reason.as_str(), detail = %detail, "the run reaper errored a run");
                let line = format!("skyforge: the run was errored ({}): {detail}", reason.as_str());
                if let Err(error) = self.append_log(org, run_id, *phase, vec![line]).await {
                    tracing::warn!(run = %run.id, error = ?error, "the reaper's log line could not be archived");
                }
                self.audit
                    .record(
                        &Caller::anonymous(None),
                        Subject::new(Action::RunReap).in_org(org).target("run", run.id),
                        skyforge_domain::audit::Outcome::Success,
                        Some(format!("run reaper: {}", reason.as_str())),
                    )
                    .await;
                // the run still holds its deployment: no other run can have locked the state since
                lock_released = self.release_state_lock(&run, phase_began).await;
                self.finished(&run).await?;
            }
        }
        Ok((verdict, lock_released))
    }

    /// Releases the state lock a lost runner of `run` left, if any; audited. A failure is logged:
    /// the next run then fails to lock and says so in its log, which an operator can act on.
    async fn release_state_lock(&self, run: &Run, phase_began: DateTime<Utc>) -> bool {
        let Some(locks) = &self.locks else { return false };
        let deployment = match self.ports.deployments.get(run.org_id, run.deployment_id).await {
            Ok(Some(deployment)) => deployment,
            Ok(None) => return false,
            Err(error) => {
                tracing::error!(run = %run.id, error = %error, "the deployment of a reaped run could not be read");
                return false;
            }
        };
        match locks.release_if_taken_after(&deployment.state_key, phase_began).await {
            Ok(Some(lock_id)) => {
                tracing::warn!(run = %run.id, lock = %lock_id, "released the state lock a lost runner left");
                self.audit
                    .record(
                        &Caller::anonymous(None),
                        Subject::new(Action::RunLockRelease).in_org(run.org_id).target("run", run.id),
                        skyforge_domain::audit::Outcome::Success,
                        Some(format!("run reaper: lock {lock_id}")),
                    )
                    .await;
                true
            }
            Ok(None) => false,
            Err(error) => {
                tracing::error!(run = %run.id, error = %error, "the state lock of a reaped run could not be released");
                false
            }
        }
    }

    /// Numbers, archives and publishes log lines of a run (the local runner and the log forwarder).
    pub async fn append_log(
        &self,
        org: OrgId,
        run_id: RunId,
        phase: Phase,
        texts: Vec<String>,
    ) -> Result<(), AppError> {
        if texts.is_empty() {
            return Ok(());
        }
        let Some(run) = self.ports.runs.get(org, run_id).await? else { return Ok(()) };
        let first = self.ports.runs.reserve_log_lines(&run, texts.len() as u64).await?;
        let lines: Vec<LogLine> =
            texts.into_iter().enumerate().map(|(i, text)| LogLine { seq: first + i as u64, phase, text }).collect();
        let messages: Vec<LiveMessage> = lines
            .iter()
            .map(|l| LiveMessage::Log { run_id, seq: l.seq, phase: l.phase, line: l.text.clone() })
            .collect();
        self.publish(org, run_id, &messages).await;
        self.ports.artifacts.append_log(&run.artifact_prefix(), &lines).await.map_err(AppError::Unavailable)
    }
}

/// Sensitive outputs are kept out of the store and the API.
fn strip_sensitive_outputs(outputs: Value) -> Value {
    match outputs {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(name, output)| {
                    if output.get("sensitive").and_then(Value::as_bool) == Some(true) {
                        (name, serde_json::json!({"sensitive": true, "value": null}))
                    } else {
                        (name, output)
                    }
                })
                .collect(),
        ),
        other => other,
    }
}
