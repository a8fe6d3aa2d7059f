//! Authentication rules: opaque secrets (API and refresh tokens), token scopes, the login
//! throttle and refresh-token rotation. How they are stored is the adapters' business.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::FieldError;

/// How long an access token (JWT) lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// How long a refresh token, and so a login session, lives without use.
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

/// What kind of opaque secret; its prefix lets people and secret scanners recognise a leaked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    ApiToken,
    RefreshToken,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            SecretKind::ApiToken => "sfk_",
            SecretKind::RefreshToken => "sfr_",
        }
    }
}

/// A freshly generated secret: 32 random bytes, shown to its owner once. `Debug` hides it.
pub struct OpaqueSecret(String);

impl OpaqueSecret {
    pub const RANDOM_BYTES: usize = 32;

    pub fn generate(kind: SecretKind) -> Self {
        let mut bytes = [0u8; Self::RANDOM_BYTES];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        Self(format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> SecretDigest {
        SecretDigest::of(&self.0)
    }
}

impl fmt::Debug for OpaqueSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpaqueSecret(<redacted>)")
    }
}

/// SHA-256 of a secret, hex encoded: all that is ever stored. The secrets carry 256 bits of
/// randomness, so a fast hash is enough (no password-style stretching needed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretDigest(String);

impl SecretDigest {
    pub fn of(secret: &str) -> Self {
        Self(hex::encode(Sha256::digest(secret.as_bytes())))
    }

    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Only safe (read) requests.
    Read,
    /// Everything its owner may do.
    Write,
}

impl TokenScope {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            _ => Err(FieldError::new(field, "invalid_scope", "scope is read or write")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn permits_writes(self) -> bool {
        self == Self::Write
    }
}

/// An API token's optional expiry must lie in the future, and at most this far.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::days(366 * 2);

pub fn check_token_expiry(
    field: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    match expires_at {
        Some(at) if at <= now => Err(FieldError::new(field, "in_the_past", "expires_at must be in the future")),
        Some(at) if at > now + MAX_TOKEN_LIFETIME => {
            Err(FieldError::new(field, "too_far", "expires_at is at most two years ahead"))
        }
        _ => Ok(()),
    }
}

/// Failed logins for one email: after `MAX_FAILURES` within `WINDOW`, further attempts wait
/// until the window that began with the first failure ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    pub window_started_at: DateTime<Utc>,
}

impl LoginFailures {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW: Duration = Duration::minutes(15);

    /// `Err(retry_after)` while this email is locked out.
    pub fn check(state: Option<Self>, now: DateTime<Utc>) -> Result<(), Duration> {
        match state {
            Some(state) if state.is_current(now) && state.count >= Self::MAX_FAILURES => {
                Err(state.window_started_at + Self::WINDOW - now)
            }
            _ => Ok(()),
        }
    }

    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        now < self.window_started_at + Self::WINDOW
    }
}

/// A stored refresh token's state within its session (token family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefreshTokenStatus {
    /// The newest token of its session: may be exchanged once.
    Active,
    /// Already exchanged. Presenting it again means it leaked: the whole session is revoked.
    Rotated,
}

/// What presenting a refresh token leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    Rotate,
    RejectExpired,
    RejectRevokedSession,
    /// Reuse of a rotated token: revoke the session, then reject.
    RevokeSessionForReuse,
}

pub fn decide_refresh(
    status: RefreshTokenStatus,
    session_revoked: bool,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RefreshDecision {
    match (status, session_revoked) {
        (_, true) => RefreshDecision::RejectRevokedSession,
        (RefreshTokenStatus::Rotated, false) => RefreshDecision::RevokeSessionForReuse,
        (RefreshTokenStatus::Active, false) if expires_at <= now => RefreshDecision::RejectExpired,
        (RefreshTokenStatus::Active, false) => RefreshDecision::Rotate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn secrets_are_prefixed_random_and_hashed() {
        let a = OpaqueSecret::generate(SecretKind::ApiToken);
        let b = OpaqueSecret::generate(SecretKind::ApiToken);
        assert!(a.expose().starts_with("sfk_"));
        assert_ne!(a.expose(), b.expose());
        // 32 bytes base64url without padding are 43 characters
        assert_eq!(a.expose().len(), 4 + 43);
        assert_eq!(a.digest(), SecretDigest::of(a.expose()));
        assert_eq!(a.digest().as_str().len(), 64);
        assert!(!format!("{a:?}").contains(&a.expose()[4..]));
        assert!(OpaqueSecret::generate(SecretKind::RefreshToken).expose().starts_with("sfr_"));
    }

    #[test]
    fn fifth_failure_locks_until_the_window_ends() {
        let four = LoginFailures { count: 4, window_started_at: at(0) };
        assert_eq!(LoginFailures::check(Some(four), at(1)), Ok(()));
        let five = LoginFailures { count: 5, window_started_at: at(0) };
        assert_eq!(LoginFailures::check(Some(five), at(5)), Err(Duration::minutes(10)));
        assert_eq!(LoginFailures::check(Some(five), at(15)), Ok(()));
        assert_eq!(LoginFailures::check(None, at(0)), Ok(()));
    }

    #[test]
    fn refresh_decisions() {
        use RefreshDecision::*;
        use RefreshTokenStatus::*;
        let cases = [
            (Active, false, at(10), at(0), Rotate),
            (Active, false, at(0), at(0), RejectExpired),
            (Rotated, false, at(10), at(0), RevokeSessionForReuse),
            (Rotated, true, at(10), at(0), RejectRevokedSession),
            (Active, true, at(10), at(0), RejectRevokedSession),
        ];
        for (status, revoked, expires, now, expected) in cases {
            assert_eq!(decide_refresh(status, revoked, expires, now), expected, "{status:?} {revoked}");
        }
    }

    #[test]
    fn token_expiry_must_be_ahead_but_not_too_far() {
        assert!(check_token_expiry("expires_at", None, at(0)).is_ok());
        assert!(check_token_expiry("expires_at", Some(at(1)), at(0)).is_ok());
        assert_eq!(check_token_expiry("expires_at", Some(at(0)), at(0)).unwrap_err().code, "in_the_past");
        let far = at(0) + MAX_TOKEN_LIFETIME + Duration::days(1);
        assert_eq!(check_token_expiry("expires_at", Some(far), at(0)).unwrap_err().code, "too_far");
    }

    #[test]
    fn scope_parses_read_and_write_only() {
        assert_eq!(TokenScope::parse("scope", "read"), Ok(TokenScope::Read));
        assert!(!TokenScope::Read.permits_writes());
        assert!(TokenScope::parse("scope", "admin").is_err());
    }
}
