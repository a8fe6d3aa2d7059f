//! The audit trail: who did what, to which object, in which organisation, from where, and how
//! it ended. Every area records through the same `AuditEvent`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditId, OrgId, UserId};

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// Refused for bad input, a conflict, or wrong credentials.
    Failure,
    /// Refused because the actor lacked the right.
    Denied,
}

/// What was done. Later areas add theirs here, so the list of auditable actions is in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Action {
    #[serde(rename = "user.signup")]
    UserSignup,
    #[serde(rename = "auth.login")]
    Login,
    #[serde(rename = "auth.logout")]
    Logout,
    #[serde(rename = "auth.refresh_reuse")]
    RefreshReuse,
    #[serde(rename = "org.create")]
    OrgCreate,
    #[serde(rename = "member.add")]
    MemberAdd,
    #[serde(rename = "member.update")]
    MemberUpdate,
    #[serde(rename = "member.remove")]
    MemberRemove,
    #[serde(rename = "token.create")]
    TokenCreate,
    #[serde(rename = "token.revoke")]
    TokenRevoke,
    #[serde(rename = "credential.create")]
    CredentialCreate,
    #[serde(rename = "credential.update")]
    CredentialUpdate,
    #[serde(rename = "credential.rotate")]
    CredentialRotate,
    #[serde(rename = "credential.delete")]
    CredentialDelete,
    #[serde(rename = "sync.request")]
    SyncRequest,
    #[serde(rename = "deployment.create")]
    DeploymentCreate,
    #[serde(rename = "deployment.update")]
    DeploymentUpdate,
    #[serde(rename = "deployment.delete")]
    DeploymentDelete,
    #[serde(rename = "run.create")]
    RunCreate,
    #[serde(rename = "run.approve")]
    RunApprove,
    #[serde(rename = "run.cancel")]
    RunCancel,
    #[serde(rename = "run.discard")]
    RunDiscard,
    /// The run reaper ended a run whose executor was lost or whose phase outlived its deadline.
    #[serde(rename = "run.reap")]
    RunReap,
    /// The run reaper released the Terraform state lock a lost runner left behind.
    #[serde(rename = "run.lock_release")]
    RunLockRelease,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::UserSignup => "user.signup",
            Action::Login => "auth.login",
            Action::Logout => "auth.logout",
            Action::RefreshReuse => "auth.refresh_reuse",
            Action::OrgCreate => "org.create",
            Action::MemberAdd => "member.add",
            Action::MemberUpdate => "member.update",
            Action::MemberRemove => "member.remove",
            Action::TokenCreate => "token.create",
            Action::TokenRevoke => "token.revoke",
            Action::CredentialCreate => "credential.create",
            Action::CredentialUpdate => "credential.update",
            Action::CredentialRotate => "credential.rotate",
            Action::CredentialDelete => "credential.delete",
            Action::SyncRequest => "sync.request",
            Action::DeploymentCreate => "deployment.create",
            Action::DeploymentUpdate => "deployment.update",
            Action::DeploymentDelete => "deployment.delete",
            Action::RunCreate => "run.create",
            Action::RunApprove => "run.approve",
            Action::RunCancel => "run.cancel",
            Action::RunDiscard => "run.discard",
            Action::RunReap => "run.reap",
            Action::RunLockRelease => "run.lock_release",
        }
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: AuditId,
    pub occurred_at: DateTime<Utc>,
    pub action: Action,
    pub outcome: Outcome,
    /// The user who acted; `None` for an anonymous attempt (a login with an unknown email).
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    /// The organisation it happened in; `None` for account-level events (login, tokens).
    pub org_id: Option<OrgId>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    /// A short, secret-free explanation (the error code of a failure, the new role, ...).
    pub detail: Option<String>,
}
