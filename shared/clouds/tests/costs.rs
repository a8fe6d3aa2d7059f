//! The billing sources against the real protocols: Cost Explorer on the moto server (seeded
//! through its documented `/moto-api/static/ce/cost-and-usage-results`), its forecast (which
//! moto lacks) and the Azure and GCP REST APIs against HTTP doubles serving their documented
//! JSON.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use chrono::{NaiveDate, Utc};
use serde_json::json;
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::CostSource;
use skyforge_clouds::AwsCosts;
use skyforge_clouds::azure_costs::AzureCosts;
use skyforge_clouds::bearer::{FixedToken, RetryPolicy};
use skyforge_clouds::gcp_costs::GcpCosts;
use skyforge_domain::credentials::{CloudSecret, Sensitive};
use skyforge_domain::ids::{CredentialId, OrgId, UserId};
use skyforge_domain::inventory::Provider;
use skyforge_domain::sync::Credential;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
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

fn fast() -> RetryPolicy {
    RetryPolicy { attempts: 2, max_wait: Duration::from_millis(1) }
}

fn token() -> Arc<FixedToken> {
    Arc::new(FixedToken(Sensitive::new("test-token")))
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

const SUB: &str = "00000000-0000-0000-0000-00000000000a";

fn azure_secret() -> CloudSecret {
    CloudSecret::AzureServicePrincipal {
        tenant_id: "t".into(),
        client_id: "c".into(),
        client_secret: Sensitive::new("s"),
        subscription_ids: vec![SUB.into()],
    }
}

fn azure_page(rows: serde_json::Value, next: Option<String>) -> serde_json::Value {
    json!({
        "id": format!("/subscriptions/{SUB}/providers/Microsoft.CostManagement/query/q1"),
        "name": "q1",
        "type": "Microsoft.CostManagement/query",
        "properties": {
            "nextLink": next,
            "columns": [
                { "name": "Cost", "type": "Number" },
                { "name": "UsageDate", "type": "Number" },
                { "name": "ServiceName", "type": "String" },
                { "name": "Currency", "type": "String" }
            ],
            "rows": rows
        }
    })
}

fn azure_query_path() -> String {
    format!("/subscriptions/{SUB}/providers/Microsoft.CostManagement/query")
}

#[tokio::test]
async fn azure_daily_costs_follow_next_links() {
    let double = MockServer::start().await;
    let next = format!("{}{}?api-version=2023-03-01&$skiptoken=abc", double.uri(), azure_query_path());
    Mock::given(method("POST"))
        .and(path(azure_query_path()))
        .and(query_param("$skiptoken", "abc"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(azure_page(json!([[3.5, 20261102, "Storage", "EUR"]]), None)),
        )
        .expect(1)
        .mount(&double)
        .await;
    Mock::given(method("POST"))
        .and(path(azure_query_path()))
        .and(query_param("api-version", "2023-03-01"))
        .and(header("authorization", "Bearer test-token"))
        .and(body_string_contains(r#""granularity":"Daily""#))
        .and(body_string_contains(r#""name":"ServiceName""#))
        .and(body_string_contains("2026-11-01T00:00:00Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(azure_page(
            json!([[12.34, 20261101, "Virtual Machines", "EUR"], [0, 20261101, "Bandwidth", "EUR"]]),
            Some(next),
        )))
        .expect(1)
        .mount(&double)
        .await;
    let costs = AzureCosts::new(&double.uri(), token()).with_retry(fast());
    let fetch = costs
        .fetch(&credential(Provider::Azure), &azure_secret(), day("2026-11-01"), day("2026-11-02"), day("2026-11-22"))
        .await
        .unwrap();
    let rows: Vec<(String, &str, String, &str)> = fetch
        .rows
        .iter()
        .map(|r| (r.day.to_string(), r.service.as_str(), r.amount.to_string(), r.currency.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-11-01".into(), "Virtual Machines", "12.34".into(), "EUR"),
            ("2026-11-02".into(), "Storage", "3.5".into(), "EUR"),
        ]
    );
    assert!(fetch.rows.iter().all(|r| r.account == SUB && r.provider == Provider::Azure));
    assert_eq!(fetch.requests, 2);
}

/// What an error must be.
type Expected = fn(&CloudError) -> bool;

#[tokio::test]
async fn azure_refusals_throttling_and_garbage() {
    let cases: [(ResponseTemplate, Expected, u64); 4] = [
        (ResponseTemplate::new(401), |e| matches!(e, CloudError::InvalidCredential(_)), 1),
        (ResponseTemplate::new(403), |e| matches!(e, CloudError::AccessDenied(_)), 1),
        (ResponseTemplate::new(429).insert_header("retry-after", "1"), |e| matches!(e, CloudError::Throttled(_)), 2),
        (ResponseTemplate::new(200).set_body_string("<html>"), |e| matches!(e, CloudError::Malformed(_)), 1),
    ];
    for (response, expected, requests) in cases {
        let double = MockServer::start().await;
        Mock::given(method("POST")).respond_with(response).mount(&double).await;
        let costs = AzureCosts::new(&double.uri(), token()).with_retry(fast());
        let (error, made) = costs
            .fetch(
                &credential(Provider::Azure),
                &azure_secret(),
                day("2026-11-01"),
                day("2026-11-02"),
                day("2026-11-22"),
            )
            .await
            .unwrap_err();
        assert!(expected(&error), "{error:?}");
        assert_eq!(made, requests, "{error:?}");
        assert!(!error.to_string().contains("test-token"));
    }
    // a table without the columns it needs
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "properties": { "columns": [], "rows": [] } })))
        .mount(&double)
        .await;
    let (error, _) = AzureCosts::new(&double.uri(), token())
        .fetch(&credential(Provider::Azure), &azure_secret(), day("2026-11-01"), day("2026-11-02"), day("2026-11-22"))
        .await
        .unwrap_err();
    assert!(matches!(&error, CloudError::Malformed(m) if m.contains("cost column")), "{error:?}");
}

// ---------- GCP BigQuery billing export ----------

const TABLE: &str = "billing-project.billing.gcp_billing_export_v1_0123";

fn gcp_secret(table: Option<&str>) -> CloudSecret {
    CloudSecret::GcpServiceAccount {
        client_email: "sa@demo-project.iam.gserviceaccount.com".into(),
        key_json: Sensitive::new("{}"),
        project_ids: vec!["demo-project".into()],
        billing_export: table.map(str::to_owned),
    }
}

fn bq_schema() -> serde_json::Value {
    json!({ "fields": [
        { "name": "day", "type": "STRING" }, { "name": "service", "type": "STRING" },
        { "name": "project", "type": "STRING" }, { "name": "currency", "type": "STRING" },
        { "name": "cost", "type": "STRING" }
    ]})
}

fn bq_row(day: &str, service: &str, cost: &str) -> serde_json::Value {
    json!({ "f": [{ "v": day }, { "v": service }, { "v": "demo-project" }, { "v": "USD" }, { "v": cost }] })
}

#[tokio::test]
async fn bigquery_waits_for_the_job_and_reads_every_page() {
    let double = MockServer::start().await;
    let job = json!({ "projectId": "billing-project", "jobId": "job_1", "location": "US" });
    Mock::given(method("POST"))
        .and(path("/bigquery/v2/projects/billing-project/queries"))
        .and(header("authorization", "Bearer test-token"))
        .and(body_string_contains(format!("FROM `{TABLE}`")))
        .and(body_string_contains(r#""useLegacySql":false"#))
        .and(body_string_contains(r#""value":"2026-11-01""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "bigquery#queryResponse", "jobReference": job, "jobComplete": false
        })))
        .expect(1)
        .mount(&double)
        .await;
    Mock::given(method("GET"))
        .and(path("/bigquery/v2/projects/billing-project/queries/job_1"))
        .and(query_param("pageToken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "bigquery#getQueryResultsResponse", "jobReference": job, "jobComplete": true,
            "schema": bq_schema(), "totalRows": "3", "rows": [bq_row("2026-11-02", "Cloud Storage", "0.42")]
        })))
        .expect(1)
        .mount(&double)
        .await;
    Mock::given(method("GET"))
        .and(path("/bigquery/v2/projects/billing-project/queries/job_1"))
        .and(query_param("location", "US"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "bigquery#getQueryResultsResponse", "jobReference": job, "jobComplete": true,
            "schema": bq_schema(), "totalRows": "3", "pageToken": "p2",
            "rows": [bq_row("2026-11-01", "Compute Engine", "10.125"), bq_row("2026-11-01", "Networking", "0")]
        })))
        .up_to_n_times(1)
        .mount(&double)
        .await;
    let costs = GcpCosts::new(&double.uri(), token()).with_retry(fast());
    let fetch = costs
        .fetch(
            &credential(Provider::Gcp),
            &gcp_secret(Some(TABLE)),
            day("2026-11-01"),
            day("2026-11-02"),
            day("2026-11-22"),
        )
        .await
        .unwrap();
    let rows: Vec<(String, &str, String)> =
        fetch.rows.iter().map(|r| (r.day.to_string(), r.service.as_str(), r.amount.to_string())).collect();
    assert_eq!(
        rows,
        vec![
            ("2026-11-01".into(), "Compute Engine", "10.125".into()),
            ("2026-11-02".into(), "Cloud Storage", "0.42".into())
        ]
    );
    assert!(fetch.rows.iter().all(|r| r.account == "demo-project" && r.provider == Provider::Gcp));
    assert_eq!(fetch.requests, 3, "the query, the wait for the job, the second page");
}

