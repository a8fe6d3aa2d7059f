//! A harness for end-to-end tests: each [`Platform`] is the real `skyforge-local` binary,
//! started on a free port against the AWS stand-in (`AWS_ENDPOINT_URL`), with a table and
//! signing key of its own, and stopped by its PID when dropped.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub mod lambda;
pub mod live_cases;

/// The signing key every test platform uses, so tests can forge tokens on purpose.
pub const TEST_JWT_KEY: &str = "e2e-test-signing-key-0123456789abcdefghijklmnopqrstuvwxyz";
pub const PASSWORD: &str = "correct horse battery staple";
/// The demo user `serve --seed-demo` creates (infra/local/src/demo.rs).
pub const DEMO_EMAIL: &str = "demo@skyforge.local";
pub const DEMO_PASSWORD: &str = "skyforge-demo-password";

pub struct Platform {
    child: Child,
    pub base: String,
    pub log_path: PathBuf,
    /// What this platform was given, for a Lambda function started next to it.
    pub table_name: String,
    pub jwt_secret_id: String,
    pub artifact_bucket: String,
    http: reqwest::Client,
    /// How it was started, so [`Platform::kill_and_restart`] starts it again on the same store.
    launched: Launch,
}

#[derive(Clone)]
struct Launch {
    id: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// A reply: status, headers and JSON body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The problem document's `code`.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn field_codes(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A signed-up, logged-in user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub org: String,
    pub access: String,
    pub refresh: String,
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("SKYFORGE_LOCAL_BIN") {
        return path.into();
    }
    built_binary("skyforge-local")
}

/// A fresh moto account id and the ARN of a read-only role in it (moto accepts any account).
pub fn fresh_aws_account() -> (String, String) {
    let account = format!("{}", ulid::Ulid::new().random() % 900_000_000_000 + 100_000_000_000);
    let role = format!("arn:aws:iam::{account}:role/skyforge-readonly");
    (account, role)
}

/// The USD amount of a `[{currency, amount}]` list (0 when it has none).
pub fn usd(list: &Value) -> f64 {
    list.as_array()
        .into_iter()
        .flatten()
        .find(|m| m["currency"] == "USD")
        .map(|m| m["amount"].as_str().expect("an amount").parse().expect("a decimal"))
        .unwrap_or(0.0)
}

/// A workspace binary next to this test's (`make test` builds them all first).
pub fn built_binary(name: &str) -> PathBuf {
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/<name>
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
    let bin = profile_dir.join(name);
    assert!(bin.exists(), "{} is missing: build it first (cargo build --workspace)", bin.display());
    bin
}

