//! The organisation's summary item: the dashboard's cost snapshot is stored only against the
//! cost data it was computed from, and every write of cost data drops it.

use chrono::{NaiveDate, Utc};
use skyforge_app::costs::CostStore;
use skyforge_app::sync_ports::Summaries;
use skyforge_domain::costs::{CostOverview, CostRefresh, CostRow, Currency, Totals};
use skyforge_domain::ids::{CredentialId, OrgId};
use skyforge_domain::provider::Provider;
use skyforge_domain::sync::{CostSnapshot, CredentialSummary};

use crate::fresh_store;

fn snapshot(as_of: &str, usd: &str) -> CostSnapshot {
    let mut month_to_date = Totals::default();
    month_to_date.add(&Currency::parse("USD").unwrap(), usd.parse().unwrap());
    let overview = CostOverview {
        month_to_date: month_to_date.clone(),
        last_month: Totals::default(),
        forecast_month_end: month_to_date,
        day_over_day: vec![],
        month_over_month: vec![],
    };
    CostSnapshot { as_of: as_of.parse().unwrap(), overview }
}

#[tokio::test]
async fn a_cost_snapshot_is_kept_only_for_the_cost_data_it_was_computed_from() {
    let store = fresh_store().await;
    let (org, credential) = (OrgId::new(), CredentialId::new());
    let empty = Summaries::get(store.as_ref(), org).await.unwrap();
    assert_eq!((empty.costs.clone(), empty.costs_version), (None, 0));

    // stored against the version read before computing, next to the credentials' parts
    let part = CredentialSummary { name: "prod".into(), ..Default::default() };
    store.put_credential(org, credential, &part).await.unwrap();
    assert!(store.put_costs(org, &snapshot("2026-11-20", "10.50"), 0).await.unwrap());
    let summary = Summaries::get(store.as_ref(), org).await.unwrap();
    assert_eq!(summary.costs, Some(snapshot("2026-11-20", "10.50")), "amounts stay exact");
    assert_eq!(summary.credentials[&credential], part);

    // a write of cost rows drops it and moves the version on
    let row = CostRow {
        credential_id: credential,
        provider: Provider::Aws,
        day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        account: String::new(),
        service: "Amazon Simple Storage Service".into(),
        amount: "1".parse().unwrap(),
        currency: Currency::parse("USD").unwrap(),
    };
    store.replace_rows(org, credential, row.day, row.day, std::slice::from_ref(&row)).await.unwrap();
    let summary = Summaries::get(store.as_ref(), org).await.unwrap();
    assert_eq!((summary.costs, summary.costs_version), (None, 1));

    // a snapshot computed from the older data is refused; one of the current data is kept
    assert!(!store.put_costs(org, &snapshot("2026-11-20", "10.50"), 0).await.unwrap());
    assert!(store.put_costs(org, &snapshot("2026-11-20", "11.50"), 1).await.unwrap());
    assert_eq!(Summaries::get(store.as_ref(), org).await.unwrap().costs, Some(snapshot("2026-11-20", "11.50")));

    // so do a refresh record and a deleted credential
    let refresh = CostRefresh {
        credential_id: credential,
        provider: Provider::Aws,
        refreshed_at: Utc::now(),
        from: row.day,
        to: row.day,
        rows: 1,
        requests: 1,
        forecast: None,
        error: None,
    };
    store.put_refresh(org, &refresh).await.unwrap();
    assert_eq!(Summaries::get(store.as_ref(), org).await.unwrap().costs_version, 2);
    assert!(store.put_costs(org, &snapshot("2026-11-20", "11.50"), 2).await.unwrap());
    CostStore::remove_credential(store.as_ref(), org, credential).await.unwrap();
    let summary = Summaries::get(store.as_ref(), org).await.unwrap();
    assert_eq!((summary.costs, summary.costs_version), (None, 3));
    assert_eq!(summary.credentials.len(), 1, "the credentials' parts are not the cost store's");

    // another organisation's summary is its own
    assert_eq!(Summaries::get(store.as_ref(), OrgId::new()).await.unwrap().costs_version, 0);
}
