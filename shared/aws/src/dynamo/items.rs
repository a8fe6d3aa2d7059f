//! Item shapes as stored, and their mapping to and from domain types. Kept inside the adapter
//! so the domain never sees a key attribute.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skyforge_domain::accounts::{ApiToken, Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::{Action, AuditEvent, Outcome};
use skyforge_domain::auth::{DeviceToken, RefreshTokenStatus, SecretDigest, TokenScope};
use skyforge_domain::ids::{AuditId, OrgId, SessionId, TokenId, UserId};
use skyforge_domain::roles::Role;

use super::keys;

#[derive(Debug, Serialize, Deserialize)]
pub struct UserItem {
    pub pk: String,
    pub sk: String,
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub password_hash: String,
}

impl UserItem {
    pub fn new(user: &User, password_hash: &str) -> Self {
        let (pk, sk) = keys::user(user.id);
        Self {
            pk,
            sk,
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            created_at: user.created_at,
            password_hash: password_hash.to_owned(),
        }
    }

    pub fn user(&self) -> User {
        User { id: self.id, email: self.email.clone(), name: self.name.clone(), created_at: self.created_at }
    }
}

/// Claims an email for one user; its conditional put is what keeps emails unique.
#[derive(Debug, Serialize, Deserialize)]
pub struct EmailItem {
    pub pk: String,
    pub sk: String,
    pub user_id: UserId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrgItem {
    pub pk: String,
    pub sk: String,
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Kept in step with the owner memberships inside the same transactions, so "the last
    /// owner cannot leave" is one atomic condition.
    pub owner_count: i64,
}

impl OrgItem {
    pub fn new(org: &Organization, owner_count: i64) -> Self {
        let (pk, sk) = keys::org(org.id);
        Self { pk, sk, id: org.id, name: org.name.clone(), created_at: org.created_at, owner_count }
    }

    pub fn org(&self) -> Organization {
        Organization { id: self.id, name: self.name.clone(), created_at: self.created_at }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MemberItem {
    pub pk: String,
    pub sk: String,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl MemberItem {
    pub fn new(m: &Membership) -> Self {
        let (pk, sk) = keys::member(m.org_id, m.user_id);
        Self {
            pk,
            sk,
            org_id: m.org_id,
            user_id: m.user_id,
            email: m.email.clone(),
            name: m.name.clone(),
            role: m.role,
            joined_at: m.joined_at,
        }
    }

    pub fn membership(self) -> Membership {
        Membership {
            org_id: self.org_id,
            user_id: self.user_id,
            email: self.email,
            name: self.name,
            role: self.role,
            joined_at: self.joined_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TokenItem {
    pub pk: String,
    pub sk: String,
    pub id: TokenId,
    pub user_id: UserId,
    pub user_email: String,
    pub name: String,
    pub scope: TokenScope,
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// `last_used_at` as epoch milliseconds, for the numeric "not touched recently" condition.
    pub last_used_ms: Option<i64>,
}

impl TokenItem {
    pub fn new(t: &ApiToken) -> Self {
        let (pk, sk) = keys::token(t.user_id, t.id);
        Self {
            pk,
            sk,
            id: t.id,
            user_id: t.user_id,
            user_email: t.user_email.clone(),
            name: t.name.clone(),
            scope: t.scope,
            digest: t.digest.as_str().to_owned(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            last_used_ms: t.last_used_at.map(|at| at.timestamp_millis()),
        }
    }

    pub fn token(self) -> ApiToken {
        ApiToken {
            id: self.id,
            user_id: self.user_id,
            user_email: self.user_email,
            name: self.name,
            scope: self.scope,
            digest: SecretDigest::from_stored(self.digest),
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
        }
    }
}

/// Finds a token by the digest a request presents.
#[derive(Debug, Serialize, Deserialize)]
pub struct TokenDigestItem {
    pub pk: String,
    pub sk: String,
    pub user_id: UserId,
    pub token_id: TokenId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SessionItem {
    pub pk: String,
    pub sk: String,
    pub id: SessionId,
    pub user_id: UserId,
    pub revoked: bool,
    pub ttl: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RefreshItem {
    pub pk: String,
    pub sk: String,
    pub session_id: SessionId,
    pub user_id: UserId,
    pub status: RefreshTokenStatus,
    pub expires_at: DateTime<Utc>,
    /// DynamoDB deletes expired tokens (a day after expiry) to keep the table small.
    pub ttl: i64,
}

impl RefreshItem {
    pub fn new(t: &RefreshToken) -> Self {
        let (pk, sk) = keys::refresh_token(&t.digest);
        Self {
            pk,
            sk,
            session_id: t.session_id,
            user_id: t.user_id,
            status: t.status,
            expires_at: t.expires_at,
            ttl: ttl_after(t.expires_at),
        }
    }

    pub fn token(self, digest: SecretDigest) -> RefreshToken {
        RefreshToken {
            digest,
            session_id: self.session_id,
            user_id: self.user_id,
            status: self.status,
            expires_at: self.expires_at,
        }
    }
}

/// A device where its user logged in before (only the token's digest is kept, in the key).
#[derive(Debug, Serialize, Deserialize)]
pub struct DeviceItem {
    pub pk: String,
    pub sk: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ttl: i64,
}

impl DeviceItem {
    pub fn new(d: &DeviceToken) -> Self {
        let (pk, sk) = keys::device_token(&d.digest);
        Self {
            pk,
            sk,
            user_id: d.user_id,
            created_at: d.created_at,
            expires_at: d.expires_at,
            ttl: ttl_after(d.expires_at),
        }
    }

    pub fn device(self, digest: SecretDigest) -> DeviceToken {
        DeviceToken { digest, user_id: self.user_id, created_at: self.created_at, expires_at: self.expires_at }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct LoginFailuresItem {
    pub failures: u32,
    /// Epoch seconds of the first failure of the current window.
    pub window_start: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AuditItem {
    pub pk: String,
    pub sk: String,
    pub id: AuditId,
    pub occurred_at: DateTime<Utc>,
    pub action: Action,
    pub outcome: Outcome,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub org_id: Option<OrgId>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
    pub ttl: i64,
}

/// Audit events are kept for 400 days.
pub const AUDIT_RETENTION_DAYS: i64 = 400;

impl AuditItem {
    pub fn new(pk: String, e: &AuditEvent) -> Self {
        Self {
            pk,
            sk: keys::audit_sk(e.id),
            id: e.id,
            occurred_at: e.occurred_at,
            action: e.action,
            outcome: e.outcome,
            actor_user_id: e.actor_user_id,
            actor_email: e.actor_email.clone(),
            org_id: e.org_id,
            target_kind: e.target_kind.clone(),
            target_id: e.target_id.clone(),
            ip: e.ip.clone(),
            detail: e.detail.clone(),
            ttl: ttl_after(e.occurred_at + chrono::Duration::days(AUDIT_RETENTION_DAYS)),
        }
    }

    pub fn event(self) -> AuditEvent {
        AuditEvent {
            id: self.id,
            occurred_at: self.occurred_at,
            action: self.action,
            outcome: self.outcome,
            actor_user_id: self.actor_user_id,
            actor_email: self.actor_email,
            org_id: self.org_id,
            target_kind: self.target_kind,
            target_id: self.target_id,
            ip: self.ip,
            detail: self.detail,
        }
    }
}

/// Epoch seconds a day after `at`: DynamoDB TTL deletes lazily, so reads check expiry themselves.
pub fn ttl_after(at: DateTime<Utc>) -> i64 {
    (at + chrono::Duration::days(1)).timestamp()
}
