//! Costs over HTTP: a connected AWS account whose Cost Explorer answers seeded demo costs
//! (90 days, six services) is refreshed by its sync, once per interval; the costs view groups
//! and totals them and gives their daily series by provider; bad ranges are 400s with their
//! codes; another organisation sees nothing. `make up`'s demo has costs of all three clouds.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use skyforge_e2e::{DEMO_EMAIL, DEMO_PASSWORD, Platform, TestUser, fresh_aws_account, usd};

/// A fresh demo account behind its own role, with demo costs queued for it, connected to `user`.
async fn connected_with_costs(platform: &Platform, user: &TestUser) -> String {
    let (account, role) = fresh_aws_account();
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("run against the moto server: `make test`");
    skyforge_clouds::demo::seed_demo_costs(&endpoint, &account, chrono::Utc::now().date_naive()).await.unwrap();
    platform.connect_aws(user, &role).await
}

#[tokio::test]
async fn a_synced_account_shows_its_costs_refreshed_once_per_interval() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let credential = connected_with_costs(&platform, &alice).await;
    assert_eq!(platform.synced(&alice, &credential).await["status"], "succeeded");

    let costs_path = format!("/v1/orgs/{}/costs?group_by=service", alice.org);
    let first = platform.get(&costs_path, &alice.access).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let services: Vec<&str> =
        first.body["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(services.len(), 6, "{services:?}");
    assert_eq!(services[0], "Amazon Elastic Compute Cloud - Compute", "largest first");
    let total = usd(&first.body["totals"]);
    assert!((1000.0..3000.0).contains(&total), "30 days of about 69 USD a day: {total}");
    assert_eq!(first.body["top_services"].as_array().unwrap().len(), 5);
    assert!(usd(&first.body["overview"]["month_to_date"]) > 0.0);
    assert!(usd(&first.body["overview"]["forecast_month_end"]) >= usd(&first.body["overview"]["month_to_date"]));
    let refresh = &first.body["refreshes"][0];
    assert_eq!(refresh["credential_id"], credential.as_str());
    // one GetCostAndUsage page and one GetCostForecast
    assert_eq!(refresh["requests"], 2, "{refresh}");
    assert!(refresh["error"].is_null());

    // a second sync within 6 hours makes no billing request: the refresh record is unchanged
    assert_eq!(platform.synced(&alice, &credential).await["status"], "succeeded");
    let second = platform.get(&costs_path, &alice.access).await;
    assert_eq!(second.body["refreshes"][0]["refreshed_at"], refresh["refreshed_at"]);
    assert_eq!(second.body["totals"], first.body["totals"]);

    let by_day = platform.get(&format!("/v1/orgs/{}/costs?group_by=day", alice.org), &alice.access).await;
    assert_eq!(by_day.body["groups"].as_array().unwrap().len(), 30, "the default range: the last 30 days");

    // the daily series by provider, whatever the grouping: one AWS point a day, as the days' groups
    let series = first.body["series"].as_array().unwrap();
    assert_eq!(series.len(), 30, "{series:?}");
    assert!(series.iter().all(|p| p["provider"] == "aws" && p["currency"] == "USD"), "{series:?}");
    let days: Vec<&str> = series.iter().map(|p| p["day"].as_str().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] < w[1]), "in order of days: {days:?}");
    assert_eq!((days[0], days[29]), (first.body["from"].as_str().unwrap(), first.body["to"].as_str().unwrap()));
    let groups_by_day: Vec<(&Value, &Value)> =
        by_day.body["groups"].as_array().unwrap().iter().map(|g| (&g["key"], &g["amount"])).collect();
    let points: Vec<(&Value, &Value)> = series.iter().map(|p| (&p["day"], &p["amount"])).collect();
    assert_eq!(points, groups_by_day, "one provider: its series is the daily total");
    assert_eq!(by_day.body["series"], first.body["series"]);

    let dashboard = platform.get(&format!("/v1/orgs/{}/dashboard", alice.org), &alice.access).await;
    assert_eq!(usd(&dashboard.body["costs"]["month_to_date"]), usd(&first.body["overview"]["month_to_date"]));

    // the demo account has stopped instances: they still pay for their disks
    let recs = platform.get(&format!("/v1/orgs/{}/costs/recommendations?limit=1", alice.org), &alice.access).await;
    assert_eq!(recs.status, StatusCode::OK, "{:?}", recs.body);
    let item = &recs.body["items"][0];
    assert!(item["rule"].as_str().unwrap().contains("stopped"), "{item}");
    assert!(item["monthly_saving"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    let cursor = recs.body["next_cursor"].as_str().expect("more than one recommendation");
    let next = platform
        .get(&format!("/v1/orgs/{}/costs/recommendations?limit=1&cursor={cursor}", alice.org), &alice.access)
        .await;
    assert_ne!(next.body["items"][0]["id"], item["id"]);

    // another organisation: 404 on alice's, nothing in its own
    let bob = platform.user("bob").await;
    for path in [format!("/v1/orgs/{}/costs", alice.org), format!("/v1/orgs/{}/costs/recommendations", alice.org)] {
        let reply = platform.get(&path, &bob.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
    let own = platform.get(&format!("/v1/orgs/{}/costs", bob.org), &bob.access).await;
    assert!(own.body["groups"].as_array().unwrap().is_empty() && own.body["refreshes"].as_array().unwrap().is_empty());
    assert!(own.body["series"].as_array().unwrap().is_empty(), "{:?}", own.body["series"]);

    // a deleted account's costs go with it
    let deleted = platform
        .call(
            reqwest::Method::DELETE,
            &format!("/v1/orgs/{}/credentials/{credential}", alice.org),
            Some(&alice.access),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    let after = platform.get(&costs_path, &alice.access).await;
    assert!(after.body["groups"].as_array().unwrap().is_empty(), "{:?}", after.body);
    assert!(after.body["refreshes"].as_array().unwrap().is_empty(), "{:?}", after.body);
}

#[tokio::test]
async fn bad_ranges_are_400s_with_their_codes() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let costs = format!("/v1/orgs/{}/costs", alice.org);
    let cases = [
        ("?from=2026-11-10&to=2026-11-01", "invalid_range"),
        ("?from=2024-01-01&to=2026-11-01", "invalid_range"),
        ("?from=01/11/2026", "invalid_query"),
        ("?group_by=region", "invalid_query"),
    ];
    for (query, code) in cases {
        let reply = platform.get(&format!("{costs}{query}"), &alice.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, code), "{query}: {:?}", reply.body);
    }
    let bad_cursor = platform.get(&format!("{costs}/recommendations?cursor=bm9wZQ"), &alice.access).await;
    assert_eq!((bad_cursor.status, bad_cursor.code()), (StatusCode::BAD_REQUEST, "invalid_query"));
}

/// `make up`'s demo (`serve --seed-demo`): its AWS account (Cost Explorer on the stand-in), Azure
/// subscription (the Cost Management double) and GCP project (the BigQuery billing export double)
/// each have daily costs after their first sync, and the series shows all three every day.
#[tokio::test]
async fn the_demo_has_daily_costs_of_all_three_clouds() {
    let platform = Platform::start_demo().await;
    let login = platform.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let me = platform.get("/v1/me", &token).await;
    let org = me.body["organizations"][0]["id"].as_str().unwrap().to_owned();
    let costs_path = format!("/v1/orgs/{org}/costs?group_by=provider");

    // the demo accounts sync in the background; each first sync refreshes its costs
    let mut report = Value::Null;
    for _ in 0..240 {
        report = platform.get(&costs_path, &token).await.body;
        if report["refreshes"].as_array().is_some_and(|r| r.len() == 3) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let refreshes = report["refreshes"].as_array().expect("refreshes");
    assert_eq!(refreshes.len(), 3, "a refresh per demo account: {report}");
    for refresh in refreshes {
        assert!(refresh["error"].is_null(), "{refresh}");
        assert!(refresh["rows"].as_u64().unwrap() >= 6 * 89, "about 90 days of six services: {refresh}");
    }
    let azure = refreshes.iter().find(|r| r["provider"] == "azure").unwrap();
    assert!(azure["requests"].as_u64().unwrap() > 1, "the query pages with nextLink: {azure}");

    let totals: BTreeMap<&str, f64> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["key"].as_str().unwrap(), g["amount"].as_str().unwrap().parse().unwrap()))
        .collect();
    assert_eq!(totals.keys().copied().collect::<Vec<_>>(), ["aws", "azure", "gcp"], "{report}");
    // 30 days of about 69 (AWS), 21 (Azure) and 16 (GCP) USD a weekday
    assert!((1_000.0..3_000.0).contains(&totals["aws"]), "{totals:?}");
    assert!((300.0..1_000.0).contains(&totals["azure"]), "{totals:?}");
    assert!((250.0..800.0).contains(&totals["gcp"]), "{totals:?}");

    let series = report["series"].as_array().unwrap();
    let mut per_day: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    for point in series {
        assert_eq!(point["currency"], "USD", "{point}");
        let provider = point["provider"].as_str().unwrap();
        per_day.entry(point["day"].as_str().unwrap()).or_default().insert(provider);
        *sums.entry(provider).or_default() += point["amount"].as_str().unwrap().parse::<f64>().unwrap();
    }
    assert_eq!(per_day.len(), 30, "every day of the default range: {per_day:?}");
    assert!(per_day.values().all(|providers| providers.len() == 3), "all three clouds every day: {per_day:?}");
    for (provider, total) in &totals {
        assert!((sums[provider] - total).abs() < 0.2, "{provider}: the series adds up to its group ({sums:?})");
    }
}
