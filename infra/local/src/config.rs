//! The local runtime's settings: the functions' own configuration plus where to listen and
//! what to serve. Every variable has a default that works with `make up`.

use std::env;
use std::path::PathBuf;

use anyhow::Context;
use skyforge_app::config::{self, CloudEndpoints, Config, Env};
use skyforge_domain::costs::CostPolicy;

pub struct LocalConfig {
    pub app: Config,
    /// The `SKYFORGE_AZURE_*`/`SKYFORGE_GCP_*` endpoints (the demo's doubles replace them).
    pub cloud_endpoints: CloudEndpoints,
    /// The `SKYFORGE_COST_*` knobs.
    pub cost_policy: CostPolicy,
    /// `SKYFORGE_BIND`, default 127.0.0.1.
    pub bind: String,
    /// `SKYFORGE_PORT`, default 8080; 0 picks a free port.
    pub port: u16,
    /// `SKYFORGE_WEB_DIR`, default `web/dist`: the built web app.
    pub web_dir: PathBuf,
    /// `SKYFORGE_SYNC_QUEUE_NAME`, default `skyforge-sync`: created on the stand-in if missing,
    /// with the on-demand queue beside it (`<name>-now`).
    pub queue_name: String,
    /// The due rule: its interval is the scheduler's (`SKYFORGE_SYNC_INTERVAL_SECS`), its
    /// staleness bound `SKYFORGE_SYNC_STALE_MINUTES` (60).
    pub sync_policy: skyforge_domain::sync::SyncPolicy,
    /// `SKYFORGE_SYNC_INTERVAL_SECS`, default 600: how often the scheduler runs; 0 turns it off.
    pub sync_interval_secs: u64,
    /// `SKYFORGE_PLATFORM_PRINCIPAL`, default the stand-in's account root.
    pub platform_principal: String,
    /// `SKYFORGE_DEMO_BULK_INSTANCES`, default 0: with `--seed-demo`, this many more instances
    /// in the demo AWS account (spread over its regions), for the dashboard benchmark. Each
    /// start adds them again, so it is meant for a fresh stand-in.
    pub demo_bulk_instances: usize,
    /// `SKYFORGE_ARTIFACT_BUCKET`, default `skyforge-artifacts`: plans, outputs, run logs.
    pub artifact_bucket: String,
    /// `SKYFORGE_STATE_BUCKET`, default `skyforge-tfstate`: Terraform state, one key per deployment.
    pub state_bucket: String,
    /// `SKYFORGE_LOCK_TABLE`, default `skyforge-tflocks`: Terraform's state locks.
    pub lock_table: String,
    /// `SKYFORGE_TERRAFORM`, default `.tools/bin/terraform` of the checkout (from `infra/local/setup.sh`).
    pub terraform: PathBuf,
    /// `TF_CLI_CONFIG_FILE`, default `.tools/terraformrc` of the checkout (the offline provider mirror).
    pub terraform_cli_config: Option<PathBuf>,
    /// `SKYFORGE_PYTHON`, default `.venv/bin/python` of the checkout: the runner uploads with boto3.
    pub python: PathBuf,
    /// `SKYFORGE_RUNNER_SCRIPT`, default `infra/runner/run.sh` of the checkout.
    pub runner_script: PathBuf,
    /// `SKYFORGE_RUN_DIR`, default a folder in the system temp dir: the runs' working folders.
    pub run_dir: PathBuf,
    /// `SKYFORGE_PHASE_TIMEOUT_SECS`, default 3600: a phase running longer is errored and stopped.
    pub phase_timeout_secs: u64,
    /// `SKYFORGE_REAPER_INTERVAL_SECS`, default 300: how often the run reaper looks for runs whose
    /// runner was lost or whose phase is overdue (it also runs once at start-up); 0 runs it only
    /// at start-up.
    pub reaper_interval_secs: u64,
}

