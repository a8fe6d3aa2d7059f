//! GCP costs from the Cloud Billing export in BigQuery (the table named on the credential,
//! `project.dataset.table`), through the REST `jobs.query`:
//! `POST {bigquery}/bigquery/v2/projects/{project}/queries` with a named-parameter standard SQL
//! query of daily cost (credits included) by service and project. While `jobComplete` is false,
//! and for every `pageToken`, `GET .../queries/{jobId}` (`jobs.getQueryResults`) follows.
//! Values come back as strings (`{"f": [{"v": "12.5"}]}`), so amounts stay exact.
//!
//! Requests go through [`ProviderHttp`](skyforge_cloud_signin::ProviderHttp) with the token of
//! [`GcpAuth`]: throttling, errors and timing are handled there, once for every adapter.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_cloud_signin::{CallLog, GcpAuth, Op};
use skyforge_domain::costs::{CostRow, Currency};
use skyforge_domain::credentials::Credential;
use skyforge_domain::credentials::{BILLING_EXPORT, CloudSecret};
use skyforge_domain::provider::Provider;

use crate::billing::{billing_requests, decimal, denied_with_hint};

const QUERY: Op = Op::new("bigquery", "jobs.query");
const RESULTS: Op = Op::new("bigquery", "jobs.getQueryResults");
/// Polls of an unfinished job and result pages, at most.
const MAX_CALLS: usize = 200;
/// How long one call waits for the job on the server's side.
const WAIT_MS: u64 = 10_000;
const PAGE_ROWS: u64 = 1000;

pub struct GcpCosts {
    auth: Arc<GcpAuth>,
}

impl GcpCosts {
    /// Signs in with `auth`, whose endpoints say where BigQuery is.
    pub fn new(auth: Arc<GcpAuth>) -> Self {
        Self { auth }
    }

    /// Every row of the query's result: the first answer, then polls and pages.
    async fn query_rows(
        &self,
        credential: &Credential,
        project: &str,
        token: &str,
        body: &Value,
        log: &CallLog,
    ) -> Result<Vec<CostRow>, CloudError> {
        let http = self.auth.http();
        let base = format!(
            "{}/bigquery/v2/projects/{project}/queries",
            self.auth.endpoints().gcp_bigquery.trim_end_matches('/')
        );
        let mut answer: QueryResponse = http.post_json(QUERY, &base, token, body, log).await?;
        let mut rows = Vec::new();
        for _ in 0..MAX_CALLS {
            let mut page_token = None;
            if answer.job_complete {
                rows.extend(answer.rows(credential)?);
                page_token = answer.page_token.filter(|t| !t.is_empty());
                if page_token.is_none() {
                    return Ok(rows);
                }
            }
            let job = answer.job_reference.ok_or_else(|| malformed("a jobReference"))?;
            let mut url = reqwest::Url::parse(&format!("{base}/{}", job.job_id))
                .map_err(|e| CloudError::Malformed(format!("{} answered an unusable jobId: {e}", QUERY.service)))?;
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("timeoutMs", &WAIT_MS.to_string()).append_pair("maxResults", &PAGE_ROWS.to_string());
                if let Some(location) = job.location.as_deref().filter(|l| !l.is_empty()) {
                    query.append_pair("location", location);
                }
                if let Some(page) = &page_token {
                    query.append_pair("pageToken", page);
                }
            }
            answer = http.get_json(RESULTS, url.as_str(), token, log).await?;
        }
        Err(CloudError::Unavailable(format!("{} did not finish the cost query in time", QUERY.service)))
    }
}

/// The `jobs.query` request of `from..=to` over a billing export table.
fn request(table: &str, from: NaiveDate, to: NaiveDate) -> Value {
    let parameter = |name: &str, day: NaiveDate| json!({ "name": name, "parameterType": { "type": "DATE" }, "parameterValue": { "value": day.to_string() } });
    json!({
        "query": query(table),
        "useLegacySql": false,
        "parameterMode": "NAMED",
        "queryParameters": [parameter("from", from), parameter("to", to)],
        "timeoutMs": WAIT_MS,
        "maxResults": PAGE_ROWS
    })
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
        // the sign-in is not a billing request: it goes in a log of its own
        let token = self.auth.token(secret, &CallLog::default()).await.map_err(|e| (e, 0))?;
        let log = CallLog::default();
        match self.query_rows(credential, project, token.secret(), &request(table, from, to), &log).await {
            Ok(rows) => Ok(CostFetch { rows, forecast: None, requests: billing_requests(&log) }),
            Err(error) => {
                let hint = format!(
                    "give the service account the BigQuery Job User role on {project} and read access to the export table"
                );
                Err((denied_with_hint(error, &hint), billing_requests(&log)))
            }
        }
    }
}

/// A `jobs.query` or `jobs.getQueryResults` answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResponse {
    #[serde(default)]
    job_reference: Option<JobReference>,
    #[serde(default)]
    job_complete: bool,
    #[serde(default)]
    schema: Option<Schema>,
    /// Left out when the result has no rows.
    #[serde(default)]
    rows: Vec<Row>,
    #[serde(default)]
    page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobReference {
    job_id: String,
    #[serde(default)]
    location: Option<String>,
}

#[derive(Deserialize)]
struct Schema {
    fields: Vec<Field>,
}

#[derive(Deserialize)]
struct Field {
    name: String,
}

#[derive(Deserialize)]
struct Row {
    f: Vec<Cell>,
}

#[derive(Deserialize)]
struct Cell {
    #[serde(default)]
    v: Value,
}

fn malformed(what: &str) -> CloudError {
    CloudError::Malformed(format!("{} answered without {what}", QUERY.service))
}

impl QueryResponse {
    /// The rows of a finished answer, by the names of its schema's fields.
    fn rows(&self, credential: &Credential) -> Result<Vec<CostRow>, CloudError> {
        let fields = &self.schema.as_ref().ok_or_else(|| malformed("a schema"))?.fields;
        let position = |name: &str| {
            fields.iter().position(|f| f.name == name).ok_or_else(|| malformed(&format!("a {name} field")))
        };
        let (day, service, project, currency, cost) =
            (position("day")?, position("service")?, position("project")?, position("currency")?, position("cost")?);
        let mut rows = Vec::new();
        for row in &self.rows {
            let cell = |i: usize| row.f.get(i).map(|c| &c.v).unwrap_or(&Value::Null);
            let text = |i: usize| cell(i).as_str().unwrap_or_default();
            let amount = decimal(cell(cost)).ok_or_else(|| malformed("a numeric cost"))?;
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
}
