//! The whole platform as one process on one machine: every area's router on 127.0.0.1, the
//! built web app at the same origin, against whatever AWS endpoint `AWS_ENDPOINT_URL` names
//! (the moto server by default, see the Makefile).
//!
//! ```text
//! skyforge-local [serve] [--seed-demo] [--bind ADDR] [--port PORT]   run the platform
//! skyforge-local openapi                                              print the OpenAPI document
//! skyforge-local --help | --version
//! ```
//! An unknown command or flag is refused with exit status 2 (clap's usage error).

mod config;
mod demo;
mod provisioning;
mod reaper;
mod sync;
mod web;

use std::net::SocketAddr;

use anyhow::Context;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use skyforge_api::extract::ClientIp;
use skyforge_aws::bootstrap;
use skyforge_aws::table::TableDefinition;
use std::sync::Arc;

use skyforge_api::routes::costs::CostsState;
use skyforge_api::routes::credentials::CredentialsState;
use skyforge_api::routes::deployments::DeploymentsState;
use skyforge_api::routes::inventory::InventoryState;
use skyforge_app::config::{RoleSetupConfig, SyncConfig};
use tracing_subscriber::EnvFilter;

use crate::config::LocalConfig;

/// Skyforge on one machine: every API area, the web app and the stand-ins' clients in one
/// process, against the AWS endpoint `AWS_ENDPOINT_URL` names. Configuration is by environment
/// variables (README, Configuration; docs/operations.md); the flags below override a few.
#[derive(Debug, clap::Parser)]
#[command(name = "skyforge-local", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// `serve`'s options, also taken without the word `serve`
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run the platform (the default)
    Serve(ServeArgs),
    /// Print the OpenAPI document and exit
    Openapi,
}

#[derive(Debug, Clone, Default, clap::Args)]
struct ServeArgs {
    /// Seed the demo organisation, its cloud accounts and costs (what `make up` shows)
    #[arg(long)]
    seed_demo: bool,
    /// Address to listen on [default: SKYFORGE_BIND, else 127.0.0.1]
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// Port to listen on, 0 for a free one [default: SKYFORGE_PORT, else 8080]
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // --help and --version exit 0; a usage error exits 2
    let cli = <Cli as clap::Parser>::parse();
    match cli.command {
        Some(Command::Openapi) => {
            println!("{}", skyforge_api::openapi().to_pretty_json()?);
            Ok(())
        }
        Some(Command::Serve(args)) => serve(args).await,
        None => serve(cli.serve).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let seed_demo = args.seed_demo;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn")))
        .with_writer(std::io::stderr)
        .init();
    let mut local = LocalConfig::from_env()?;
    if let Some(bind) = args.bind {
        local.bind = bind;
    }
    if let Some(port) = args.port {
        local.port = port;
    }
    let sdk = skyforge_wiring::sdk_config().await;
    let listener = tokio::net::TcpListener::bind((local.bind.as_str(), local.port)).await.with_context(|| {
        format!("binding {}:{}; is the port free? set SKYFORGE_PORT to another", local.bind, local.port)
    })?;
    let address = listener.local_addr()?;

    // create what AWS would have from the SAM template, from the same definitions
    let table = TableDefinition::app_table().context("reading the app table from template.yaml")?;
    bootstrap::ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), &local.app.table_name, &table).await?;
    bootstrap::ensure_jwt_secret(&aws_sdk_secretsmanager::Client::new(&sdk), &local.app.jwt_secret_id).await?;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue_url = skyforge_aws::queue::ensure_queue(&sqs, &local.queue_name).await?;
    let now_queue_url = skyforge_aws::queue::ensure_queue(&sqs, &format!("{}-now", local.queue_name)).await?;
    let sync_config =
        SyncConfig { queue_url: queue_url.clone(), now_queue_url: now_queue_url.clone(), policy: local.sync_policy };
    let roles = RoleSetupConfig {
        platform_principal: local.platform_principal.clone(),
        role_template_url: format!("http://{address}/customer-role.yaml"),
    };

    // the demo's Azure subscription and GCP project are served by the doubles the tests use;
    // they live as long as the process
    let demo_clouds = match seed_demo {
        true => Some(demo::DemoClouds::start().await?),
        false => None,
    };
    let endpoints = demo_clouds.as_ref().map_or_else(|| local.cloud_endpoints.clone(), demo::DemoClouds::endpoints);

    let table = local.app.table_name.as_str();
    let services = skyforge_wiring::services(&sdk, &local.app).await?;
    let credentials = Arc::new(skyforge_wiring::sync::credential_service(
        &sdk,
        table,
        &now_queue_url,
        &roles,
        &endpoints,
        services.audit.clone(),
    ));
    let inventory = Arc::new(skyforge_wiring::inventory_service(&sdk, table));
    let compliance = Arc::new(skyforge_wiring::compliance_reader(&sdk, table));
    // the costs page reads what the sync worker refreshed
    let costs = Arc::new(skyforge_wiring::cost_reports(&sdk, table, local.cost_policy));
    let sync = Arc::new(skyforge_wiring::sync::sync_worker(&sdk, table, &sync_config, &endpoints, local.cost_policy));

    // provisioning: what the SAM template creates, then the runner as a subprocess
    let s3 = skyforge_aws::provisioning::s3_client(&sdk);
    for bucket in [&local.artifact_bucket, &local.state_bucket] {
        skyforge_aws::provisioning::setup::ensure_bucket(&s3, bucket).await?;
    }
    skyforge_aws::provisioning::setup::ensure_lock_table(&aws_sdk_dynamodb::Client::new(&sdk), &local.lock_table)
        .await?;
    let executor = provisioning::LocalExecutor::new(provisioning::RunnerSettings {
        script: local.runner_script.clone(),
        terraform: local.terraform.clone(),
        python: local.python.clone(),
        cli_config: local.terraform_cli_config.clone(),
        state_bucket: local.state_bucket.clone(),
        lock_table: local.lock_table.clone(),
        artifact_bucket: local.artifact_bucket.clone(),
        work_root: local.run_dir.clone(),
        phase_timeout: std::time::Duration::from_secs(local.phase_timeout_secs),
    });
    let hub = provisioning::LocalHub::new();
    let deployments = Arc::new(
        skyforge_wiring::provisioning::deployment_service(
            &sdk,
            table,
            &local.artifact_bucket,
            executor.clone(),
            Arc::new(hub.clone()),
            Some(skyforge_wiring::sync::sync_requests(&sdk, table, &now_queue_url)),
            services.audit.clone(),
        )
        .with_phase_timeout(chrono::Duration::seconds(local.phase_timeout_secs as i64))
        .with_state_locks(Arc::new(skyforge_aws::provisioning::DynamoStateLocks::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            &local.lock_table,
            &local.state_bucket,
        ))),
    );
    executor.attach(deployments.clone());

    let api = skyforge_api::auth_router(services.clone())
        .merge(skyforge_api::health_router(services.health.clone()))
        .merge(skyforge_api::credentials_router(CredentialsState {
            services: services.clone(),
            credentials: credentials.clone(),
        }))
        .merge(skyforge_api::inventory_router(InventoryState {
            services: services.clone(),
            inventory: inventory.clone(),
            compliance: compliance.clone(),
        }))
        .merge(skyforge_api::deployments_router(DeploymentsState {
            services: services.clone(),
            deployments: deployments.clone(),
            inventory,
        }))
        .route(
            "/v1/live",
            axum::routing::get(provisioning::connect).with_state(provisioning::LiveState {
                services: services.clone(),
                deployments: deployments.clone(),
                hub,
            }),
        )
        .merge(skyforge_api::costs_router(CostsState { services: services.clone(), costs }))
        .route("/customer-role.yaml", axum::routing::get(|| async { CUSTOMER_ROLE_TEMPLATE }));
    let router = skyforge_api::layers(api.merge(web::router(&local.web_dir))).layer(middleware::from_fn(client_ip));

    // one consumer per queue, as the worker's two event source mappings on AWS: "Sync now"
    // never waits behind the scheduler's backlog
    tokio::spawn(sync::poller(sync.clone(), sqs.clone(), queue_url));
    tokio::spawn(sync::poller(sync.clone(), sqs, now_queue_url));
    tokio::spawn(reaper::reaper(deployments.clone(), std::time::Duration::from_secs(local.reaper_interval_secs)));
    if local.sync_interval_secs > 0 {
        tokio::spawn(sync::scheduler(sync.clone(), std::time::Duration::from_secs(local.sync_interval_secs)));
    }
    if seed_demo {
        demo::seed(&services, &credentials, &sdk, demo_clouds.as_ref(), local.demo_bulk_instances).await?;
    }

    // tests and scripts read this line to find the port
    println!("skyforge-local listening on http://{address}");
    if seed_demo {
        demo::print_login(address);
    }
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

