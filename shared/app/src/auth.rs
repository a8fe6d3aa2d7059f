//! Sign-up, login, refresh-token rotation, logout, and turning a bearer token into a
//! [`Principal`].

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use futures::future::try_join_all;
use skyforge_domain::ValidationErrors;
use skyforge_domain::accounts::{Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::{Action, Outcome};
use skyforge_domain::auth::{
    DeviceToken, LoginThrottle, OpaqueSecret, REFRESH_TOKEN_TTL, RefreshDecision, RefreshTokenStatus, SecretDigest,
    SecretKind, check_login_throttles, decide_refresh,
};
use skyforge_domain::ids::{OrgId, SessionId, UserId};
use skyforge_domain::roles::Role;
use skyforge_domain::values::{Email, Label, Password};

use crate::audit::{AuditService, Subject};
use crate::error::AppError;
use crate::jwt::JwtCodec;
use crate::ports::{
    ApiTokens, Clock, Conflict, DeviceTokens, LoginAttempts, Ports, Sessions, StoreError, UserCredentials, Users,
};
use crate::principal::{Caller, Credential, Principal};

pub const NAME_MAX: usize = 100;

/// A successful login or refresh, in the OAuth shape the API answers with.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: OpaqueSecret,
    pub expires_in: i64,
    /// A new device token, on a login that did not present a trusted one: the client keeps it
    /// and presents it on its later logins.
    pub device_token: Option<OpaqueSecret>,
}

pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The device token this client was given at an earlier login, if any.
    pub device_token: Option<&'a str>,
}

pub struct SignupInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
}

pub struct AuthService {
    users: Arc<dyn Users>,
    sessions: Arc<dyn Sessions>,
    tokens: Arc<dyn ApiTokens>,
    attempts: Arc<dyn LoginAttempts>,
    devices: Arc<dyn DeviceTokens>,
    clock: Arc<dyn Clock>,
    jwt: JwtCodec,
    audit: Arc<AuditService>,
}

/// How often an API token's `last_used_at` is written at most.
const TOKEN_TOUCH_INTERVAL: chrono::Duration = chrono::Duration::minutes(1);

impl AuthService {
    pub fn new(ports: &Ports, jwt: JwtCodec, audit: Arc<AuditService>) -> Self {
        Self {
            users: ports.users.clone(),
            sessions: ports.sessions.clone(),
            tokens: ports.tokens.clone(),
            attempts: ports.login_attempts.clone(),
            devices: ports.devices.clone(),
            clock: ports.clock.clone(),
            jwt,
            audit,
        }
    }

    /// Creates the user and their personal organisation, where they are owner.
    pub async fn signup(&self, input: SignupInput<'_>, caller: &Caller) -> Result<(User, Organization), AppError> {
        let mut errors = ValidationErrors::default();
        let email = errors.check(Email::parse("email", input.email));
        let password = errors.check(Password::parse("password", input.password));
        let name = errors.check(Label::parse("name", input.name, NAME_MAX));
        errors.finish()?;
        let (email, password, name) = (email.unwrap(), password.unwrap(), name.unwrap());

        let now = self.clock.now();
        let user = User { id: UserId::new(), email: email.to_string(), name: name.into_string(), created_at: now };
        let org = Organization { id: OrgId::new(), name: personal_org_name(&user.name), created_at: now };
        let owner = Membership::new(org.id, &user, Role::Owner, now);
        let credentials = UserCredentials { password_hash: hash_password(password).await?, user: user.clone() };

        let result = self.users.create_with_org(&credentials, &org, &owner).await.map_err(AppError::from);
        let caller = Caller { user_id: Some(user.id), email: Some(user.email.clone()), ..caller.clone() };
        let subject = Subject::new(Action::UserSignup).in_org(org.id).target("user", user.id);
        match result {
            Ok(()) => {
                self.audit.record(&caller, subject, Outcome::Success, None).await;
                Ok((user, org))
            }
            // the email belongs to someone else: nothing was written, and nothing is audited
            // under the new (unsaved) user id
            Err(error) => Err(error),
        }
    }

