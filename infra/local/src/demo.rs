//! Demo data for `make up`, clearly labelled: a user with a personal organisation; a demo
//! AWS account on the stand-in (instances in three regions, volumes, addresses, buckets, VPCs)
//! connected through the same role path customers use; a demo Azure subscription and GCP
//! project served by the HTTP doubles the tests use (buckets by the Cloud Storage emulator);
//! each synced once. All three have 90 days of demo costs: Cost Explorer results queued on the
//! stand-in, and the doubles' Cost Management and BigQuery billing export answers.

use std::net::SocketAddr;

use skyforge_app::auth::{LoginInput, SignupInput};
use skyforge_app::config::CloudEndpoints;
use skyforge_app::credentials::{CredentialService, NewCredential};
use skyforge_app::{AppError, Caller, Services};
use skyforge_cloud_doubles::azure::AzureDouble;
use skyforge_cloud_doubles::demo as clouds;
use skyforge_cloud_doubles::gcp::GcpDouble;
use skyforge_cloud_doubles::gcs::GcsEmulator;
use skyforge_domain::credentials::{CredentialInput, Sensitive};
use skyforge_domain::provider::Provider;

pub const EMAIL: &str = "demo@skyforge.local";
pub const PASSWORD: &str = "skyforge-demo-password";
pub const NAME: &str = "Demo User";
/// The demo AWS account lives in its own account on the stand-in, reached by assuming this role.
pub const DEMO_ROLE_ARN: &str = "arn:aws:iam::111122223333:role/skyforge-readonly";
/// Where bulk instances go (the demo account's regions).
const BULK_REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

/// The stand-ins of the demo Azure subscription and GCP project.
pub struct DemoClouds {
    azure: AzureDouble,
    gcp: GcpDouble,
    storage: GcsEmulator,
    gcp_key: String,
}

impl DemoClouds {
    pub async fn start() -> anyhow::Result<Self> {
        let azure = AzureDouble::start(clouds::azure_world()).await;
        let gcp = GcpDouble::start(clouds::gcp_world("")).await;
        let (gcp_key, public_key) =
            skyforge_cloud_doubles::service_account_key(clouds::GCP_EMAIL, clouds::GCP_PROJECT, &gcp.token_uri());
        gcp.update(|world| world.public_key_pem = public_key);
        let storage = GcsEmulator::start().await.map_err(|e| anyhow::anyhow!("the demo GCP buckets: {e}"))?;
        for bucket in ["skyforge-demo-assets", "skyforge-demo-backups"] {
            storage.create_bucket(clouds::GCP_PROJECT, bucket).await.map_err(|e| anyhow::anyhow!(e))?;
        }
        tracing::info!(azure = %azure.uri(), gcp = %gcp.uri(), storage = %storage.uri(), storage_pid = storage.pid(), "demo Azure and GCP stand-ins up");
        Ok(Self { azure, gcp, storage, gcp_key })
    }

    pub fn endpoints(&self) -> CloudEndpoints {
        CloudEndpoints {
            azure_login: self.azure.uri(),
            azure_arm: self.azure.uri(),
            gcp_token: None,
            gcp_compute: self.gcp.uri(),
            gcp_storage: self.storage.uri().to_owned(),
            // the same double serves the demo project's billing export (BigQuery jobs.query)
            gcp_bigquery: self.gcp.uri(),
        }
    }
}

/// Creates the demo user and connects the demo accounts, unless they exist already;
/// `bulk_instances` more instances in the demo AWS account first, when asked (the dashboard
/// benchmark), so the first sync brings them in.
pub async fn seed(
    services: &Services,
    credentials: &CredentialService,
    sdk: &aws_config::SdkConfig,
    demo_clouds: Option<&DemoClouds>,
    bulk_instances: usize,
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
    if bulk_instances > 0 {
        let per_region = bulk_instances.div_ceil(BULK_REGIONS.len());
        let seeded = skyforge_clouds::demo::seed_bulk_instances(sdk, DEMO_ROLE_ARN, &BULK_REGIONS, per_region)
            .await
            .map_err(|e| anyhow::anyhow!("seeding bulk demo instances: {e}"))?;
        tracing::info!(?seeded, "bulk demo instances started");
    }
    // 90 days of demo costs for Cost Explorer on the stand-in, answered at the first refresh
    if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") {
        let account = DEMO_ROLE_ARN.split(':').nth(4).unwrap_or_default();
        skyforge_clouds::demo::seed_demo_costs(&endpoint, account, chrono_today())
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo costs: {e}"))?;
        tracing::info!("demo costs queued (90 days, demo data)");
    }

    // act as the demo user, through the same services the API uses
    let tokens = services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let principal = services.auth.authenticate(&tokens.access_token).await.map_err(|e| anyhow::anyhow!(e))?;
    let (_, orgs) = services.orgs.me(&principal).await.map_err(|e| anyhow::anyhow!(e))?;
    let Some((org, _)) = orgs.first() else { anyhow::bail!("the demo user has no organisation") };
    let access = services.orgs.access(&principal, &org.id.to_string()).await.map_err(|e| anyhow::anyhow!(e))?;
    let existing = credentials
        .list(&access, &skyforge_domain::page::PageRequest::first(100))
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut demos = vec![NewCredential {
        provider: Provider::Aws,
        name: "Demo AWS account (demo data)".into(),
        regions: None,
        input: CredentialInput { role_arn: Some(DEMO_ROLE_ARN.into()), ..Default::default() },
    }];
    if let Some(demo_clouds) = demo_clouds {
        demos.push(NewCredential {
            provider: Provider::Azure,
            name: "Demo Azure subscription (demo data)".into(),
            regions: None,
            input: CredentialInput {
                tenant_id: Some(clouds::AZURE_TENANT.into()),
                client_id: Some(clouds::AZURE_CLIENT.into()),
                client_secret: Some(Sensitive::new(clouds::AZURE_SECRET)),
                subscription_ids: Some(vec![clouds::AZURE_SUBSCRIPTION.into()]),
                ..Default::default()
            },
        });
        demos.push(NewCredential {
            provider: Provider::Gcp,
            name: "Demo GCP project (demo data)".into(),
            regions: None,
            input: CredentialInput {
                service_account_key: Some(Sensitive::new(demo_clouds.gcp_key.clone())),
                project_ids: Some(vec![clouds::GCP_PROJECT.into()]),
                billing_export: Some(clouds::GCP_BILLING_EXPORT.into()),
                ..Default::default()
            },
        });
    }
    let caller = Caller::of(&principal, Some("127.0.0.1".into()));
    for new in demos {
        // one demo credential per provider: a restart with the same table keeps the first
        if existing.items.iter().any(|c| c.provider == new.provider) {
            continue;
        }
        let (provider, name) = (new.provider, new.name.clone());
        // adding queues the first sync, as it does for any user
        let (credential, _first_sync) = credentials
            .add(&access, new, &caller)
            .await
            .map_err(|e| anyhow::anyhow!(e).context(format!("connecting the {name}")))?;
        tracing::info!(credential = %credential.id, %provider, "demo account connected; first sync queued");
    }
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
