//! The one HTTP client of the Azure and GCP REST APIs: bearer auth, JSON bodies, throttling
//! answered by waiting what `Retry-After` says, errors turned into [`CloudError`]s in words a
//! user can act on, paging, and every call timed for provider health.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use skyforge_app::clouds::{ApiCall, CloudError};

/// Which API operation a request is, for health records and error messages.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// `arm`, `login`, `compute`, `storage`, `oauth2`, ...
    pub service: &'static str,
    /// `ListVirtualMachines`, `instances.aggregatedList`, ...
    pub operation: &'static str,
}

impl Op {
    pub const fn new(service: &'static str, operation: &'static str) -> Self {
        Self { service, operation }
    }
}

/// The calls made while listing one scope, shared by concurrent requests.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<ApiCall>>>);

impl CallLog {
    pub fn record(&self, op: Op, latency: Duration, error: Option<&'static str>) {
        let call = ApiCall { service: op.service, operation: op.operation, latency, error };
        self.0.lock().expect("call log poisoned").push(call);
    }

    pub fn take(&self) -> Vec<ApiCall> {
        std::mem::take(&mut *self.0.lock().expect("call log poisoned"))
    }
}

/// How patient the client is with a throttling provider.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after a 429 (so `1 + retries` attempts in all).
    pub retries: u32,
    /// The longest single wait, whatever `Retry-After` asks for.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { retries: 3, max_wait: Duration::from_secs(30) }
    }
}

#[derive(Debug, Clone)]
pub struct ProviderHttp {
    client: reqwest::Client,
    retry: RetryPolicy,
}

impl Default for ProviderHttp {
    fn default() -> Self {
        Self::new(RetryPolicy::default())
    }
}

/// A response that was not throttled: its status and body.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl ProviderHttp {
    pub fn new(retry: RetryPolicy) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a client with timeouts only always builds");
        Self { client, retry }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// GET a JSON document with a bearer token.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        op: Op,
        url: &str,
        token: &str,
        log: &CallLog,
    ) -> Result<T, CloudError> {
        let answer = self.send(op, log, || self.client.get(url).bearer_auth(token)).await?;
        parse_success(op, answer)
    }

    /// POST a JSON body with a bearer token, and read a JSON answer.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        op: Op,
        url: &str,
        token: &str,
        body: &serde_json::Value,
        log: &CallLog,
    ) -> Result<T, CloudError> {
        let answer = self.send(op, log, || self.client.post(url).bearer_auth(token).json(body)).await?;
        parse_success(op, answer)
    }

    /// POST a form to an OAuth 2.0 token endpoint. A refusal is answered as the endpoint's own
    /// error document (`error`, `error_description`), which only the caller can interpret.
    pub async fn post_token_form<T: DeserializeOwned>(
        &self,
        op: Op,
        url: &str,
        form: &[(&str, &str)],
        log: &CallLog,
    ) -> Result<Result<T, OAuthError>, CloudError> {
        let answer = self.send(op, log, || self.client.post(url).form(form)).await?;
        if answer.status.is_success() {
            return parse_success(op, answer).map(Ok);
        }
        if answer.status.is_client_error()
            && let Ok(refusal) = serde_json::from_slice::<OAuthError>(&answer.body)
        {
            return Ok(Err(refusal));
        }
        Err(status_error(op, answer.status, &answer.body))
    }

    /// Sends the request, waiting and retrying while the provider answers 429.
    async fn send(
        &self,
        op: Op,
        log: &CallLog,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Answer, CloudError> {
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let response = match request().send().await {
                Ok(response) => response,
                Err(error) => {
                    log.record(op, started.elapsed(), Some("unavailable"));
                    // the URL is ours (configured endpoints), never a secret; the error text may
                    // carry it, which helps an operator who mistyped an endpoint
                    return Err(CloudError::Unavailable(format!("{} {}: {}", op.service, op.operation, error)));
                }
            };
            let status = response.status();
            let wait = retry_after(response.headers());
            let body = match response.bytes().await {
                Ok(body) => body.to_vec(),
                Err(error) => {
                    log.record(op, started.elapsed(), Some("unavailable"));
                    return Err(CloudError::Unavailable(format!("{} {}: {}", op.service, op.operation, error)));
                }
            };
            let latency = started.elapsed();
            if status == StatusCode::TOO_MANY_REQUESTS && attempt < self.retry.retries {
                log.record(op, latency, Some("throttled"));
                let backoff = Duration::from_secs(1 << attempt.min(5));
                tokio::time::sleep(wait.unwrap_or(backoff).min(self.retry.max_wait)).await;
                attempt += 1;
                continue;
            }
            let error = (!status.is_success()).then(|| status_error(op, status, &body).code());
            log.record(op, latency, error);
            return Ok(Answer { status, body });
        }
    }
}

fn parse_success<T: DeserializeOwned>(op: Op, answer: Answer) -> Result<T, CloudError> {
    if !answer.status.is_success() {
        return Err(status_error(op, answer.status, &answer.body));
    }
    serde_json::from_slice(&answer.body).map_err(|error| {
        CloudError::Malformed(format!("{} {} answered JSON that could not be read: {error}", op.service, op.operation))
    })
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().ok()
}

