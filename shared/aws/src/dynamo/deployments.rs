//! Deployments, their runs (with conditional status transitions), each organisation's recent
//! runs, log line counters, and WebSocket connections with their run subscriptions.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use skyforge_app::deployment_ports::{AppliedState, ConnectionUser, Connections, Deployments, RecentRuns, Runs};
use skyforge_app::ports::{Conflict, StoreError, StoreResult};
use skyforge_domain::deployments::{Deployment, Lifecycle, RECENT_RUNS, RecentRun, Run, RunStatus};
use skyforge_domain::ids::{DeploymentId, OrgId, RunId, UserId};
use skyforge_domain::page::{Page, PageRequest};

use super::{DynamoStore, conditional, conflict_as, from_item, keys, n, s, to_item, tx, unavailable};
use crate::table::{GSI1, GSI1_PK, PK, SK};

/// A live connection and its subscriptions expire after this long (API Gateway closes a
/// WebSocket after 2 hours at most).
const CONNECTION_TTL: chrono::Duration = chrono::Duration::hours(3);

#[derive(Serialize, Deserialize)]
struct DeploymentItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    deployment: Deployment,
}

#[derive(Serialize, Deserialize)]
struct RunItem {
    pk: String,
    sk: String,
    /// Set only while the run is in a running phase, so the index lists exactly the runs the
    /// run reaper looks at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    #[serde(flatten)]
    run: Run,
}

