//! Cost rows and refresh records on DynamoDB: replacing days is idempotent, ranges are one
//! query, and another organisation's partition is never read.

use chrono::{NaiveDate, Utc};
use skyforge_app::costs::CostStore;
use skyforge_domain::costs::{CostForecast, CostRefresh, CostRow, Currency, Totals};
use skyforge_domain::ids::{CredentialId, OrgId};
use skyforge_domain::provider::Provider;

use crate::fresh_store;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn row(credential: CredentialId, d: &str, service: &str, amount: &str, currency: &str) -> CostRow {
    CostRow {
        credential_id: credential,
        provider: Provider::Aws,
        day: day(d),
        account: "123456789012".into(),
        service: service.into(),
        amount: amount.parse().unwrap(),
        currency: Currency::parse(currency).unwrap(),
    }
}

#[tokio::test]
async fn replacing_the_same_days_never_double_counts() {
    let store = fresh_store().await;
    let (org, cred, other_cred) = (OrgId::new(), CredentialId::new(), CredentialId::new());
    let first = vec![
        row(cred, "2026-11-01", "Amazon Elastic Compute Cloud - Compute", "10.123456", "USD"),
        row(cred, "2026-11-02", "Amazon Elastic Compute Cloud - Compute", "11", "USD"),
        row(cred, "2026-11-02", "Amazon Simple Storage Service", "0.5", "USD"),
    ];
    store.replace_rows(org, cred, day("2026-11-01"), day("2026-11-02"), &first).await.unwrap();
    // another credential's row on the same day stays untouched
    let theirs = vec![row(other_cred, "2026-11-02", "Virtual Machines", "3", "EUR")];
    store.replace_rows(org, other_cred, day("2026-11-02"), day("2026-11-02"), &theirs).await.unwrap();

    // the provider restated the 2nd: S3 is gone, EC2 changed
    let restated = vec![row(cred, "2026-11-02", "Amazon Elastic Compute Cloud - Compute", "12.25", "USD")];
    store.replace_rows(org, cred, day("2026-11-02"), day("2026-11-02"), &restated).await.unwrap();
    store.replace_rows(org, cred, day("2026-11-02"), day("2026-11-02"), &restated).await.unwrap();

    let rows = store.rows(org, day("2026-11-01"), day("2026-11-30")).await.unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let totals = Totals::of(&rows);
    assert_eq!(totals.get(&Currency::parse("USD").unwrap()).to_string(), "22.373456", "amounts stay exact");
    assert_eq!(totals.get(&Currency::parse("EUR").unwrap()).to_string(), "3");

    let just_the_first = store.rows(org, day("2026-11-01"), day("2026-11-01")).await.unwrap();
    assert_eq!(just_the_first.len(), 1);
    assert!(store.rows(OrgId::new(), day("2026-11-01"), day("2026-11-30")).await.unwrap().is_empty());
}

#[tokio::test]
async fn more_than_a_page_of_rows_comes_back_whole() {
    let store = fresh_store().await;
    let (org, cred) = (OrgId::new(), CredentialId::new());
    let service = "s".repeat(600); // about 1.8 MB in all: more than one 1 MB query page
    let rows: Vec<CostRow> = (1..=30)
        .flat_map(|d| (0..40).map(move |i| (d, i)))
        .map(|(d, i)| row(cred, &format!("2026-11-{d:02}"), &format!("{service}{i}"), "1", "USD"))
        .collect();
    store.replace_rows(org, cred, day("2026-11-01"), day("2026-11-30"), &rows).await.unwrap();
    assert_eq!(store.rows(org, day("2026-11-01"), day("2026-11-30")).await.unwrap().len(), 1200);
}

#[tokio::test]
async fn the_last_refresh_is_kept_per_credential() {
    let store = fresh_store().await;
    let (org, cred) = (OrgId::new(), CredentialId::new());
    assert!(store.last_refresh(org, cred).await.unwrap().is_none());
    let refresh = CostRefresh {
        credential_id: cred,
        provider: Provider::Aws,
        refreshed_at: Utc::now(),
        from: day("2026-08-25"),
        to: day("2026-11-22"),
        rows: 270,
        requests: 2,
        forecast: Some(CostForecast {
            from: day("2026-11-22"),
            to: day("2026-11-30"),
            amount: "42.5".parse().unwrap(),
            currency: Currency::parse("USD").unwrap(),
        }),
        error: None,
    };
    store.put_refresh(org, &refresh).await.unwrap();
    let read = store.last_refresh(org, cred).await.unwrap().unwrap();
    assert_eq!((read.requests, read.forecast.clone()), (2, refresh.forecast.clone()));
    assert_eq!(store.refreshes(org).await.unwrap().len(), 1);
    assert!(store.refreshes(OrgId::new()).await.unwrap().is_empty());
}