/// An OAuth 2.0 error document (RFC 6749 §5.2), as the Microsoft identity platform and Google
/// answer a refused token request. Microsoft adds `error_codes` (the AADSTS numbers).
#[derive(Debug, Clone, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u64>,
}

impl OAuthError {
    /// The description's first line (Microsoft appends trace and correlation ids).
    pub fn summary(&self) -> String {
        let description = self.error_description.as_deref().unwrap_or_default();
        let first = description.lines().next().unwrap_or_default().trim();
        if first.is_empty() { self.error.clone() } else { clip(first) }
    }
}

/// The error documents of ARM (`{"error":{"code","message"}}`) and Google
/// (`{"error":{"code":403,"message","status"}}`).
#[derive(Deserialize)]
struct ErrorDocument {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: serde_json::Value,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// A failed answer as a [`CloudError`], keeping the provider's own message (which names the
/// missing permission or the unknown subscription, and never a secret).
pub fn status_error(op: Op, status: StatusCode, body: &[u8]) -> CloudError {
    let detail = serde_json::from_slice::<ErrorDocument>(body)
        .ok()
        .map(|doc| {
            let code = match (&doc.error.code, &doc.error.status) {
                (serde_json::Value::String(code), _) => code.clone(),
                (_, Some(status)) => status.clone(),
                _ => String::new(),
            };
            let message = doc.error.message.unwrap_or_default();
            clip(format!("{code}: {message}").trim_start_matches(": "))
        })
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let what = format!("{} {} answered {}: {}", op.service, op.operation, status.as_u16(), detail);
    match status.as_u16() {
        401 => CloudError::InvalidCredential(what),
        403 | 404 => CloudError::AccessDenied(what),
        429 => CloudError::Throttled(what),
        _ => CloudError::Unavailable(what),
    }
}

fn clip(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// One page of an ARM list: `value` and the absolute `nextLink` of the next page.
#[derive(Debug, Deserialize)]
struct ArmPage<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

/// Pages a provider may chain before the listing is treated as broken (a loop of links).
const MAX_PAGES: usize = 1_000;

impl ProviderHttp {
    /// Every item of an ARM list, following `nextLink`.
    pub async fn arm_list<T: DeserializeOwned>(
        &self,
        op: Op,
        first: &str,
        token: &str,
        log: &CallLog,
    ) -> Result<Vec<T>, CloudError> {
        let mut items = Vec::new();
        let mut url = first.to_owned();
        for _ in 0..MAX_PAGES {
            let page: ArmPage<T> = self.get_json(op, &url, token, log).await?;
            items.extend(page.value);
            match page.next_link.filter(|link| !link.is_empty()) {
                Some(next) => url = next,
                None => return Ok(items),
            }
        }
        Err(CloudError::Malformed(format!("{} {} never stopped paging", op.service, op.operation)))
    }

    /// The `items` of every page of a Google list, following `nextPageToken`. `T` is what one
    /// page's `items` holds (a list, or the map of an aggregated list).
    pub async fn google_pages<T: DeserializeOwned>(
        &self,
        op: Op,
        url: &str,
        token: &str,
        log: &CallLog,
    ) -> Result<Vec<T>, CloudError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct GooglePage<T> {
            items: Option<T>,
            next_page_token: Option<String>,
        }
        let mut pages = Vec::new();
        let mut token_param: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut page_url = reqwest::Url::parse(url)
                .map_err(|error| CloudError::Unavailable(format!("bad {} endpoint {url}: {error}", op.service)))?;
            if let Some(page_token) = &token_param {
                page_url.query_pairs_mut().append_pair("pageToken", page_token);
            }
            let page: GooglePage<T> = self.get_json(op, page_url.as_str(), token, log).await?;
            pages.extend(page.items);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(next) => token_param = Some(next),
                None => return Ok(pages),
            }
        }
        Err(CloudError::Malformed(format!("{} {} never stopped paging", op.service, op.operation)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: Op = Op::new("arm", "ListThings");

    #[test]
    fn arm_and_google_errors_keep_the_providers_words() {
        let arm = br#"{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization"}}"#;
        let err = status_error(OP, StatusCode::FORBIDDEN, arm);
        assert_eq!(err.code(), "access_denied");
        assert!(err.to_string().contains("AuthorizationFailed: The client does not have authorization"), "{err}");

        let google = br#"{"error":{"code":403,"message":"Required 'compute.instances.list' permission","status":"PERMISSION_DENIED"}}"#;
        let err = status_error(OP, StatusCode::FORBIDDEN, google);
        assert!(err.to_string().contains("PERMISSION_DENIED: Required 'compute.instances.list'"), "{err}");

        assert_eq!(status_error(OP, StatusCode::UNAUTHORIZED, b"").code(), "invalid_credential");
        assert_eq!(status_error(OP, StatusCode::BAD_GATEWAY, b"<html>").code(), "unavailable");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
    }

    #[test]
    fn long_messages_are_clipped() {
        let long = "x".repeat(1000);
        assert_eq!(clip(&long).chars().count(), 301);
    }
}
