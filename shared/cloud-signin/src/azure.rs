//! Azure: a client-credentials token from the Microsoft identity platform, and the check of a
//! service principal when it is added (it signs in and sees every subscription it was given).

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use skyforge_app::clouds::{CloudError, CredentialVerifier, VerifiedAccount};
use skyforge_app::config::CloudEndpoints;
use skyforge_domain::credentials::CloudSecret;

use crate::http::{CallLog, OAuthError, Op, ProviderHttp};
use crate::token::{BearerToken, TokenCache};

/// The ARM API version used for subscriptions.
const SUBSCRIPTIONS_API: &str = "2022-12-01";

/// Signs service principals in, with a token cache.
pub struct AzureAuth {
    http: ProviderHttp,
    login: String,
    arm: String,
    cache: TokenCache,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl AzureAuth {
    pub fn new(http: ProviderHttp, endpoints: &CloudEndpoints) -> Self {
        Self {
            http,
            login: endpoints.azure_login.clone(),
            arm: endpoints.azure_arm.clone(),
            cache: TokenCache::default(),
        }
    }

    pub fn http(&self) -> &ProviderHttp {
        &self.http
    }

    /// Azure Resource Manager's base URL.
    pub fn arm(&self) -> &str {
        &self.arm
    }

    /// A token for ARM (scope `<arm>/.default`).
    pub async fn arm_token(&self, secret: &CloudSecret, log: &CallLog) -> Result<BearerToken, CloudError> {
        let scope = format!("{}/.default", self.arm);
        self.token(secret, &scope, log).await
    }

    /// A client-credentials token for `scope`.
    pub async fn token(&self, secret: &CloudSecret, scope: &str, log: &CallLog) -> Result<BearerToken, CloudError> {
        let CloudSecret::AzureServicePrincipal { tenant_id, client_id, client_secret, .. } = secret else {
            return Err(CloudError::InvalidCredential("not an Azure service principal".into()));
        };
        let key = TokenCache::key(&[tenant_id, client_id, client_secret.expose(), scope]);
        if let Some(token) = self.cache.get(&key) {
            return Ok(token);
        }
        let url = format!("{}/{}/oauth2/v2.0/token", self.login, tenant_id);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.expose()),
            ("scope", scope),
        ];
        let answer: TokenAnswer = self
            .http
            .post_token_form(Op::new("login", "ClientCredentialsToken"), &url, &form, log)
            .await?
            .map_err(refused)?;
        let token = BearerToken::new(answer.access_token, Duration::from_secs(answer.expires_in.unwrap_or(3600)));
        self.cache.put(key, token.clone());
        Ok(token)
    }
}

/// What the identity platform's refusal means, by its AADSTS code.
fn refused(error: OAuthError) -> CloudError {
    let why = match error.error_codes.first() {
        Some(7_000_215) => "the client secret is wrong: copy the secret's value (not its id) again".to_owned(),
        Some(7_000_222) => "the client secret has expired: create a new one and rotate the credential".to_owned(),
        Some(700_016) => "no application with this client id exists in the tenant".to_owned(),
        Some(90_002) => "the tenant was not found: check the tenant id".to_owned(),
        Some(_) | None => error.summary(),
    };
    CloudError::InvalidCredential(format!("Azure refused the sign-in: {why}"))
}

#[derive(Deserialize)]
struct Subscription {
    #[serde(rename = "subscriptionId")]
    subscription_id: String,
    #[serde(default)]
    state: Option<String>,
}

impl AzureAuth {
    /// The subscriptions the service principal can see, with their state (`Enabled`, ...).
    pub async fn subscriptions(
        &self,
        secret: &CloudSecret,
        log: &CallLog,
    ) -> Result<Vec<(String, Option<String>)>, CloudError> {
        let token = self.arm_token(secret, log).await?;
        let url = format!("{}/subscriptions?api-version={SUBSCRIPTIONS_API}", self.arm);
        let listed: Vec<Subscription> =
            self.http.arm_list(Op::new("arm", "ListSubscriptions"), &url, token.secret(), log).await?;
        Ok(listed.into_iter().map(|s| (s.subscription_id.to_lowercase(), s.state)).collect())
    }
}

/// Checks a service principal: it signs in, and sees every subscription it was given.
pub struct AzureVerifier {
    auth: std::sync::Arc<AzureAuth>,
}

impl AzureVerifier {
    pub fn new(auth: std::sync::Arc<AzureAuth>) -> Self {
        Self { auth }
    }
}

#[async_trait]
impl CredentialVerifier for AzureVerifier {
    async fn verify(&self, secret: &CloudSecret) -> Result<VerifiedAccount, CloudError> {
        let CloudSecret::AzureServicePrincipal { tenant_id, client_id, subscription_ids, .. } = secret else {
            return Err(CloudError::InvalidCredential("not an Azure service principal".into()));
        };
        let visible: BTreeSet<String> =
            self.auth.subscriptions(secret, &CallLog::default()).await?.into_iter().map(|(id, _)| id).collect();
        let missing: Vec<&str> =
            subscription_ids.iter().filter(|id| !visible.contains(*id)).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(CloudError::AccessDenied(format!(
                "the service principal has no access to subscription {}: give it the Reader role there",
                missing.join(", ")
            )));
        }
        Ok(VerifiedAccount { account_id: tenant_id.clone(), principal: client_id.clone() })
    }
}
