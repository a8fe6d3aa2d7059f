//! The ports: one small trait per capability the services need from the outside world.
//! Production and local adapters live in `skyforge-aws`; the store's access patterns are
//! documented beside its adapter (`shared/aws/ACCESS-PATTERNS.md`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use skyforge_domain::accounts::{ApiToken, Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::AuditEvent;
use skyforge_domain::auth::{DeviceToken, LoginFailures, LoginThrottle, SecretDigest};
use skyforge_domain::ids::{OrgId, SessionId, TokenId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::Role;
use skyforge_domain::values::Email;

use crate::error::BoxError;

/// A write refused by a condition the store checks atomically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    EmailTaken,
    AlreadyMember,
    LastOwner,
    /// The object to change no longer exists.
    Gone,
    /// Another request changed the object first.
    Concurrent,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("write refused: {0:?}")]
    Conflict(Conflict),
    #[error("store unavailable")]
    Unavailable(#[source] BoxError),
    /// The page's cursor was made for another list, organisation or user.
    #[error("the cursor belongs to another list")]
    ForeignCursor,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A user as the login path needs it: with the password hash.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[async_trait]
pub trait Users: Send + Sync {
    /// Creates the user with their personal organisation (owner membership) at once, or
    /// `Conflict::EmailTaken` without writing anything.
    async fn create_with_org(&self, user: &UserCredentials, org: &Organization, owner: &Membership) -> StoreResult<()>;
    async fn by_email(&self, email: &Email) -> StoreResult<Option<UserCredentials>>;
    async fn get(&self, id: UserId) -> StoreResult<Option<User>>;
}

#[async_trait]
pub trait Orgs: Send + Sync {
    async fn create(&self, org: &Organization, owner: &Membership) -> StoreResult<()>;
    async fn get(&self, id: OrgId) -> StoreResult<Option<Organization>>;
    async fn membership(&self, org: OrgId, user: UserId) -> StoreResult<Option<Membership>>;
    /// The organisations a user belongs to, with their role.
    async fn of_user(&self, user: UserId) -> StoreResult<Vec<(Organization, Role)>>;
    async fn members(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Membership>>;
    /// `Conflict::AlreadyMember` when the user is in already.
    async fn add_member(&self, member: &Membership) -> StoreResult<()>;
    /// Moves `from` to `to` only if the role is still `from`; keeps at least one owner
    /// (`Conflict::LastOwner`).
    async fn change_role(&self, org: OrgId, user: UserId, from: Role, to: Role) -> StoreResult<Membership>;
    async fn remove_member(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()>;
}

#[async_trait]
pub trait ApiTokens: Send + Sync {
    async fn create(&self, token: &ApiToken) -> StoreResult<()>;
    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<ApiToken>>;
    async fn get(&self, user: UserId, id: TokenId) -> StoreResult<Option<ApiToken>>;
    async fn list(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<ApiToken>>;
    async fn delete(&self, token: &ApiToken) -> StoreResult<()>;
    /// Records a use, at most once per `interval`, so authentication does not write on every request.
    async fn touch(&self, token: &ApiToken, now: DateTime<Utc>, interval: chrono::Duration) -> StoreResult<()>;
}

#[async_trait]
pub trait Sessions: Send + Sync {
    /// Starts a session with its first refresh token.
    async fn start(&self, first: &RefreshToken) -> StoreResult<()>;
    /// The token and whether its session is revoked.
    async fn refresh_token(&self, digest: &SecretDigest) -> StoreResult<Option<(RefreshToken, bool)>>;
    /// Marks `old` rotated and stores `new`, only if `old` is still active and the session
    /// not revoked (`Conflict::Concurrent` otherwise).
    async fn rotate(&self, old: &RefreshToken, new: &RefreshToken) -> StoreResult<()>;
    async fn revoke(&self, session: SessionId) -> StoreResult<()>;
}

/// Failed-login counters, one per [`LoginThrottle`], each counting within its own window of
/// `LoginFailures::WINDOW`.
#[async_trait]
pub trait LoginAttempts: Send + Sync {
    async fn failures(&self, throttle: &LoginThrottle) -> StoreResult<Option<LoginFailures>>;
    /// Counts one failure and returns the state after it.
    async fn record_failure(&self, throttle: &LoginThrottle, now: DateTime<Utc>) -> StoreResult<LoginFailures>;
    async fn clear(&self, throttle: &LoginThrottle) -> StoreResult<()>;
}

/// Devices where a user logged in before, by the digest of the token they were given.
#[async_trait]
pub trait DeviceTokens: Send + Sync {
    async fn remember(&self, device: &DeviceToken) -> StoreResult<()>;
    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<DeviceToken>>;
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Newest first.
    async fn for_org(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<AuditEvent>>;
    /// Newest first: the user's account-level events (logins, tokens).
    async fn for_user(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<AuditEvent>>;
}

/// Secrets the platform itself needs (the JWT signing key).
#[async_trait]
pub trait Secrets: Send + Sync {
    async fn get(&self, id: &str) -> Result<SecretString, BoxError>;
}

/// One dependency `/v1/health` reports on.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    fn name(&self) -> &'static str;
    async fn check(&self) -> Result<(), BoxError>;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock, truncated to milliseconds so stored and returned times compare equal.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
    }
}

/// Everything the services are built from.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn Users>,
    pub orgs: Arc<dyn Orgs>,
    pub tokens: Arc<dyn ApiTokens>,
    pub sessions: Arc<dyn Sessions>,
    pub login_attempts: Arc<dyn LoginAttempts>,
    pub devices: Arc<dyn DeviceTokens>,
    pub audit: Arc<dyn AuditLog>,
    pub probes: Vec<Arc<dyn HealthProbe>>,
    pub clock: Arc<dyn Clock>,
}

/// How long a health probe may take before it counts as failed.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
