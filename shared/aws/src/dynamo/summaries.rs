//! The per-organisation summary (each credential's counts and last sync) and provider health.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use skyforge_app::ports::{StoreError, StoreResult};
use skyforge_app::sync_ports::Summaries;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::sync::{CostSnapshot, CredentialSummary, OrgSummary, PendingSync, ProviderHealth};

use super::{DynamoStore, conditional, from_item, keys, n, s, to_item, unavailable};
use crate::table::{PK, SK};

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
            .update_expression("REMOVE #c, #p")
            .expression_attribute_names("#c", keys::summary_attribute(credential))
            .expression_attribute_names("#p", keys::pending_attribute(credential))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn put_pending(&self, org: OrgId, pending: &[(CredentialId, PendingSync)]) -> StoreResult<()> {
        // one update per 25 credentials keeps each expression well within DynamoDB's limits
        for chunk in pending.chunks(25) {
            let (pk, sk) = keys::summary(org);
            let mut request = self.client.update_item().table_name(&self.table).key(PK, s(pk)).key(SK, s(sk));
            let mut sets = Vec::with_capacity(chunk.len());
            for (i, (credential, sync)) in chunk.iter().enumerate() {
                let value = serde_dynamo::to_attribute_value(sync).map_err(|e| StoreError::Unavailable(Box::new(e)))?;
                sets.push(format!("#p{i} = :p{i}"));
                request = request
                    .expression_attribute_names(format!("#p{i}"), keys::pending_attribute(*credential))
                    .expression_attribute_values(format!(":p{i}"), value);
            }
            request.update_expression(format!("SET {}", sets.join(", "))).send().await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn clear_pending(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<()> {
        let (pk, sk) = keys::summary(org);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("REMOVE #p")
            .condition_expression("#p.run_id = :run")
            .expression_attribute_names("#p", keys::pending_attribute(credential))
            .expression_attribute_values(":run", s(run.to_string()))
            .send()
            .await;
        // another sync is pending now (or none): it stays
        conditional(result)?;
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
                _ if name.starts_with("p_") => {
                    let Some(id) = name.strip_prefix("p_").and_then(|id| id.parse::<CredentialId>().ok()) else {
                        continue;
                    };
                    match serde_dynamo::from_attribute_value::<_, PendingSync>(value) {
                        Ok(pending) => {
                            out.pending.insert(id, pending);
                        }
                        Err(error) => tracing::warn!(org = %org, error = %error, "unreadable pending sync ignored"),
                    }
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
        Ok(conditional(request.send().await)?.is_some())
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
