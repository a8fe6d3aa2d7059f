//! GCP: a service-account token by the signed JWT grant (RFC 7523), and the check of a key when
//! it is added (it signs in and can read each project it was given).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use skyforge_app::clouds::{CloudError, CredentialVerifier, VerifiedAccount};
use skyforge_app::config::CloudEndpoints;
use skyforge_domain::credentials::CloudSecret;

use crate::http::{CallLog, OAuthError, Op, ProviderHttp};
use crate::token::{BearerToken, TokenCache};

/// Read-only access to every Google Cloud API the sync uses.
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform.read-only";
const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The parts of a service-account key file the grant needs.
#[derive(Deserialize)]
struct ServiceAccountKey {
    client_email: String,
    private_key: String,
    #[serde(default)]
    private_key_id: Option<String>,
    #[serde(default)]
    token_uri: Option<String>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

pub struct GcpAuth {
    http: ProviderHttp,
    endpoints: CloudEndpoints,
    cache: TokenCache,
}

impl GcpAuth {
    pub fn new(http: ProviderHttp, endpoints: &CloudEndpoints) -> Self {
        Self { http, endpoints: endpoints.clone(), cache: TokenCache::default() }
    }

    pub fn http(&self) -> &ProviderHttp {
        &self.http
    }

    pub fn endpoints(&self) -> &CloudEndpoints {
        &self.endpoints
    }

    /// An access token for the service account of `secret`.
    pub async fn token(&self, secret: &CloudSecret, log: &CallLog) -> Result<BearerToken, CloudError> {
        let CloudSecret::GcpServiceAccount { key_json, .. } = secret else {
            return Err(CloudError::InvalidCredential("not a GCP service account".into()));
        };
        let cache_key = TokenCache::key(&[key_json.expose(), SCOPE]);
        if let Some(token) = self.cache.get(&cache_key) {
            return Ok(token);
        }
        let key: ServiceAccountKey = serde_json::from_str(key_json.expose())
            .map_err(|_| CloudError::InvalidCredential("the service-account key file cannot be read".into()))?;
        let token_uri = self
            .endpoints
            .gcp_token
            .clone()
            .or(key.token_uri.clone())
            .unwrap_or_else(|| "https://oauth2.googleapis.com/token".into());
        let assertion = sign_grant(&key, &token_uri)?;
        let form = [("grant_type", JWT_GRANT), ("assertion", assertion.as_str())];
        let answer: TokenAnswer = self
            .http
            .post_token_form(Op::new("oauth2", "JwtBearerToken"), &token_uri, &form, log)
            .await?
            .map_err(refused)?;
        let token = BearerToken::new(answer.access_token, Duration::from_secs(answer.expires_in.unwrap_or(3600)));
        self.cache.put(cache_key, token.clone());
        Ok(token)
    }
}

/// The grant: a JWT about the service account, signed with its private key, valid an hour.
fn sign_grant(key: &ServiceAccountKey, audience: &str) -> Result<String, CloudError> {
    let signing_key = EncodingKey::from_rsa_pem(key.private_key.as_bytes()).map_err(|_| {
        CloudError::InvalidCredential("the private_key of the service-account key is not an RSA key".into())
    })?;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims { iss: &key.client_email, scope: SCOPE, aud: audience, iat: now, exp: now + 3600 };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = key.private_key_id.clone();
    jsonwebtoken::encode(&header, &claims, &signing_key)
        .map_err(|_| CloudError::InvalidCredential("the service-account key could not sign a token request".into()))
}

fn refused(error: OAuthError) -> CloudError {
    let why = match error.error.as_str() {
        "invalid_grant" => format!("{} (the key may have been deleted or disabled)", error.summary()),
        _ => error.summary(),
    };
    CloudError::InvalidCredential(format!("Google refused the service-account key: {why}"))
}

#[derive(Deserialize)]
struct Project {
    name: String,
}

impl GcpAuth {
    /// Reads a project through the Compute Engine API: it exists and the account may see it.
    pub async fn read_project(&self, token: &str, project: &str, log: &CallLog) -> Result<(), CloudError> {
        let url = format!("{}/compute/v1/projects/{project}", self.endpoints.gcp_compute);
        let answer: Project = self.http.get_json(Op::new("compute", "projects.get"), &url, token, log).await?;
        if answer.name != project {
            return Err(CloudError::Malformed(format!("asked for project {project}, got {}", answer.name)));
        }
        Ok(())
    }
}

/// Checks a service-account key: it signs in, and reads each project it was given.
pub struct GcpVerifier {
    auth: Arc<GcpAuth>,
}

impl GcpVerifier {
    pub fn new(auth: Arc<GcpAuth>) -> Self {
        Self { auth }
    }
}

#[async_trait]
impl CredentialVerifier for GcpVerifier {
    async fn verify(&self, secret: &CloudSecret) -> Result<VerifiedAccount, CloudError> {
        let CloudSecret::GcpServiceAccount { client_email, project_ids, .. } = secret else {
            return Err(CloudError::InvalidCredential("not a GCP service account".into()));
        };
        let log = CallLog::default();
        let token = self.auth.token(secret, &log).await?;
        for project in project_ids {
            self.auth.read_project(token.secret(), project, &log).await.map_err(|error| match error {
                CloudError::AccessDenied(why) => CloudError::AccessDenied(format!(
                    "the service account cannot read project {project} (give it roles/viewer there): {why}"
                )),
                other => other,
            })?;
        }
        let first = project_ids.first().cloned().unwrap_or_default();
        Ok(VerifiedAccount { account_id: first, principal: client_email.clone() })
    }
}
