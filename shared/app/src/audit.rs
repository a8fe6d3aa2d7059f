//! The one mechanism every area records audit events through.
//!
//! An event is written after the action it describes; failing to write it is logged loudly but
//! does not undo or fail the action the user already saw succeed.

use std::sync::Arc;

use skyforge_domain::audit::{Action, AuditEvent, Outcome};
use skyforge_domain::ids::{AuditId, OrgId, UserId};
use skyforge_domain::page::{Page, PageRequest};

use crate::error::AppError;
use crate::ports::{AuditLog, Clock};
use crate::principal::Caller;

/// What an audit event is about, besides who and when.
#[derive(Debug, Clone)]
pub struct Subject {
    pub action: Action,
    pub org_id: Option<OrgId>,
    pub target_kind: Option<&'static str>,
    pub target_id: Option<String>,
}

impl Subject {
    pub fn new(action: Action) -> Self {
        Self { action, org_id: None, target_kind: None, target_id: None }
    }

    pub fn in_org(mut self, org: OrgId) -> Self {
        self.org_id = Some(org);
        self
    }

    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id.to_string());
        self
    }
}

/// The outcome an error stands for in the audit trail.
pub fn outcome_of(error: &AppError) -> Outcome {
    match error {
        AppError::Forbidden(_) | AppError::InsufficientScope => Outcome::Denied,
        _ => Outcome::Failure,
    }
}

/// A short code for an error, safe to store: never a message that could carry input.
pub fn error_detail(error: &AppError) -> &'static str {
    match error {
        AppError::Validation(_) => "validation_failed",
        AppError::InvalidCredentials => "invalid_credentials",
        AppError::TooManyAttempts { .. } => "too_many_attempts",
        AppError::Forbidden(_) => "forbidden",
        AppError::InsufficientScope => "insufficient_scope",
        AppError::NotFound(_) | AppError::UserNotFound => "not_found",
        AppError::EmailTaken => "email_taken",
        AppError::AlreadyMember => "already_member",
        AppError::LastOwner => "last_owner",
        AppError::RefreshTokenReused => "refresh_token_reused",
        AppError::InvalidRunState(_) => "invalid_run_state",
        _ => "error",
    }
}

pub struct AuditService {
    log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

impl AuditService {
    pub fn new(log: Arc<dyn AuditLog>, clock: Arc<dyn Clock>) -> Self {
        Self { log, clock }
    }

    pub async fn record(&self, caller: &Caller, subject: Subject, outcome: Outcome, detail: Option<String>) {
        let event = AuditEvent {
            id: AuditId::new(),
            occurred_at: self.clock.now(),
            action: subject.action,
            outcome,
            actor_user_id: caller.user_id,
            actor_email: caller.email.clone(),
            org_id: subject.org_id,
            target_kind: subject.target_kind.map(str::to_owned),
            target_id: subject.target_id,
            ip: caller.ip.clone(),
            detail,
        };
        if let Err(error) = self.log.record(&event).await {
            tracing::error!(action = event.action.as_str(), error = ?error, "audit event could not be recorded");
        }
    }

    /// Records how `result` ended and hands it back unchanged.
    pub async fn outcome<T>(
        &self,
        caller: &Caller,
        subject: Subject,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        match &result {
            Ok(_) => self.record(caller, subject, Outcome::Success, None).await,
            Err(error) => self.record(caller, subject, outcome_of(error), Some(error_detail(error).to_owned())).await,
        }
        result
    }

    pub async fn for_org(&self, org: OrgId, page: &PageRequest) -> Result<Page<AuditEvent>, AppError> {
        Ok(self.log.for_org(org, page).await?)
    }

    pub async fn for_user(&self, user: UserId, page: &PageRequest) -> Result<Page<AuditEvent>, AppError> {
        Ok(self.log.for_user(user, page).await?)
    }
}