impl RunItem {
    fn new(run: &Run) -> Self {
        let (pk, sk) = keys::deployment_run(run.org_id, run.deployment_id, run.id);
        let running = run.status.running_phase().is_some();
        Self {
            pk,
            sk,
            gsi1pk: running.then(|| keys::RUNNING_RUNS.to_owned()),
            gsi1sk: running.then(|| run.id.to_string()),
            run: run.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct RunRefItem {
    pk: String,
    sk: String,
    org_id: OrgId,
    deployment_id: DeploymentId,
}

#[derive(Serialize, Deserialize)]
struct ConnectionItem {
    pk: String,
    sk: String,
    user_id: UserId,
    /// Connections made before the email was kept read back as an empty email.
    #[serde(default)]
    email: String,
    connected_at: DateTime<Utc>,
    /// The runs it subscribed to, so `$disconnect` can remove those items too.
    #[serde(default)]
    runs: Vec<RunId>,
    ttl: i64,
}

#[derive(Serialize, Deserialize)]
struct SubscriberItem {
    pk: String,
    sk: String,
    connection_id: String,
    org_id: OrgId,
    ttl: i64,
}

#[async_trait]
impl Deployments for DynamoStore {
    async fn create(&self, deployment: &Deployment) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(deployment.org_id, deployment.id);
        let item = to_item(&DeploymentItem { pk, sk, deployment: deployment.clone() })?;
        self.put_if(item, "attribute_not_exists(pk)", Conflict::Concurrent).await
    }

    async fn get(&self, org: OrgId, id: DeploymentId) -> StoreResult<Option<Deployment>> {
        Ok(self.get_item::<DeploymentItem>(keys::deployment(org, id)).await?.map(|i| i.deployment))
    }

    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Deployment>> {
        Ok(self
            .query_page::<DeploymentItem>(keys::org_pk(org), keys::DEPLOYMENT_PREFIX, page, true)
            .await?
            .map(|i| i.deployment))
    }

    async fn claim(&self, org: OrgId, id: DeploymentId, run: RunId) -> StoreResult<bool> {
        let (pk, sk) = keys::deployment(org, id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET active_run_id = :run")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(active_run_id) OR active_run_id = :run)",
            )
            .expression_attribute_values(":run", s(run.to_string()))
            .send()
            .await;
        Ok(conditional(result)?.is_some())
    }

    async fn release(&self, org: OrgId, id: DeploymentId, run: RunId, now: DateTime<Utc>) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(org, id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("REMOVE active_run_id SET updated_at = :now")
            .condition_expression("active_run_id = :run")
            .expression_attribute_values(":run", s(run.to_string()))
            .expression_attribute_values(":now", s(now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
            .send()
            .await;
        // held by another run (or by none): nothing to free
        conditional(result)?;
        Ok(())
    }

    async fn set_outputs(
        &self,
        org: OrgId,
        id: DeploymentId,
        applied: &AppliedState,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(org, id);
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#outputs", "outputs")
            .expression_attribute_values(":outputs", attribute_value(&applied.outputs)?)
            .expression_attribute_values(":lifecycle", attribute_value(&applied.lifecycle)?)
            .expression_attribute_values(":now", s(timestamp(now)));
        let mut set = "SET #outputs = :outputs, lifecycle = :lifecycle, updated_at = :now".to_owned();
        if let Some(variables) = &applied.variables {
            set.push_str(", applied_variables = :vars");
            request = request.expression_attribute_values(":vars", attribute_value(variables)?);
        }
        conditional(request.update_expression(set).send().await)?
            .map(|_| ())
            .ok_or(StoreError::Conflict(Conflict::Gone))
    }

    async fn set_lifecycle(
        &self,
        org: OrgId,
        id: DeploymentId,
        lifecycle: Lifecycle,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(org, id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET lifecycle = :lifecycle, updated_at = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":lifecycle", attribute_value(&lifecycle)?)
            .expression_attribute_values(":now", s(timestamp(now)))
            .send()
            .await;
        conditional(result)?.map(|_| ()).ok_or(StoreError::Conflict(Conflict::Gone))
    }

    async fn update(
        &self,
        org: OrgId,
        id: DeploymentId,
        name: &str,
        variables: &BTreeMap<String, Value>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(org, id);
        // only these attributes: a concurrent claim or release of the active run is kept
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET #name = :name, variables = :vars, updated_at = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(name.to_owned()))
            .expression_attribute_values(":vars", attribute_value(variables)?)
            .expression_attribute_values(":now", s(timestamp(now)))
            .send()
            .await;
        conditional(result)?.map(|_| ()).ok_or(StoreError::Conflict(Conflict::Gone))
    }

    async fn delete(&self, org: OrgId, id: DeploymentId) -> StoreResult<()> {
        let (pk, sk) = keys::deployment(org, id);
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .condition_expression(
                "attribute_exists(pk) AND attribute_not_exists(active_run_id) AND \
                 (attribute_not_exists(lifecycle) OR lifecycle <> :applied)",
            )
            .expression_attribute_values(":applied", attribute_value(&Lifecycle::Applied)?)
            .send()
            .await;
        conditional(result)?.ok_or(StoreError::Conflict(Conflict::Concurrent))?;
        // the runs (and their log counters) go with it, then the refs that locate them
        let items = self.query_all(keys::deployment_runs_pk(org, id), "").await?;
        let mut deletes = Vec::with_capacity(items.len() * 2);
        for item in items {
            let Ok(key) = from_item::<KeyOnly>(item) else { continue };
            if let Some(run) = key.sk.strip_prefix(keys::RUN_PREFIX).and_then(|r| r.parse::<RunId>().ok()) {
                deletes.push(Self::delete_request(keys::run_ref(run))?);
            }
            deletes.push(Self::delete_request((key.pk, key.sk))?);
        }
        self.batch_write(deletes).await?;
        Ok(())
    }
}

#[derive(Deserialize)]
struct KeyOnly {
    pk: String,
    sk: String,
}

fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[async_trait]
impl Runs for DynamoStore {
    async fn create(&self, run: &Run) -> StoreResult<()> {
        let (ref_pk, ref_sk) = keys::run_ref(run.id);
        let run_item = to_item(&RunItem::new(run))?;
        let ref_item =
            to_item(&RunRefItem { pk: ref_pk, sk: ref_sk, org_id: run.org_id, deployment_id: run.deployment_id })?;
        self.transact(vec![
            tx::put(&self.table, run_item, Some("attribute_not_exists(pk)"))?,
            tx::put(&self.table, ref_item, Some("attribute_not_exists(pk)"))?,
        ])
        .await
        .map_err(conflict_as(Conflict::Concurrent))
    }

    async fn get(&self, org: OrgId, id: RunId) -> StoreResult<Option<Run>> {
        let Some((owner, deployment)) = self.locate(id).await? else { return Ok(None) };
        if owner != org {
            return Ok(None);
        }
        Ok(self.get_item::<RunItem>(keys::deployment_run(org, deployment, id)).await?.map(|i| i.run))
    }

    async fn locate(&self, id: RunId) -> StoreResult<Option<(OrgId, DeploymentId)>> {
        Ok(self.get_item::<RunRefItem>(keys::run_ref(id)).await?.map(|r| (r.org_id, r.deployment_id)))
    }

    async fn for_deployment(&self, org: OrgId, deployment: DeploymentId, page: &PageRequest) -> StoreResult<Page<Run>> {
        Ok(self
            .query_page::<RunItem>(keys::deployment_runs_pk(org, deployment), keys::RUN_PREFIX, page, false)
            .await?
            .map(|i| i.run))
    }

    async fn transition(&self, run: &Run, expected: RunStatus) -> StoreResult<()> {
        let item = to_item(&RunItem::new(run))?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_exists(pk) AND #status = :expected")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expected", s(expected.as_str()))
            .send()
            .await;
        conditional(result)?.map(|_| ()).ok_or(StoreError::Conflict(Conflict::Concurrent))
    }

    async fn reserve_log_lines(&self, run: &Run, count: u64) -> StoreResult<u64> {
        let (pk, sk) = keys::run_log_counter(run.org_id, run.deployment_id, run.id);
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("ADD line_count :count")
            .expression_attribute_values(":count", n(count as i64))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        let last: u64 = output
            .attributes
            .and_then(|a| a.get("line_count").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()))
            .ok_or_else(|| StoreError::Unavailable("the log counter returned no value".into()))?;
        Ok(last + 1 - count)
    }

    async fn running(&self) -> StoreResult<Vec<Run>> {
        let mut runs = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", GSI1_PK)
                .expression_attribute_values(":pk", s(keys::RUNNING_RUNS))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            for item in output.items.unwrap_or_default() {
                runs.push(from_item::<RunItem>(item)?.run);
            }
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        Ok(runs)
    }
}

fn attribute_value<T: Serialize>(value: &T) -> StoreResult<aws_sdk_dynamodb::types::AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Unavailable(Box::new(e)))
}

/// One item per organisation (`ORG#<org>` / `RECENTRUNS`) with an attribute per run, so the
/// dashboard reads it with one GetItem and every change is one UpdateItem of one attribute.
#[async_trait]
impl RecentRuns for DynamoStore {
    async fn add(&self, run: &Run, deployment_name: &str) -> StoreResult<()> {
        let (pk, sk) = keys::recent_runs(run.org_id);
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk.clone()))
            .key(SK, s(sk.clone()))
            .update_expression("SET #run = :entry")
            .expression_attribute_names("#run", keys::recent_run_attribute(run.id))
            .expression_attribute_values(":entry", attribute_value(&RecentRun::of(run, deployment_name))?)
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(unavailable)?;
        // the newest RECENT_RUNS stay; run ids sort by creation time
        let mut listed: Vec<String> = output
            .attributes
            .unwrap_or_default()
            .into_keys()
            .filter(|name| name.starts_with(keys::RECENT_RUN_PREFIX))
            .collect();
        if listed.len() <= RECENT_RUNS {
            return Ok(());
        }
        listed.sort_unstable_by(|a, b| b.cmp(a));
        let dropped = &listed[RECENT_RUNS..];
        let placeholders: Vec<String> = (0..dropped.len()).map(|i| format!("#old{i}")).collect();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression(format!("REMOVE {}", placeholders.join(", ")));
        for (placeholder, name) in placeholders.iter().zip(dropped) {
            request = request.expression_attribute_names(placeholder, name);
        }
        request.send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn update(&self, run: &Run) -> StoreResult<()> {
        let (pk, sk) = keys::recent_runs(run.org_id);
        let entry = RecentRun::of(run, "");
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET #run.#status = :status, #run.updated_at = :at, #run.states = :states")
            // listed, and not yet moved past this state by a faster writer
            .condition_expression("attribute_exists(#run) AND #run.states < :states")
            .expression_attribute_names("#run", keys::recent_run_attribute(run.id))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", attribute_value(&entry.status)?)
            .expression_attribute_values(":at", attribute_value(&entry.updated_at)?)
            .expression_attribute_values(":states", n(entry.states as i64))
            .send()
            .await;
        conditional(result)?;
        Ok(())
    }

