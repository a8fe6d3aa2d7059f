//! Bearer tokens for the REST APIs of Azure and GCP, and what their adapters share: one
//! HTTP client, and the mapping of HTTP failures to [`CloudError`]s.

use std::time::Duration;

use async_trait::async_trait;
use skyforge_app::clouds::CloudError;
use skyforge_domain::credentials::{CloudSecret, Sensitive};

/// Gives an access token for a credential: Azure AD client credentials, or a GCP
/// service-account JWT grant (the real sources come with those providers' inventory).
#[async_trait]
pub trait BearerToken: Send + Sync {
    async fn token(&self, secret: &CloudSecret) -> Result<Sensitive, CloudError>;
}

/// An ARM token of the service principal (Cost Management is part of ARM).
#[async_trait]
impl BearerToken for skyforge_cloud_auth::AzureAuth {
    async fn token(&self, secret: &CloudSecret) -> Result<Sensitive, CloudError> {
        let token = self.arm_token(secret, &skyforge_cloud_auth::CallLog::default()).await?;
        Ok(Sensitive::new(token.secret()))
    }
}

/// A service-account token (its scope covers BigQuery's read-only queries).
#[async_trait]
impl BearerToken for skyforge_cloud_auth::GcpAuth {
    async fn token(&self, secret: &CloudSecret) -> Result<Sensitive, CloudError> {
        let token = skyforge_cloud_auth::GcpAuth::token(self, secret, &skyforge_cloud_auth::CallLog::default()).await?;
        Ok(Sensitive::new(token.secret()))
    }
}

/// The same token for every credential (tests, and endpoints that take any token).
pub struct FixedToken(pub Sensitive);

#[async_trait]
impl BearerToken for FixedToken {
    async fn token(&self, _: &CloudSecret) -> Result<Sensitive, CloudError> {
        Ok(self.0.clone())
    }
}

/// How a REST adapter retries a throttled request: a few attempts, waiting what the provider
/// asks (`Retry-After`), never longer than `max_wait`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 3, max_wait: Duration::from_secs(10) }
    }
}

/// One HTTP client for the REST adapters, with timeouts.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a client with timeouts only always builds")
}

/// The error of a non-success answer, without echoing the provider's body (it may quote input).
pub fn status_error(api: &str, status: reqwest::StatusCode) -> CloudError {
    match status.as_u16() {
        401 => CloudError::InvalidCredential(format!("{api} refused the token (HTTP 401)")),
        403 => CloudError::AccessDenied(format!(
            "{api} denied access (HTTP 403): grant the credential read access to billing"
        )),
        404 => CloudError::AccessDenied(format!("{api} does not know the scope or table (HTTP 404)")),
        429 => CloudError::Throttled(format!("{api} throttled the requests (HTTP 429), even after retries")),
        s if s >= 500 => CloudError::Unavailable(format!("{api} failed on the provider's side (HTTP {s})")),
        s => CloudError::Malformed(format!("{api} answered HTTP {s}")),
    }
}

/// The error of a request that got no answer.
pub fn transport_error(api: &str, error: &reqwest::Error) -> CloudError {
    tracing::warn!(api, error = %error, "request failed");
    if error.is_timeout() {
        CloudError::Unavailable(format!("{api} timed out"))
    } else {
        CloudError::Unavailable(format!("{api} could not be reached"))
    }
}

/// Sends a request built by `build` (again for each attempt), retrying 429s. Counts every
/// request sent in `requests`. Answers the body of a success, as JSON.
pub async fn send_json(
    api: &str,
    retry: RetryPolicy,
    requests: &mut u64,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<serde_json::Value, CloudError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        *requests += 1;
        let response = build().send().await.map_err(|e| transport_error(api, &e))?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS && attempt < retry.attempts {
            let asked = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs)
                .unwrap_or(Duration::from_secs(1 << attempt));
            tokio::time::sleep(asked.min(retry.max_wait)).await;
            continue;
        }
        if !status.is_success() {
            return Err(status_error(api, status));
        }
        let body = response.bytes().await.map_err(|e| transport_error(api, &e))?;
        return serde_json::from_slice(&body)
            .map_err(|_| CloudError::Malformed(format!("{api} answered with a body that is not JSON")));
    }
}
