//! AWS costs from Cost Explorer, acting as the customer (keys or assumed role, like the
//! inventory): `GetCostAndUsage` with daily granularity, `UnblendedCost`, grouped by `SERVICE`
//! and `LINKED_ACCOUNT` (a management account sees every member account's costs split by
//! account; any other account sees only itself, so one request shape serves both), and
//! `GetCostForecast` for the rest of the month. Cost Explorer bills each request, pages
//! included, so every request is counted.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::types::{DateInterval, Granularity, GroupDefinition, GroupDefinitionType, Metric};
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use skyforge_app::clouds::CloudError;
use skyforge_app::costs::{CostFetch, CostSource};
use skyforge_aws::sts::{aws_config_for_with, cloud_error, default_retry};
use skyforge_domain::costs::{CostForecast, CostRow, Currency, month_end};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::provider::Provider;

/// Cost Explorer has one endpoint, in us-east-1.
const CE_REGION: &str = "us-east-1";
const METRIC: &str = "UnblendedCost";

/// The Cost Explorer source of AWS credentials.
pub struct AwsCosts {
    platform: SdkConfig,
    retry: RetryConfig,
}

impl AwsCosts {
    /// `platform` is the platform's own config (its credentials assume customer roles).
    pub fn new(platform: SdkConfig) -> Self {
        Self { platform, retry: default_retry() }
    }

    /// Another retry policy than the default (tests use a fast one).
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }
}

fn client(config: &SdkConfig) -> Client {
    let conf = aws_sdk_costexplorer::config::Builder::from(config).region(aws_config::Region::new(CE_REGION)).build();
    Client::from_conf(conf)
}

/// An amount as Cost Explorer writes it ("12.3456", sometimes "1.2E-7").
fn amount(raw: &str) -> Result<Decimal, CloudError> {
    raw.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(raw))
        .map_err(|_| CloudError::Malformed(format!("Cost Explorer sent an amount that is not a number: {raw:?}")))
}

fn currency(raw: &str) -> Result<Currency, CloudError> {
    Currency::parse(raw).map_err(CloudError::Malformed)
}

#[async_trait]
impl CostSource for AwsCosts {
    fn provider(&self) -> Provider {
        Provider::Aws
    }

    async fn fetch(
        &self,
        credential: &Credential,
        secret: &CloudSecret,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<CostFetch, (CloudError, u64)> {
        let config = aws_config_for_with(&self.platform, secret, self.retry.clone()).await.map_err(|e| (e, 0))?;
        let client = client(&config);
        let mut requests = 0;
        let rows = cost_and_usage(&client, credential, from, to, &mut requests).await.map_err(|e| (e, requests))?;
        // a forecast that fails (too little history, or a stand-in without it) is no forecast
        let forecast = match forecast(&client, today, &mut requests).await {
            Ok(forecast) => forecast,
            Err(error) => {
                tracing::info!(credential = %credential.id, error = %error, "no AWS cost forecast");
                None
            }
        };
        Ok(CostFetch { rows, forecast, requests })
    }
}

/// Daily cost by service and account of `from..=to`, every page.
async fn cost_and_usage(
    client: &Client,
    credential: &Credential,
    from: NaiveDate,
    to: NaiveDate,
    requests: &mut u64,
) -> Result<Vec<CostRow>, CloudError> {
    let period = DateInterval::builder()
        .start(from.to_string())
        // Cost Explorer's end date is exclusive
        .end((to + Duration::days(1)).to_string())
        .build()
        .map_err(|e| CloudError::Malformed(format!("the GetCostAndUsage request could not be built: {e}")))?;
    let group = |key: &str| GroupDefinition::builder().r#type(GroupDefinitionType::Dimension).key(key).build();
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        *requests += 1;
        let output = client
            .get_cost_and_usage()
            .time_period(period.clone())
            .granularity(Granularity::Daily)
            .metrics(METRIC)
            .group_by(group("SERVICE"))
            .group_by(group("LINKED_ACCOUNT"))
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| cloud_error("ce", "GetCostAndUsage", &e))?;
        for result in output.results_by_time() {
            let start = result.time_period().map(|p| p.start()).unwrap_or_default();
            let day: NaiveDate = start.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| {
                CloudError::Malformed(format!("Cost Explorer sent a period that is not a date: {start:?}"))
            })?;
            for group in result.groups() {
                let keys = group.keys();
                let Some(metric) = group.metrics().and_then(|m| m.get(METRIC)) else { continue };
                let value = amount(metric.amount().unwrap_or("0"))?;
                if value.is_zero() {
                    continue;
                }
                rows.push(CostRow {
                    credential_id: credential.id,
                    provider: Provider::Aws,
                    day,
                    service: keys.first().cloned().unwrap_or_else(|| "Other".into()),
                    account: keys.get(1).cloned().unwrap_or_default(),
                    amount: value,
                    currency: currency(metric.unit().unwrap_or("USD"))?,
                });
            }
        }
        match output.next_page_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(rows),
        }
    }
}

/// The forecast unblended cost from `today` to the end of its month.
async fn forecast(client: &Client, today: NaiveDate, requests: &mut u64) -> Result<Option<CostForecast>, CloudError> {
    let end = month_end(today);
    let period = DateInterval::builder()
        .start(today.to_string())
        .end((end + Duration::days(1)).to_string())
        .build()
        .map_err(|e| CloudError::Malformed(format!("the GetCostForecast request could not be built: {e}")))?;
    *requests += 1;
    let output = match client
        .get_cost_forecast()
        .time_period(period)
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .send()
        .await
    {
        Ok(output) => output,
        // too little history for a forecast is an ordinary answer
        Err(e) if e.as_service_error().is_some_and(|e| e.is_data_unavailable_exception()) => return Ok(None),
        Err(e) => return Err(cloud_error("ce", "GetCostForecast", &e)),
    };
    let Some(total) = output.total() else { return Ok(None) };
    Ok(Some(CostForecast {
        from: today,
        to: end,
        amount: amount(total.amount().unwrap_or("0"))?,
        currency: currency(total.unit().unwrap_or("USD"))?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_both_notations() {
        assert_eq!(amount("12.5").unwrap(), "12.5".parse().unwrap());
        assert_eq!(amount("1.5E-7").unwrap(), "0.00000015".parse().unwrap());
        assert!(matches!(amount("twelve"), Err(CloudError::Malformed(_))));
    }
}
