//! GCP costs from the Cloud Billing export in BigQuery (the table named on the credential,
//! `project.dataset.table`), through the REST `jobs.query`:
//! `POST {bigquery}/bigquery/v2/projects/{project}/queries` with a named-parameter standard SQL
//! query of daily cost (credits included) by service and project. While `jobComplete` is false,
//! and for every `pageToken`, `GET .../queries/{jobId}` (`jobs.getQueryResults`) follows.
//! Values come back as strings (`{"f": [{"v": "12.5"}]}`), so amounts stay exact.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_domain::costs::{CostRow, Currency};
use skyforge_domain::credentials::{BILLING_EXPORT, CloudSecret};
use skyforge_domain::inventory::Provider;
use skyforge_domain::sync::Credential;

use crate::bearer::{BearerToken, RetryPolicy, http_client, send_json};

/// BigQuery's REST endpoint.
pub const DEFAULT_BIGQUERY: &str = "https://bigquery.googleapis.com";
const API: &str = "BigQuery";
/// Polls of an unfinished job and result pages, at most.
const MAX_CALLS: usize = 200;
const WAIT_MS: u64 = 10_000;

pub struct GcpCosts {
    bigquery: String,
    tokens: Arc<dyn BearerToken>,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl GcpCosts {
    /// `bigquery` is the API's base URL ([`DEFAULT_BIGQUERY`], or a double's).
    pub fn new(bigquery: &str, tokens: Arc<dyn BearerToken>) -> Self {
        Self {
            bigquery: bigquery.trim_end_matches('/').to_owned(),
            tokens,
            http: http_client(),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

/// The query over a billing export table (already checked to be `project.dataset.table`).
fn query(table: &str) -> String {
    format!(
        "SELECT FORMAT_DATE('%Y-%m-%d', DATE(usage_start_time)) AS day, service.description AS service, \
         IFNULL(project.id, '') AS project, currency, \
         CAST(SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) c), 0)) AS STRING) AS cost \
         FROM `{table}` WHERE DATE(usage_start_time) BETWEEN @from AND @to \
         GROUP BY day, service, project, currency"
    )
}

#[async_trait]
impl CostSource for GcpCosts {
    fn provider(&self) -> Provider {
        Provider::Gcp
    }

    async fn fetch(
        &self,
        credential: &Credential,
        secret: &CloudSecret,
        from: NaiveDate,
        to: NaiveDate,
        _today: NaiveDate,
    ) -> Result<CostFetch, (CloudError, u64)> {
        let CloudSecret::GcpServiceAccount { billing_export, .. } = secret else {
            return Err((CloudError::InvalidCredential("not a GCP service account".into()), 0));
        };
        let Some(table) = billing_export.as_deref().filter(|t| BILLING_EXPORT.is_match(t)) else {
            // nothing to ask: costs need the export table named on the credential
            return Err((
                CloudError::AccessDenied(
                    "name the Cloud Billing export table (billing_export) on the credential".into(),
                ),
                0,
            ));
        };
        let project = table.split('.').next().unwrap_or_default();
        let token = self.tokens.token(secret).await.map_err(|e| (e, 0))?;
        let parameter = |name: &str, day: NaiveDate| json!({ "name": name, "parameterType": { "type": "DATE" }, "parameterValue": { "value": day.to_string() } });
        let body = json!({
            "query": query(table),
            "useLegacySql": false,
            "parameterMode": "NAMED",
            "queryParameters": [parameter("from", from), parameter("to", to)],
            "timeoutMs": WAIT_MS,
            "maxResults": 1000
        });
        let mut requests = 0;
        let base = format!("{}/bigquery/v2/projects/{project}/queries", self.bigquery);
        let mut answer =
            send_json(API, self.retry, &mut requests, || self.http.post(&base).bearer_auth(token.expose()).json(&body))
                .await
                .map_err(|e| (e, requests))?;
        let mut rows = Vec::new();
        for _ in 0..MAX_CALLS {
            let complete = answer.get("jobComplete").and_then(Value::as_bool).unwrap_or(false);
            let mut page_token = None;
            if complete {
                rows.extend(read_rows(&answer, credential).map_err(|e| (e, requests))?);
                page_token =
                    answer.get("pageToken").and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned);
                if page_token.is_none() {
                    return Ok(CostFetch { rows, forecast: None, requests });
                }
            }
            let job = answer.get("jobReference").ok_or_else(|| (malformed("a jobReference"), requests))?;
            let job_id = job.get("jobId").and_then(Value::as_str).ok_or_else(|| (malformed("a jobId"), requests))?;
            let location = job.get("location").and_then(Value::as_str).unwrap_or_default().to_owned();
            let url = format!("{base}/{job_id}");
            answer = send_json(API, self.retry, &mut requests, || {
                let mut query: Vec<(&str, String)> =
                    vec![("timeoutMs", WAIT_MS.to_string()), ("maxResults", "1000".into())];
                if !location.is_empty() {
                    query.push(("location", location.clone()));
                }
                if let Some(token) = &page_token {
                    query.push(("pageToken", token.clone()));
                }
                self.http.get(&url).bearer_auth(token.expose()).query(&query)
            })
            .await
            .map_err(|e| (e, requests))?;
        }
        Err((CloudError::Unavailable(format!("{API} did not finish the cost query in time")), requests))
    }
}

fn malformed(what: &str) -> CloudError {
    CloudError::Malformed(format!("{API} answered without {what}"))
}

/// The rows of a finished answer, by the names of its schema's fields.
fn read_rows(answer: &Value, credential: &Credential) -> Result<Vec<CostRow>, CloudError> {
    let fields: Vec<&str> = answer
        .pointer("/schema/fields")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("a schema"))?
        .iter()
        .map(|f| f.get("name").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let position =
        |name: &str| fields.iter().position(|f| *f == name).ok_or_else(|| malformed(&format!("a {name} field")));
    let (day, service, project, currency, cost) =
        (position("day")?, position("service")?, position("project")?, position("currency")?, position("cost")?);
    let mut rows = Vec::new();
    // a query with no result rows leaves `rows` out
    for row in answer.get("rows").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        let cells = row.get("f").and_then(Value::as_array).ok_or_else(|| malformed("cells in a row"))?;
        let text = |i: usize| cells.get(i).and_then(|c| c.get("v")).and_then(Value::as_str).unwrap_or_default();
        let amount = text(cost)
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(text(cost)))
            .map_err(|_| malformed("a numeric cost"))?;
        if amount.is_zero() {
            continue;
        }
        rows.push(CostRow {
            credential_id: credential.id,
            provider: Provider::Gcp,
            day: text(day).parse().map_err(|_| malformed("a readable day"))?,
            account: text(project).to_owned(),
            service: Some(text(service)).filter(|s| !s.is_empty()).unwrap_or("Other").to_owned(),
            amount,
            currency: Currency::parse(text(currency)).map_err(CloudError::Malformed)?,
        });
    }
    Ok(rows)
}
