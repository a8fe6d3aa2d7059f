//! The audit trail: each event is written under its organisation and under its actor, so both
//! an organisation's and a user's trail are one query, newest first.

use async_trait::async_trait;
use skyforge_app::ports::{AuditLog, Conflict, StoreResult};
use skyforge_domain::audit::AuditEvent;
use skyforge_domain::ids::{OrgId, UserId};
use skyforge_domain::page::{Page, PageRequest};

use super::items::AuditItem;
use super::{DynamoStore, conflict_as, keys, to_item, tx};

#[async_trait]
impl AuditLog for DynamoStore {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        let mut partitions = Vec::with_capacity(2);
        if let Some(org) = event.org_id {
            partitions.push(keys::org_pk(org));
        }
        if let Some(user) = event.actor_user_id {
            partitions.push(keys::user_pk(user));
        }
        if partitions.is_empty() {
            partitions.push(keys::anonymous_audit_pk(&event.occurred_at.format("%Y-%m-%d").to_string()));
        }
        let items = partitions
            .into_iter()
            .map(|pk| tx::put(&self.table, to_item(&AuditItem::new(pk, event))?, None))
            .collect::<StoreResult<Vec<_>>>()?;
        self.transact(items).await.map_err(conflict_as(Conflict::Concurrent))
    }

    async fn for_org(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        Ok(self.query_page::<AuditItem>(keys::org_pk(org), keys::AUDIT_PREFIX, page, true).await?.map(AuditItem::event))
    }

    async fn for_user(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        Ok(self
            .query_page::<AuditItem>(keys::user_pk(user), keys::AUDIT_PREFIX, page, true)
            .await?
            .map(AuditItem::event))
    }
}