impl Platform {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts with extra environment variables (e.g. a service endpoint pointing at a double).
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        Self::launch(&["serve"], env).await
    }

    /// Starts as `make up` does (`serve --seed-demo`): the demo user ([`DEMO_EMAIL`]) with the
    /// demo AWS account, Azure subscription and GCP project connected and their first syncs
    /// queued. The demo's Azure and GCP doubles and Cloud Storage emulator live in the process.
    pub async fn start_demo() -> Self {
        Self::launch(&["serve", "--seed-demo"], &[]).await
    }

    async fn launch(args: &[&str], env: &[(&str, &str)]) -> Self {
        let id = ulid::Ulid::new().to_string().to_lowercase();
        create_signing_key(&format!("e2e/{id}/jwt")).await;
        let launch = Launch {
            id,
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        Self::launch_again(launch).await
    }

    /// The Terraform state lock table this platform's runs lock state in.
    pub fn lock_table(&self) -> String {
        format!("e2e-locks-{}", self.launched.id)
    }

    /// The process id of the running `skyforge-local`.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("skyforge-local is running")
    }

    /// Kills the runtime outright (SIGKILL: no shutdown of any kind) and starts it again with the
    /// same table, queue, buckets and lock table, as an operator restarting it would. The new
    /// process listens on another port; its log goes to a new file.
    pub async fn kill_and_restart(&mut self) {
        let pid = self.pid();
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = self.child.wait().await;
        let fresh = Self::launch_again(self.launched.clone()).await;
        // the old child is reaped already: dropping it signals nothing
        drop(std::mem::replace(self, fresh));
    }

    async fn launch_again(launch: Launch) -> Self {
        let endpoint = std::env::var("AWS_ENDPOINT_URL").expect(
            "end-to-end tests run against the moto server: use `make test`, or start one and set AWS_ENDPOINT_URL",
        );
        let id = launch.id.clone();
        let secret_id = format!("e2e/{id}/jwt");
        let args: Vec<&str> = launch.args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (table_name, artifact_bucket) = (format!("e2e-{id}"), format!("e2e-artifacts-{id}"));

        let log_dir = std::env::temp_dir().join("skyforge-e2e");
        std::fs::create_dir_all(&log_dir).unwrap();
        let log_path = log_dir.join(format!("{id}-{}.log", ulid::Ulid::new().to_string().to_lowercase()));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut command = Command::new(binary());
        // the runner's Terraform and its offline provider mirror: `infra/local/setup.sh` puts them
        // in the checkout's .tools; SKYFORGE_TERRAFORM / SKYFORGE_TF_CLI_CONFIG_FILE override
        let tools = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools"));
        let terraform =
            std::env::var_os("SKYFORGE_TERRAFORM").map(PathBuf::from).unwrap_or(tools.join("bin/terraform"));
        let cli_config =
            std::env::var_os("SKYFORGE_TF_CLI_CONFIG_FILE").map(PathBuf::from).unwrap_or(tools.join("terraformrc"));
        if cli_config.exists() {
            command.env("TF_CLI_CONFIG_FILE", cli_config);
        }
        let mut child = command
            .args(args)
            .env("SKYFORGE_TERRAFORM", terraform)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("SKYFORGE_PORT", "0")
            .env("SKYFORGE_TABLE_NAME", &table_name)
            .env("SKYFORGE_JWT_SECRET_ID", &secret_id)
            .env("SKYFORGE_WEB_DIR", log_dir.join("no-web"))
            .env("SKYFORGE_SYNC_QUEUE_NAME", format!("e2e-{id}"))
            .env("SKYFORGE_SYNC_INTERVAL_SECS", "0")
            .env("SKYFORGE_ARTIFACT_BUCKET", &artifact_bucket)
            .env("SKYFORGE_STATE_BUCKET", format!("e2e-state-{id}"))
            .env("SKYFORGE_LOCK_TABLE", format!("e2e-locks-{id}"))
            // the 8 s default is for release builds; debug builds on a loaded machine get room
            .env("SKYFORGE_REQUEST_TIMEOUT_SECS", "20")
            .envs(env.iter().copied())
            .env(
                "RUST_LOG",
                "debug,aws_config=warn,aws_smithy_runtime=warn,aws_sdk_dynamodb=warn,hyper=warn,h2=warn,rustls=warn",
            )
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("starting skyforge-local");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        // the demo seeds its AWS account on the stand-in before it listens: allow for that
        let base = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("skyforge-local listening on ") {
                    return url.to_owned();
                }
            }
            panic!("skyforge-local exited before listening; see {}", log_path.display())
        })
        .await
        .expect("skyforge-local did not start within 120 s");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Platform {
            child,
            base,
            log_path,
            table_name,
            jwt_secret_id: secret_id,
            artifact_bucket,
            http,
            launched: launch,
        }
    }

    /// Connects the AWS account behind `role` to `user`'s organisation, for us-east-1 only: the
    /// credential's id.
    pub async fn connect_aws(&self, user: &TestUser, role: &str) -> String {
        let reply = self
            .post(
                &format!("/v1/orgs/{}/credentials", user.org),
                Some(&user.access),
                json!({"provider": "aws", "name": "prod", "role_arn": role, "regions": ["us-east-1"]}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        reply.body["id"].as_str().expect("the credential id").to_owned()
    }

    /// Waits for the sync of `credential` on its way (a new account's first sync), or asks for
    /// one ("sync now"), until it finishes: its run.
    pub async fn synced(&self, user: &TestUser, credential: &str) -> Value {
        let path = format!("/v1/orgs/{}/credentials/{credential}", user.org);
        // a sync already on its way (a new account's first one) is the one to wait for
        let current = self.get(&path, &user.access).await;
        let run = match current.body["pending_sync"]["run_id"].as_str() {
            Some(pending) => pending.to_owned(),
            None => {
                let queued = self.post(&format!("{path}/sync"), Some(&user.access), serde_json::json!({})).await;
                assert_eq!(queued.status, reqwest::StatusCode::ACCEPTED, "{:?}", queued.body);
                assert_eq!(queued.body["status"], "queued");
                queued.body["id"].as_str().unwrap().to_owned()
            }
        };
        self.finished(user, credential, &run).await
    }

    /// Syncs `credential` now, after what the test changed in the cloud: waits for a sync already
    /// on its way (it may have listed the account before the change), then runs a new one.
    pub async fn resynced(&self, user: &TestUser, credential: &str) -> Value {
        let path = format!("/v1/orgs/{}/credentials/{credential}", user.org);
        let current = self.get(&path, &user.access).await;
        if let Some(pending) = current.body["pending_sync"]["run_id"].as_str() {
            self.finished(user, credential, pending).await;
        }
        let queued = self.post(&format!("{path}/sync"), Some(&user.access), serde_json::json!({})).await;
        assert_eq!(queued.status, reqwest::StatusCode::ACCEPTED, "{:?}", queued.body);
        self.finished(user, credential, queued.body["id"].as_str().unwrap()).await
    }

    /// Polls a sync run until it ends (30 s at most); answers it.
    pub async fn finished(&self, user: &TestUser, credential: &str, run: &str) -> Value {
        let path = format!("/v1/orgs/{}/credentials/{credential}", user.org);
        for _ in 0..120 {
            let reply = self.get(&format!("{path}/syncs/{run}"), &user.access).await;
            if ["succeeded", "partial", "failed"].contains(&reply.body["status"].as_str().unwrap_or("")) {
                return reply.body;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("sync {run} did not finish in 30 s");
    }

    /// Everything the platform logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, headers, body }
    }

    /// The WebSocket URL of the live endpoint, with a token (or none).
    pub fn live_url(&self, token: Option<&str>) -> String {
        let base = self.base.replacen("http://", "ws://", 1);
        match token {
            Some(token) => format!("{base}/v1/live?token={token}"),
            None => format!("{base}/v1/live"),
        }
    }

    pub fn raw(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post("/v1/auth/login", None, json!({"email": email, "password": password})).await
    }

    /// An HTTP client whose requests come from another loopback address (all of 127.0.0.0/8
    /// reaches the platform on 127.0.0.1), to play callers at different source addresses.
    pub fn client_from(&self, address: &str) -> reqwest::Client {
        let address: std::net::IpAddr = address.parse().expect("an IP address");
        reqwest::Client::builder().local_address(address).timeout(Duration::from_secs(30)).build().unwrap()
    }

    /// Logs in through `client` (see [`Platform::client_from`]) with the given body.
    pub async fn login_through(&self, client: &reqwest::Client, body: Value) -> Reply {
        self.send(client.post(format!("{}/v1/auth/login", self.base)).json(&body)).await
    }

    /// Signs up a new user with a unique email and logs them in.
    pub async fn user(&self, name: &str) -> TestUser {
        let email = format!("{name}-{}@example.com", ulid::Ulid::new().to_string().to_lowercase());
        let signup =
            self.post("/v1/auth/signup", None, json!({"email": email, "password": PASSWORD, "name": name})).await;
        assert_eq!(signup.status, StatusCode::CREATED, "{:?}", signup.body);
        let login = self.login(&email, PASSWORD).await;
        assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
        TestUser {
            id: signup.body["user"]["id"].as_str().unwrap().to_owned(),
            org: signup.body["organization"]["id"].as_str().unwrap().to_owned(),
            email,
            access: login.body["access_token"].as_str().unwrap().to_owned(),
            refresh: login.body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Adds `member` to `org` with `role`, acting as `admin`.
    pub async fn add_member(&self, admin: &TestUser, org: &str, member: &TestUser, role: &str) {
        let reply = self
            .post(&format!("/v1/orgs/{org}/members"), Some(&admin.access), json!({"email": member.email, "role": role}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        // kill_on_drop sends SIGKILL too; stopping it here, by PID, also reaps it
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
        }
        let _ = self.child.start_kill();
    }
}

async fn create_signing_key(secret_id: &str) {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(secret_id)
        .secret_string(TEST_JWT_KEY)
        .send()
        .await
        .expect("creating the test signing key on the stand-in");
}