    async fn list(&self, org: OrgId) -> StoreResult<Vec<RecentRun>> {
        // an eventually consistent read: half the cost, and a dashboard may lag a moment
        let mut runs = self
            .raw_item(keys::recent_runs(org), false)
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, _)| name.starts_with(keys::RECENT_RUN_PREFIX))
            .map(|(_, value)| {
                serde_dynamo::from_attribute_value::<_, RecentRun>(value)
                    .map_err(|e| StoreError::Unavailable(format!("unreadable recent run: {e}").into()))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        runs.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        runs.truncate(RECENT_RUNS);
        Ok(runs)
    }
}

#[async_trait]
impl Connections for DynamoStore {
    async fn connect(&self, connection: &str, user: &ConnectionUser, now: DateTime<Utc>) -> StoreResult<()> {
        let (pk, sk) = keys::ws_connection(connection);
        let item = ConnectionItem {
            pk,
            sk,
            user_id: user.user_id,
            email: user.email.clone(),
            connected_at: now,
            runs: vec![],
            ttl: ttl(now),
        };
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&item)?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn user(&self, connection: &str) -> StoreResult<Option<ConnectionUser>> {
        let now = Utc::now().timestamp();
        // TTL deletion lags (and the stand-in never deletes): expired items count as gone
        Ok(self
            .get_item::<ConnectionItem>(keys::ws_connection(connection))
            .await?
            .filter(|c| c.ttl > now)
            .map(|c| ConnectionUser { user_id: c.user_id, email: c.email }))
    }

