//! Daily costs from the providers' billing APIs, and the rules that keep them cheap and honest:
//!
//! - **Rows.** One [`CostRow`] per (credential, day, account, service) with an exact decimal
//!   amount and its currency. A refresh replaces every row of the days it fetched, so running it
//!   twice never double-counts.
//! - **Final days.** Billing data of the last few days is restated by the providers; older days
//!   are not. A refresh asks only for the days that were not final at the previous refresh
//!   ([`refresh_window`]); the first refresh fetches the whole history.
//! - **Budget.** Cost Explorer charges per request, so a credential is refreshed at most once per
//!   interval (6 h by default, [`refresh_due`]).
//! - **Currencies** are never summed together: every total is per currency ([`Totals`]).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::CredentialId;
use crate::provider::Provider;

/// An ISO 4217 currency code (`USD`, `EUR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, String> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(format!("{code:?} is not a three-letter currency code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one credential spent on one service on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostRow {
    pub credential_id: CredentialId,
    pub provider: Provider,
    pub day: NaiveDate,
    /// The linked account (AWS management accounts), subscription or project the cost is for;
    /// empty when the source does not split by account.
    #[serde(default)]
    pub account: String,
    /// The provider's service name (`Amazon Elastic Compute Cloud - Compute`, `Virtual Machines`).
    pub service: String,
    pub amount: Decimal,
    pub currency: Currency,
}

impl CostRow {
    /// What identifies a row: a refresh of the same day writes the same identity again.
    pub fn identity(&self) -> (CredentialId, NaiveDate, &str, &str) {
        (self.credential_id, self.day, &self.account, &self.service)
    }
}

/// A provider's forecast of the spend from a day to the end of its month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostForecast {
    /// First forecast day (inclusive) to the last day of the month (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub amount: Decimal,
    pub currency: Currency,
}

/// One refresh of one credential's costs: what it asked for, and what it cost in requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostRefresh {
    pub credential_id: CredentialId,
    pub provider: Provider,
    pub refreshed_at: DateTime<Utc>,
    /// The days fetched (inclusive); empty when the refresh failed before fetching.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: u64,
    /// Billing API requests made (Cost Explorer bills each one).
    pub requests: u64,
    pub forecast: Option<CostForecast>,
    /// The error code when the refresh failed (the previous rows are kept).
    pub error: Option<String>,
}

/// Defaults of the cost pipeline (overridable, see `SKYFORGE_COST_*` in docs/configuration.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostPolicy {
    /// A credential's costs are fetched at most once per this interval.
    pub refresh_interval: Duration,
    /// The last days a provider may still restate; they are fetched again on every refresh.
    pub restated_days: i64,
    /// How far back the first refresh of a credential reaches.
    pub history_days: i64,
    /// The longest range one costs query may ask for.
    pub max_range_days: i64,
}

impl Default for CostPolicy {
    fn default() -> Self {
        Self { refresh_interval: Duration::hours(6), restated_days: 3, history_days: 90, max_range_days: 366 }
    }
}

/// Whether a credential's costs are due for a refresh: never refreshed, or the last attempt is
/// at least one interval old. A failed attempt counts too, so a failing credential does not
/// spend a request on every sync.
pub fn refresh_due(last: Option<&CostRefresh>, now: DateTime<Utc>, policy: &CostPolicy) -> bool {
    last.is_none_or(|last| now - last.refreshed_at >= policy.refresh_interval)
}

/// The days a refresh on `today` asks for (inclusive): from the first day that was not final
/// at the previous successful refresh (or the start of the history), to today.
pub fn refresh_window(today: NaiveDate, last: Option<&CostRefresh>, policy: &CostPolicy) -> (NaiveDate, NaiveDate) {
    let oldest = today - Duration::days(policy.history_days - 1);
    let from = match last.filter(|l| l.error.is_none()) {
        Some(last) => (last.to - Duration::days(policy.restated_days)).max(oldest),
        None => oldest,
    };
    (from.min(today), today)
}

/// A validated costs query range (inclusive days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Why a range was refused: `field` names the parameter, the message says the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// A date that does not parse (`invalid_query`).
    #[error("{0:?}")]
    Malformed(FieldError),
    /// Dates that parse but do not make a range (`invalid_range`).
    #[error("{0}")]
    Invalid(String),
}