    /// Checks the password under the login throttles ([`LoginThrottle`]): a client that
    /// presents a device token its user got at an earlier login is counted on its own, any other
    /// attempt by email and source address, by source, and by email. Failures count towards
    /// every throttle checked; a success resets the email-and-source and device counters and
    /// gives a client without a trusted device token a new one.
    pub async fn login(&self, input: LoginInput<'_>, caller: &Caller) -> Result<IssuedTokens, AppError> {
        let Ok(email) = Email::parse("email", input.email) else {
            return Err(AppError::InvalidCredentials);
        };
        let now = self.clock.now();
        let subject = Subject::new(Action::Login);
        let anonymous = Caller { email: Some(email.to_string()), ..caller.clone() };

        let found = self.users.by_email(&email).await?;
        let device = self.trusted_device(input.device_token, found.as_ref().map(|c| c.user.id), now).await?;
        let throttles = LoginThrottle::for_attempt(&email, caller.ip.as_deref(), device.as_ref().map(|d| &d.digest));
        let counts = try_join_all(throttles.iter().map(|throttle| self.attempts.failures(throttle))).await?;
        let states: Vec<_> = throttles.into_iter().zip(counts).collect();
        if let Err(wait) = check_login_throttles(&states, now) {
            let error = AppError::TooManyAttempts { retry_after_secs: wait.num_seconds().max(1) as u64 };
            return self.audit.outcome(&anonymous, subject, Err(error)).await;
        }

        let verified =
            verify_password(input.password.to_owned(), found.as_ref().map(|c| c.password_hash.clone())).await?;
        let user = match (found, verified) {
            (Some(credentials), true) => credentials.user,
            (found, _) => {
                try_join_all(states.iter().map(|(throttle, _)| self.attempts.record_failure(throttle, now))).await?;
                let caller = Caller { user_id: found.map(|c| c.user.id), ..anonymous };
                return self.audit.outcome(&caller, subject, Err(AppError::InvalidCredentials)).await;
            }
        };
        let cleared = states.iter().filter(|(throttle, state)| state.is_some() && throttle.clears_on_success());
        try_join_all(cleared.map(|(throttle, _)| self.attempts.clear(throttle))).await?;
        let device_token = match device {
            Some(_) => None,
            None => {
                let (secret, stored) = DeviceToken::issue(user.id, now);
                self.devices.remember(&stored).await?;
                Some(secret)
            }
        };

        let session = SessionId::new();
        let (refresh_token, stored) = new_refresh_token(session, user.id, now);
        self.sessions.start(&stored).await?;
        let (access_token, expires_in) = self.jwt.issue(user.id, &user.email, session, now)?;
        let caller = Caller { user_id: Some(user.id), email: Some(user.email.clone()), ip: caller.ip.clone() };
        self.audit.record(&caller, subject.target("session", session), Outcome::Success, None).await;
        Ok(IssuedTokens { access_token, refresh_token, expires_in, device_token })
    }

