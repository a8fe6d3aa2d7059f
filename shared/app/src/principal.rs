//! Who is calling: an authenticated user and the credential they used, plus where from.

use skyforge_domain::auth::TokenScope;
use skyforge_domain::ids::{TokenId, UserId};

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A JWT access token from a login.
    Session,
    /// A personal API token.
    ApiToken { id: TokenId, scope: TokenScope },
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub email: String,
    pub credential: Credential,
}

impl Principal {
    /// Read-scoped API tokens may only make safe requests.
    pub fn may_write(&self) -> bool {
        match &self.credential {
            Credential::Session => true,
            Credential::ApiToken { scope, .. } => scope.permits_writes(),
        }
    }
}

/// The caller of one request, as the audit trail records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub ip: Option<String>,
}

impl Caller {
    pub fn anonymous(ip: Option<String>) -> Self {
        Self { user_id: None, email: None, ip }
    }

    pub fn of(principal: &Principal, ip: Option<String>) -> Self {
        Self { user_id: Some(principal.user_id), email: Some(principal.email.clone()), ip }
    }
}