impl CostRange {
    /// Default: the last 30 days up to today.
    pub const DEFAULT_DAYS: i64 = 30;

    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
        policy: &CostPolicy,
    ) -> Result<Self, RangeError> {
        let date = |field: &str, raw: Option<&str>| -> Result<Option<NaiveDate>, RangeError> {
            match raw.map(str::trim).filter(|r| !r.is_empty()) {
                None => Ok(None),
                Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(|_| {
                    RangeError::Malformed(FieldError::new(
                        field,
                        "invalid_date",
                        format!("{field} is a date as YYYY-MM-DD"),
                    ))
                }),
            }
        };
        let to_date = date("to", to)?.unwrap_or(today);
        let from_date = date("from", from)?.unwrap_or(to_date - Duration::days(Self::DEFAULT_DAYS - 1));
        if to_date < from_date {
            return Err(RangeError::Invalid(format!("to ({to_date}) is before from ({from_date})")));
        }
        let days = (to_date - from_date).num_days() + 1;
        if days > policy.max_range_days {
            return Err(RangeError::Invalid(format!(
                "the range spans {days} days; ask for at most {} at a time",
                policy.max_range_days
            )));
        }
        Ok(Self { from: from_date, to: to_date })
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.from..=self.to).contains(&day)
    }
}

/// How a costs query groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Provider,
    #[default]
    Service,
    Credential,
    Day,
}

impl FromStr for GroupBy {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s {
            "provider" => Ok(GroupBy::Provider),
            "service" => Ok(GroupBy::Service),
            "credential" => Ok(GroupBy::Credential),
            "day" => Ok(GroupBy::Day),
            _ => Err(FieldError::new("group_by", "invalid_value", "group_by is provider, service, credential or day")),
        }
    }
}

/// Amounts per currency, never mixed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals(pub BTreeMap<Currency, Decimal>);

impl Totals {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a CostRow>) -> Self {
        let mut totals = Self::default();
        for row in rows {
            totals.add(&row.currency, row.amount);
        }
        totals
    }

    pub fn add(&mut self, currency: &Currency, amount: Decimal) {
        *self.0.entry(currency.clone()).or_default() += amount;
    }

    pub fn get(&self, currency: &Currency) -> Decimal {
        self.0.get(currency).copied().unwrap_or_default()
    }

    pub fn currencies(&self) -> impl Iterator<Item = &Currency> {
        self.0.keys()
    }
}

/// One group of a costs query, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostGroup {
    /// The provider, service, credential id or day (`YYYY-MM-DD`).
    pub key: String,
    pub currency: Currency,
    pub amount: Decimal,
}

/// Sums the rows by the grouping, one group per (key, currency). Days come in order; other
/// groupings largest first.
pub fn group(rows: &[CostRow], by: GroupBy) -> Vec<CostGroup> {
    let mut sums: BTreeMap<(String, Currency), Decimal> = BTreeMap::new();
    for row in rows {
        let key = match by {
            GroupBy::Provider => row.provider.as_str().to_owned(),
            GroupBy::Service => row.service.clone(),
            GroupBy::Credential => row.credential_id.to_string(),
            GroupBy::Day => row.day.to_string(),
        };
        *sums.entry((key, row.currency.clone())).or_default() += row.amount;
    }
    let mut groups: Vec<CostGroup> =
        sums.into_iter().map(|((key, currency), amount)| CostGroup { key, currency, amount }).collect();
    if by != GroupBy::Day {
        groups.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.key.cmp(&b.key)));
    }
    groups
}

/// One provider's cost on one day, in one currency: a point of the daily cost by provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDay {
    pub day: NaiveDate,
    pub provider: Provider,
    pub currency: Currency,
    pub amount: Decimal,
}

/// The daily cost of each provider over the rows (every credential and service of it summed),
/// one point per (day, provider, currency): amounts in different currencies stay apart, like
/// every total here. Ordered by day, then provider, then currency; a day on which a provider
/// had no row has no point (a chart fills the gap with zero).
pub fn daily_by_provider(rows: &[CostRow]) -> Vec<ProviderDay> {
    let mut sums: BTreeMap<(NaiveDate, Provider, Currency), Decimal> = BTreeMap::new();
    for row in rows {
        *sums.entry((row.day, row.provider, row.currency.clone())).or_default() += row.amount;
    }
    sums.into_iter()
        .map(|((day, provider, currency), amount)| ProviderDay { day, provider, currency, amount })
        .collect()
}

/// The first day of the month `day` is in.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// The last day of the month `day` is in.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    let first = month_start(day);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.expect("the next month exists") - Duration::days(1)
}

