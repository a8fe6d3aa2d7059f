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

impl Config {
    pub const TABLE_NAME: &'static str = "SKYFORGE_TABLE_NAME";
    pub const JWT_SECRET_ID: &'static str = "SKYFORGE_JWT_SECRET_ID";

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut missing = Vec::new();
        let mut require = |name: &'static str| {
            let value = lookup(name).filter(|v| !v.trim().is_empty());
            if value.is_none() {
                missing.push(name);
            }
            value.unwrap_or_default()
        };
        let config = Self { table_name: require(Self::TABLE_NAME), jwt_secret_id: require(Self::JWT_SECRET_ID) };
        if missing.is_empty() { Ok(config) } else { Err(ConfigError(missing)) }
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
        let mut missing = Vec::new();
        let mut require = |name: &'static str| {
            let value = lookup(name).filter(|v| !v.trim().is_empty());
            if value.is_none() {
                missing.push(name);
            }
            value.unwrap_or_default()
        };
        let config = Self {
            queue_url: require(Self::QUEUE_URL),
            platform_principal: require(Self::PLATFORM_PRINCIPAL),
            role_template_url: require(Self::ROLE_TEMPLATE_URL),
        };
        if missing.is_empty() { Ok(config) } else { Err(ConfigError(missing)) }
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