#[tokio::test]
async fn bigquery_refusals_and_a_missing_export_table() {
    let (error, requests) = GcpCosts::new("http://127.0.0.1:9", token())
        .fetch(&credential(Provider::Gcp), &gcp_secret(None), day("2026-11-01"), day("2026-11-02"), day("2026-11-22"))
        .await
        .unwrap_err();
    assert!(matches!(&error, CloudError::AccessDenied(m) if m.contains("billing_export")), "{error:?}");
    assert_eq!(requests, 0);

    for (status, expected) in [(403u16, "access_denied"), (401, "invalid_credential"), (500, "unavailable")] {
        let double = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({ "error": { "code": status, "message": "no" } })),
            )
            .mount(&double)
            .await;
        let (error, _) = GcpCosts::new(&double.uri(), token())
            .with_retry(fast())
            .fetch(
                &credential(Provider::Gcp),
                &gcp_secret(Some(TABLE)),
                day("2026-11-01"),
                day("2026-11-02"),
                day("2026-11-22"),
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), expected, "{error:?}");
    }
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "jobComplete": true, "rows": [] })))
        .mount(&double)
        .await;
    let (error, _) = GcpCosts::new(&double.uri(), token())
        .fetch(
            &credential(Provider::Gcp),
            &gcp_secret(Some(TABLE)),
            day("2026-11-01"),
            day("2026-11-02"),
            day("2026-11-22"),
        )
        .await
        .unwrap_err();
    assert!(matches!(&error, CloudError::Malformed(m) if m.contains("schema")), "{error:?}");
}
