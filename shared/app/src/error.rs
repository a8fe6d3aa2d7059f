//! What a use case can end in besides success. The HTTP layer maps each variant to a status
//! and a stable code in one table (`skyforge_api::error`).

use std::error::Error as StdError;

use skyforge_domain::ValidationErrors;
use skyforge_domain::roles::MembershipRuleError;

use crate::ports::StoreError;

pub type BoxError = Box<dyn StdError + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request has invalid fields")]
    Validation(#[from] ValidationErrors),
    #[error("email or password is wrong")]
    InvalidCredentials,
    #[error("too many failed logins for this email; try again later")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("authentication is required: send Authorization: Bearer <token>")]
    Unauthenticated,
    #[error("the bearer token is invalid")]
    InvalidToken,
    #[error("the bearer token has expired; refresh it or log in again")]
    TokenExpired,
    #[error("the refresh token is invalid or expired; log in again")]
    InvalidRefreshToken,
    #[error("the refresh token was already used; the session is revoked, log in again")]
    RefreshTokenReused,
    #[error("this token has the read scope and cannot make changes")]
    InsufficientScope,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("no user has this email; they must sign up first")]
    UserNotFound,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("this user is already a member")]
    AlreadyMember,
    #[error("an organisation needs at least one owner; make someone else owner first")]
    LastOwner,
    #[error("the object changed while this request ran; retry it")]
    ConcurrentChange,
    /// The provider refused the credential: nothing was stored.
    #[error("{0}")]
    CredentialRejected(String),
    #[error("the new secret reaches account {found}, not {expected}; add it as a new credential instead")]
    AccountMismatch { expected: String, found: String },
    /// The run is not in a state that allows the request (approve a run that is not awaiting
    /// approval, a second racing approval).
    #[error("{0}")]
    InvalidRunState(String),
    /// The deployment's state does not allow the request (delete one that may have resources).
    #[error("{0}")]
    DeploymentConflict(skyforge_domain::deployments::DeploymentConflict),
    /// Dates that parse but make no usable range (`to` before `from`, too long).
    #[error("{0}")]
    InvalidRange(String),
    /// A page's cursor from another list, organisation or user (a query error, like a bad filter).
    #[error("cursor is not one this list returned; start again without it")]
    ForeignCursor,
    #[error("a backing service is unavailable")]
    Unavailable(#[source] BoxError),
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl AppError {
    pub fn internal(error: impl Into<BoxError>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(conflict) => match conflict {
                crate::ports::Conflict::EmailTaken => AppError::EmailTaken,
                crate::ports::Conflict::AlreadyMember => AppError::AlreadyMember,
                crate::ports::Conflict::LastOwner => AppError::LastOwner,
                crate::ports::Conflict::Gone => AppError::NotFound("object"),
                crate::ports::Conflict::Concurrent => AppError::ConcurrentChange,
            },
            StoreError::Unavailable(source) => AppError::Unavailable(source),
            StoreError::ForeignCursor => AppError::ForeignCursor,
        }
    }
}

impl From<skyforge_domain::page::ForeignCursor> for AppError {
    fn from(_: skyforge_domain::page::ForeignCursor) -> Self {
        AppError::ForeignCursor
    }
}

impl From<MembershipRuleError> for AppError {
    fn from(error: MembershipRuleError) -> Self {
        AppError::Forbidden(error.to_string())
    }
}

impl From<skyforge_domain::FieldError> for AppError {
    fn from(error: skyforge_domain::FieldError) -> Self {
        AppError::Validation(error.into())
    }
}
