//! Provisioning's store ports: deployments, their runs, the recent runs, live connections.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use skyforge_domain::deployments::{Deployment, Lifecycle, RECENT_RUNS, RecentRun, Run, RunStatus};
use skyforge_domain::ids::{DeploymentId, OrgId, RunId};
use skyforge_domain::page::{Page, PageRequest};

use super::pages::page_of;
use super::store::MemoryStore;
use crate::deployment_ports::{AppliedState, ConnectionUser, Connections, Deployments, RecentRuns, Runs};
use crate::ports::{Conflict, StoreError, StoreResult};

/// A live connection and its subscriptions expire after this long, as the adapter's items do.
const CONNECTION_TTL: chrono::Duration = chrono::Duration::hours(3);

#[derive(Default)]
pub(super) struct ProvisioningState {
    deployments: BTreeMap<(OrgId, DeploymentId), Deployment>,
    runs: HashMap<RunId, Run>,
    log_lines: HashMap<RunId, u64>,
    recent: HashMap<OrgId, BTreeMap<RunId, RecentRun>>,
    connections: HashMap<String, (ConnectionUser, DateTime<Utc>, BTreeSet<RunId>)>,
    /// run → connection → when subscribed
    subscribers: HashMap<RunId, BTreeMap<String, DateTime<Utc>>>,
}

const DEPLOYMENT_PREFIX: &str = "DEP#";
const RUN_PREFIX: &str = "RUN#";

#[async_trait]
impl Deployments for MemoryStore {
    async fn create(&self, deployment: &Deployment) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let key = (deployment.org_id, deployment.id);
        if state.deployments.contains_key(&key) {
            return Err(StoreError::Conflict(Conflict::Concurrent));
        }
        state.deployments.insert(key, deployment.clone());
        Ok(())
    }

    async fn get(&self, org: OrgId, id: DeploymentId) -> StoreResult<Option<Deployment>> {
        Ok(self.open_provisioning()?.deployments.get(&(org, id)).cloned())
    }

    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Deployment>> {
        let state = self.open_provisioning()?;
        let items = state
            .deployments
            .iter()
            .filter(|((o, _), _)| *o == org)
            .map(|((_, id), d)| (format!("{DEPLOYMENT_PREFIX}{id}"), d.clone()));
        page_of(items, &format!("{org}{DEPLOYMENT_PREFIX}"), page, true)
    }

    async fn claim(&self, org: OrgId, id: DeploymentId, run: RunId) -> StoreResult<bool> {
        let mut state = self.open_provisioning()?;
        let Some(deployment) = state.deployments.get_mut(&(org, id)) else { return Ok(false) };
        match deployment.active_run_id {
            Some(active) if active != run => Ok(false),
            _ => {
                deployment.active_run_id = Some(run);
                Ok(true)
            }
        }
    }

    async fn release(&self, org: OrgId, id: DeploymentId, run: RunId, now: DateTime<Utc>) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        // held by another run (or by none): nothing to free
        if let Some(deployment) = state.deployments.get_mut(&(org, id)).filter(|d| d.active_run_id == Some(run)) {
            deployment.active_run_id = None;
            deployment.updated_at = now;
        }
        Ok(())
    }

    async fn set_outputs(
        &self,
        org: OrgId,
        id: DeploymentId,
        applied: &AppliedState,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let deployment = state.deployments.get_mut(&(org, id)).ok_or(StoreError::Conflict(Conflict::Gone))?;
        deployment.outputs = applied.outputs.clone();
        deployment.lifecycle = applied.lifecycle;
        if let Some(variables) = &applied.variables {
            deployment.applied_variables = Some(variables.clone());
        }
        deployment.updated_at = now;
        Ok(())
    }

    async fn set_lifecycle(
        &self,
        org: OrgId,
        id: DeploymentId,
        lifecycle: Lifecycle,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let deployment = state.deployments.get_mut(&(org, id)).ok_or(StoreError::Conflict(Conflict::Gone))?;
        deployment.lifecycle = lifecycle;
        deployment.updated_at = now;
        Ok(())
    }

    async fn update(
        &self,
        org: OrgId,
        id: DeploymentId,
        name: &str,
        variables: &BTreeMap<String, Value>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let deployment = state.deployments.get_mut(&(org, id)).ok_or(StoreError::Conflict(Conflict::Gone))?;
        deployment.name = name.to_owned();
        deployment.variables = variables.clone();
        deployment.updated_at = now;
        Ok(())
    }

    async fn delete(&self, org: OrgId, id: DeploymentId) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        // the adapter's condition: no run holds it and nothing of it can remain in the cloud
        match state.deployments.get(&(org, id)) {
            Some(d) if d.active_run_id.is_some() || d.lifecycle == Lifecycle::Applied => {
                return Err(StoreError::Conflict(Conflict::Concurrent));
            }
            None => return Ok(()),
            Some(_) => {}
        }
        state.deployments.remove(&(org, id));
        state.runs.retain(|_, r| !(r.org_id == org && r.deployment_id == id));
        Ok(())
    }
}

