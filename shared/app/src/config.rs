//! Configuration read once per cold start. Variable names match `template.yaml` and the local
//! runtime; a missing variable is named, all of them at once.

use std::collections::BTreeMap;
use std::env;

use skyforge_domain::costs::CostPolicy;

/// Every environment variable a function reads goes through one [`Env`]: it names all missing
/// or invalid variables at once, and can list what it read (`<function> --print-env`), which a
/// test compares with each function's `Environment` in `template.yaml`.
pub struct Env<L> {
    lookup: L,
    read: BTreeMap<&'static str, Need>,
    missing: Vec<&'static str>,
    invalid: Vec<String>,
    print: bool,
}

/// Whether a function cannot start without a variable or has a default for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Required,
    Optional,
}

/// The argument that makes a function print the variables it reads (as JSON) and exit.
pub const PRINT_ENV_FLAG: &str = "--print-env";

impl Env<fn(&str) -> Option<String>> {
    /// The process environment; `--print-env` as the first argument lists instead of failing.
    pub fn process() -> Self {
        let mut env = Env::new(process_var as fn(&str) -> Option<String>);
        env.print = env::args().nth(1).as_deref() == Some(PRINT_ENV_FLAG);
        env
    }
}

fn process_var(name: &str) -> Option<String> {
    env::var(name).ok()
}

impl<L: Fn(&str) -> Option<String>> Env<L> {
    pub fn new(lookup: L) -> Self {
        Self { lookup, read: BTreeMap::new(), missing: Vec::new(), invalid: Vec::new(), print: false }
    }

    /// A variable the function cannot start without (blank counts as missing).
    pub fn required(&mut self, name: &'static str) -> String {
        self.read.insert(name, Need::Required);
        let value = self.value(name);
        if value.is_none() {
            self.missing.push(name);
        }
        value.unwrap_or_default()
    }

    /// A variable with a default; `None` when unset or blank.
    pub fn optional(&mut self, name: &'static str) -> Option<String> {
        self.read.entry(name).or_insert(Need::Optional);
        self.value(name)
    }

    /// An optional whole number of at least 0; a bad value is named by [`Env::finish`].
    pub fn number(&mut self, name: &'static str, default: i64) -> i64 {
        match self.optional(name) {
            None => default,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    self.invalid.push(format!("{name} is a whole number of at least 0, not {raw:?}"));
                    default
                }
            },
        }
    }

    fn value(&self, name: &str) -> Option<String> {
        (self.lookup)(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// The variables read so far, by name.
    pub fn variables(&self) -> &BTreeMap<&'static str, Need> {
        &self.read
    }

    /// Ok when every required variable was set and every value made sense; under
    /// `--print-env`, prints what was read and exits instead.
    pub fn finish(self) -> Result<(), ConfigError> {
        if self.print {
            println!("{}", serde_json::to_string(&self.read).unwrap_or_default());
            std::process::exit(0);
        }
        if self.missing.is_empty() && self.invalid.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { missing: self.missing, invalid: self.invalid })
        }
    }
}

/// Missing and invalid variables, all of them.
#[derive(Debug, thiserror::Error)]
#[error("{}; set them (see docs/configuration.md)", self.describe())]
pub struct ConfigError {
    pub missing: Vec<&'static str>,
    pub invalid: Vec<String>,
}

impl ConfigError {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!("missing environment variable(s): {}", self.missing.join(", ")));
        }
        parts.extend(self.invalid.iter().cloned());
        parts.join("; ")
    }
}

/// What every function that touches the app table needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SKYFORGE_TABLE_NAME`: the DynamoDB app table.
    pub table_name: String,
    /// `SKYFORGE_JWT_SECRET_ID`: the Secrets Manager secret holding the JWT signing key; empty in
    /// functions that authenticate no one ([`Config::read_table_only`]).
    pub jwt_secret_id: String,
}

