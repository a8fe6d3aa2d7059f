//! The billing sources against the real protocols: Cost Explorer on the moto server (seeded
//! through its documented `/moto-api/static/ce/cost-and-usage-results`), its forecast (which
//! moto lacks), and Azure Cost Management and GCP's BigQuery billing export against the HTTP
//! doubles (`skyforge-cloud-doubles`) that serve their documented JSON: daily rows per service,
//! paging, throttling waited out, refusals as clear errors.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use chrono::{NaiveDate, Utc};
use serde_json::json;
use skyforge_app::clouds::CloudError;
use skyforge_app::config::CloudEndpoints;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_cloud_doubles::azure::{AzureDouble, AzureSubscription};
use skyforge_cloud_doubles::costs::DailyCost;
use skyforge_cloud_doubles::demo::{
    self, AZURE_CLIENT, AZURE_SECRET, AZURE_SUBSCRIPTION, AZURE_TENANT, GCP_BILLING_EXPORT, GCP_EMAIL, GCP_PROJECT,
};
use skyforge_cloud_doubles::gcp::GcpDouble;
use skyforge_cloud_signin::{AzureAuth, GcpAuth, ProviderHttp, RetryPolicy};
use skyforge_clouds::AwsCosts;
use skyforge_clouds::azure::costs::AzureCosts;
use skyforge_clouds::gcp::costs::GcpCosts;
use skyforge_domain::credentials::Credential;
use skyforge_domain::credentials::{CloudSecret, Sensitive};
use skyforge_domain::ids::{CredentialId, OrgId, UserId};
use skyforge_domain::provider::Provider;
use wiremock::matchers::{body_string_contains, header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn credential(provider: Provider) -> Credential {
    Credential {
        id: CredentialId::new(),
        org_id: OrgId::new(),
        provider,
        name: "test".into(),
        method: "x".into(),
        hint: "x".into(),
        account_id: None,
        scopes: vec![],
        regions: None,
        sync_enabled: true,
        secret_id: "s".into(),
        created_by: UserId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

/// One retry after a 429, without waiting the second the doubles ask for.
fn fast() -> ProviderHttp {
    ProviderHttp::new(RetryPolicy { retries: 1, max_wait: Duration::from_millis(1) })
}

fn cost(day: &str, service: &str, amount: &str) -> DailyCost {
    DailyCost { day: day.parse().unwrap(), service: service.into(), amount: amount.into(), currency: "USD".into() }
}

/// (day, service, amount, account) of each fetched row, as the platform stores them.
fn fetched(rows: &[skyforge_domain::costs::CostRow]) -> Vec<(String, String, String, String)> {
    rows.iter().map(|r| (r.day.to_string(), r.service.clone(), r.amount.to_string(), r.account.clone())).collect()
}

fn row(day: &str, service: &str, amount: &str, account: &str) -> (String, String, String, String) {
    (day.into(), service.into(), amount.into(), account.into())
}

// ---------- AWS Cost Explorer ----------

fn ce_day(start: &str, end: &str, groups: serde_json::Value) -> serde_json::Value {
    json!({ "TimePeriod": { "Start": start, "End": end }, "Total": {}, "Groups": groups, "Estimated": false })
}

fn ce_group(service: &str, account: &str, amount: &str) -> serde_json::Value {
    json!({ "Keys": [service, account], "Metrics": { "UnblendedCost": { "Amount": amount, "Unit": "USD" } } })
}

#[tokio::test]
async fn cost_explorer_pages_on_moto_are_read_and_counted() {
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .expect("these tests run against the moto server: use `make test`, or start one and set AWS_ENDPOINT_URL");
    let account = format!("{}", 100_000_000_000 + ulid::Ulid::new().random() % 900_000_000_000);
    // two pages: the first names a next page, which is a distinct request and takes the next result
    let results = json!({
        "account_id": account,
        "results": [
            {
                "ResultsByTime": [ce_day("2026-11-01", "2026-11-02", json!([
                    ce_group("Amazon Elastic Compute Cloud - Compute", &account, "12.3456789"),
                    ce_group("Amazon Simple Storage Service", &account, "0.0000012"),
                    ce_group("Tax", &account, "0"),
                ]))],
                "NextPageToken": "page-2",
                "DimensionValueAttributes": []
            },
            {
                "ResultsByTime": [ce_day("2026-11-02", "2026-11-03", json!([
                    ce_group("Amazon Elastic Compute Cloud - Compute", "210987654321", "1.5E-3"),
                ]))],
                "DimensionValueAttributes": []
            }
        ]
    });
    let seeded = reqwest::Client::new()
        .post(format!("{endpoint}/moto-api/static/ce/cost-and-usage-results"))
        .json(&results)
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status().as_u16(), 201);

    let secret = CloudSecret::AwsRole {
        role_arn: format!("arn:aws:iam::{account}:role/skyforge-readonly"),
        external_id: "e".into(),
    };
    let cred = credential(Provider::Aws);
    let costs = AwsCosts::new(skyforge_aws::sdk_config().await);
    let fetch = costs.fetch(&cred, &secret, day("2026-11-01"), day("2026-11-02"), day("2026-11-22")).await.unwrap();
    let rows: Vec<(String, &str, &str, String)> = fetch
        .rows
        .iter()
        .map(|r| (r.day.to_string(), r.account.as_str(), r.service.as_str(), r.amount.to_string()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-11-01".into(), account.as_str(), "Amazon Elastic Compute Cloud - Compute", "12.3456789".into()),
            ("2026-11-01".into(), account.as_str(), "Amazon Simple Storage Service", "0.0000012".into()),
            ("2026-11-02".into(), "210987654321", "Amazon Elastic Compute Cloud - Compute", "0.0015".into()),
        ],
        "zero rows are skipped, amounts stay exact, linked accounts are kept"
    );
    assert!(fetch.rows.iter().all(|r| r.credential_id == cred.id && r.currency.as_str() == "USD"));
    // two GetCostAndUsage pages and one GetCostForecast (which moto does not answer)
    assert_eq!(fetch.requests, 3);
    assert!(fetch.forecast.is_none());
}

async fn platform_at(double: &MockServer) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(double.uri())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        )))
        .load()
        .await
}