/// The checkout this binary was built from (the local runtime is a developer tool).
fn checkout() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn in_checkout_or(relative: &str, fallback: &str) -> PathBuf {
    let path = checkout().join(relative);
    if path.exists() { path } else { PathBuf::from(fallback) }
}

impl LocalConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str, default: &str| {
            env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
        };
        let app = Config::from_lookup(|name| {
            let default = match name {
                Config::TABLE_NAME => "skyforge",
                Config::JWT_SECRET_ID => "skyforge/jwt-signing-key",
                _ => "",
            };
            Some(var(name, default))
        })?;
        let mut optional = Env::new(|name: &str| env::var(name).ok());
        let (cloud_endpoints, cost_policy) = (CloudEndpoints::read(&mut optional), config::cost_policy(&mut optional));
        let mut sync_policy = config::sync_policy(&mut optional);
        optional.finish()?;
        let port = var("SKYFORGE_PORT", "8080");
        Ok(Self {
            app,
            cloud_endpoints,
            cost_policy,
            bind: var("SKYFORGE_BIND", "127.0.0.1"),
            port: port.parse().with_context(|| format!("SKYFORGE_PORT must be a port number, not {port:?}"))?,
            web_dir: PathBuf::from(var("SKYFORGE_WEB_DIR", "web/dist")),
            queue_name: var("SKYFORGE_SYNC_QUEUE_NAME", "skyforge-sync"),
            sync_interval_secs: {
                let raw = var("SKYFORGE_SYNC_INTERVAL_SECS", "600");
                let secs: u64 = raw
                    .parse()
                    .with_context(|| format!("SKYFORGE_SYNC_INTERVAL_SECS must be a number of seconds, not {raw:?}"))?;
                if secs > 0 {
                    sync_policy.interval = chrono::Duration::seconds(secs as i64);
                }
                secs
            },
            sync_policy,
            platform_principal: var("SKYFORGE_PLATFORM_PRINCIPAL", "arn:aws:iam::123456789012:root"),
            demo_bulk_instances: {
                let raw = var("SKYFORGE_DEMO_BULK_INSTANCES", "0");
                raw.parse().with_context(|| {
                    format!("SKYFORGE_DEMO_BULK_INSTANCES must be a number of instances, not {raw:?}")
                })?
            },
            artifact_bucket: var("SKYFORGE_ARTIFACT_BUCKET", "skyforge-artifacts"),
            state_bucket: var("SKYFORGE_STATE_BUCKET", "skyforge-tfstate"),
            lock_table: var("SKYFORGE_LOCK_TABLE", "skyforge-tflocks"),
            terraform: env::var_os("SKYFORGE_TERRAFORM")
                .map(PathBuf::from)
                .unwrap_or_else(|| in_checkout_or(".tools/bin/terraform", "terraform")),
            terraform_cli_config: env::var_os("TF_CLI_CONFIG_FILE")
                .map(PathBuf::from)
                .or_else(|| Some(checkout().join(".tools/terraformrc")).filter(|p| p.exists())),
            python: env::var_os("SKYFORGE_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|| in_checkout_or(".venv/bin/python", "python3")),
            runner_script: env::var_os("SKYFORGE_RUNNER_SCRIPT")
                .map(PathBuf::from)
                .unwrap_or_else(|| checkout().join("infra/runner/run.sh")),
            run_dir: env::var_os("SKYFORGE_RUN_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| env::temp_dir().join(format!("skyforge-runs-{}", std::process::id()))),
            phase_timeout_secs: {
                let raw = var("SKYFORGE_PHASE_TIMEOUT_SECS", "3600");
                raw.parse()
                    .with_context(|| format!("SKYFORGE_PHASE_TIMEOUT_SECS must be a number of seconds, not {raw:?}"))?
            },
            reaper_interval_secs: {
                let raw = var("SKYFORGE_REAPER_INTERVAL_SECS", "300");
                raw.parse().with_context(|| {
                    format!("SKYFORGE_REAPER_INTERVAL_SECS must be a number of seconds, not {raw:?}")
                })?
            },
        })
    }
}
