//! The sync pipeline's store ports (credentials, sync runs, inventory, summaries) and the cost
//! store, over the same state as the accounts in `store.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use skyforge_domain::costs::{CostRefresh, CostRow};
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SyncRunId};
use skyforge_domain::inventory::{
    ChangeKind, HistoryEntry, InventoryItem, InventoryQuery, InventorySort, Resource, StoredResource, field_changes,
    resource_credential, resource_id,
};
use skyforge_domain::page::{Cursor, Page, PageRequest};
use skyforge_domain::sync::{
    CostSnapshot, CredentialSummary, OrgSummary, PendingSync, ProviderHealth, SyncRun, SyncStatus,
};

use super::pages::page_of;
use super::store::{MemoryStore, State};
use crate::costs::CostStore;
use crate::ports::{Conflict, StoreError, StoreResult};
use crate::sync_ports::{Credentials, Inventory, InventoryWrite, Summaries, SyncRuns};

const CREDENTIAL_PREFIX: &str = "CRED#";
const RUN_PREFIX: &str = "RUN#";

#[async_trait]
impl Credentials for MemoryStore {
    async fn create(&self, credential: &Credential) -> StoreResult<()> {
        let mut state = self.open()?;
        let key = (credential.org_id, credential.id);
        if state.credentials.contains_key(&key) {
            return Err(StoreError::Conflict(Conflict::Concurrent));
        }
        state.credentials.insert(key, credential.clone());
        Ok(())
    }

    async fn get(&self, org: OrgId, id: CredentialId) -> StoreResult<Option<Credential>> {
        Ok(self.open()?.credentials.get(&(org, id)).cloned())
    }

    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Credential>> {
        let state = self.open()?;
        let items = state
            .credentials
            .iter()
            .filter(|((o, _), _)| *o == org)
            .map(|((_, id), c)| (format!("{CREDENTIAL_PREFIX}{id}"), c.clone()));
        page_of(items, &format!("{org}{CREDENTIAL_PREFIX}"), page, false)
    }

    async fn update(&self, credential: &Credential) -> StoreResult<()> {
        let mut state = self.open()?;
        match state.credentials.get_mut(&(credential.org_id, credential.id)) {
            Some(stored) => {
                *stored = credential.clone();
                Ok(())
            }
            None => Err(StoreError::Conflict(Conflict::Gone)),
        }
    }

    async fn delete(&self, org: OrgId, id: CredentialId) -> StoreResult<()> {
        self.open()?.credentials.remove(&(org, id));
        Ok(())
    }

    /// Like a DynamoDB query with `Limit`: a full page answers a cursor even when nothing
    /// follows (the next page is then empty).
    async fn active(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> StoreResult<(Vec<(OrgId, CredentialId)>, Option<String>)> {
        let state = self.open()?;
        let mut keys: Vec<(String, (OrgId, CredentialId))> = state
            .credentials
            .values()
            .filter(|c| c.sync_enabled)
            .map(|c| (format!("{}#{}", c.org_id, c.id), (c.org_id, c.id)))
            .filter(|(key, _)| after.as_ref().is_none_or(|after| key > after))
            .collect();
        keys.sort();
        keys.truncate(limit);
        let next = (keys.len() == limit).then(|| keys.last().map(|(key, _)| key.clone())).flatten();
        Ok((keys.into_iter().map(|(_, ids)| ids).collect(), next))
    }

    async fn external_id(&self, org: OrgId, candidate: &str) -> StoreResult<String> {
        let mut state = self.open()?;
        let record = state.orgs.get_mut(&org).ok_or(StoreError::Conflict(Conflict::Gone))?;
        Ok(record.external_id.get_or_insert_with(|| candidate.to_owned()).clone())
    }
}

#[async_trait]
impl SyncRuns for MemoryStore {
    async fn create(&self, run: &SyncRun) -> StoreResult<()> {
        self.open()?.runs.insert((run.org_id, run.credential_id, run.id), (run.clone(), None));
        Ok(())
    }