/// A change between two periods in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub currency: Currency,
    pub current: Decimal,
    pub previous: Decimal,
    /// `current - previous`.
    pub delta: Decimal,
    /// The change in percent of `previous` (two decimals); `None` when there was nothing before.
    pub percent: Option<Decimal>,
}

fn changes(current: &Totals, previous: &Totals) -> Vec<Change> {
    let mut currencies: Vec<&Currency> = current.currencies().chain(previous.currencies()).collect();
    currencies.sort();
    currencies.dedup();
    currencies
        .into_iter()
        .map(|currency| {
            let (now, before) = (current.get(currency), previous.get(currency));
            let percent = (!before.is_zero()).then(|| {
                ((now - before) * Decimal::ONE_HUNDRED / before)
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            });
            Change { currency: currency.clone(), current: now, previous: before, delta: now - before, percent }
        })
        .collect()
}

/// The headline figures of an organisation's costs on `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostOverview {
    pub month_to_date: Totals,
    pub last_month: Totals,
    /// Month to date plus the providers' forecast of the rest of the month (or, where a
    /// provider gives none, the month's daily average so far for the days left).
    pub forecast_month_end: Totals,
    /// Yesterday against the day before (today is never complete).
    pub day_over_day: Vec<Change>,
    /// This month to date against the same days of last month.
    pub month_over_month: Vec<Change>,
}

/// The overview from rows covering at least the start of last month to today, and the
/// forecasts of each credential.
pub fn overview(rows: &[CostRow], forecasts: &BTreeMap<CredentialId, CostForecast>, today: NaiveDate) -> CostOverview {
    let this_month = month_start(today);
    let previous_month = month_start(this_month - Duration::days(1));
    let in_days =
        |from: NaiveDate, to: NaiveDate| Totals::of(rows.iter().filter(move |r| (from..=to).contains(&r.day)));

    let month_to_date = in_days(this_month, today);
    let last_month = in_days(previous_month, this_month - Duration::days(1));
    // the same days of last month (clamped: 31 March compares with 28/29 February)
    let same_day_last_month =
        (previous_month + Duration::days(i64::from(today.day()) - 1)).min(this_month - Duration::days(1));
    let last_month_to_date = in_days(previous_month, same_day_last_month);
    let yesterday = today - Duration::days(1);
    let day_over_day =
        changes(&in_days(yesterday, yesterday), &in_days(yesterday - Duration::days(1), yesterday - Duration::days(1)));
    let month_over_month = changes(&month_to_date, &last_month_to_date);

    let mut forecast_month_end = month_to_date.clone();
    let days_left = (month_end(today) - today).num_days();
    let days_so_far = i64::from(today.day());
    for credential in rows
        .iter()
        .filter(|r| r.day >= this_month)
        .map(|r| r.credential_id)
        .chain(forecasts.keys().copied())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match forecasts.get(&credential).filter(|f| f.from > today - Duration::days(2) && f.to == month_end(today)) {
            Some(forecast) => forecast_month_end.add(&forecast.currency, forecast.amount),
            None => {
                // the run rate of this month so far, for the days left
                let spent = Totals::of(
                    rows.iter().filter(|r| r.credential_id == credential && r.day >= this_month && r.day <= today),
                );
                for (currency, amount) in spent.0 {
                    forecast_month_end.add(&currency, amount / Decimal::from(days_so_far) * Decimal::from(days_left));
                }
            }
        }
    }
    for amount in forecast_month_end.0.values_mut() {
        *amount = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    }
    CostOverview { month_to_date, last_month, forecast_month_end, day_over_day, month_over_month }
}

/// The services that cost most over the rows, per currency, largest first.
pub fn top_services(rows: &[CostRow], limit: usize) -> Vec<CostGroup> {
    let mut groups = group(rows, GroupBy::Service);
    let mut per_currency: BTreeMap<Currency, usize> = BTreeMap::new();
    groups.retain(|g| {
        let seen = per_currency.entry(g.currency.clone()).or_default();
        *seen += 1;
        *seen <= limit
    });
    groups
}

