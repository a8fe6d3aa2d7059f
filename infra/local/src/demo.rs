//! Demo data for `make up`, clearly labelled: a user with a personal organisation, and a demo
//! AWS account on the stand-in (instances in three regions, volumes, addresses, buckets, VPCs)
//! connected to it through the same role path customers use, then synced once.

use std::net::SocketAddr;

use skyforge_app::auth::SignupInput;
use skyforge_app::credentials::{CredentialService, NewCredential};
use skyforge_app::{AppError, Caller, Services};
use skyforge_domain::credentials::CredentialInput;
use skyforge_domain::inventory::Provider;

pub const EMAIL: &str = "demo@skyforge.local";
pub const PASSWORD: &str = "skyforge-demo-password";
pub const NAME: &str = "Demo User";
/// The demo AWS account lives in its own account on the stand-in, reached by assuming this role.
pub const DEMO_ROLE_ARN: &str = "arn:aws:iam::111122223333:role/skyforge-readonly";

/// Creates the demo user, the demo AWS account and its credential, unless they exist already.
pub async fn seed(
    services: &Services,
    credentials: &CredentialService,
    sdk: &aws_config::SdkConfig,
) -> anyhow::Result<()> {
    let caller = Caller::anonymous(Some("127.0.0.1".into()));
    let input = SignupInput { email: EMAIL, password: PASSWORD, name: NAME };
    match services.auth.signup(input, &caller).await {
        Ok((user, org)) => tracing::info!(user = %user.id, org = %org.id, "demo user created"),
        Err(AppError::EmailTaken) => tracing::info!("demo user exists already"),
        Err(error) => return Err(anyhow::anyhow!(error).context("creating the demo user")),
    }

    let summary = skyforge_clouds::demo::seed_demo_account(sdk, DEMO_ROLE_ARN)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo AWS account: {e}"))?;
    tracing::info!(?summary, "demo AWS account ready");
    // 90 days of demo costs for Cost Explorer on the stand-in, answered at the first refresh
    if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") {
        let account = DEMO_ROLE_ARN.split(':').nth(4).unwrap_or_default();
        skyforge_clouds::demo::seed_demo_costs(&endpoint, account, chrono_today())
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo costs: {e}"))?;
        tracing::info!("demo costs queued (90 days, demo data)");
    }

    // act as the demo user, through the same services the API uses
    let tokens = services.auth.login(EMAIL, PASSWORD, &caller).await.map_err(|e| anyhow::anyhow!(e))?;
    let principal = services.auth.authenticate(&tokens.access_token).await.map_err(|e| anyhow::anyhow!(e))?;
    let (_, orgs) = services.orgs.me(&principal).await.map_err(|e| anyhow::anyhow!(e))?;
    let Some((org, _)) = orgs.first() else { anyhow::bail!("the demo user has no organisation") };
    let access = services.orgs.access(&principal, &org.id.to_string()).await.map_err(|e| anyhow::anyhow!(e))?;
    let existing = credentials
        .list(&access, &skyforge_domain::page::PageRequest::first(100))
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    if existing.items.iter().any(|c| c.hint == DEMO_ROLE_ARN) {
        return Ok(());
    }
    let new = NewCredential {
        provider: Provider::Aws,
        name: "Demo AWS account (demo data)".into(),
        regions: None,
        input: CredentialInput { role_arn: Some(DEMO_ROLE_ARN.into()), ..Default::default() },
    };
    let caller = Caller::of(&principal, Some("127.0.0.1".into()));
    let credential = credentials
        .add(&access, new, &caller)
        .await
        .map_err(|e| anyhow::anyhow!(e).context("connecting the demo AWS account"))?;
    credentials.sync_now(&access, &credential.id.to_string(), &caller).await.map_err(|e| anyhow::anyhow!(e))?;
    tracing::info!(credential = %credential.id, "demo AWS account connected; first sync queued");
    Ok(())
}

pub fn print_login(address: SocketAddr) {
    println!();
    println!("  Skyforge is running (demo data)");
    println!("  open       http://{address}");
    println!("  log in as  {EMAIL} / {PASSWORD}");
    println!("  API        http://{address}/v1/openapi.json");
    println!();
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