#[async_trait]
impl Runs for MemoryStore {
    async fn create(&self, run: &Run) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        if state.runs.contains_key(&run.id) {
            return Err(StoreError::Conflict(Conflict::Concurrent));
        }
        state.runs.insert(run.id, run.clone());
        Ok(())
    }

    async fn get(&self, org: OrgId, id: RunId) -> StoreResult<Option<Run>> {
        Ok(self.open_provisioning()?.runs.get(&id).filter(|r| r.org_id == org).cloned())
    }

    async fn locate(&self, id: RunId) -> StoreResult<Option<(OrgId, DeploymentId)>> {
        Ok(self.open_provisioning()?.runs.get(&id).map(|r| (r.org_id, r.deployment_id)))
    }

    async fn for_deployment(&self, org: OrgId, deployment: DeploymentId, page: &PageRequest) -> StoreResult<Page<Run>> {
        let state = self.open_provisioning()?;
        let items = state
            .runs
            .values()
            .filter(|r| r.org_id == org && r.deployment_id == deployment)
            .map(|r| (format!("{RUN_PREFIX}{}", r.id), r.clone()));
        page_of(items, &format!("{org}{deployment}{RUN_PREFIX}"), page, false)
    }

    async fn running(&self) -> StoreResult<Vec<Run>> {
        let state = self.open_provisioning()?;
        Ok(state.runs.values().filter(|r| r.status.running_phase().is_some()).cloned().collect())
    }

    async fn transition(&self, run: &Run, expected: RunStatus) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        match state.runs.get_mut(&run.id) {
            Some(stored) if stored.status == expected => {
                *stored = run.clone();
                Ok(())
            }
            _ => Err(StoreError::Conflict(Conflict::Concurrent)),
        }
    }

    async fn reserve_log_lines(&self, run: &Run, count: u64) -> StoreResult<u64> {
        let mut state = self.open_provisioning()?;
        let last = state.log_lines.entry(run.id).or_default();
        *last += count;
        Ok(*last + 1 - count)
    }
}

#[async_trait]
impl RecentRuns for MemoryStore {
    async fn add(&self, run: &Run, deployment_name: &str) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let listed = state.recent.entry(run.org_id).or_default();
        listed.insert(run.id, RecentRun::of(run, deployment_name));
        // the newest RECENT_RUNS stay; run ids sort by creation time
        while listed.len() > RECENT_RUNS {
            listed.pop_first();
        }
        Ok(())
    }

    async fn update(&self, run: &Run) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let entry = RecentRun::of(run, "");
        // listed, and not yet moved past this state by a faster writer
        if let Some(listed) = state.recent.get_mut(&run.org_id).and_then(|l| l.get_mut(&run.id))
            && listed.states < entry.states
        {
            listed.status = entry.status;
            listed.updated_at = entry.updated_at;
            listed.states = entry.states;
        }
        Ok(())
    }

    async fn list(&self, org: OrgId) -> StoreResult<Vec<RecentRun>> {
        let state = self.open_provisioning()?;
        Ok(state.recent.get(&org).map(|l| l.values().rev().cloned().collect()).unwrap_or_default())
    }
}

#[async_trait]
impl Connections for MemoryStore {
    async fn connect(&self, connection: &str, user: &ConnectionUser, now: DateTime<Utc>) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        state.connections.insert(connection.to_owned(), (user.clone(), now, BTreeSet::new()));
        Ok(())
    }

    /// Expired by the wall clock, as the adapter's TTL check.
    async fn user(&self, connection: &str) -> StoreResult<Option<ConnectionUser>> {
        let state = self.open_provisioning()?;
        Ok(state
            .connections
            .get(connection)
            .filter(|(_, at, _)| *at + CONNECTION_TTL > Utc::now())
            .map(|(user, _, _)| user.clone()))
    }

    async fn subscribe(&self, connection: &str, _org: OrgId, run: RunId, now: DateTime<Utc>) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let (_, _, runs) = state.connections.get_mut(connection).ok_or(StoreError::Conflict(Conflict::Gone))?;
        runs.insert(run);
        state.subscribers.entry(run).or_default().insert(connection.to_owned(), now);
        Ok(())
    }

    async fn unsubscribe(&self, connection: &str, run: RunId) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        if let Some(subscribers) = state.subscribers.get_mut(&run) {
            subscribers.remove(connection);
        }
        Ok(())
    }

    async fn subscribers(&self, run: RunId) -> StoreResult<Vec<String>> {
        let state = self.open_provisioning()?;
        let now = Utc::now();
        Ok(state
            .subscribers
            .get(&run)
            .map(|s| s.iter().filter(|(_, at)| **at + CONNECTION_TTL > now).map(|(c, _)| c.clone()).collect())
            .unwrap_or_default())
    }

    async fn disconnect(&self, connection: &str) -> StoreResult<()> {
        let mut state = self.open_provisioning()?;
        let Some((_, _, runs)) = state.connections.remove(connection) else { return Ok(()) };
        for run in runs {
            if let Some(subscribers) = state.subscribers.get_mut(&run) {
                subscribers.remove(connection);
            }
        }
        Ok(())
    }
}
