//! Partition and sort keys of every item kind. Every tenant-owned item has its tenant
//! (organisation or user) in the partition key.

use skyforge_domain::auth::SecretDigest;
use skyforge_domain::ids::{AuditId, OrgId, SessionId, TokenId, UserId};

pub type Key = (String, String);

pub const PROFILE: &str = "PROFILE";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub const TOKEN_PREFIX: &str = "TOKEN#";
pub const AUDIT_PREFIX: &str = "AUDIT#";
pub const ORG_PREFIX: &str = "ORG#";

pub fn user_pk(id: UserId) -> String {
    format!("USER#{id}")
}

pub fn org_pk(id: OrgId) -> String {
    format!("ORG#{id}")
}

pub fn user(id: UserId) -> Key {
    (user_pk(id), PROFILE.into())
}

pub fn email(email: &str) -> Key {
    (format!("EMAIL#{email}"), "EMAIL".into())
}

pub fn org(id: OrgId) -> Key {
    (org_pk(id), "META".into())
}

pub fn member(org: OrgId, user: UserId) -> Key {
    (org_pk(org), format!("{MEMBER_PREFIX}{user}"))
}

/// The GSI1 key that lists a user's memberships.
pub fn member_gsi1(org: OrgId, user: UserId) -> Key {
    (user_pk(user), format!("{ORG_PREFIX}{org}"))
}

pub fn token(user: UserId, id: TokenId) -> Key {
    (user_pk(user), format!("{TOKEN_PREFIX}{id}"))
}

pub fn token_digest(digest: &SecretDigest) -> Key {
    (format!("TOKENHASH#{}", digest.as_str()), "TOKENHASH".into())
}

pub fn refresh_token(digest: &SecretDigest) -> Key {
    (format!("REFRESH#{}", digest.as_str()), "REFRESH".into())
}

pub fn session(id: SessionId) -> Key {
    (format!("SESSION#{id}"), "SESSION".into())
}

pub fn login_failures(email: &str) -> Key {
    (format!("LOGINFAIL#{email}"), "LOGINFAIL".into())
}

pub fn audit_sk(id: AuditId) -> String {
    format!("{AUDIT_PREFIX}{id}")
}

/// Attempts by nobody we know (a login with an unknown email), bucketed by day.
pub fn anonymous_audit_pk(day: &str) -> String {
    format!("AUDIT#ANONYMOUS#{day}")
}