    async fn get(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<Option<SyncRun>> {
        Ok(self.open()?.runs.get(&(org, credential, run)).map(|(r, _)| r.clone()))
    }

    async fn claim(&self, run: &SyncRun, now: DateTime<Utc>, stale_before: DateTime<Utc>) -> StoreResult<bool> {
        let mut state = self.open()?;
        let key = (run.org_id, run.credential_id, run.id);
        let free = match state.runs.get(&key) {
            None => true,
            Some((stored, claimed)) => match stored.status {
                SyncStatus::Queued | SyncStatus::Failed => true,
                SyncStatus::Running => claimed.is_none_or(|at| at < stale_before),
                SyncStatus::Succeeded | SyncStatus::Partial => false,
            },
        };
        if free {
            state.runs.insert(key, (run.clone(), Some(now)));
        }
        Ok(free)
    }

    async fn finish(&self, run: &SyncRun) -> StoreResult<()> {
        self.open()?.runs.insert((run.org_id, run.credential_id, run.id), (run.clone(), None));
        Ok(())
    }

    async fn list(&self, org: OrgId, credential: CredentialId, page: &PageRequest) -> StoreResult<Page<SyncRun>> {
        let state = self.open()?;
        let items = state
            .runs
            .iter()
            .filter(|((o, c, _), _)| *o == org && *c == credential)
            .map(|((_, _, id), (run, _))| (format!("{RUN_PREFIX}{id}"), run.clone()));
        page_of(items, &format!("{org}{credential}{RUN_PREFIX}"), page, true)
    }
}

fn put_item(
    state: &mut State,
    org: OrgId,
    credential: CredentialId,
    resource: &Resource,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
) {
    let id = resource_id(credential, &resource.key());
    let item = InventoryItem {
        id: id.clone(),
        credential_id: credential,
        resource: resource.clone(),
        hash: resource.content_hash(),
        first_seen,
        last_seen: now,
        deleted_at,
    };
    state.inventory.insert((org, credential, id), item);
}

fn put_history(state: &mut State, org: OrgId, write: &InventoryWrite<'_>, resource: &Resource, entry: HistoryEntry) {
    let id = resource_id(write.credential, &resource.key());
    // one entry per resource per run: a second write of the same run replaces it
    state.history.entry((org, id)).or_default().insert(write.run.to_string(), entry);
}

/// The inventory list's index sort key (`type#name#id` or `name#id`), as the adapter's indexes.
fn index_sk(item: &InventoryItem, sort: InventorySort) -> String {
    let r = &item.resource;
    let name = r.name.clone().unwrap_or_else(|| r.native_id.clone()).to_lowercase();
    match sort {
        InventorySort::Type => format!("{}#{name}#{}", r.kind.as_str(), item.id),
        InventorySort::Name => format!("{name}#{}", item.id),
    }
}

fn matches(item: &InventoryItem, query: &InventoryQuery) -> bool {
    let r = &item.resource;
    let name = r.name.clone().unwrap_or_else(|| r.native_id.clone()).to_lowercase();
    query.provider.is_none_or(|p| p == r.provider)
        && query.kind.is_none_or(|k| k == r.kind)
        && query.region.as_ref().is_none_or(|region| *region == r.region)
        && query.state.is_none_or(|s| s == r.state)
        && query.credential.is_none_or(|c| c == item.credential_id)
        && query.deployment.as_ref().is_none_or(|d| r.deployment().map(str::to_lowercase).as_ref() == Some(d))
        && query.text.as_ref().is_none_or(|t| format!("{name} {}", r.native_id.to_lowercase()).contains(t.as_str()))
        && query.tag.as_ref().is_none_or(|(key, value)| match r.tags.get(key) {
            Some(found) => value.is_empty() || found == value,
            None => false,
        })
        && (query.include_deleted || item.deleted_at.is_none())
}

#[async_trait]
impl Inventory for MemoryStore {
    async fn stored(&self, org: OrgId, credential: CredentialId) -> StoreResult<Vec<StoredResource>> {
        let state = self.open()?;
        Ok(state
            .inventory
            .iter()
            .filter(|((o, c, _), _)| *o == org && *c == credential)
            .map(|(_, item)| StoredResource {
                resource: item.resource.clone(),
                hash: item.hash.clone(),
                deleted: item.deleted_at.is_some(),
                first_seen: item.first_seen,
            })
            .collect())
    }