impl Config {
    pub const TABLE_NAME: &'static str = "SKYFORGE_TABLE_NAME";
    pub const JWT_SECRET_ID: &'static str = "SKYFORGE_JWT_SECRET_ID";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self { table_name: env.required(Self::TABLE_NAME), jwt_secret_id: env.required(Self::JWT_SECRET_ID) }
    }

    /// For the sync functions, which never see a user and so never read the signing key.
    pub fn read_table_only(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self { table_name: env.required(Self::TABLE_NAME), jwt_secret_id: String::new() }
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut env = Env::new(lookup);
        let config = Self::read(&mut env);
        env.finish().map(|()| config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = Config::from_lookup(|_| None).unwrap_err();
        assert_eq!(err.missing, vec!["SKYFORGE_TABLE_NAME", "SKYFORGE_JWT_SECRET_ID"]);
        assert!(err.to_string().contains("SKYFORGE_TABLE_NAME, SKYFORGE_JWT_SECRET_ID"));
    }

    #[test]
    fn present_variables_are_read() {
        let config = Config::from_lookup(|name| Some(format!("v-{name}"))).unwrap();
        assert_eq!(config.table_name, "v-SKYFORGE_TABLE_NAME");
    }

    #[test]
    fn env_lists_what_it_read_and_names_missing_and_invalid_values_together() {
        let mut env = Env::new(|name: &str| (name == "SKYFORGE_COST_REFRESH_HOURS").then(|| "soon".to_owned()));
        Config::read(&mut env);
        SyncConfig::read(&mut env);
        cost_policy(&mut env);
        assert_eq!(env.variables()["SKYFORGE_SYNC_QUEUE_URL"], Need::Required);
        assert_eq!(env.variables()["SKYFORGE_COST_REFRESH_HOURS"], Need::Optional);
        let message = env.finish().unwrap_err().to_string();
        assert!(message.contains("SKYFORGE_TABLE_NAME, SKYFORGE_JWT_SECRET_ID, SKYFORGE_SYNC_QUEUE_URL"), "{message}");
        assert!(message.contains("SKYFORGE_COST_REFRESH_HOURS is a whole number"), "{message}");
    }
}

/// The sync queues: scheduled syncs (queued by the scheduler) and on-demand ones ("Sync now",
/// first syncs, after an apply; queued by the API and provisioning), each with its own consumer.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// `SKYFORGE_SYNC_QUEUE_URL`: the SQS queue of scheduled sync messages.
    pub queue_url: String,
    /// `SKYFORGE_SYNC_NOW_QUEUE_URL`: the SQS queue of on-demand sync messages.
    pub now_queue_url: String,
    /// `SKYFORGE_SYNC_INTERVAL_MINUTES` (10) and `SKYFORGE_SYNC_STALE_MINUTES` (60): the due rule.
    pub policy: skyforge_domain::sync::SyncPolicy,
}

impl SyncConfig {
    pub const QUEUE_URL: &'static str = "SKYFORGE_SYNC_QUEUE_URL";
    pub const NOW_QUEUE_URL: &'static str = "SKYFORGE_SYNC_NOW_QUEUE_URL";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self {
            queue_url: env.required(Self::QUEUE_URL),
            now_queue_url: env.required(Self::NOW_QUEUE_URL),
            policy: sync_policy(env),
        }
    }
}

/// The due rule's knobs, each optional: `SKYFORGE_SYNC_INTERVAL_MINUTES` (10, the schedule's
/// period) and `SKYFORGE_SYNC_STALE_MINUTES` (60, when a pending sync counts as lost).
pub fn sync_policy(env: &mut Env<impl Fn(&str) -> Option<String>>) -> skyforge_domain::sync::SyncPolicy {
    let defaults = skyforge_domain::sync::SyncPolicy::default();
    skyforge_domain::sync::SyncPolicy {
        interval: chrono::Duration::minutes(
            env.number("SKYFORGE_SYNC_INTERVAL_MINUTES", defaults.interval.num_minutes()).max(1),
        ),
        stale_after: chrono::Duration::minutes(
            env.number("SKYFORGE_SYNC_STALE_MINUTES", defaults.stale_after.num_minutes()).max(1),
        ),
    }
}

/// Where customers' AWS roles point (api-credentials only).
#[derive(Debug, Clone)]
pub struct RoleSetupConfig {
    /// `SKYFORGE_PLATFORM_PRINCIPAL`: the principal customers' AWS roles trust (this
    /// deployment's account or sync role ARN).
    pub platform_principal: String,
    /// `SKYFORGE_ROLE_TEMPLATE_URL`: https URL of `infra/customer-role.yaml` for the quick-create link.
    pub role_template_url: String,
}

