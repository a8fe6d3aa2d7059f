//! Configuration read once per cold start. Variable names match `template.yaml` and the local
//! runtime; a missing variable is named, all of them at once.

use std::env;

use skyforge_domain::costs::CostPolicy;

/// What every HTTP function needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SKYFORGE_TABLE_NAME`: the DynamoDB app table.
    pub table_name: String,
    /// `SKYFORGE_JWT_SECRET_ID`: the Secrets Manager secret holding the JWT signing key.
    pub jwt_secret_id: String,
}

#[derive(Debug, thiserror::Error)]
#[error("missing environment variable(s): {}; set them (see README, Configuration)", .0.join(", "))]
pub struct ConfigError(pub Vec<&'static str>);

/// Reads required variables, remembering every missing (or blank) one so they are named at once.
struct Required<L> {
    lookup: L,
    missing: Vec<&'static str>,
}

impl<L: Fn(&str) -> Option<String>> Required<L> {
    fn new(lookup: L) -> Self {
        Self { lookup, missing: Vec::new() }
    }

    fn get(&mut self, name: &'static str) -> String {
        let value = (self.lookup)(name).filter(|v| !v.trim().is_empty());
        if value.is_none() {
            self.missing.push(name);
        }
        value.unwrap_or_default()
    }

    fn finish<T>(self, config: T) -> Result<T, ConfigError> {
        if self.missing.is_empty() { Ok(config) } else { Err(ConfigError(self.missing)) }
    }
}

impl Config {
    pub const TABLE_NAME: &'static str = "SKYFORGE_TABLE_NAME";
    pub const JWT_SECRET_ID: &'static str = "SKYFORGE_JWT_SECRET_ID";

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut required = Required::new(lookup);
        let config =
            Self { table_name: required.get(Self::TABLE_NAME), jwt_secret_id: required.get(Self::JWT_SECRET_ID) };
        required.finish(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = Config::from_lookup(|_| None).unwrap_err();
        assert_eq!(err.0, vec!["SKYFORGE_TABLE_NAME", "SKYFORGE_JWT_SECRET_ID"]);
        assert!(err.to_string().contains("SKYFORGE_TABLE_NAME, SKYFORGE_JWT_SECRET_ID"));
    }

    #[test]
    fn present_variables_are_read() {
        let config = Config::from_lookup(|name| Some(format!("v-{name}"))).unwrap();
        assert_eq!(config.table_name, "v-SKYFORGE_TABLE_NAME");
    }
}

/// What the functions of cloud accounts and sync need besides [`Config`].
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// `SKYFORGE_SYNC_QUEUE_URL`: the SQS queue of sync messages.
    pub queue_url: String,
    /// `SKYFORGE_PLATFORM_PRINCIPAL`: the principal customers' AWS roles trust (this
    /// deployment's account or sync role ARN).
    pub platform_principal: String,
    /// `SKYFORGE_ROLE_TEMPLATE_URL`: https URL of `infra/customer-role.yaml` for the quick-create link.
    pub role_template_url: String,
}

impl SyncConfig {
    pub const QUEUE_URL: &'static str = "SKYFORGE_SYNC_QUEUE_URL";
    pub const PLATFORM_PRINCIPAL: &'static str = "SKYFORGE_PLATFORM_PRINCIPAL";
    pub const ROLE_TEMPLATE_URL: &'static str = "SKYFORGE_ROLE_TEMPLATE_URL";

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut required = Required::new(lookup);
        let config = Self {
            queue_url: required.get(Self::QUEUE_URL),
            platform_principal: required.get(Self::PLATFORM_PRINCIPAL),
            role_template_url: required.get(Self::ROLE_TEMPLATE_URL),
        };
        required.finish(config)
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

    pub fn from_env() -> Self {
        Self::from_lookup(|name| env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let defaults = Self::default();
        // a trailing slash would double up when paths are appended
        let read =
            |name: &str| lookup(name).map(|v| v.trim().trim_end_matches('/').to_owned()).filter(|v| !v.is_empty());
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
        assert_eq!(CloudEndpoints::from_lookup(|_| None), CloudEndpoints::default());
        let local = CloudEndpoints::from_lookup(|name| {
            (name == CloudEndpoints::AZURE_ARM_URL).then(|| "http://127.0.0.1:9000/".to_owned())
        });
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
    /// `SKYFORGE_SYNC_QUEUE_URL`: syncs queued after a run changed resources.
    pub queue_url: String,
}

impl DeploymentConfig {
    pub const ARTIFACT_BUCKET: &'static str = "SKYFORGE_ARTIFACT_BUCKET";
    pub const RUNNER_PROJECT: &'static str = "SKYFORGE_RUNNER_PROJECT";
    pub const RUNNER_LOG_GROUP: &'static str = "SKYFORGE_RUNNER_LOG_GROUP";
    pub const WS_ENDPOINT: &'static str = "SKYFORGE_WS_ENDPOINT";

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut required = Required::new(lookup);
        let config = Self {
            artifact_bucket: required.get(Self::ARTIFACT_BUCKET),
            runner_project: required.get(Self::RUNNER_PROJECT),
            runner_log_group: required.get(Self::RUNNER_LOG_GROUP),
            ws_endpoint: required.get(Self::WS_ENDPOINT),
            queue_url: required.get(SyncConfig::QUEUE_URL),
        };
        required.finish(config)
    }
}

/// The cost pipeline's knobs, each optional (defaults in [`CostPolicy::default`]):
/// `SKYFORGE_COST_REFRESH_HOURS` (6), `SKYFORGE_COST_RESTATED_DAYS` (3),
/// `SKYFORGE_COST_HISTORY_DAYS` (90), `SKYFORGE_COST_MAX_RANGE_DAYS` (366).
pub fn cost_policy(lookup: impl Fn(&str) -> Option<String>) -> Result<CostPolicy, String> {
    let defaults = CostPolicy::default();
    let number = |name: &str, default: i64| -> Result<i64, String> {
        match lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n),
                _ => Err(format!("{name} is a whole number of at least 0, not {raw:?}")),
            },
        }
    };
    Ok(CostPolicy {
        refresh_interval: chrono::Duration::hours(number(
            "SKYFORGE_COST_REFRESH_HOURS",
            defaults.refresh_interval.num_hours(),
        )?),
        restated_days: number("SKYFORGE_COST_RESTATED_DAYS", defaults.restated_days)?,
        history_days: number("SKYFORGE_COST_HISTORY_DAYS", defaults.history_days)?.max(1),
        max_range_days: number("SKYFORGE_COST_MAX_RANGE_DAYS", defaults.max_range_days)?.max(1),
    })
}

/// [`cost_policy`] from the process environment.
pub fn cost_policy_from_env() -> Result<CostPolicy, String> {
    cost_policy(|name| env::var(name).ok())
}

#[cfg(test)]
mod cost_policy_tests {
    use super::*;

    #[test]
    fn unset_knobs_take_the_defaults_and_bad_ones_are_named() {
        assert_eq!(cost_policy(|_| None).unwrap(), CostPolicy::default());
        let hourly = cost_policy(|n| (n == "SKYFORGE_COST_REFRESH_HOURS").then(|| "1".into())).unwrap();
        assert_eq!(hourly.refresh_interval, chrono::Duration::hours(1));
        let err = cost_policy(|n| (n == "SKYFORGE_COST_HISTORY_DAYS").then(|| "many".into())).unwrap_err();
        assert!(err.contains("SKYFORGE_COST_HISTORY_DAYS"));
    }
}
