//! Daily cost rows and each credential's last cost refresh. Every write here also drops the
//! dashboard's cost snapshot on the summary item and moves its version on, so no snapshot of
//! older data outlives a change (see `Summaries::put_costs`).

use std::collections::HashSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use skyforge_app::costs::CostStore;
use skyforge_app::ports::StoreResult;
use skyforge_domain::costs::{CostRefresh, CostRow};
use skyforge_domain::ids::{CredentialId, OrgId};

use super::{DynamoStore, Item, from_item, keys, s, to_item, unavailable};
use crate::table::{PK, SK};

#[derive(Serialize, Deserialize)]
struct CostRowItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    row: CostRow,
}

#[derive(Serialize, Deserialize)]
struct CostRefreshItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    refresh: CostRefresh,
}

impl DynamoStore {
    /// The organisation's cost data changed: the snapshot goes, the version moves on.
    async fn cost_data_changed(&self, org: OrgId) -> StoreResult<()> {
        let (pk, sk) = keys::summary(org);
        self.client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("ADD #version :one REMOVE #costs")
            .expression_attribute_names("#version", keys::SUMMARY_COSTS_VERSION)
            .expression_attribute_names("#costs", keys::SUMMARY_COSTS)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Every row item of the organisation dated `from..=to`, all pages.
    async fn cost_items(&self, org: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<CostRowItem>> {
        let (low, high) = keys::cost_days(from, to);
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(keys::costs_pk(org)))
                .expression_attribute_values(":low", AttributeValue::S(low.clone()))
                .expression_attribute_values(":high", AttributeValue::S(high.clone()))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            for item in output.items.unwrap_or_default() {
                items.push(from_item::<CostRowItem>(item)?);
            }
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(items),
            }
        }
    }
}

#[async_trait]
impl CostStore for DynamoStore {
    async fn replace_rows(
        &self,
        org: OrgId,
        credential: CredentialId,
        from: NaiveDate,
        to: NaiveDate,
        rows: &[CostRow],
    ) -> StoreResult<()> {
        // rows written again keep their key (a put replaces them); rows the provider no longer
        // reports for these days are deleted, so totals never double-count
        let fresh: HashSet<(String, String)> = rows.iter().map(|r| keys::cost_row(org, r)).collect();
        let mut requests = Vec::with_capacity(rows.len());
        for stale in self.cost_items(org, from, to).await? {
            if stale.row.credential_id == credential && !fresh.contains(&(stale.pk.clone(), stale.sk.clone())) {
                requests.push(DynamoStore::delete_request((stale.pk, stale.sk))?);
            }
        }
        for row in rows {
            let (pk, sk) = keys::cost_row(org, row);
            requests.push(DynamoStore::put_request(to_item(&CostRowItem { pk, sk, row: row.clone() })?)?);
        }
        self.batch_write(requests).await?;
        self.cost_data_changed(org).await
    }

    async fn rows(&self, org: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<CostRow>> {
        Ok(self.cost_items(org, from, to).await?.into_iter().map(|i| i.row).collect())
    }

    async fn last_refresh(&self, org: OrgId, credential: CredentialId) -> StoreResult<Option<CostRefresh>> {
        Ok(self.get_item::<CostRefreshItem>(keys::cost_refresh(org, credential)).await?.map(|i| i.refresh))
    }

    async fn put_refresh(&self, org: OrgId, refresh: &CostRefresh) -> StoreResult<()> {
        let (pk, sk) = keys::cost_refresh(org, refresh.credential_id);
        let item: Item = to_item(&CostRefreshItem { pk, sk, refresh: refresh.clone() })?;
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        self.cost_data_changed(org).await
    }

    async fn refreshes(&self, org: OrgId) -> StoreResult<Vec<CostRefresh>> {
        self.query_all(keys::org_pk(org), keys::COST_REFRESH_PREFIX)
            .await?
            .into_iter()
            .map(|item| from_item::<CostRefreshItem>(item).map(|i| i.refresh))
            .collect()
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        // every day the sort key can hold: the organisation's cost partition, read once
        let (first, last) = (NaiveDate::from_ymd_opt(1970, 1, 1), NaiveDate::from_ymd_opt(9999, 12, 31));
        let (Some(first), Some(last)) = (first, last) else { return Ok(()) };
        let mut requests = vec![DynamoStore::delete_request(keys::cost_refresh(org, credential))?];
        for item in self.cost_items(org, first, last).await? {
            if item.row.credential_id == credential {
                requests.push(DynamoStore::delete_request((item.pk, item.sk))?);
            }
        }
        self.batch_write(requests).await?;
        self.cost_data_changed(org).await
    }
}