fn keys() -> CloudSecret {
    CloudSecret::AwsKeys { access_key_id: "AKIAIOSFODNN7EXAMPLE".into(), secret_access_key: Sensitive::new("s") }
}

fn ce_target(operation: &str) -> wiremock::matchers::HeaderExactMatcher {
    header("x-amz-target", format!("AWSInsightsIndexService.{operation}").as_str())
}

#[tokio::test]
async fn the_forecast_covers_the_rest_of_the_month() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(ce_target("GetCostAndUsage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ResultsByTime": [] })))
        .expect(1)
        .mount(&double)
        .await;
    Mock::given(method("POST"))
        .and(ce_target("GetCostForecast"))
        .and(body_string_contains(r#""Start":"2026-11-22""#))
        .and(body_string_contains(r#""End":"2026-12-01""#))
        .and(body_string_contains("UNBLENDED_COST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Total": { "Amount": "321.987654", "Unit": "USD" },
            "ForecastResultsByTime": []
        })))
        .expect(1)
        .mount(&double)
        .await;
    let costs = AwsCosts::new(platform_at(&double).await);
    let fetch = costs
        .fetch(&credential(Provider::Aws), &keys(), day("2026-11-19"), day("2026-11-22"), day("2026-11-22"))
        .await
        .unwrap();
    let forecast = fetch.forecast.unwrap();
    assert_eq!((forecast.from, forecast.to), (day("2026-11-22"), day("2026-11-30")));
    assert_eq!(forecast.amount.to_string(), "321.987654");
    assert_eq!(fetch.requests, 2);
}

#[tokio::test]
async fn cost_explorer_refusals_are_named_with_the_requests_made() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(ce_target("GetCostAndUsage"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "__type": "AccessDeniedException",
            "message": "User is not authorized to perform ce:GetCostAndUsage"
        })))
        .mount(&double)
        .await;
    let costs = AwsCosts::new(platform_at(&double).await);
    let (error, requests) = costs
        .fetch(&credential(Provider::Aws), &keys(), day("2026-11-19"), day("2026-11-22"), day("2026-11-22"))
        .await
        .unwrap_err();
    assert!(matches!(&error, CloudError::AccessDenied(m) if m.contains("GetCostAndUsage")), "{error:?}");
    assert_eq!(requests, 1);
}

