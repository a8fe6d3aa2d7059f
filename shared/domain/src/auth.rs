//! Authentication rules: opaque secrets (API, refresh and device tokens), token scopes, the
//! login throttle and refresh-token rotation. How they are stored is the adapters' business.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::FieldError;
use crate::ids::UserId;
use crate::values::Email;

/// How long an access token (JWT) lives.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// How long a refresh token, and so a login session, lives without use.
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

/// What kind of opaque secret; its prefix lets people and secret scanners recognise a leaked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    ApiToken,
    RefreshToken,
    /// Marks a browser or client where its user logged in before (see [`DeviceToken`]).
    DeviceToken,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            SecretKind::ApiToken => "sfk_",
            SecretKind::RefreshToken => "sfr_",
            SecretKind::DeviceToken => "sfd_",
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

/// Failed logins counted against one [`LoginThrottle`] within a window of `WINDOW` that began
/// with its first failure. At the throttle's limit, further attempts wait until the window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    pub window_started_at: DateTime<Utc>,
}

impl LoginFailures {
    pub const WINDOW: Duration = Duration::minutes(15);

    /// `Err(retry_after)` while `limit` failures or more fall in the current window.
    pub fn check(state: Option<Self>, limit: u32, now: DateTime<Utc>) -> Result<(), Duration> {
        match state {
            Some(state) if state.is_current(now) && state.count >= limit => {
                Err(state.window_started_at + Self::WINDOW - now)
            }
            _ => Ok(()),
        }
    }

    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        now < self.window_started_at + Self::WINDOW
    }
}

/// The source address of a request whose runtime did not tell one. All such requests share
/// one per-source counter.
pub const UNKNOWN_SOURCE: &str = "unknown";

/// What a failed login is counted against, after OWASP's guidance on lockout: throttle the pair
/// (email, source address) rather than the email alone, so that nobody can lock a user out just
/// by knowing their email; limit each source across emails; and let a device where the user
/// logged in before (a [`DeviceToken`]) past both, with a failure limit of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LoginThrottle {
    /// One email from one source address: a guesser is stopped after a few tries, and only
    /// from where they guess.
    EmailFromSource { email: String, source: String },
    /// One source address across every email: stops spraying one password over many accounts.
    Source(String),
    /// One email from every source without a trusted device: a ceiling on guessing spread over
    /// many addresses. Reaching it needs `EMAIL_LIMIT / EMAIL_FROM_SOURCE_LIMIT` sources, and even
    /// then the user's known devices still get in.
    Email(String),
    /// One device token: a stolen token does not lift the limit on guessing.
    Device(SecretDigest),
}

impl LoginThrottle {
    pub const EMAIL_FROM_SOURCE_LIMIT: u32 = 5;
    pub const SOURCE_LIMIT: u32 = 20;
    pub const EMAIL_LIMIT: u32 = 50;
    pub const DEVICE_LIMIT: u32 = 5;

    /// The counters a login attempt is checked against, and a failed one counts towards: the
    /// device's alone when it presented a trusted device token, the other three otherwise.
    pub fn for_attempt(email: &Email, source: Option<&str>, trusted_device: Option<&SecretDigest>) -> Vec<Self> {
        if let Some(device) = trusted_device {
            return vec![Self::Device(device.clone())];
        }
        let source = source.filter(|s| !s.is_empty()).unwrap_or(UNKNOWN_SOURCE).to_owned();
        vec![
            Self::EmailFromSource { email: email.as_str().to_owned(), source: source.clone() },
            Self::Source(source),
            Self::Email(email.as_str().to_owned()),
        ]
    }

    /// How many failures within the window it takes before attempts wait.
    pub fn limit(&self) -> u32 {
        match self {
            Self::EmailFromSource { .. } => Self::EMAIL_FROM_SOURCE_LIMIT,
            Self::Source(_) => Self::SOURCE_LIMIT,
            Self::Email(_) => Self::EMAIL_LIMIT,
            Self::Device(_) => Self::DEVICE_LIMIT,
        }
    }

    /// Whether a successful login resets this counter. The per-source and per-email counters are
    /// not reset: otherwise an attacker could clear them by logging in to an account of their own.
    pub fn clears_on_success(&self) -> bool {
        matches!(self, Self::EmailFromSource { .. } | Self::Device(_))
    }
}

/// `Err(retry_after)`, the longest wait, when any of the counters is at its limit.
pub fn check_login_throttles(
    states: &[(LoginThrottle, Option<LoginFailures>)],
    now: DateTime<Utc>,
) -> Result<(), Duration> {
    let wait =
        states.iter().filter_map(|(throttle, state)| LoginFailures::check(*state, throttle.limit(), now).err()).max();
    match wait {
        Some(wait) => Err(wait),
        None => Ok(()),
    }
}

/// How long a device token vouches for its device after the login that issued it.
pub const DEVICE_TOKEN_TTL: Duration = Duration::days(90);

