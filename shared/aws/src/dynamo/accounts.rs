//! Users, organisations, memberships and API tokens.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use chrono::{DateTime, Duration, Utc};
use skyforge_app::ports::{ApiTokens, Conflict, Orgs, StoreError, StoreResult, UserCredentials, Users};
use skyforge_domain::accounts::{ApiToken, Membership, Organization, User};
use skyforge_domain::auth::SecretDigest;
use skyforge_domain::ids::{OrgId, TokenId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::{Role, owner_delta};
use skyforge_domain::values::Email;

use super::items::{EmailItem, MemberItem, OrgItem, TokenDigestItem, TokenItem, UserItem};
use super::{DynamoStore, conditional, conflict_as, from_item, keys, n, s, to_item, tx, unavailable};

const NOT_EXISTS: &str = "attribute_not_exists(pk)";
const EXISTS: &str = "attribute_exists(pk)";

#[async_trait]
impl Users for DynamoStore {
    async fn create_with_org(&self, user: &UserCredentials, org: &Organization, owner: &Membership) -> StoreResult<()> {
        let (pk, sk) = keys::email(&user.user.email);
        let claim = EmailItem { pk, sk, user_id: user.user.id };
        let items = vec![
            tx::put(&self.table, to_item(&claim)?, Some(NOT_EXISTS))?,
            tx::put(&self.table, to_item(&UserItem::new(&user.user, &user.password_hash))?, Some(NOT_EXISTS))?,
            tx::put(&self.table, to_item(&OrgItem::new(org, 1))?, Some(NOT_EXISTS))?,
            tx::put(&self.table, to_item(&MemberItem::new(owner))?, None)?,
            user_org_set(&self.table, owner)?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(Ok(failed)) if failed[0] => Err(StoreError::Conflict(Conflict::EmailTaken)),
            Err(Ok(_)) => Err(StoreError::Conflict(Conflict::Concurrent)),
            Err(Err(error)) => Err(error),
        }
    }

    async fn by_email(&self, email: &Email) -> StoreResult<Option<UserCredentials>> {
        let Some(claim) = self.get_item::<EmailItem>(keys::email(email.as_str())).await? else {
            return Ok(None);
        };
        let item = self.get_item::<UserItem>(keys::user(claim.user_id)).await?;
        Ok(item.map(|item| UserCredentials { user: item.user(), password_hash: item.password_hash }))
    }

    async fn get(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.get_item::<UserItem>(keys::user(id)).await?.map(|item| item.user()))
    }
}

#[async_trait]
impl Orgs for DynamoStore {
    async fn create(&self, org: &Organization, owner: &Membership) -> StoreResult<()> {
        let items = vec![
            tx::put(&self.table, to_item(&OrgItem::new(org, 1))?, Some(NOT_EXISTS))?,
            tx::put(&self.table, to_item(&MemberItem::new(owner))?, None)?,
            user_org_set(&self.table, owner)?,
        ];
        self.transact(items).await.map_err(conflict_as(Conflict::Concurrent))
    }

    async fn get(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        Ok(self.get_item::<OrgItem>(keys::org(id)).await?.map(|item| item.org()))
    }

    async fn membership(&self, org: OrgId, user: UserId) -> StoreResult<Option<Membership>> {
        Ok(self.get_item::<MemberItem>(keys::member(org, user)).await?.map(MemberItem::membership))
    }

    async fn of_user(&self, user: UserId) -> StoreResult<Vec<(Organization, Role)>> {
        // one GetItem for the user's memberships, then one batch read for the organisations
        let mut roles: HashMap<OrgId, Role> = HashMap::new();
        for (name, value) in self.raw_item(keys::user_orgs(user), true).await?.unwrap_or_default() {
            let Some(org) = name.strip_prefix(keys::USER_ORG_PREFIX).and_then(|id| id.parse::<OrgId>().ok()) else {
                continue;
            };
            let role = value.as_s().ok().and_then(|r| r.parse::<Role>().ok()).ok_or_else(|| {
                StoreError::Unavailable(format!("unreadable role of {name} in the user's organisations").into())
            })?;
            roles.insert(org, role);
        }
        let mut orgs = Vec::with_capacity(roles.len());
        let ids: Vec<OrgId> = roles.keys().copied().collect();
        // BatchGetItem takes at most 100 keys, and may hand some back unprocessed
        for chunk in ids.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(|id| tx::key(keys::org(*id))).collect()))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::Unavailable(Box::new(e)))?,
            );
            while let Some(request) = pending.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(unavailable)?;
                for item in output.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                    let org: OrgItem = from_item(item)?;
                    if let Some(role) = roles.get(&org.id) {
                        orgs.push((org.org(), *role));
                    }
                }
                pending =
                    output.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).filter(|k| !k.keys.is_empty());
            }
        }
        Ok(orgs)
    }

    async fn members(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Membership>> {
        let page = self.query_page::<MemberItem>(keys::org_pk(org), keys::MEMBER_PREFIX, page, false).await?;
        Ok(page.map(MemberItem::membership))
    }

    async fn add_member(&self, member: &Membership) -> StoreResult<()> {
        let delta = owner_delta(None, Some(member.role));
        let items = vec![
            tx::put(&self.table, to_item(&MemberItem::new(member))?, Some(NOT_EXISTS))?,
            tx::update(
                &self.table,
                keys::org(member.org_id),
                "SET owner_count = owner_count + :delta",
                Some(EXISTS),
                &[(":delta", n(delta))],
            )?,
            user_org_set(&self.table, member)?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(Ok(failed)) if failed[0] => Err(StoreError::Conflict(Conflict::AlreadyMember)),
            Err(Ok(_)) => Err(StoreError::Conflict(Conflict::Gone)),
            Err(Err(error)) => Err(error),
        }
    }

    async fn change_role(&self, org: OrgId, user: UserId, from: Role, to: Role) -> StoreResult<Membership> {
        let delta = owner_delta(Some(from), Some(to));
        let mut items = vec![tx::update(
            &self.table,
            keys::member(org, user),
            "SET #role = :to",
            Some("#role = :from"),
            &[(":to", s(to.as_str())), (":from", s(from.as_str()))],
        )?];
        if delta != 0 {
            items.push(owner_count_change(&self.table, org, delta)?);
        }
        let attribute = format!("#{}", keys::user_org_attribute(org));
        items.push(tx::update(
            &self.table,
            keys::user_orgs(user),
            &format!("SET {attribute} = :to"),
            None,
            &[(":to", s(to.as_str()))],
        )?);
        self.transact(items).await.map_err(membership_conflict)?;
        self.membership(org, user).await?.ok_or(StoreError::Conflict(Conflict::Gone))
    }

    async fn remove_member(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        let mut items = vec![tx::delete(
            &self.table,
            keys::member(org, user),
            Some("#role = :role"),
            &[(":role", s(role.as_str()))],
        )?];
        let delta = owner_delta(Some(role), None);
        if delta != 0 {
            items.push(owner_count_change(&self.table, org, delta)?);
        }
        let attribute = format!("#{}", keys::user_org_attribute(org));
        items.push(tx::update(&self.table, keys::user_orgs(user), &format!("REMOVE {attribute}"), None, &[])?);
        self.transact(items).await.map_err(membership_conflict)
    }
}

