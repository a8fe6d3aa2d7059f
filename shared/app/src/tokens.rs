//! Personal API tokens: random, shown once, stored only as a SHA-256 digest.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use skyforge_domain::ValidationErrors;
use skyforge_domain::accounts::ApiToken;
use skyforge_domain::audit::Action;
use skyforge_domain::auth::{OpaqueSecret, SecretKind, TokenScope, check_token_expiry};
use skyforge_domain::ids::TokenId;
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::values::Label;

use crate::audit::{AuditService, Subject};
use crate::error::AppError;
use crate::ports::{ApiTokens, Clock, Ports};
use crate::principal::{Caller, Principal};

pub const TOKEN_NAME_MAX: usize = 100;

pub struct TokenService {
    tokens: Arc<dyn ApiTokens>,
    clock: Arc<dyn Clock>,
    audit: Arc<AuditService>,
}

impl TokenService {
    pub fn new(ports: &Ports, audit: Arc<AuditService>) -> Self {
        Self { tokens: ports.tokens.clone(), clock: ports.clock.clone(), audit }
    }

    pub async fn list(&self, principal: &Principal, page: &PageRequest) -> Result<Page<ApiToken>, AppError> {
        Ok(self.tokens.list(principal.user_id, page).await?)
    }

    /// Creates a token; the secret in the answer is the only copy there will ever be.
    pub async fn create(
        &self,
        principal: &Principal,
        name: &str,
        scope: &str,
        expires_at: Option<DateTime<Utc>>,
        caller: &Caller,
    ) -> Result<(ApiToken, OpaqueSecret), AppError> {
        let now = self.clock.now();
        let mut errors = ValidationErrors::default();
        let name = errors.check(Label::parse("name", name, TOKEN_NAME_MAX));
        let scope = errors.check(TokenScope::parse("scope", scope));
        errors.check(check_token_expiry("expires_at", expires_at, now));
        errors.finish()?;

        let secret = OpaqueSecret::generate(SecretKind::ApiToken);
        let token = ApiToken {
            id: TokenId::new(),
            user_id: principal.user_id,
            user_email: principal.email.clone(),
            name: name.unwrap().into_string(),
            scope: scope.unwrap(),
            digest: secret.digest(),
            created_at: now,
            expires_at,
            last_used_at: None,
        };
        let result = self.tokens.create(&token).await.map_err(AppError::from);
        self.audit.outcome(caller, Subject::new(Action::TokenCreate).target("token", token.id), result).await?;
        Ok((token, secret))
    }

    pub async fn revoke(&self, principal: &Principal, id: &str, caller: &Caller) -> Result<(), AppError> {
        let id: TokenId = id.parse().map_err(|_| AppError::NotFound("token"))?;
        let result = async {
            let token = self.tokens.get(principal.user_id, id).await?.ok_or(AppError::NotFound("token"))?;
            Ok(self.tokens.delete(&token).await?)
        }
        .await;
        self.audit.outcome(caller, Subject::new(Action::TokenRevoke).target("token", id), result).await
    }
}