    /// The presented device token when it vouches for `user` (see [`DeviceToken::trusted_for`]).
    async fn trusted_device(
        &self,
        presented: Option<&str>,
        user: Option<UserId>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<DeviceToken>, AppError> {
        let Some(presented) = presented.filter(|token| !token.is_empty()) else {
            return Ok(None);
        };
        let digest = SecretDigest::of(presented);
        let Some(device) = self.devices.by_digest(&digest).await? else {
            return Ok(None);
        };
        let failures = self.attempts.failures(&LoginThrottle::Device(digest)).await?;
        Ok(device.trusted_for(user, failures, now).then_some(device))
    }

    /// Exchanges a refresh token for a new pair. Presenting a token that was already exchanged
    /// revokes its whole session: one of the two holders is not its owner.
    pub async fn refresh(&self, refresh_token: &str, caller: &Caller) -> Result<IssuedTokens, AppError> {
        let now = self.clock.now();
        let Some((stored, session_revoked)) = self.sessions.refresh_token(&SecretDigest::of(refresh_token)).await?
        else {
            return Err(AppError::InvalidRefreshToken);
        };
        match decide_refresh(stored.status, session_revoked, stored.expires_at, now) {
            RefreshDecision::Rotate => {}
            RefreshDecision::RejectExpired | RefreshDecision::RejectRevokedSession => {
                return Err(AppError::InvalidRefreshToken);
            }
            RefreshDecision::RevokeSessionForReuse => return self.revoke_for_reuse(&stored, caller).await,
        }

        let (next, next_stored) = new_refresh_token(stored.session_id, stored.user_id, now);
        match self.sessions.rotate(&stored, &next_stored).await {
            Ok(()) => {}
            // lost a race against another exchange of the same token: that is reuse too
            Err(StoreError::Conflict(Conflict::Concurrent)) => return self.revoke_for_reuse(&stored, caller).await,
            Err(error) => return Err(error.into()),
        }
        let user = self.users.get(stored.user_id).await?.ok_or(AppError::InvalidRefreshToken)?;
        let (access_token, expires_in) = self.jwt.issue(user.id, &user.email, stored.session_id, now)?;
        Ok(IssuedTokens { access_token, refresh_token: next, expires_in, device_token: None })
    }

    async fn revoke_for_reuse(&self, stored: &RefreshToken, caller: &Caller) -> Result<IssuedTokens, AppError> {
        self.sessions.revoke(stored.session_id).await?;
        let caller = Caller { user_id: Some(stored.user_id), ..caller.clone() };
        let subject = Subject::new(Action::RefreshReuse).target("session", stored.session_id);
        self.audit.record(&caller, subject, Outcome::Denied, Some("session_revoked".into())).await;
        Err(AppError::RefreshTokenReused)
    }

    /// Ends the session the refresh token belongs to. Unknown tokens are accepted silently, so
    /// logout never tells anyone whether a token exists.
    pub async fn logout(&self, refresh_token: &str, caller: &Caller) -> Result<(), AppError> {
        if let Some((stored, _)) = self.sessions.refresh_token(&SecretDigest::of(refresh_token)).await? {
            self.sessions.revoke(stored.session_id).await?;
            let caller = Caller { user_id: Some(stored.user_id), ..caller.clone() };
            let subject = Subject::new(Action::Logout).target("session", stored.session_id);
            self.audit.record(&caller, subject, Outcome::Success, None).await;
        }
        Ok(())
    }

    /// Accepts a JWT access token or a personal API token (`sfk_...`).
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal, AppError> {
        if bearer.starts_with("sfk_") {
            let now = self.clock.now();
            let token = self.tokens.by_digest(&SecretDigest::of(bearer)).await?.ok_or(AppError::InvalidToken)?;
            if token.is_expired(now) {
                return Err(AppError::TokenExpired);
            }
            if let Err(error) = self.tokens.touch(&token, now, TOKEN_TOUCH_INTERVAL).await {
                tracing::warn!(error = ?error, token_id = %token.id, "could not record token use");
            }
            return Ok(Principal {
                user_id: token.user_id,
                email: token.user_email,
                credential: Credential::ApiToken { id: token.id, scope: token.scope },
            });
        }
        let claims = self.jwt.verify(bearer)?;
        let user_id = claims.sub.parse().map_err(|_| AppError::InvalidToken)?;
        Ok(Principal { user_id, email: claims.email, credential: Credential::Session })
    }
}

fn personal_org_name(user_name: &str) -> String {
    let name: String = user_name.chars().take(NAME_MAX - 16).collect();
    format!("{name}'s organisation")
}

fn new_refresh_token(
    session: SessionId,
    user: UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> (OpaqueSecret, RefreshToken) {
    let secret = OpaqueSecret::generate(SecretKind::RefreshToken);
    let stored = RefreshToken {
        digest: secret.digest(),
        session_id: session,
        user_id: user,
        status: RefreshTokenStatus::Active,
        expires_at: now + REFRESH_TOKEN_TTL,
    };
    (secret, stored)
}

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommendation), off the
/// async threads because it is deliberately slow.
async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default().hash_password(password.expose().as_bytes()).map(|hash| hash.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|error| AppError::internal(error.to_string()))
}

/// Verifies against the stored hash, or against a fixed dummy hash when there is no user, so an
/// unknown email takes as long as a wrong password and timing does not reveal which emails exist.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash_text = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(hash) = PasswordHash::new(&hash_text) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &hash).is_ok() && known
    })
    .await
    .map_err(AppError::internal)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default().hash_password(b"skyforge-dummy-password").map(|h| h.to_string()).unwrap_or_default()
    })
}