/// An amount as the API shows it: two decimals, as a string (never a float).
pub fn display_amount(amount: Decimal) -> String {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn row(credential: CredentialId, d: &str, service: &str, amount: &str, currency: &str) -> CostRow {
        CostRow {
            credential_id: credential,
            provider: Provider::Aws,
            day: day(d),
            account: String::new(),
            service: service.into(),
            amount: amount.parse().unwrap(),
            currency: Currency::parse(currency).unwrap(),
        }
    }

    fn refresh(at: &str, to: &str, error: Option<&str>) -> CostRefresh {
        CostRefresh {
            credential_id: CredentialId::new(),
            provider: Provider::Aws,
            refreshed_at: at.parse().unwrap(),
            from: day("2026-08-01"),
            to: day(to),
            rows: 1,
            requests: 1,
            forecast: None,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn a_refresh_is_due_once_per_interval() {
        let policy = CostPolicy::default();
        let last = refresh("2026-11-22T06:00:00Z", "2026-11-22", None);
        assert!(refresh_due(None, "2026-11-22T06:00:00Z".parse().unwrap(), &policy));
        assert!(!refresh_due(Some(&last), "2026-11-22T11:59:59Z".parse().unwrap(), &policy));
        assert!(refresh_due(Some(&last), "2026-11-22T12:00:00Z".parse().unwrap(), &policy));
        let failed = refresh("2026-11-22T06:00:00Z", "2026-11-22", Some("throttled"));
        assert!(!refresh_due(Some(&failed), "2026-11-22T07:00:00Z".parse().unwrap(), &policy), "failures wait too");
    }

    #[test]
    fn only_days_not_yet_final_are_fetched_again() {
        let policy = CostPolicy::default();
        let today = day("2026-11-22");
        assert_eq!(refresh_window(today, None, &policy), (day("2026-08-25"), today), "90 days the first time");
        let last = refresh("2026-11-21T06:00:00Z", "2026-11-21", None);
        assert_eq!(refresh_window(today, Some(&last), &policy), (day("2026-11-18"), today));
        let failed = refresh("2026-11-21T06:00:00Z", "2026-11-21", Some("throttled"));
        assert_eq!(refresh_window(today, Some(&failed), &policy).0, day("2026-08-25"), "a failure proves nothing");
        let long_ago = refresh("2025-01-01T06:00:00Z", "2025-01-01", None);
        assert_eq!(refresh_window(today, Some(&long_ago), &policy).0, day("2026-08-25"), "never beyond the history");
    }

    #[test]
    fn ranges_are_validated() {
        let policy = CostPolicy::default();
        let today = day("2026-11-22");
        let default = CostRange::parse(None, None, today, &policy).unwrap();
        assert_eq!((default.from, default.to), (day("2026-10-24"), today));
        let explicit = CostRange::parse(Some("2026-11-01"), Some("2026-11-10"), today, &policy).unwrap();
        assert_eq!((explicit.from, explicit.to), (day("2026-11-01"), day("2026-11-10")));
        assert!(matches!(
            CostRange::parse(Some("2026-11-10"), Some("2026-11-01"), today, &policy),
            Err(RangeError::Invalid(m)) if m.contains("before")
        ));
        assert!(matches!(
            CostRange::parse(Some("2024-01-01"), Some("2026-11-01"), today, &policy),
            Err(RangeError::Invalid(m)) if m.contains("at most 366")
        ));
        assert!(matches!(
            CostRange::parse(Some("2026-13-01"), None, today, &policy),
            Err(RangeError::Malformed(e)) if e.field == "from"
        ));
        assert!(matches!(
            CostRange::parse(None, Some("yesterday"), today, &policy),
            Err(RangeError::Malformed(e)) if e.field == "to"
        ));
    }

    #[test]
    fn currencies_are_never_summed_together() {
        let c = CredentialId::new();
        let rows = [
            row(c, "2026-11-01", "EC2", "10.50", "USD"),
            row(c, "2026-11-02", "EC2", "1.25", "USD"),
            row(c, "2026-11-01", "Virtual Machines", "7", "EUR"),
        ];
        let totals = Totals::of(&rows);
        assert_eq!(totals.get(&usd()), "11.75".parse().unwrap());
        assert_eq!(totals.get(&Currency::parse("eur").unwrap()), Decimal::from(7));
        let by_provider = group(&rows, GroupBy::Provider);
        assert_eq!(by_provider.len(), 2, "one aws group per currency: {by_provider:?}");
    }

    #[test]
    fn decimal_sums_are_exact() {
        let c = CredentialId::new();
        let rows: Vec<CostRow> = (0..10).map(|_| row(c, "2026-11-01", "S3", "0.1", "USD")).collect();
        assert_eq!(Totals::of(&rows).get(&usd()), Decimal::ONE);
    }

    #[test]
    fn groups_by_day_come_in_order_and_others_largest_first() {
        let c = CredentialId::new();
        let rows = [
            row(c, "2026-11-02", "S3", "1", "USD"),
            row(c, "2026-11-01", "EC2", "5", "USD"),
            row(c, "2026-11-01", "S3", "2", "USD"),
        ];
        let days: Vec<_> = group(&rows, GroupBy::Day).into_iter().map(|g| (g.key, g.amount)).collect();
        assert_eq!(days, vec![("2026-11-01".into(), Decimal::from(7)), ("2026-11-02".into(), Decimal::ONE)]);
        let services: Vec<_> = group(&rows, GroupBy::Service).into_iter().map(|g| g.key).collect();
        assert_eq!(services, vec!["EC2", "S3"]);
        assert_eq!(top_services(&rows, 1).len(), 1);
    }

    #[test]
    fn daily_costs_by_provider_sum_services_and_accounts_per_currency() {
        let (aws, azure) = (CredentialId::new(), CredentialId::new());
        let on = |provider: Provider, r: CostRow| CostRow { provider, ..r };
        let rows = [
            row(aws, "2026-11-02", "EC2", "5", "USD"),
            on(Provider::Azure, row(azure, "2026-11-01", "Virtual Machines", "2.50", "EUR")),
            row(aws, "2026-11-01", "EC2", "1.10", "USD"),
            row(CredentialId::new(), "2026-11-01", "S3", "0.40", "USD"),
            on(Provider::Azure, row(azure, "2026-11-01", "Storage", "0.25", "EUR")),
            on(Provider::Azure, row(azure, "2026-11-01", "Bandwidth", "1", "USD")),
        ];
        let points: Vec<(String, &str, String, String)> = daily_by_provider(&rows)
            .iter()
            .map(|p| (p.day.to_string(), p.provider.as_str(), p.currency.to_string(), p.amount.to_string()))
            .collect();
        assert_eq!(
            points,
            vec![
                ("2026-11-01".into(), "aws", "USD".into(), "1.50".into()),
                ("2026-11-01".into(), "azure", "EUR".into(), "2.75".into()),
                ("2026-11-01".into(), "azure", "USD".into(), "1".into()),
                ("2026-11-02".into(), "aws", "USD".into(), "5".into()),
            ],
            "two AWS accounts summed, Azure's euros and dollars apart, no point for Azure on the 2nd"
        );
        assert!(daily_by_provider(&[]).is_empty());
    }

    #[test]
    fn the_overview_compares_like_with_like() {
        let c = CredentialId::new();
        let today = day("2026-11-10");
        let mut rows = vec![];
        for d in 1..=10 {
            rows.push(row(c, &format!("2026-11-{d:02}"), "EC2", "2", "USD"));
        }
        for d in 1..=30 {
            rows.push(row(c, &format!("2026-10-{d:02}"), "EC2", "1", "USD"));
        }
        rows.push(row(c, "2026-11-09", "S3", "1", "USD"));
        let o = overview(&rows, &BTreeMap::new(), today);
        assert_eq!(o.month_to_date.get(&usd()), Decimal::from(21));
        assert_eq!(o.last_month.get(&usd()), Decimal::from(30));
        // yesterday 3 against 2 the day before
        assert_eq!(o.day_over_day[0].delta, Decimal::ONE);
        assert_eq!(o.day_over_day[0].percent, Some(Decimal::from(50)));
        // 21 against the first ten days of October (10)
        assert_eq!(o.month_over_month[0].previous, Decimal::from(10));
        assert_eq!(o.month_over_month[0].percent, Some(Decimal::from(110)));
        // no forecast from the provider: the run rate (2.1 a day) for the 20 days left
        assert_eq!(o.forecast_month_end.get(&usd()), Decimal::from(63));

        let forecast =
            CostForecast { from: day("2026-11-10"), to: day("2026-11-30"), amount: Decimal::from(40), currency: usd() };
        let o = overview(&rows, &BTreeMap::from([(c, forecast)]), today);
        assert_eq!(o.forecast_month_end.get(&usd()), Decimal::from(61), "month to date plus the provider's forecast");
    }

    #[test]
    fn month_boundaries() {
        assert_eq!(month_end(day("2026-02-10")), day("2026-02-28"));
        assert_eq!(month_end(day("2026-12-31")), day("2026-12-31"));
        assert_eq!(month_start(day("2026-12-31")), day("2026-12-01"));
    }

    #[test]
    fn amounts_show_two_decimals() {
        assert_eq!(display_amount("12.345".parse().unwrap()), "12.35");
        assert_eq!(display_amount("3".parse().unwrap()), "3.00");
    }
}