impl RoleSetupConfig {
    pub const PLATFORM_PRINCIPAL: &'static str = "SKYFORGE_PLATFORM_PRINCIPAL";
    pub const ROLE_TEMPLATE_URL: &'static str = "SKYFORGE_ROLE_TEMPLATE_URL";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self {
            platform_principal: env.required(Self::PLATFORM_PRINCIPAL),
            role_template_url: env.required(Self::ROLE_TEMPLATE_URL),
        }
    }
}

/// Where the Azure and GCP APIs are. Each defaults to the public cloud; tests, the local demo
/// and sovereign clouds point them elsewhere. Optional variables: a function that never talks
/// to Azure or GCP can leave them all out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEndpoints {
    /// `SKYFORGE_AZURE_LOGIN_URL`: the Microsoft identity platform (authority host).
    pub azure_login: String,
    /// `SKYFORGE_AZURE_ARM_URL`: Azure Resource Manager; tokens are asked for `<this>/.default`.
    pub azure_arm: String,
    /// `SKYFORGE_GCP_TOKEN_URL`: replaces the `token_uri` of every service-account key when set.
    pub gcp_token: Option<String>,
    /// `SKYFORGE_GCP_COMPUTE_URL`: the Compute Engine API (also used to read each project).
    pub gcp_compute: String,
    /// `SKYFORGE_GCP_STORAGE_URL`: the Cloud Storage JSON API.
    pub gcp_storage: String,
    /// `SKYFORGE_GCP_BIGQUERY_URL`: BigQuery, where the Cloud Billing export is queried.
    pub gcp_bigquery: String,
}

impl Default for CloudEndpoints {
    fn default() -> Self {
        Self {
            azure_login: "https://login.microsoftonline.com".into(),
            azure_arm: "https://management.azure.com".into(),
            gcp_token: None,
            gcp_compute: "https://compute.googleapis.com".into(),
            gcp_storage: "https://storage.googleapis.com".into(),
            gcp_bigquery: "https://bigquery.googleapis.com".into(),
        }
    }
}

impl CloudEndpoints {
    pub const AZURE_LOGIN_URL: &'static str = "SKYFORGE_AZURE_LOGIN_URL";
    pub const AZURE_ARM_URL: &'static str = "SKYFORGE_AZURE_ARM_URL";
    pub const GCP_TOKEN_URL: &'static str = "SKYFORGE_GCP_TOKEN_URL";
    pub const GCP_COMPUTE_URL: &'static str = "SKYFORGE_GCP_COMPUTE_URL";
    pub const GCP_STORAGE_URL: &'static str = "SKYFORGE_GCP_STORAGE_URL";
    pub const GCP_BIGQUERY_URL: &'static str = "SKYFORGE_GCP_BIGQUERY_URL";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        let defaults = Self::default();
        // a trailing slash would double up when paths are appended
        let mut read = |name: &'static str| env.optional(name).map(|v| v.trim_end_matches('/').to_owned());
        Self {
            azure_login: read(Self::AZURE_LOGIN_URL).unwrap_or(defaults.azure_login),
            azure_arm: read(Self::AZURE_ARM_URL).unwrap_or(defaults.azure_arm),
            gcp_token: read(Self::GCP_TOKEN_URL),
            gcp_compute: read(Self::GCP_COMPUTE_URL).unwrap_or(defaults.gcp_compute),
            gcp_storage: read(Self::GCP_STORAGE_URL).unwrap_or(defaults.gcp_storage),
            gcp_bigquery: read(Self::GCP_BIGQUERY_URL).unwrap_or(defaults.gcp_bigquery),
        }
    }
}

#[cfg(test)]
mod endpoint_tests {
    use super::*;

    #[test]
    fn endpoints_default_to_the_public_clouds_and_can_be_overridden() {
        assert_eq!(CloudEndpoints::read(&mut Env::new(|_: &str| None)), CloudEndpoints::default());
        let local = CloudEndpoints::read(&mut Env::new(|name: &str| {
            (name == CloudEndpoints::AZURE_ARM_URL).then(|| "http://127.0.0.1:9000/".to_owned())
        }));
        assert_eq!(local.azure_arm, "http://127.0.0.1:9000");
        assert_eq!(local.azure_login, "https://login.microsoftonline.com");
    }
}

