//! Sync runs of a credential, with the claim that makes a redelivered message harmless.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_app::ports::StoreResult;
use skyforge_app::sync_ports::SyncRuns;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::sync::SyncRun;

use super::{DynamoStore, conditional, keys, s, to_item, unavailable};

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
        Ok(conditional(result)?.is_some())
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