    /// Two writes per change (the item and its history entry), as the adapter counts them.
    async fn apply(&self, write: InventoryWrite<'_>) -> StoreResult<u64> {
        let mut state = self.open()?;
        let state = &mut *state;
        let (org, credential, now, diff) = (write.org, write.credential, write.now, write.diff);
        let entry = |change, changes| HistoryEntry { at: now, sync_run_id: write.run, change, changes };
        for r in &diff.created {
            put_item(state, org, credential, r, now, now, None);
            put_history(state, org, &write, r, entry(ChangeKind::Created, vec![]));
        }
        for r in &diff.reappeared {
            put_item(state, org, credential, r, now, now, None);
            put_history(state, org, &write, r, entry(ChangeKind::Reappeared, vec![]));
        }
        for (before, after) in &diff.changed {
            put_item(state, org, credential, after, before.first_seen, now, None);
            put_history(state, org, &write, after, entry(ChangeKind::Changed, field_changes(&before.resource, after)));
        }
        for gone in &diff.gone {
            put_item(state, org, credential, &gone.resource, gone.first_seen, now, Some(now));
            put_history(state, org, &write, &gone.resource, entry(ChangeKind::Deleted, vec![]));
        }
        let writes = 2 * diff.writes() as u64;
        state.inventory_writes += writes;
        Ok(writes)
    }

    async fn list(&self, org: OrgId, query: &InventoryQuery) -> StoreResult<Page<InventoryItem>> {
        let scope = format!("{org}inventory{:?}", query.sort);
        let after = query.cursor.as_ref().map(|c| c.open(&scope)).transpose().map_err(|_| StoreError::ForeignCursor)?;
        let state = self.open()?;
        let mut found: Vec<(String, &InventoryItem)> = state
            .inventory
            .iter()
            .filter(|((o, _, _), item)| *o == org && matches(item, query))
            .map(|(_, item)| (index_sk(item, query.sort), item))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        if query.descending {
            found.reverse();
        }
        let mut page: Vec<(String, &InventoryItem)> = found
            .into_iter()
            .filter(|(key, _)| match &after {
                None => true,
                Some(after) if query.descending => key < after,
                Some(after) => key > after,
            })
            .take(query.limit + 1)
            .collect();
        let more = page.len() > query.limit;
        page.truncate(query.limit);
        let next_cursor = more.then(|| page.last()).flatten().map(|(key, _)| Cursor::seal(&scope, key));
        Ok(Page { items: page.into_iter().map(|(_, item)| item.clone()).collect(), next_cursor })
    }

    async fn get(&self, org: OrgId, resource: &str) -> StoreResult<Option<InventoryItem>> {
        let Some(credential) = resource_credential(resource) else { return Ok(None) };
        Ok(self.open()?.inventory.get(&(org, credential, resource.to_owned())).cloned())
    }

    async fn history(&self, org: OrgId, resource: &str, page: &PageRequest) -> StoreResult<Page<HistoryEntry>> {
        let state = self.open()?;
        let entries = state.history.get(&(org, resource.to_owned())).cloned().unwrap_or_default();
        page_of(entries, &format!("{org}{resource}"), page, true)
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<u64> {
        let mut state = self.open()?;
        let ids: Vec<String> = state
            .inventory
            .keys()
            .filter(|(o, c, _)| *o == org && *c == credential)
            .map(|(_, _, id)| id.clone())
            .collect();
        for id in &ids {
            state.inventory.remove(&(org, credential, id.clone()));
            state.history.remove(&(org, id.clone()));
        }
        Ok(ids.len() as u64)
    }
}

/// The organisation's cost data changed: the snapshot goes, the version moves on.
fn cost_data_changed(state: &mut State, org: OrgId) {
    let summary = state.summaries.entry(org).or_default();
    summary.costs = None;
    summary.costs_version += 1;
}

#[async_trait]
impl Summaries for MemoryStore {
    async fn put_credential(
        &self,
        org: OrgId,
        credential: CredentialId,
        summary: &CredentialSummary,
    ) -> StoreResult<()> {
        self.open()?.summaries.entry(org).or_default().credentials.insert(credential, summary.clone());
        Ok(())
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        if let Some(summary) = self.open()?.summaries.get_mut(&org) {
            summary.credentials.remove(&credential);
        }
        Ok(())
    }