/// A device token as stored: issued on a successful login, returned to the client, presented
/// on later logins. Only its digest is kept; it belongs to one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceToken {
    pub digest: SecretDigest,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl DeviceToken {
    /// A new token for `user`: the secret to hand to the client once, and what to store.
    pub fn issue(user: UserId, now: DateTime<Utc>) -> (OpaqueSecret, Self) {
        let secret = OpaqueSecret::generate(SecretKind::DeviceToken);
        let stored =
            Self { digest: secret.digest(), user_id: user, created_at: now, expires_at: now + DEVICE_TOKEN_TTL };
        (secret, stored)
    }

    /// Whether this token lets a login for `user` past the email and source throttles: it is
    /// that user's, unexpired, and its own failure limit is not reached.
    pub fn trusted_for(&self, user: Option<UserId>, failures: Option<LoginFailures>, now: DateTime<Utc>) -> bool {
        user == Some(self.user_id)
            && now < self.expires_at
            && LoginFailures::check(failures, LoginThrottle::DEVICE_LIMIT, now).is_ok()
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
    fn reaching_the_limit_locks_until_the_window_ends() {
        let four = LoginFailures { count: 4, window_started_at: at(0) };
        assert_eq!(LoginFailures::check(Some(four), 5, at(1)), Ok(()));
        let five = LoginFailures { count: 5, window_started_at: at(0) };
        assert_eq!(LoginFailures::check(Some(five), 5, at(5)), Err(Duration::minutes(10)));
        assert_eq!(LoginFailures::check(Some(five), 6, at(5)), Ok(()));
        assert_eq!(LoginFailures::check(Some(five), 5, at(15)), Ok(()));
        assert_eq!(LoginFailures::check(None, 5, at(0)), Ok(()));
    }

    fn ann() -> Email {
        Email::parse("email", "Ann@Example.com").unwrap()
    }

    #[test]
    fn an_untrusted_attempt_counts_against_email_and_source_the_source_and_the_email() {
        let keys = LoginThrottle::for_attempt(&ann(), Some("203.0.113.7"), None);
        assert_eq!(
            keys,
            vec![
                LoginThrottle::EmailFromSource { email: "ann@example.com".into(), source: "203.0.113.7".into() },
                LoginThrottle::Source("203.0.113.7".into()),
                LoginThrottle::Email("ann@example.com".into()),
            ]
        );
        assert_eq!(keys.iter().map(LoginThrottle::limit).collect::<Vec<_>>(), vec![5, 20, 50]);
        // only the pair is reset by a success: logging in to one's own account must not clear
        // the per-source or per-email counts
        assert_eq!(keys.iter().map(LoginThrottle::clears_on_success).collect::<Vec<_>>(), vec![true, false, false]);
    }

    #[test]
    fn requests_without_a_source_share_one_unknown_source() {
        let keys = LoginThrottle::for_attempt(&ann(), None, None);
        assert_eq!(keys[1], LoginThrottle::Source(UNKNOWN_SOURCE.into()));
        assert_eq!(LoginThrottle::for_attempt(&ann(), Some(""), None), keys);
    }

    #[test]
    fn a_trusted_device_is_counted_on_its_own() {
        let digest = SecretDigest::of("sfd_x");
        let keys = LoginThrottle::for_attempt(&ann(), Some("203.0.113.7"), Some(&digest));
        assert_eq!(keys, vec![LoginThrottle::Device(digest)]);
        assert_eq!((keys[0].limit(), keys[0].clears_on_success()), (5, true));
    }

    #[test]
    fn the_longest_wait_of_the_counters_at_their_limit_applies() {
        let keys = LoginThrottle::for_attempt(&ann(), Some("203.0.113.7"), None);
        let failures = |count, started| Some(LoginFailures { count, window_started_at: at(started) });
        // the pair at 5 since minute 0, the source at 19 of 20, the email at 50 since minute 3
        let states = vec![
            (keys[0].clone(), failures(5, 0)),
            (keys[1].clone(), failures(19, 0)),
            (keys[2].clone(), failures(50, 3)),
        ];
        assert_eq!(check_login_throttles(&states, at(5)), Err(Duration::minutes(13)));
        let states =
            vec![(keys[0].clone(), failures(4, 0)), (keys[1].clone(), failures(19, 0)), (keys[2].clone(), None)];
        assert_eq!(check_login_throttles(&states, at(5)), Ok(()));
        let states = vec![(keys[1].clone(), failures(20, 0))];
        assert_eq!(check_login_throttles(&states, at(1)), Err(Duration::minutes(14)));
    }

    #[test]
    fn a_device_token_is_trusted_only_for_its_user_unexpired_and_under_its_limit() {
        let user = UserId::new();
        let (secret, device) = DeviceToken::issue(user, at(0));
        assert!(secret.expose().starts_with("sfd_"));
        assert_eq!(device.digest, secret.digest());
        assert_eq!(device.expires_at, at(0) + DEVICE_TOKEN_TTL);
        assert!(device.trusted_for(Some(user), None, at(1)));
        assert!(!device.trusted_for(Some(UserId::new()), None, at(1)), "another user's device");
        assert!(!device.trusted_for(None, None, at(1)), "an email without a user");
        assert!(!device.trusted_for(Some(user), None, at(0) + DEVICE_TOKEN_TTL), "expired");
        let four = LoginFailures { count: 4, window_started_at: at(0) };
        assert!(device.trusted_for(Some(user), Some(four), at(1)));
        let five = LoginFailures { count: 5, window_started_at: at(0) };
        assert!(!device.trusted_for(Some(user), Some(five), at(1)), "guessed with too often");
        assert!(device.trusted_for(Some(user), Some(five), at(15)), "trusted again after the window");
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
