//! The inventory: one item per resource under its organisation, with its change history.
//!
//! Items live at `pk = INV#<org>`, `sk = RES#<credential>#<resource id>`, so one credential's
//! items are one consistent query (what a sync diffs against). Two index orders serve the list:
//! gsi1 by type then name, gsi2 by name; filters are expressions on flat copies of the fields.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_app::ports::{StoreError, StoreResult};
use skyforge_app::sync_ports::{Inventory, InventoryWrite};
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::inventory::{
    ChangeKind, FieldChange, HistoryEntry, InventoryItem, InventoryQuery, InventorySort, Resource, StoredResource,
    field_changes, resource_credential, resource_id,
};
use skyforge_domain::page::{Cursor, Page, PageRequest};

use super::{DynamoStore, Item, from_item, keys, s, to_item, unavailable};
use crate::table::{GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, PK, SK};

#[derive(Serialize, Deserialize)]
struct ResourceItem {
    pk: String,
    sk: String,
    gsi1pk: String,
    gsi1sk: String,
    gsi2pk: String,
    gsi2sk: String,
    id: String,
    credential_id: CredentialId,
    resource: Resource,
    hash: String,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
    // flat copies for filter expressions
    provider: String,
    kind: String,
    region: String,
    state: String,
    search: String,
    deployment: Option<String>,
}

impl ResourceItem {
    fn new(
        org: OrgId,
        credential: CredentialId,
        resource: &Resource,
        first_seen: DateTime<Utc>,
        now: DateTime<Utc>,
        deleted_at: Option<DateTime<Utc>>,
    ) -> Self {
        let id = resource_id(credential, &resource.key());
        let (pk, sk) = keys::resource(org, credential, &id);
        let name = resource.name.clone().unwrap_or_else(|| resource.native_id.clone()).to_lowercase();
        Self {
            gsi1pk: pk.clone(),
            gsi1sk: format!("{}#{name}#{id}", resource.kind.as_str()),
            gsi2pk: pk.clone(),
            gsi2sk: format!("{name}#{id}"),
            pk,
            sk,
            credential_id: credential,
            hash: resource.content_hash(),
            first_seen,
            last_seen: now,
            deleted_at,
            provider: resource.provider.as_str().into(),
            kind: resource.kind.as_str().into(),
            region: resource.region.clone(),
            state: resource.state.as_str().into(),
            search: format!("{name} {}", resource.native_id.to_lowercase()),
            deployment: resource.deployment().map(str::to_lowercase),
            resource: resource.clone(),
            id,
        }
    }

