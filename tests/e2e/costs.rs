//! Costs over HTTP: a connected AWS account whose Cost Explorer answers seeded demo costs
//! (90 days, six services) is refreshed by its sync, once per interval; the costs view groups
//! and totals them; bad ranges are 400s with their codes; another organisation sees nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::{Platform, TestUser};

/// A fresh demo account behind its own role, with demo costs queued for it, connected to `user`.
async fn connected_with_costs(platform: &Platform, user: &TestUser) -> String {
    let account = format!("{}", ulid::Ulid::new().random() % 900_000_000_000 + 100_000_000_000);
    let role = format!("arn:aws:iam::{account}:role/skyforge-readonly");
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("run against the moto server: `make test`");
    skyforge_clouds::demo::seed_demo_costs(&endpoint, &account, chrono::Utc::now().date_naive()).await.unwrap();
    let reply = platform
        .post(
            &format!("/v1/orgs/{}/credentials", user.org),
            Some(&user.access),
            json!({"provider": "aws", "name": "prod", "role_arn": role, "regions": ["us-east-1"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

fn usd(list: &Value) -> f64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["currency"] == "USD")
        .map(|m| m["amount"].as_str().unwrap().parse().unwrap())
        .unwrap_or(0.0)
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