    async fn subscribe(&self, connection: &str, org: OrgId, run: RunId, now: DateTime<Utc>) -> StoreResult<()> {
        let (pk, sk) = keys::run_subscriber(run, connection);
        let subscriber =
            to_item(&SubscriberItem { pk, sk, connection_id: connection.to_owned(), org_id: org, ttl: ttl(now) })?;
        let add_run = tx::update(
            &self.table,
            keys::ws_connection(connection),
            "SET runs = list_append(if_not_exists(runs, :empty), :run)",
            Some("attribute_exists(pk)"),
            &[
                (":run", aws_sdk_dynamodb::types::AttributeValue::L(vec![s(run.to_string())])),
                (":empty", aws_sdk_dynamodb::types::AttributeValue::L(vec![])),
            ],
        )?;
        self.transact(vec![tx::put(&self.table, subscriber, None)?, add_run]).await.map_err(conflict_as(Conflict::Gone))
    }

    async fn unsubscribe(&self, connection: &str, run: RunId) -> StoreResult<()> {
        // the connection item keeps the run id: `disconnect` deleting a missing item is harmless
        self.delete_item(keys::run_subscriber(run, connection)).await
    }

    async fn subscribers(&self, run: RunId) -> StoreResult<Vec<String>> {
        let now = Utc::now().timestamp();
        let items = self.query_all(keys::run_subscribers_pk(run), "WSCONN#").await?;
        Ok(items
            .into_iter()
            .filter_map(|item| from_item::<SubscriberItem>(item).ok())
            .filter(|s| s.ttl > now)
            .map(|s| s.connection_id)
            .collect())
    }

    async fn disconnect(&self, connection: &str) -> StoreResult<()> {
        let Some(item) = self.get_item::<ConnectionItem>(keys::ws_connection(connection)).await? else {
            return Ok(());
        };
        let mut deletes = vec![Self::delete_request(keys::ws_connection(connection))?];
        for run in item.runs {
            deletes.push(Self::delete_request(keys::run_subscriber(run, connection))?);
        }
        self.batch_write(deletes).await?;
        Ok(())
    }
}

fn ttl(now: DateTime<Utc>) -> i64 {
    (now + CONNECTION_TTL).timestamp()
}