    fn item(self) -> InventoryItem {
        InventoryItem {
            id: self.id,
            credential_id: self.credential_id,
            resource: self.resource,
            hash: self.hash,
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            deleted_at: self.deleted_at,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct HistoryItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    entry: HistoryEntry,
    ttl: i64,
}

/// History is kept for a year.
const HISTORY_RETENTION_DAYS: i64 = 365;

fn history(
    org: OrgId,
    credential: CredentialId,
    resource: &Resource,
    run: SyncRunId,
    now: DateTime<Utc>,
    change: ChangeKind,
    changes: Vec<FieldChange>,
) -> StoreResult<Item> {
    let id = resource_id(credential, &resource.key());
    // the run id is time-ordered and unique per sync: one entry per resource per run
    let item = HistoryItem {
        pk: keys::history_pk(org, &id),
        sk: run.to_string(),
        entry: HistoryEntry { at: now, sync_run_id: run, change, changes },
        ttl: (now + chrono::Duration::days(HISTORY_RETENTION_DAYS)).timestamp(),
    };
    to_item(&item)
}

#[async_trait]
impl Inventory for DynamoStore {
    async fn stored(&self, org: OrgId, credential: CredentialId) -> StoreResult<Vec<StoredResource>> {
        let items = self.query_all(keys::inventory_pk(org), &keys::resource_prefix(credential)).await?;
        items
            .into_iter()
            .map(|item| {
                let item: ResourceItem = from_item(item)?;
                Ok(StoredResource {
                    deleted: item.deleted_at.is_some(),
                    hash: item.hash,
                    first_seen: item.first_seen,
                    resource: item.resource,
                })
            })
            .collect()
    }

    async fn apply(&self, write: InventoryWrite<'_>) -> StoreResult<u64> {
        let InventoryWrite { org, credential, run, now, diff } = write;
        let mut requests = Vec::with_capacity(diff.writes() * 2);
        let mut put = |item: Item| -> StoreResult<()> {
            requests.push(DynamoStore::put_request(item)?);
            Ok(())
        };
        for r in &diff.created {
            put(to_item(&ResourceItem::new(org, credential, r, now, now, None))?)?;
            put(history(org, credential, r, run, now, ChangeKind::Created, vec![])?)?;
        }
        for r in &diff.reappeared {
            put(to_item(&ResourceItem::new(org, credential, r, now, now, None))?)?;
            put(history(org, credential, r, run, now, ChangeKind::Reappeared, vec![])?)?;
        }
        for (before, after) in &diff.changed {
            put(to_item(&ResourceItem::new(org, credential, after, before.first_seen, now, None))?)?;
            put(history(
                org,
                credential,
                after,
                run,
                now,
                ChangeKind::Changed,
                field_changes(&before.resource, after),
            )?)?;
        }
        for gone in &diff.gone {
            // kept, marked deleted, with the content it last had
            put(to_item(&ResourceItem::new(org, credential, &gone.resource, gone.first_seen, now, Some(now)))?)?;
            put(history(org, credential, &gone.resource, run, now, ChangeKind::Deleted, vec![])?)?;
        }
        self.batch_write(requests).await
    }

    async fn list(&self, org: OrgId, query: &InventoryQuery) -> StoreResult<Page<InventoryItem>> {
        let (index, index_pk, index_sk) = match query.sort {
            InventorySort::Type => (GSI1, GSI1_PK, GSI1_SK),
            InventorySort::Name => (GSI2, GSI2_PK, GSI2_SK),
        };
        let pk = keys::inventory_pk(org);
        // a cursor is a position in one organisation's inventory, in one index's order
        let scope = format!("{pk}\n{index}");
        let after = match query.cursor.as_ref().map(|cursor| cursor.open(&scope)) {
            None => None,
            Some(Ok(position)) => {
                Some(serde_json::from_str::<InventoryPosition>(&position).map_err(|_| StoreError::ForeignCursor)?)
            }
            Some(Err(_)) => return Err(StoreError::ForeignCursor),
        };
        let mut filters: Vec<String> = Vec::new();
        let mut values: Vec<(String, AttributeValue)> = vec![(":pk".into(), s(pk.clone()))];
        let mut names: Vec<(String, String)> = vec![("#ipk".into(), index_pk.into())];
        let mut key_condition = "#ipk = :pk".to_owned();
        if let (InventorySort::Type, Some(kind)) = (query.sort, query.kind) {
            // the type is the index key's prefix: a key condition, not a filter
            key_condition.push_str(" AND begins_with(#isk, :kindprefix)");
            names.push(("#isk".into(), index_sk.into()));
            values.push((":kindprefix".into(), s(format!("{}#", kind.as_str()))));
        }
        let mut equal = |attribute: &str, value: Option<String>| {
            if let Some(value) = value {
                let placeholder = format!(":{attribute}");
                filters.push(format!("#{attribute} = {placeholder}"));
                names.push((format!("#{attribute}"), attribute.into()));
                values.push((placeholder, s(value)));
            }
        };
        equal("provider", query.provider.map(|p| p.as_str().to_owned()));
        equal("kind", query.kind.map(|k| k.as_str().to_owned()));
        equal("region", query.region.clone());
        equal("state", query.state.map(|st| st.as_str().to_owned()));
        equal("credential_id", query.credential.map(|c| c.to_string()));
        equal("deployment", query.deployment.clone());
        if let Some(text) = &query.text {
            filters.push("contains(#search, :text)".into());
            names.push(("#search".into(), "search".into()));
            values.push((":text".into(), s(text.clone())));
        }
        if let Some((key, value)) = &query.tag {
            names.push(("#resource".into(), "resource".into()));
            names.push(("#tags".into(), "tags".into()));
            names.push(("#tagkey".into(), key.clone()));
            if value.is_empty() {
                filters.push("attribute_exists(#resource.#tags.#tagkey)".into());
            } else {
                filters.push("#resource.#tags.#tagkey = :tagvalue".into());
                values.push((":tagvalue".into(), s(value.clone())));
            }
        }
        if !query.include_deleted {
            filters.push("attribute_not_exists(deleted_at) OR attribute_type(deleted_at, :null)".into());
            values.push((":null".into(), s("NULL")));
        }
        let filter =
            (!filters.is_empty()).then(|| filters.iter().map(|f| format!("({f})")).collect::<Vec<_>>().join(" AND "));

        let wanted = query.limit + 1;
        let mut found: Vec<Item> = Vec::with_capacity(wanted);
        let mut start = after.map(|position| {
            Item::from([
                (PK.to_owned(), s(pk.clone())),
                (SK.to_owned(), s(position.sk)),
                (index_pk.to_owned(), s(pk.clone())),
                (index_sk.to_owned(), s(position.index_sk)),
            ])
        });
        // a filter applies after the read: keep reading until the page is full or the index ends
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .key_condition_expression(&key_condition)
                .set_filter_expression(filter.clone())
                .scan_index_forward(!query.descending)
                .set_exclusive_start_key(start.take());
            for (name, attribute) in &names {
                request = request.expression_attribute_names(name, attribute);
            }
            for (placeholder, value) in &values {
                request = request.expression_attribute_values(placeholder, value.clone());
            }
            let output = request.send().await.map_err(unavailable)?;
            found.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if found.len() < wanted => start = Some(key),
                _ => break,
            }
        }
        let more = found.len() > query.limit;
        found.truncate(query.limit);
        let next_cursor = if more {
            found.last().and_then(|item| {
                let position = InventoryPosition {
                    sk: item.get(SK)?.as_s().ok()?.clone(),
                    index_sk: item.get(index_sk)?.as_s().ok()?.clone(),
                };
                Some(Cursor::seal(&scope, &serde_json::to_string(&position).ok()?))
            })
        } else {
            None
        };
        let items = found
            .into_iter()
            .map(|item| from_item::<ResourceItem>(item).map(ResourceItem::item))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, org: OrgId, resource: &str) -> StoreResult<Option<InventoryItem>> {
        let Some(credential) = resource_credential(resource) else { return Ok(None) };
        Ok(self.get_item::<ResourceItem>(keys::resource(org, credential, resource)).await?.map(ResourceItem::item))
    }

