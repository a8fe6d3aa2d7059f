//! Azure costs from the Cost Management Query API, per subscription of the credential:
//! `POST {arm}/subscriptions/{id}/providers/Microsoft.CostManagement/query?api-version=2023-03-01`
//! with a custom daily timeframe grouped by `ServiceName`, following `properties.nextLink`
//! (POSTed again with the same body). The answer is a table: `properties.columns` names each
//! position of `properties.rows`. Azure gives no forecast here; the domain's run rate stands in.
//!
//! Requests go through [`ProviderHttp`](skyforge_cloud_signin::ProviderHttp) with the token of
//! [`AzureAuth`]: throttling, errors and timing are handled there, once for every adapter.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_cloud_signin::{AzureAuth, CallLog, Op};
use skyforge_domain::costs::{CostRow, Currency};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::provider::Provider;

use crate::billing::{billing_requests, decimal, denied_with_hint};

pub const API_VERSION: &str = "2023-03-01";
const QUERY: Op = Op::new("costmanagement", "Query.Usage");
/// More nextLink pages than this means something loops.
const MAX_PAGES: usize = 200;

pub struct AzureCosts {
    auth: Arc<AzureAuth>,
}

impl AzureCosts {
    /// Signs in with `auth`, whose endpoints say where ARM is (Cost Management is part of it).
    pub fn new(auth: Arc<AzureAuth>) -> Self {
        Self { auth }
    }

    /// The query of `from..=to`: actual cost per day and service.
    fn body(from: NaiveDate, to: NaiveDate) -> Value {
        json!({
            "type": "ActualCost",
            "timeframe": "Custom",
            "timePeriod": { "from": format!("{from}T00:00:00Z"), "to": format!("{to}T23:59:59Z") },
            "dataset": {
                "granularity": "Daily",
                "aggregation": { "totalCost": { "name": "Cost", "function": "Sum" } },
                "grouping": [{ "type": "Dimension", "name": "ServiceName" }]
            }
        })
    }

    async fn subscription_rows(
        &self,
        credential: &Credential,
        subscription: &str,
        token: &str,
        body: &Value,
        log: &CallLog,
    ) -> Result<Vec<CostRow>, CloudError> {
        let http = self.auth.http();
        let mut url = format!(
            "{}/subscriptions/{subscription}/providers/Microsoft.CostManagement/query?api-version={API_VERSION}",
            self.auth.arm().trim_end_matches('/')
        );
        let mut rows = Vec::new();
        for _ in 0..MAX_PAGES {
            let page: QueryResult = http.post_json(QUERY, &url, token, body, log).await?;
            rows.extend(page.properties.rows(credential, subscription)?);
            match page.properties.next_link.filter(|link| !link.is_empty()) {
                Some(next) => url = next,
                None => return Ok(rows),
            }
        }
        Err(CloudError::Malformed(format!("{} {} kept sending next pages", QUERY.service, QUERY.operation)))
    }
}

#[async_trait]
impl CostSource for AzureCosts {
    fn provider(&self) -> Provider {
        Provider::Azure
    }

    async fn fetch(
        &self,
        credential: &Credential,
        secret: &CloudSecret,
        from: NaiveDate,
        to: NaiveDate,
        _today: NaiveDate,
    ) -> Result<CostFetch, (CloudError, u64)> {
        let CloudSecret::AzureServicePrincipal { subscription_ids, .. } = secret else {
            return Err((CloudError::InvalidCredential("not an Azure service principal".into()), 0));
        };
        // the sign-in is not a billing request: it goes in a log of its own
        let token = self.auth.arm_token(secret, &CallLog::default()).await.map_err(|e| (e, 0))?;
        let body = Self::body(from, to);
        let log = CallLog::default();
        let mut rows = Vec::new();
        for subscription in subscription_ids {
            match self.subscription_rows(credential, subscription, token.secret(), &body, &log).await {
                Ok(more) => rows.extend(more),
                Err(error) => {
                    let hint = "give the service principal the Cost Management Reader role on the subscription";
                    return Err((denied_with_hint(error, hint), billing_requests(&log)));
                }
            }
        }
        Ok(CostFetch { rows, forecast: None, requests: billing_requests(&log) })
    }
}

/// A Cost Management query result (`properties` of a `Microsoft.CostManagement/query`).
#[derive(Deserialize)]
struct QueryResult {
    properties: QueryProperties,
}

#[derive(Deserialize)]
struct QueryProperties {
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
    columns: Vec<Column>,
    rows: Vec<Vec<Value>>,
}

#[derive(Deserialize)]
struct Column {
    name: String,
}

fn malformed(what: &str) -> CloudError {
    CloudError::Malformed(format!("{} {} answered without {what}", QUERY.service, QUERY.operation))
}

impl QueryProperties {
    /// The rows of one page, by the names of its columns.
    fn rows(&self, credential: &Credential, subscription: &str) -> Result<Vec<CostRow>, CloudError> {
        let position =
            |names: &[&str]| self.columns.iter().position(|c| names.iter().any(|n| c.name.eq_ignore_ascii_case(n)));
        let cost = position(&["Cost", "PreTaxCost", "CostUSD"]).ok_or_else(|| malformed("a cost column"))?;
        let date = position(&["UsageDate"]).ok_or_else(|| malformed("a UsageDate column"))?;
        let service = position(&["ServiceName"]).ok_or_else(|| malformed("a ServiceName column"))?;
        let currency = position(&["Currency"]).ok_or_else(|| malformed("a Currency column"))?;
        let mut rows = Vec::new();
        for row in &self.rows {
            let cell = |i: usize| row.get(i).ok_or_else(|| malformed("a value for every column"));
            let amount = decimal(cell(cost)?).ok_or_else(|| malformed("a numeric cost"))?;
            if amount.is_zero() {
                continue;
            }
            rows.push(CostRow {
                credential_id: credential.id,
                provider: Provider::Azure,
                day: usage_date(cell(date)?)?,
                account: subscription.to_owned(),
                service: cell(service)?.as_str().filter(|s| !s.is_empty()).unwrap_or("Other").to_owned(),
                amount,
                currency: Currency::parse(cell(currency)?.as_str().unwrap_or_default())
                    .map_err(CloudError::Malformed)?,
            });
        }
        Ok(rows)
    }
}

/// `UsageDate` comes as the number 20261101 (or, in some API versions, "2026-11-01T00:00:00").
fn usage_date(value: &Value) -> Result<NaiveDate, CloudError> {
    let parsed = match value {
        Value::Number(n) => NaiveDate::parse_from_str(&n.to_string(), "%Y%m%d").ok(),
        Value::String(s) => s.get(..10).and_then(|d| d.parse().ok()),
        _ => None,
    };
    parsed.ok_or_else(|| malformed("a readable UsageDate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_either_form() {
        assert_eq!(usage_date(&json!(20261101)).unwrap().to_string(), "2026-11-01");
        assert_eq!(usage_date(&json!("2026-11-02T00:00:00")).unwrap().to_string(), "2026-11-02");
        assert!(usage_date(&json!("soon")).is_err());
    }
}
