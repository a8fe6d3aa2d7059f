//! The whole platform as one process on one machine: every area's router on 127.0.0.1, the
//! built web app at the same origin, against whatever AWS endpoint `AWS_ENDPOINT_URL` names
//! (the moto server by default, see the Makefile).
//!
//! ```text
//! skyforge-local [serve] [--seed-demo]   run the platform
//! skyforge-local openapi                 print the OpenAPI document
//! ```

mod config;
mod demo;
mod web;

use std::net::SocketAddr;

use anyhow::Context;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use skyforge_api::extract::ClientIp;
use skyforge_aws::bootstrap;
use skyforge_aws::table::TableDefinition;
use tracing_subscriber::EnvFilter;

use crate::config::LocalConfig;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("openapi") => {
            println!("{}", skyforge_api::openapi().to_pretty_json()?);
            Ok(())
        }
        None | Some("serve") | Some("--seed-demo") => serve(args.iter().any(|a| a == "--seed-demo")).await,
        Some(other) => anyhow::bail!("unknown command {other:?}; use `serve [--seed-demo]` or `openapi`"),
    }
}

async fn serve(seed_demo: bool) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn")))
        .with_writer(std::io::stderr)
        .init();
    let local = LocalConfig::from_env()?;
    let sdk = skyforge_aws::sdk_config().await;

    // create what AWS would have from the SAM template, from the same definitions
    let table = TableDefinition::app_table().context("reading the app table from template.yaml")?;
    bootstrap::ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), &local.app.table_name, &table).await?;
    bootstrap::ensure_jwt_secret(&aws_sdk_secretsmanager::Client::new(&sdk), &local.app.jwt_secret_id).await?;

    let services = skyforge_aws::services(&sdk, &local.app).await?;
    if seed_demo {
        demo::seed(&services).await?;
    }

    let api = skyforge_api::auth_router(services.clone()).merge(skyforge_api::health_router(services.health.clone()));
    let router = skyforge_api::layers(api.merge(web::router(&local.web_dir))).layer(middleware::from_fn(client_ip));

    let listener = tokio::net::TcpListener::bind((local.bind.as_str(), local.port)).await.with_context(|| {
        format!("binding {}:{}; is the port free? set SKYFORGE_PORT to another", local.bind, local.port)
    })?;
    let address = listener.local_addr()?;
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
