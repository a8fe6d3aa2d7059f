//! Login sessions with their rotating refresh tokens, the failed-login counters and the device
//! tokens that let known devices past them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use skyforge_app::ports::{Conflict, DeviceTokens, LoginAttempts, Sessions, StoreError, StoreResult};
use skyforge_domain::accounts::RefreshToken;
use skyforge_domain::auth::{DeviceToken, LoginFailures, LoginThrottle, SecretDigest};
use skyforge_domain::ids::SessionId;

use super::items::{DeviceItem, LoginFailuresItem, RefreshItem, SessionItem, ttl_after};
use super::{DynamoStore, conditional, conflict_as, keys, n, s, to_item, tx, unavailable};

#[async_trait]
impl Sessions for DynamoStore {
    async fn start(&self, first: &RefreshToken) -> StoreResult<()> {
        let (pk, sk) = keys::session(first.session_id);
        let session = SessionItem {
            pk,
            sk,
            id: first.session_id,
            user_id: first.user_id,
            revoked: false,
            ttl: ttl_after(first.expires_at),
        };
        let items = vec![
            tx::put(&self.table, to_item(&session)?, Some("attribute_not_exists(pk)"))?,
            tx::put(&self.table, to_item(&RefreshItem::new(first))?, Some("attribute_not_exists(pk)"))?,
        ];
        self.transact(items).await.map_err(conflict_as(Conflict::Concurrent))
    }

    async fn refresh_token(&self, digest: &SecretDigest) -> StoreResult<Option<(RefreshToken, bool)>> {
        let Some(item) = self.get_item::<RefreshItem>(keys::refresh_token(digest)).await? else {
            return Ok(None);
        };
        // a session that is gone (expired and deleted) counts as revoked
        let revoked = self.get_item::<SessionItem>(keys::session(item.session_id)).await?.is_none_or(|s| s.revoked);
        Ok(Some((item.token(digest.clone()), revoked)))
    }

    async fn rotate(&self, old: &RefreshToken, new: &RefreshToken) -> StoreResult<()> {
        let items = vec![
            tx::update(
                &self.table,
                keys::refresh_token(&old.digest),
                "SET #status = :rotated",
                Some("#status = :active"),
                &[(":rotated", s("rotated")), (":active", s("active"))],
            )?,
            tx::update(
                &self.table,
                keys::session(old.session_id),
                "SET #ttl = :ttl",
                Some("revoked = :no"),
                &[
                    (":no", aws_sdk_dynamodb::types::AttributeValue::Bool(false)),
                    (":ttl", n(ttl_after(new.expires_at))),
                ],
            )?,
            tx::put(&self.table, to_item(&RefreshItem::new(new))?, Some("attribute_not_exists(pk)"))?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(Ok(_)) => Err(StoreError::Conflict(Conflict::Concurrent)),
            Err(Err(error)) => Err(error),
        }
    }

    async fn revoke(&self, session: SessionId) -> StoreResult<()> {
        let (pk, sk) = keys::session(session);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("SET revoked = :yes")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .send()
            .await;
        // already gone: nothing left to revoke
        conditional(result)?;
        Ok(())
    }
}

#[async_trait]
impl LoginAttempts for DynamoStore {
    async fn failures(&self, throttle: &LoginThrottle) -> StoreResult<Option<LoginFailures>> {
        let item = self.get_item::<LoginFailuresItem>(keys::login_failures(throttle)).await?;
        Ok(item.and_then(|item| {
            DateTime::from_timestamp(item.window_start, 0)
                .map(|started| LoginFailures { count: item.failures, window_started_at: started })
        }))
    }

    async fn record_failure(&self, throttle: &LoginThrottle, now: DateTime<Utc>) -> StoreResult<LoginFailures> {
        let (pk, sk) = keys::login_failures(throttle);
        let ttl = ttl_after(now + LoginFailures::WINDOW);
        // count within the current window atomically; a stale window is replaced below
        let counted = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk.clone()))
            .key("sk", s(sk.clone()))
            .update_expression("SET failures = if_not_exists(failures, :zero) + :one, window_start = if_not_exists(window_start, :now), #ttl = :ttl")
            .condition_expression("attribute_not_exists(window_start) OR window_start > :cutoff")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(now.timestamp()))
            .expression_attribute_values(":ttl", n(ttl))
            .expression_attribute_values(":cutoff", n((now - LoginFailures::WINDOW).timestamp()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        let item: LoginFailuresItem = match conditional(counted)? {
            Some(output) => super::from_item(output.attributes.unwrap_or_default())?,
            None => {
                let fresh = LoginFailuresItem { failures: 1, window_start: now.timestamp() };
                let mut item = to_item(&fresh)?;
                item.insert("pk".into(), s(pk));
                item.insert("sk".into(), s(sk));
                item.insert("ttl".into(), n(ttl));
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .send()
                    .await
                    .map_err(unavailable)?;
                fresh
            }
        };
        let started = DateTime::from_timestamp(item.window_start, 0).unwrap_or(now);
        Ok(LoginFailures { count: item.failures, window_started_at: started })
    }

    async fn clear(&self, throttle: &LoginThrottle) -> StoreResult<()> {
        let (pk, sk) = keys::login_failures(throttle);
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl DeviceTokens for DynamoStore {
    async fn remember(&self, device: &DeviceToken) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&DeviceItem::new(device))?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<DeviceToken>> {
        let item = self.get_item::<DeviceItem>(keys::device_token(digest)).await?;
        Ok(item.map(|item| item.device(digest.clone())))
    }
}
