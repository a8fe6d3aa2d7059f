//! The dashboard's cost figures come from a snapshot the sync computes after a cost refresh;
//! they stay equal to the costs view's, and a deleted account's costs leave the dashboard at
//! once.

use reqwest::StatusCode;
use serde_json::json;
use skyforge_e2e::{Platform, fresh_aws_account, usd};

#[tokio::test]
async fn the_dashboards_costs_follow_a_refresh_and_a_deleted_account() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let dashboard = format!("/v1/orgs/{}/dashboard", alice.org);
    let before = platform.get(&dashboard, &alice.access).await;
    assert_eq!(before.status, StatusCode::OK, "{:?}", before.body);
    assert_eq!(before.body["costs"]["month_to_date"], json!([]));

    // a fresh demo account with demo costs queued for its first refresh
    let (account, role) = fresh_aws_account();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("run against the moto server: `make test`");
    skyforge_clouds::demo::seed_demo_costs(&endpoint, &account, chrono::Utc::now().date_naive()).await.unwrap();
    let credential = platform.connect_aws(&alice, &role).await;
    assert_eq!(platform.synced(&alice, &credential).await["status"], "succeeded");

    let costs = platform.get(&format!("/v1/orgs/{}/costs", alice.org), &alice.access).await;
    let expected = usd(&costs.body["overview"]["month_to_date"]);
    assert!(expected > 0.0, "{:?}", costs.body["overview"]);
    for _ in 0..2 {
        let shown = platform.get(&dashboard, &alice.access).await;
        assert_eq!(usd(&shown.body["costs"]["month_to_date"]), expected);
        assert_eq!(shown.body["costs"], costs.body["overview"], "the same figures as the costs view");
    }

    let deleted = platform
        .call(
            reqwest::Method::DELETE,
            &format!("/v1/orgs/{}/credentials/{credential}", alice.org),
            Some(&alice.access),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    let after = platform.get(&dashboard, &alice.access).await;
    assert_eq!(after.body["costs"]["month_to_date"], json!([]), "{:?}", after.body["costs"]);
}
