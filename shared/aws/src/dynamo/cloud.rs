//! Credentials (metadata), sync runs, the per-organisation summary and provider health.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_app::ports::{Conflict, StoreError, StoreResult};
use skyforge_app::sync_ports::{Credentials, Summaries, SyncRuns};
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::sync::{CostSnapshot, Credential, CredentialSummary, OrgSummary, ProviderHealth, SyncRun};

use super::{DynamoStore, Item, from_item, keys, n, s, to_item, unavailable};
use crate::table::{GSI1, GSI1_PK, GSI1_SK, PK, SK};

#[derive(Serialize, Deserialize)]
struct CredentialItem {
    pk: String,
    sk: String,
    /// Set only while sync is enabled, so the index lists exactly the active credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    #[serde(flatten)]
    credential: Credential,
}

impl CredentialItem {
    fn new(c: &Credential) -> Self {
        let (pk, sk) = keys::credential(c.org_id, c.id);
        let active = c.sync_enabled.then(|| (keys::ACTIVE_CREDENTIALS.to_owned(), format!("{}#{}", c.org_id, c.id)));
        Self {
            pk,
            sk,
            gsi1pk: active.as_ref().map(|a| a.0.clone()),
            gsi1sk: active.map(|a| a.1),
            credential: c.clone(),
        }
    }
}

#[async_trait]
impl Credentials for DynamoStore {
    async fn create(&self, credential: &Credential) -> StoreResult<()> {
        self.put_if(to_item(&CredentialItem::new(credential))?, "attribute_not_exists(pk)", Conflict::Concurrent).await
    }

    async fn get(&self, org: OrgId, id: CredentialId) -> StoreResult<Option<Credential>> {
        Ok(self.get_item::<CredentialItem>(keys::credential(org, id)).await?.map(|i| i.credential))
    }

    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Credential>> {
        Ok(self
            .query_page::<CredentialItem>(keys::org_pk(org), keys::CREDENTIAL_PREFIX, page, false)
            .await?
            .map(|i| i.credential))
    }

    async fn update(&self, credential: &Credential) -> StoreResult<()> {
        self.put_if(to_item(&CredentialItem::new(credential))?, "attribute_exists(pk)", Conflict::Gone).await
    }

    async fn delete(&self, org: OrgId, id: CredentialId) -> StoreResult<()> {
        let (pk, sk) = keys::credential(org, id);
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn active(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> StoreResult<(Vec<(OrgId, CredentialId)>, Option<String>)> {
        let start = after.map(|gsi1sk| {
            // the index key is `<org>#<credential>`, from which the table key follows
            let (org, cred) = gsi1sk.split_once('#').unwrap_or_default();
            Item::from([
                (GSI1_PK.to_owned(), s(keys::ACTIVE_CREDENTIALS)),
                (GSI1_SK.to_owned(), s(gsi1sk.clone())),
                (PK.to_owned(), s(format!("ORG#{org}"))),
                (SK.to_owned(), s(format!("{}{cred}", keys::CREDENTIAL_PREFIX))),
            ])
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", GSI1_PK)
            .expression_attribute_names("#sk", GSI1_SK)
            .expression_attribute_values(":pk", s(keys::ACTIVE_CREDENTIALS))
            .projection_expression("#sk")
            .limit(limit as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let ids = output
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                item.get(GSI1_SK)?.as_s().ok()?.split_once('#').map(|(o, c)| (o.parse().ok(), c.parse().ok()))
            })
            .filter_map(|(org, cred)| Some((org?, cred?)))
            .collect();
        let next = output.last_evaluated_key.and_then(|key| key.get(GSI1_SK)?.as_s().ok().cloned());
        Ok((ids, next))
    }

    async fn external_id(&self, org: OrgId, candidate: &str) -> StoreResult<String> {
        let (pk, sk) = keys::org(org);
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET external_id = if_not_exists(external_id, :candidate)")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":candidate", s(candidate))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) {
                    StoreError::Conflict(Conflict::Gone)
                } else {
                    unavailable(e)
                }
            })?;
        output
            .attributes
            .and_then(|mut a| a.remove("external_id"))
            .and_then(|v| v.as_s().ok().cloned())
            .ok_or_else(|| StoreError::Unavailable("external id missing after update".into()))
    }
}

#[derive(Serialize, Deserialize)]
struct RunItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    run: SyncRun,
    /// Epoch milliseconds the current claim started, for the stale-claim condition.
    claimed_ms: Option<i64>,
    ttl: i64,
}

/// Sync runs are kept 90 days.
const RUN_RETENTION_DAYS: i64 = 90;

impl RunItem {
    fn new(run: &SyncRun, claimed: Option<DateTime<Utc>>) -> Self {
        let (pk, sk) = keys::run(run.org_id, run.credential_id, run.id);
        Self {
            pk,
            sk,
            run: run.clone(),
            claimed_ms: claimed.map(|c| c.timestamp_millis()),
            ttl: (run.queued_at + chrono::Duration::days(RUN_RETENTION_DAYS)).timestamp(),
        }
    }
}