// ---------- Azure Cost Management ----------

/// A second subscription of the demo tenant.
const OTHER_SUBSCRIPTION: &str = "d3a0f1c2-0000-4000-8000-0000000005b2";

fn azure_secret(secret: &str) -> CloudSecret {
    CloudSecret::AzureServicePrincipal {
        tenant_id: AZURE_TENANT.into(),
        client_id: AZURE_CLIENT.into(),
        client_secret: Sensitive::new(secret),
        subscription_ids: vec![AZURE_SUBSCRIPTION.into(), OTHER_SUBSCRIPTION.into()],
    }
}

/// The demo tenant with known costs in two subscriptions, two rows a page.
async fn azure_double() -> AzureDouble {
    let mut world = demo::azure_world();
    world.subscriptions[0].costs = vec![
        cost("2026-10-31", "Virtual Machines", "99"),
        cost("2026-11-01", "Virtual Machines", "12.34"),
        cost("2026-11-01", "Bandwidth", "0"),
        cost("2026-11-01", "Storage", "0.0000012"),
        cost("2026-11-02", "Virtual Machines", "11.5"),
    ];
    world.subscriptions.push(AzureSubscription {
        id: OTHER_SUBSCRIPTION.into(),
        name: "second".into(),
        costs: vec![cost("2026-11-02", "Storage", "3.5")],
        ..Default::default()
    });
    world.cost_page_size = 2;
    AzureDouble::start(world).await
}

fn azure_costs(double: &AzureDouble, http: ProviderHttp) -> AzureCosts {
    let endpoints = CloudEndpoints { azure_login: double.uri(), azure_arm: double.uri(), ..CloudEndpoints::default() };
    AzureCosts::new(Arc::new(AzureAuth::new(http, &endpoints)))
}

async fn azure_fetch(costs: &AzureCosts, secret: &CloudSecret) -> Result<CostFetch, (CloudError, u64)> {
    costs.fetch(&credential(Provider::Azure), secret, day("2026-11-01"), day("2026-11-02"), day("2026-11-22")).await
}

#[tokio::test]
async fn azure_daily_costs_per_service_of_every_subscription_follow_next_links() {
    let double = azure_double().await;
    let fetch = azure_fetch(&azure_costs(&double, fast()), &azure_secret(AZURE_SECRET)).await.unwrap();
    assert_eq!(
        fetched(&fetch.rows),
        vec![
            row("2026-11-01", "Virtual Machines", "12.34", AZURE_SUBSCRIPTION),
            row("2026-11-01", "Storage", "0.0000012", AZURE_SUBSCRIPTION),
            row("2026-11-02", "Virtual Machines", "11.5", AZURE_SUBSCRIPTION),
            row("2026-11-02", "Storage", "3.5", OTHER_SUBSCRIPTION),
        ],
        "only the asked days, zero rows skipped, amounts exact, each row on its subscription"
    );
    assert!(fetch.rows.iter().all(|r| r.provider == Provider::Azure && r.currency.as_str() == "USD"));
    // four rows of the first subscription over two pages, one of the second; the sign-in is no billing request
    assert_eq!(fetch.requests, 3);
    assert!(fetch.forecast.is_none(), "Azure's query has no forecast: the run rate stands in");
}

