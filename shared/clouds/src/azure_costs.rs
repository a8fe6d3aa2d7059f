//! Azure costs from the Cost Management Query API, per subscription of the credential:
//! `POST {arm}/subscriptions/{id}/providers/Microsoft.CostManagement/query?api-version=2023-03-01`
//! with a custom daily timeframe grouped by `ServiceName`, following `properties.nextLink`.
//! The answer is a table: `properties.columns` names each position of `properties.rows`.
//! Azure gives no forecast here; the domain's run rate stands in.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_domain::costs::{CostRow, Currency};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::Provider;
use skyforge_domain::sync::Credential;

use crate::bearer::{BearerToken, RetryPolicy, http_client, send_json};

pub const API_VERSION: &str = "2023-03-01";
/// Azure Resource Manager in the public cloud.
pub const DEFAULT_ARM: &str = "https://management.azure.com";
const API: &str = "Azure Cost Management";
/// More nextLink pages than this means something loops.
const MAX_PAGES: usize = 200;

pub struct AzureCosts {
    arm: String,
    tokens: Arc<dyn BearerToken>,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl AzureCosts {
    /// `arm` is the Resource Manager base URL ([`DEFAULT_ARM`], or a double's).
    pub fn new(arm: &str, tokens: Arc<dyn BearerToken>) -> Self {
        Self { arm: arm.trim_end_matches('/').to_owned(), tokens, http: http_client(), retry: RetryPolicy::default() }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
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
        let token = self.tokens.token(secret).await.map_err(|e| (e, 0))?;
        let body = json!({
            "type": "ActualCost",
            "timeframe": "Custom",
            "timePeriod": { "from": format!("{from}T00:00:00Z"), "to": format!("{to}T23:59:59Z") },
            "dataset": {
                "granularity": "Daily",
                "aggregation": { "totalCost": { "name": "Cost", "function": "Sum" } },
                "grouping": [{ "type": "Dimension", "name": "ServiceName" }]
            }
        });
        let mut requests = 0;
        let mut rows = Vec::new();
        for subscription in subscription_ids {
            let mut url = format!(
                "{}/subscriptions/{subscription}/providers/Microsoft.CostManagement/query?api-version={API_VERSION}",
                self.arm
            );
            for page in 0.. {
                if page == MAX_PAGES {
                    return Err((CloudError::Malformed(format!("{API} kept sending next pages")), requests));
                }
                let answer = send_json(API, self.retry, &mut requests, || {
                    self.http.post(&url).bearer_auth(token.expose()).json(&body)
                })
                .await
                .map_err(|e| (e, requests))?;
                let (page_rows, next) = read_page(&answer, credential, subscription).map_err(|e| (e, requests))?;
                rows.extend(page_rows);
                match next {
                    Some(next) => url = next,
                    None => break,
                }
            }
        }
        Ok(CostFetch { rows, forecast: None, requests })
    }
}

fn malformed(what: &str) -> CloudError {
    CloudError::Malformed(format!("{API} answered without {what}"))
}

/// The rows of one answer and its `nextLink`.
fn read_page(
    answer: &Value,
    credential: &Credential,
    subscription: &str,
) -> Result<(Vec<CostRow>, Option<String>), CloudError> {
    let properties = answer.get("properties").ok_or_else(|| malformed("properties"))?;
    let columns: Vec<&str> = properties
        .get("columns")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("columns"))?
        .iter()
        .map(|c| c.get("name").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let position = |names: &[&str]| columns.iter().position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)));
    let cost = position(&["Cost", "PreTaxCost", "CostUSD"]).ok_or_else(|| malformed("a cost column"))?;
    let date = position(&["UsageDate"]).ok_or_else(|| malformed("a UsageDate column"))?;
    let service = position(&["ServiceName"]).ok_or_else(|| malformed("a ServiceName column"))?;
    let currency = position(&["Currency"]).ok_or_else(|| malformed("a Currency column"))?;
    let mut rows = Vec::new();
    for row in properties.get("rows").and_then(Value::as_array).ok_or_else(|| malformed("rows"))? {
        let cell = |i: usize| row.get(i).ok_or_else(|| malformed("a value for every column"));
        let amount = decimal(cell(cost)?)?;
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
            currency: Currency::parse(cell(currency)?.as_str().unwrap_or_default()).map_err(CloudError::Malformed)?,
        });
    }
    let next = properties.get("nextLink").and_then(Value::as_str).filter(|l| !l.is_empty()).map(str::to_owned);
    Ok((rows, next))
}

/// A JSON number as an exact decimal (through its shortest text, not through arithmetic).
fn decimal(value: &Value) -> Result<Decimal, CloudError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(malformed("a numeric cost")),
    };
    text.parse::<Decimal>().or_else(|_| Decimal::from_scientific(&text)).map_err(|_| malformed("a numeric cost"))
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
    fn dates_and_amounts_in_either_form() {
        assert_eq!(usage_date(&json!(20261101)).unwrap().to_string(), "2026-11-01");
        assert_eq!(usage_date(&json!("2026-11-02T00:00:00")).unwrap().to_string(), "2026-11-02");
        assert!(usage_date(&json!("soon")).is_err());
        assert_eq!(decimal(&json!(12.34)).unwrap().to_string(), "12.34");
        assert_eq!(decimal(&json!(1.5e-7)).unwrap().to_string(), "0.00000015");
    }
}