/// The CloudFormation template customers deploy for the read-only role (quick-create link).
const CUSTOMER_ROLE_TEMPLATE: &str = include_str!("../../customer-role.yaml");

/// Locally the peer address is the client's; there is no proxy in front to trust headers from.
async fn client_ip(ConnectInfo(peer): ConnectInfo<SocketAddr>, mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(ClientIp(Some(peer.ip().to_string())));
    next.run(request).await
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("installing SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn serve_takes_its_options_with_or_without_the_word_serve() {
        let cli = Cli::try_parse_from(["skyforge-local", "serve", "--seed-demo", "--port", "0"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve(ServeArgs { seed_demo: true, port: Some(0), .. }))));
        let cli = Cli::try_parse_from(["skyforge-local", "--seed-demo"]).unwrap();
        assert!(cli.command.is_none() && cli.serve.seed_demo);
        let cli = Cli::try_parse_from(["skyforge-local"]).unwrap();
        assert!(cli.command.is_none() && !cli.serve.seed_demo);
    }

    #[test]
    fn unknown_flags_and_commands_are_usage_errors_with_exit_status_2() {
        for args in
            [&["skyforge-local", "--nope"][..], &["skyforge-local", "serve", "--nope"], &["skyforge-local", "deploy"]]
        {
            let error = Cli::try_parse_from(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        }
    }

    #[test]
    fn help_and_version_are_answered_not_refused() {
        for args in [
            &["skyforge-local", "--help"][..],
            &["skyforge-local", "serve", "--help"],
            &["skyforge-local", "--version"],
        ] {
            let error = Cli::try_parse_from(args).unwrap_err();
            assert_eq!(error.exit_code(), 0, "{args:?}");
        }
        let help = Cli::try_parse_from(["skyforge-local", "serve", "--help"]).unwrap_err().to_string();
        assert!(help.contains("--seed-demo") && help.contains("--port"), "{help}");
    }
}