#[tokio::test]
async fn azure_throttling_is_waited_out_and_refusals_are_clear() {
    let double = azure_double().await;
    let costs = azure_costs(&double, fast());
    double.update(|w| w.throttle_next = 1);
    let fetch = azure_fetch(&costs, &azure_secret(AZURE_SECRET)).await.expect("one 429 is waited out");
    assert_eq!((fetch.rows.len(), fetch.requests), (4, 4), "the throttled attempt counts as a request");

    double.update(|w| w.throttle_next = 5);
    let (error, requests) = azure_fetch(&costs, &azure_secret(AZURE_SECRET)).await.unwrap_err();
    assert!(matches!(error, CloudError::Throttled(_)), "{error:?}");
    assert_eq!(requests, 2, "one attempt and one retry");

    double.update(|w| {
        w.throttle_next = 0;
        w.forbidden.insert(OTHER_SUBSCRIPTION.into());
    });
    let (error, requests) = azure_fetch(&costs, &azure_secret(AZURE_SECRET)).await.unwrap_err();
    assert!(
        matches!(&error, CloudError::AccessDenied(m) if m.contains("AuthorizationFailed") && m.contains("Cost Management Reader")),
        "the provider's words and what to grant: {error}"
    );
    assert_eq!(requests, 3, "the first subscription's two pages, then the refusal");

    let (error, requests) = azure_fetch(&costs, &azure_secret("wrong")).await.unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(m) if m.contains("client secret is wrong")), "{error}");
    assert_eq!(requests, 0);
    assert!(!error.to_string().contains("azure-token"), "no token in errors");
}

/// The demo tenant signs in; ARM is `garbage`, answering `body` to the cost query.
async fn azure_answering(double: &AzureDouble, body: ResponseTemplate) -> (MockServer, AzureCosts) {
    let garbage = MockServer::start().await;
    Mock::given(method("POST")).respond_with(body).mount(&garbage).await;
    let endpoints = CloudEndpoints { azure_login: double.uri(), azure_arm: garbage.uri(), ..CloudEndpoints::default() };
    (garbage, AzureCosts::new(Arc::new(AzureAuth::new(fast(), &endpoints))))
}

#[tokio::test]
async fn azure_answers_that_cannot_be_read_are_malformed() {
    let double = azure_double().await;
    let secret = CloudSecret::AzureServicePrincipal {
        tenant_id: AZURE_TENANT.into(),
        client_id: AZURE_CLIENT.into(),
        client_secret: Sensitive::new(AZURE_SECRET),
        subscription_ids: vec![AZURE_SUBSCRIPTION.into()],
    };
    let (_arm, costs) = azure_answering(&double, ResponseTemplate::new(200).set_body_string("<html>")).await;
    let (error, requests) = azure_fetch(&costs, &secret).await.unwrap_err();
    assert_eq!((error.code(), requests), ("malformed_response", 1), "{error}");

    let no_columns = json!({ "properties": { "columns": [], "rows": [] } });
    let (_arm, costs) = azure_answering(&double, ResponseTemplate::new(200).set_body_json(no_columns)).await;
    let (error, _) = azure_fetch(&costs, &secret).await.unwrap_err();
    assert!(matches!(&error, CloudError::Malformed(m) if m.contains("cost column")), "{error:?}");
}

// ---------- GCP BigQuery billing export ----------

struct Gcp {
    double: GcpDouble,
    key: String,
}

/// The demo project with known costs in its billing export; jobs take one poll, two rows a page.
async fn gcp_double() -> Gcp {
    let double = GcpDouble::start(demo::gcp_world("")).await;
    let (key, public) = skyforge_cloud_doubles::service_account_key(GCP_EMAIL, GCP_PROJECT, &double.token_uri());
    double.update(|w| {
        w.public_key_pem = public;
        w.projects[0].costs = vec![
            cost("2026-10-31", "Compute Engine", "99"),
            cost("2026-11-01", "Compute Engine", "10.125"),
            cost("2026-11-01", "Networking", "0"),
            cost("2026-11-02", "Cloud Storage", "0.42"),
            cost("2026-11-02", "Compute Engine", "9.5"),
        ];
        w.job_polls = 1;
        w.bigquery_page_size = 2;
    });
    Gcp { double, key }
}

impl Gcp {
    fn costs(&self, bigquery: &str) -> GcpCosts {
        let endpoints = CloudEndpoints { gcp_bigquery: bigquery.to_owned(), ..CloudEndpoints::default() };
        GcpCosts::new(Arc::new(GcpAuth::new(fast(), &endpoints)))
    }

    fn secret(&self, table: Option<&str>) -> CloudSecret {
        CloudSecret::GcpServiceAccount {
            client_email: GCP_EMAIL.into(),
            key_json: Sensitive::new(self.key.clone()),
            project_ids: vec![GCP_PROJECT.into()],
            billing_export: table.map(str::to_owned),
        }
    }