/// What the provisioning functions need besides [`Config`].
#[derive(Debug, Clone)]
pub struct DeploymentConfig {
    /// `SKYFORGE_ARTIFACT_BUCKET`: plans, outputs and archived run logs.
    pub artifact_bucket: String,
    /// `SKYFORGE_RUNNER_PROJECT`: the CodeBuild project that runs `infra/buildspec.yml`.
    pub runner_project: String,
    /// `SKYFORGE_RUNNER_LOG_GROUP`: the CloudWatch Logs group of its builds.
    pub runner_log_group: String,
    /// `SKYFORGE_WS_ENDPOINT`: the WebSocket API's management endpoint (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`).
    pub ws_endpoint: String,
    /// `SKYFORGE_SYNC_NOW_QUEUE_URL`: syncs queued after a run changed resources (on-demand).
    pub queue_url: String,
}

impl DeploymentConfig {
    pub const ARTIFACT_BUCKET: &'static str = "SKYFORGE_ARTIFACT_BUCKET";
    pub const RUNNER_PROJECT: &'static str = "SKYFORGE_RUNNER_PROJECT";
    pub const RUNNER_LOG_GROUP: &'static str = "SKYFORGE_RUNNER_LOG_GROUP";
    pub const WS_ENDPOINT: &'static str = "SKYFORGE_WS_ENDPOINT";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self {
            artifact_bucket: env.required(Self::ARTIFACT_BUCKET),
            runner_project: env.required(Self::RUNNER_PROJECT),
            runner_log_group: env.required(Self::RUNNER_LOG_GROUP),
            ws_endpoint: env.required(Self::WS_ENDPOINT),
            queue_url: env.required(SyncConfig::NOW_QUEUE_URL),
        }
    }
}

/// What the run reaper needs besides provisioning's own configuration: where Terraform keeps
/// state and its locks, to release a lock a lost build left.
pub struct ReaperConfig {
    /// `SKYFORGE_STATE_BUCKET`: the S3 backend's bucket (the lock id starts with it).
    pub state_bucket: String,
    /// `SKYFORGE_LOCK_TABLE`: the S3 backend's DynamoDB lock table.
    pub lock_table: String,
}

impl ReaperConfig {
    pub const STATE_BUCKET: &'static str = "SKYFORGE_STATE_BUCKET";
    pub const LOCK_TABLE: &'static str = "SKYFORGE_LOCK_TABLE";

    pub fn read(env: &mut Env<impl Fn(&str) -> Option<String>>) -> Self {
        Self { state_bucket: env.required(Self::STATE_BUCKET), lock_table: env.required(Self::LOCK_TABLE) }
    }
}

/// The cost pipeline's knobs, each optional (defaults in [`CostPolicy::default`]):
/// `SKYFORGE_COST_REFRESH_HOURS` (6), `SKYFORGE_COST_RESTATED_DAYS` (3),
/// `SKYFORGE_COST_HISTORY_DAYS` (90), `SKYFORGE_COST_MAX_RANGE_DAYS` (366).
pub fn cost_policy(env: &mut Env<impl Fn(&str) -> Option<String>>) -> CostPolicy {
    let defaults = CostPolicy::default();
    CostPolicy {
        refresh_interval: chrono::Duration::hours(
            env.number("SKYFORGE_COST_REFRESH_HOURS", defaults.refresh_interval.num_hours()),
        ),
        restated_days: env.number("SKYFORGE_COST_RESTATED_DAYS", defaults.restated_days),
        history_days: env.number("SKYFORGE_COST_HISTORY_DAYS", defaults.history_days).max(1),
        max_range_days: env.number("SKYFORGE_COST_MAX_RANGE_DAYS", defaults.max_range_days).max(1),
    }
}

#[cfg(test)]
mod cost_policy_tests {
    use super::*;

    #[test]
    fn unset_knobs_take_the_defaults_and_bad_ones_are_named() {
        assert_eq!(cost_policy(&mut Env::new(|_: &str| None)), CostPolicy::default());
        let hourly = cost_policy(&mut Env::new(|n: &str| (n == "SKYFORGE_COST_REFRESH_HOURS").then(|| "1".into())));
        assert_eq!(hourly.refresh_interval, chrono::Duration::hours(1));
        let mut env = Env::new(|n: &str| (n == "SKYFORGE_COST_HISTORY_DAYS").then(|| "many".into()));
        cost_policy(&mut env);
        assert!(env.finish().unwrap_err().to_string().contains("SKYFORGE_COST_HISTORY_DAYS"));
    }
}