    async fn put_pending(&self, org: OrgId, pending: &[(CredentialId, PendingSync)]) -> StoreResult<()> {
        let mut state = self.open()?;
        let summary = state.summaries.entry(org).or_default();
        for (credential, sync) in pending {
            summary.pending.insert(*credential, sync.clone());
        }
        Ok(())
    }

    async fn clear_pending(&self, org: OrgId, credential: CredentialId, run: SyncRunId) -> StoreResult<()> {
        // only if it still names that run: a newer pending sync stays
        if let Some(summary) = self.open()?.summaries.get_mut(&org)
            && summary.pending.get(&credential).is_some_and(|p| p.run_id == run)
        {
            summary.pending.remove(&credential);
        }
        Ok(())
    }

    async fn get(&self, org: OrgId) -> StoreResult<OrgSummary> {
        Ok(self.open()?.summaries.get(&org).cloned().unwrap_or_default())
    }

    async fn put_costs(&self, org: OrgId, snapshot: &CostSnapshot, version: u64) -> StoreResult<bool> {
        let mut state = self.open()?;
        let summary = state.summaries.entry(org).or_default();
        if summary.costs_version != version {
            return Ok(false);
        }
        summary.costs = Some(snapshot.clone());
        Ok(true)
    }

    async fn put_health(&self, org: OrgId, health: &[ProviderHealth]) -> StoreResult<()> {
        let mut state = self.open()?;
        for h in health {
            state.health.insert((org, h.credential_id, h.region.clone()), h.clone());
        }
        Ok(())
    }

    async fn health(&self, org: OrgId) -> StoreResult<Vec<ProviderHealth>> {
        Ok(self.open()?.health.iter().filter(|((o, _, _), _)| *o == org).map(|(_, h)| h.clone()).collect())
    }

    async fn remove_health(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        self.open()?.health.retain(|(o, c, _), _| !(*o == org && *c == credential));
        Ok(())
    }
}

#[async_trait]
impl CostStore for MemoryStore {
    async fn replace_rows(
        &self,
        org: OrgId,
        credential: CredentialId,
        from: NaiveDate,
        to: NaiveDate,
        rows: &[CostRow],
    ) -> StoreResult<()> {
        let mut state = self.open()?;
        let fresh: Vec<_> = rows.iter().map(CostRow::identity).collect();
        // rows of these days the provider no longer reports go; rows reported again replace theirs
        state.cost_rows.retain(|(o, row)| {
            !(*o == org
                && row.credential_id == credential
                && ((from..=to).contains(&row.day) || fresh.contains(&row.identity())))
        });
        state.cost_rows.extend(rows.iter().map(|row| (org, row.clone())));
        cost_data_changed(&mut state, org);
        Ok(())
    }

    async fn rows(&self, org: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<CostRow>> {
        let state = self.open()?;
        Ok(state
            .cost_rows
            .iter()
            .filter(|(o, row)| *o == org && (from..=to).contains(&row.day))
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn last_refresh(&self, org: OrgId, credential: CredentialId) -> StoreResult<Option<CostRefresh>> {
        Ok(self.open()?.cost_refreshes.get(&(org, credential)).cloned())
    }

    async fn put_refresh(&self, org: OrgId, refresh: &CostRefresh) -> StoreResult<()> {
        let mut state = self.open()?;
        state.cost_refreshes.insert((org, refresh.credential_id), refresh.clone());
        cost_data_changed(&mut state, org);
        Ok(())
    }

    async fn refreshes(&self, org: OrgId) -> StoreResult<Vec<CostRefresh>> {
        Ok(self.open()?.cost_refreshes.iter().filter(|((o, _), _)| *o == org).map(|(_, r)| r.clone()).collect())
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
        let mut state = self.open()?;
        state.cost_refreshes.remove(&(org, credential));
        state.cost_rows.retain(|(o, row)| !(*o == org && row.credential_id == credential));
        cost_data_changed(&mut state, org);
        Ok(())
    }
}