    async fn fetch(&self, costs: &GcpCosts, table: Option<&str>) -> Result<CostFetch, (CloudError, u64)> {
        costs
            .fetch(
                &credential(Provider::Gcp),
                &self.secret(table),
                day("2026-11-01"),
                day("2026-11-02"),
                day("2026-11-22"),
            )
            .await
    }
}

#[tokio::test]
async fn bigquery_waits_for_the_job_and_reads_every_page() {
    let gcp = gcp_double().await;
    let fetch = gcp.fetch(&gcp.costs(&gcp.double.uri()), Some(GCP_BILLING_EXPORT)).await.unwrap();
    assert_eq!(
        fetched(&fetch.rows),
        vec![
            row("2026-11-01", "Compute Engine", "10.125", GCP_PROJECT),
            row("2026-11-02", "Cloud Storage", "0.42", GCP_PROJECT),
            row("2026-11-02", "Compute Engine", "9.5", GCP_PROJECT),
        ],
        "only the asked days, zero rows skipped, amounts exact"
    );
    assert!(fetch.rows.iter().all(|r| r.provider == Provider::Gcp && r.currency.as_str() == "USD"));
    assert_eq!(fetch.requests, 3, "the query, the poll that brings the first page, the second page");
}

#[tokio::test]
async fn bigquery_throttling_is_waited_out_and_refusals_are_clear() {
    let gcp = gcp_double().await;
    let costs = gcp.costs(&gcp.double.uri());
    gcp.double.update(|w| w.throttle_next = 1);
    let fetch = gcp.fetch(&costs, Some(GCP_BILLING_EXPORT)).await.expect("one 429 is waited out");
    assert_eq!((fetch.rows.len(), fetch.requests), (3, 4));

    let (error, requests) = gcp.fetch(&costs, None).await.unwrap_err();
    assert!(matches!(&error, CloudError::AccessDenied(m) if m.contains("billing_export")), "{error:?}");
    assert_eq!(requests, 0, "nothing to ask without the export table");

    let (error, requests) =
        gcp.fetch(&costs, Some("skyforge-demo-project.billing_export.other_table")).await.unwrap_err();
    assert!(
        matches!(&error, CloudError::AccessDenied(m) if m.contains("other_table was not found") && m.contains("BigQuery Job User")),
        "{error}"
    );
    assert_eq!(requests, 1);

    gcp.double.update(|w| {
        w.forbidden.insert(GCP_PROJECT.into());
    });
    let (error, _) = gcp.fetch(&costs, Some(GCP_BILLING_EXPORT)).await.unwrap_err();
    assert!(matches!(&error, CloudError::AccessDenied(m) if m.contains("bigquery.jobs.create")), "{error}");

    let refused = GcpCosts::new(Arc::new(GcpAuth::new(fast(), &CloudEndpoints::default())));
    let other_key = CloudSecret::GcpServiceAccount {
        client_email: GCP_EMAIL.into(),
        key_json: Sensitive::new(
            skyforge_cloud_doubles::service_account_key(GCP_EMAIL, GCP_PROJECT, &gcp.double.token_uri()).0,
        ),
        project_ids: vec![GCP_PROJECT.into()],
        billing_export: Some(GCP_BILLING_EXPORT.into()),
    };
    let (error, requests) = refused
        .fetch(&credential(Provider::Gcp), &other_key, day("2026-11-01"), day("2026-11-02"), day("2026-11-22"))
        .await
        .unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(m) if m.contains("Invalid JWT Signature")), "{error}");
    assert_eq!(requests, 0);
}

#[tokio::test]
async fn bigquery_answers_that_cannot_be_read_are_malformed() {
    let gcp = gcp_double().await;
    let garbage = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "jobComplete": true, "rows": [] })))
        .mount(&garbage)
        .await;
    let (error, requests) = gcp.fetch(&gcp.costs(&garbage.uri()), Some(GCP_BILLING_EXPORT)).await.unwrap_err();
    assert!(matches!(&error, CloudError::Malformed(m) if m.contains("schema")), "{error:?}");
    assert_eq!(requests, 1);
}