/// Lists the membership's organisation, with its role, on the user's organisations item (the
/// item is created by the first one). Part of every transaction that adds a membership.
fn user_org_set(table: &str, member: &Membership) -> StoreResult<aws_sdk_dynamodb::types::TransactWriteItem> {
    let attribute = format!("#{}", keys::user_org_attribute(member.org_id));
    tx::update(
        table,
        keys::user_orgs(member.user_id),
        &format!("SET {attribute} = :role"),
        None,
        &[(":role", s(member.role.as_str()))],
    )
}

/// Moves the owner count; a decrease only while another owner remains.
fn owner_count_change(table: &str, org: OrgId, delta: i64) -> StoreResult<aws_sdk_dynamodb::types::TransactWriteItem> {
    let condition = if delta < 0 { "owner_count > :one" } else { EXISTS };
    let mut values = vec![(":delta", n(delta))];
    if delta < 0 {
        values.push((":one", n(1)));
    }
    tx::update(table, keys::org(org), "SET owner_count = owner_count + :delta", Some(condition), &values)
}

/// First entry: the membership changed under us; second: the owner count would reach zero.
fn membership_conflict(error: Result<Vec<bool>, StoreError>) -> StoreError {
    match error {
        Ok(failed) if failed.first() == Some(&true) => StoreError::Conflict(Conflict::Concurrent),
        Ok(_) => StoreError::Conflict(Conflict::LastOwner),
        Err(error) => error,
    }
}

#[async_trait]
impl ApiTokens for DynamoStore {
    async fn create(&self, token: &ApiToken) -> StoreResult<()> {
        let (pk, sk) = keys::token_digest(&token.digest);
        let lookup = TokenDigestItem { pk, sk, user_id: token.user_id, token_id: token.id };
        let items = vec![
            tx::put(&self.table, to_item(&TokenItem::new(token))?, Some(NOT_EXISTS))?,
            tx::put(&self.table, to_item(&lookup)?, Some(NOT_EXISTS))?,
        ];
        self.transact(items).await.map_err(conflict_as(Conflict::Concurrent))
    }

    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<ApiToken>> {
        let Some(lookup) = self.get_item::<TokenDigestItem>(keys::token_digest(digest)).await? else {
            return Ok(None);
        };
        ApiTokens::get(self, lookup.user_id, lookup.token_id).await
    }

    async fn get(&self, user: UserId, id: TokenId) -> StoreResult<Option<ApiToken>> {
        Ok(self.get_item::<TokenItem>(keys::token(user, id)).await?.map(TokenItem::token))
    }

    async fn list(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<ApiToken>> {
        let page = self.query_page::<TokenItem>(keys::user_pk(user), keys::TOKEN_PREFIX, page, true).await?;
        Ok(page.map(TokenItem::token))
    }

    async fn delete(&self, token: &ApiToken) -> StoreResult<()> {
        let items = vec![
            tx::delete(&self.table, keys::token(token.user_id, token.id), Some(EXISTS), &[])?,
            tx::delete(&self.table, keys::token_digest(&token.digest), None, &[])?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(Ok(_)) => Err(StoreError::Conflict(Conflict::Gone)),
            Err(Err(error)) => Err(error),
        }
    }

    async fn touch(&self, token: &ApiToken, now: DateTime<Utc>, interval: Duration) -> StoreResult<()> {
        let (pk, sk) = keys::token(token.user_id, token.id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("SET last_used_at = :at, last_used_ms = :ms")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(last_used_ms) OR last_used_ms < :stale OR last_used_ms = :null)")
            .expression_attribute_values(":at", s(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)))
            .expression_attribute_values(":ms", n(now.timestamp_millis()))
            .expression_attribute_values(":stale", n((now - interval).timestamp_millis()))
            .expression_attribute_values(":null", AttributeValue::Null(true))
            .send()
            .await;
        // used within the interval already, or revoked meanwhile: nothing to record
        conditional(result)?;
        Ok(())
    }
}
