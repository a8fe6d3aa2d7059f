//! The API client: reqwest over the types generated from `web/openapi.json` (see build.rs),
//! authenticated with an API token or a stored refresh token, and the one-line errors and exit
//! codes of every failure.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api;
use crate::config::{Config, Profile};

/// Exit codes (docs/cli.md lists them).
pub mod exit {
    pub const OK: i32 = 0;
    /// A run ended errored, cancelled or discarded, or the API failed otherwise.
    pub const FAILED: i32 = 1;
    /// Bad arguments.
    pub const USAGE: i32 = 2;
    /// Reserved for policy failures (governance).
    #[allow(dead_code)]
    pub const POLICY: i32 = 3;
    /// Not signed in, or the token was refused (401/403).
    pub const AUTH: i32 = 4;
    /// The organisation, deployment, run or resource does not exist (404).
    pub const NOT_FOUND: i32 = 5;
    /// `--timeout` passed before the run ended.
    pub const TIMEOUT: i32 = 6;
}

/// A failure, printed as one line.
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    /// A problem document from the API.
    Api {
        status: u16,
        code: String,
        detail: String,
    },
    NotSignedIn,
    Network(String),
    RunEnded {
        run: String,
        status: String,
    },
    Timeout(String),
    Local(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Api { status: 401 | 403, .. } | CliError::NotSignedIn => exit::AUTH,
            CliError::Api { status: 404, .. } => exit::NOT_FOUND,
            CliError::Timeout(_) => exit::TIMEOUT,
            CliError::Api { .. } | CliError::Network(_) | CliError::RunEnded { .. } | CliError::Local(_) => {
                exit::FAILED
            }
        }
    }

    /// The one line printed on stderr.
    pub fn line(&self) -> String {
        match self {
            CliError::Usage(m) => format!("error: {m}"),
            CliError::Api { status, code, detail } => format!("error: {detail} (code: {code}, HTTP {status})"),
            CliError::NotSignedIn => {
                "error: not signed in: run `skyforge login`, or set SKYFORGE_TOKEN to an API token".into()
            }
            CliError::Network(m) => format!("error: {m}"),
            CliError::RunEnded { run, status } => format!("error: run {run} ended {status}"),
            CliError::Timeout(m) => format!("error: {m}"),
            CliError::Local(m) => format!("error: {m}"),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Local(e.to_string())
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// A page of any list (the shape of every `ListOf_*` schema).
#[derive(Debug, serde::Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub struct Client {
    http: reqwest::Client,
    pub base: String,
    access: Option<String>,
    pub profile_name: String,
    pub profile: Profile,
    org_flag: Option<String>,
}

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

impl Client {
    pub fn new(url: Option<String>, token: Option<String>, profile: &str, org: Option<String>) -> CliResult<Self> {
        let config = Config::load().map_err(CliError::Local)?;
        let stored = config.profiles.get(profile).cloned().unwrap_or_default();
        let base = url.or_else(|| stored.url.clone()).unwrap_or_else(|| DEFAULT_URL.into());
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("skyforge-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CliError::Local(e.to_string()))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            access: token.filter(|t| !t.is_empty()),
            profile_name: profile.to_owned(),
            profile: stored,
            org_flag: org,
        })
    }

    /// Stores this profile (URL, organisation, refresh token).
    pub fn save_profile(&self) -> CliResult<()> {
        let mut config = Config::load().map_err(CliError::Local)?;
        config.profiles.insert(self.profile_name.clone(), self.profile.clone());
        config.save().map_err(CliError::Local)
    }

    /// Signs in with email and password: keeps the refresh token in the profile.
    pub async fn login(&mut self, email: &str, password: &str) -> CliResult<api::TokenResponse> {
        let body = api::LoginRequest {
            email: email.into(),
            password: password.into(),
            device_token: self.profile.device_token.clone(),
        };
        let tokens: api::TokenResponse = self.send(self.http.post(self.url("/v1/auth/login")).json(&body)).await?;
        self.profile.url = Some(self.base.clone());
        self.profile.refresh_token = Some(tokens.refresh_token.clone());
        if let Some(device) = &tokens.device_token {
            self.profile.device_token = Some(device.clone());
        }
        self.access = Some(tokens.access_token.clone());
        self.save_profile()?;
        Ok(tokens)
    }

    /// The bearer token: `--token`/`SKYFORGE_TOKEN`, or an access token from the profile's
    /// refresh token (each refresh token is valid once: the new one is stored at once).
    async fn bearer(&mut self) -> CliResult<String> {
        if let Some(token) = &self.access {
            return Ok(token.clone());
        }
        let Some(refresh) = self.profile.refresh_token.clone() else {
            return Err(CliError::NotSignedIn);
        };
        let body = api::RefreshRequest { refresh_token: refresh };
        let tokens: api::TokenResponse =
            self.send(self.http.post(self.url("/v1/auth/refresh")).json(&body)).await.map_err(|e| match e {
                CliError::Api { status: 401, code, .. } => CliError::Api {
                    status: 401,
                    detail: "the stored sign-in is no longer valid: run `skyforge login` again".into(),
                    code,
                },
                other => other,
            })?;
        self.profile.refresh_token = Some(tokens.refresh_token.clone());
        self.save_profile()?;
        self.access = Some(tokens.access_token.clone());
        Ok(tokens.access_token)
    }

    /// The organisation: `--org`/`SKYFORGE_ORG`, the profile's, or the caller's only one.
    pub async fn org(&mut self) -> CliResult<String> {
        if let Some(org) = self.org_flag.clone().or_else(|| self.profile.org.clone()) {
            return Ok(org);
        }
        let me: api::MeResponse = self.get("/v1/me", &[]).await?;
        match me.organizations.as_slice() {
            [one] => {
                self.org_flag = Some(one.id.clone());
                Ok(one.id.clone())
            }
            [] => Err(CliError::Usage("you belong to no organisation".into())),
            many => Err(CliError::Usage(format!(
                "you belong to {} organisations: pass --org (see `skyforge orgs`)",
                many.len()
            ))),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The WebSocket URL of the live logs (`SKYFORGE_WS_URL` where it is another host, as on
    /// AWS, where it is the WebSocket API's stage URL).
    pub async fn live_url(&mut self) -> CliResult<String> {
        let token = self.bearer().await?;
        let base = std::env::var("SKYFORGE_WS_URL").unwrap_or_else(|_| {
            format!("{}/v1/live", self.base.replacen("https://", "wss://", 1).replacen("http://", "ws://", 1))
        });
        Ok(format!("{base}?token={token}"))
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> CliResult<T> {
        let response = request.send().await.map_err(|e| {
            CliError::Network(format!(
                "{} did not answer: {}",
                self.base,
                std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_else(|| e.to_string())
            ))
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| CliError::Network(e.to_string()))?;
        if !status.is_success() {
            let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let mut detail = problem["detail"].as_str().unwrap_or("the API refused the request").to_owned();
            // a validation failure names each field on the same line
            if let Some(errors) = problem["errors"].as_array() {
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e["field"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")))
                    .collect();
                if !fields.is_empty() {
                    detail = format!("{detail} ({})", fields.join("; "));
                }
            }
            return Err(CliError::Api {
                status: status.as_u16(),
                code: problem["code"].as_str().unwrap_or("http_error").to_owned(),
                detail,
            });
        }
        let bytes = if bytes.is_empty() { &b"null"[..] } else { &bytes[..] };
        serde_json::from_slice(bytes).map_err(|e| {
            CliError::Local(format!("the API answered in a shape this skyforge does not know ({e}); update it"))
        })
    }

    async fn authed(&mut self, method: reqwest::Method, path: &str) -> CliResult<reqwest::RequestBuilder> {
        let token = self.bearer().await?;
        Ok(self.http.request(method, self.url(path)).bearer_auth(token))
    }

    pub async fn get<T: DeserializeOwned>(&mut self, path: &str, query: &[(&str, String)]) -> CliResult<T> {
        let request = self.authed(reqwest::Method::GET, path).await?.query(query);
        self.send(request).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(&mut self, path: &str, body: &B) -> CliResult<T> {
        let request = self.authed(reqwest::Method::POST, path).await?.json(body);
        self.send(request).await
    }

    pub async fn delete(&mut self, path: &str) -> CliResult<()> {
        let request = self.authed(reqwest::Method::DELETE, path).await?;
        self.send::<serde_json::Value>(request).await.map(|_| ())
    }

    /// Every page of a list, each handed to `each` as it arrives.
    pub async fn pages<T: DeserializeOwned>(
        &mut self,
        path: &str,
        query: &[(&str, String)],
        mut each: impl FnMut(Vec<T>) -> CliResult<()>,
    ) -> CliResult<()> {
        let mut cursor: Option<String> = None;
        loop {
            let mut q = query.to_vec();
            q.push(("limit", "100".into()));
            if let Some(cursor) = cursor.take() {
                q.push(("cursor", cursor));
            }
            let page: Page<T> = self.get(path, &q).await?;
            each(page.items)?;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }
}