#[async_trait]
impl SyncRuns for DynamoStore {
    async fn create(&self, run: &SyncRun) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&RunItem::new(run, None))?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<Option<SyncRun>> {
        Ok(self.get_item::<RunItem>(keys::run(org, credential, run)).await?.map(|i| i.run))
    }

    async fn claim(&self, run: &SyncRun, now: DateTime<Utc>, stale_before: DateTime<Utc>) -> StoreResult<bool> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&RunItem::new(run, Some(now)))?))
            .condition_expression("attribute_not_exists(pk) OR #status IN (:queued, :failed) OR (#status = :running AND claimed_ms < :stale)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":queued", s("queued"))
            .expression_attribute_values(":failed", s("failed"))
            .expression_attribute_values(":running", s("running"))
            .expression_attribute_values(":stale", AttributeValue::N(stale_before.timestamp_millis().to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn finish(&self, run: &SyncRun) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&RunItem::new(run, None))?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn list(&self, org: OrgId, credential: CredentialId, page: &PageRequest) -> StoreResult<Page<SyncRun>> {
        Ok(self
            .query_page::<RunItem>(keys::runs_pk(org, credential), keys::RUN_PREFIX, page, true)
            .await?
            .map(|i| i.run))
    }
}

#[derive(Serialize, Deserialize)]
struct HealthItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    health: ProviderHealth,
}

#[async_trait]
impl Summaries for DynamoStore {
    async fn put_credential(
        &self,
        org: OrgId,
        credential: CredentialId,
        summary: &CredentialSummary,
    ) -> StoreResult<()> {
        let (pk, sk) = keys::summary(org);
        let value = serde_dynamo::to_attribute_value(summary).map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET #c = :summary")
            .expression_attribute_names("#c", keys::summary_attribute(credential))
            .expression_attribute_values(":summary", value)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        let (pk, sk) = keys::summary(org);
        self.client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("REMOVE #c")
            .expression_attribute_names("#c", keys::summary_attribute(credential))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, org: OrgId) -> StoreResult<OrgSummary> {
        let mut out = OrgSummary::default();
        for (name, value) in self.raw_item(keys::summary(org), false).await?.unwrap_or_default() {
            match name.as_str() {
                keys::SUMMARY_COSTS => match serde_dynamo::from_attribute_value::<_, CostSnapshot>(value) {
                    Ok(snapshot) => out.costs = Some(snapshot),
                    // written by an older version: as good as none, the dashboard computes anew
                    Err(error) => tracing::warn!(org = %org, error = %error, "unreadable cost snapshot ignored"),
                },
                keys::SUMMARY_COSTS_VERSION => {
                    out.costs_version = value.as_n().ok().and_then(|v| v.parse().ok()).unwrap_or_default();
                }
                _ => {
                    let Some(id) = name.strip_prefix("c_").and_then(|id| id.parse::<CredentialId>().ok()) else {
                        continue;
                    };
                    let summary: CredentialSummary =
                        serde_dynamo::from_attribute_value(value).map_err(|e| StoreError::Unavailable(Box::new(e)))?;
                    out.credentials.insert(id, summary);
                }
            }
        }
        Ok(out)
    }

    async fn put_costs(&self, org: OrgId, snapshot: &CostSnapshot, version: u64) -> StoreResult<bool> {
        let (pk, sk) = keys::summary(org);
        let value = serde_dynamo::to_attribute_value(snapshot).map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET #costs = :snapshot")
            .expression_attribute_names("#costs", keys::SUMMARY_COSTS)
            .expression_attribute_names("#version", keys::SUMMARY_COSTS_VERSION)
            .expression_attribute_values(":snapshot", value);
        request = if version == 0 {
            request.condition_expression("attribute_not_exists(#version)")
        } else {
            request
                .condition_expression("#version = :version")
                .expression_attribute_values(":version", n(version as i64))
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn put_health(&self, org: OrgId, health: &[ProviderHealth]) -> StoreResult<()> {
        let requests = health
            .iter()
            .map(|h| {
                let (pk, sk) = keys::health(org, h.credential_id, &h.region);
                DynamoStore::put_request(to_item(&HealthItem { pk, sk, health: h.clone() })?)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(requests).await?;
        Ok(())
    }

    async fn health(&self, org: OrgId) -> StoreResult<Vec<ProviderHealth>> {
        self.query_all(keys::health_pk(org), "")
            .await?
            .into_iter()
            .map(|item| from_item::<HealthItem>(item).map(|h| h.health))
            .collect()
    }

    async fn remove_health(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        let items = self.query_all(keys::health_pk(org), &format!("{credential}#")).await?;
        let requests = items
            .iter()
            .filter_map(|item| Some((item.get(PK)?.as_s().ok()?.clone(), item.get(SK)?.as_s().ok()?.clone())))
            .map(DynamoStore::delete_request)
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(requests).await?;
        Ok(())
    }
}