    async fn history(&self, org: OrgId, resource: &str, page: &PageRequest) -> StoreResult<Page<HistoryEntry>> {
        Ok(self.query_page::<HistoryItem>(keys::history_pk(org, resource), "sync_", page, true).await?.map(|i| i.entry))
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<u64> {
        let items = self.query_all(keys::inventory_pk(org), &keys::resource_prefix(credential)).await?;
        let mut requests = Vec::with_capacity(items.len());
        for item in &items {
            let (Some(pk), Some(sk)) =
                (item.get(PK).and_then(|v| v.as_s().ok()), item.get(SK).and_then(|v| v.as_s().ok()))
            else {
                continue;
            };
            requests.push(DynamoStore::delete_request((pk.clone(), sk.clone()))?);
            // and the resource's history
            if let Some(id) = item.get("id").and_then(|v| v.as_s().ok()) {
                for entry in self.query_all(keys::history_pk(org, id), "").await? {
                    if let Some(sk) = entry.get(SK).and_then(|v| v.as_s().ok()) {
                        requests.push(DynamoStore::delete_request((keys::history_pk(org, id), sk.clone()))?);
                    }
                }
            }
        }
        self.batch_write(requests).await?;
        Ok(items.len() as u64)
    }
}

/// Where a page of the inventory ended: the item's table key and index key, inside a cursor.
#[derive(Serialize, Deserialize)]
struct InventoryPosition {
    sk: String,
    index_sk: String,
}
