//! Users, organisations, memberships and the tokens that act for a user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{RefreshTokenStatus, SecretDigest, TokenScope};
use crate::ids::{OrgId, SessionId, TokenId, UserId};
use crate::roles::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A user's place in an organisation. Email and name are copied here so a member list is one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl Membership {
    pub fn new(org_id: OrgId, user: &User, role: Role, joined_at: DateTime<Utc>) -> Self {
        Self { org_id, user_id: user.id, email: user.email.clone(), name: user.name.clone(), role, joined_at }
    }
}

/// A personal API token's metadata; the token itself exists only as its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub user_email: String,
    pub name: String,
    pub scope: TokenScope,
    pub digest: SecretDigest,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A refresh token as stored: its digest, its session and where it is in its rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub digest: SecretDigest,
    pub session_id: SessionId,
    pub user_id: UserId,
    pub status: RefreshTokenStatus,
    pub expires_at: DateTime<Utc>,
}
