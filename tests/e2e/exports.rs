//! Exports over HTTP: the inventory as CSV and NDJSON (every page, the list's filters, a stable
//! column order) and the costs of a range by a grouping as CSV; bad formats and filters are 400s
//! with their codes; another organisation gets 404.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use skyforge_e2e::{Platform, TestUser, fresh_aws_account};

/// Every resource id of the organisation's inventory, through the paged list.
async fn listed_ids(platform: &Platform, user: &TestUser, filter: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/orgs/{}/inventory?limit=100{filter}", user.org);
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = platform.get(&path, &user.access).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        ids.extend(page.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

async fn export(platform: &Platform, user: &TestUser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = platform.raw(reqwest::Method::GET, path).bearer_auth(&user.access).send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

/// Splits one RFC 4180 line into fields (the test's own reader, independent of the writer).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[tokio::test]
async fn the_inventory_exports_every_page_as_csv_and_ndjson_with_its_filters() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let (account, role) = fresh_aws_account();
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    // more than two pages of 100
    skyforge_clouds::demo::seed_bulk_instances(&sdk, &role, &["us-east-1"], 230).await.unwrap();
    let credential = platform.connect_aws(&alice, &role).await;
    assert_eq!(platform.synced(&alice, &credential).await["status"], "succeeded");
    let all = listed_ids(&platform, &alice, "").await;
    assert!(all.len() > 230, "{}", all.len());

    let (status, headers, csv) = export(&platform, &alice, &format!("/v1/orgs/{}/inventory/export", alice.org)).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"inventory-"));
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let header = csv_fields(lines.next().unwrap());
    assert_eq!(
        header,
        [
            "id",
            "provider",
            "account",
            "region",
            "type",
            "native_id",
            "name",
            "state",
            "size",
            "public_ips",
            "private_ips",
            "tags",
            "deployment",
            "credential_id",
            "created_at",
            "first_seen",
            "last_seen",
            "deleted_at",
            "attributes"
        ]
    );
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()), "every row has every column");
    let exported: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported.len(), rows.len(), "no resource twice");
    assert_eq!(exported, all, "every page, once");
    assert!(rows.iter().all(|r| r[1] == "aws" && r[2] == account && r[13] == credential));

    let (status, headers, ndjson) =
        export(&platform, &alice, &format!("/v1/orgs/{}/inventory/export?format=ndjson&type=vm", alice.org)).await;
    assert_eq!(status, StatusCode::OK, "{ndjson}");
    assert_eq!(headers["content-type"], "application/x-ndjson");
    let vms: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(vms.iter().all(|r| r["type"] == "vm"), "the list's filters apply");
    let vm_ids: BTreeSet<String> = vms.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(vm_ids, listed_ids(&platform, &alice, "&type=vm").await);
    assert!(vm_ids.len() >= 230);

    // another organisation's export: 404, and nothing in its own but the header
    let bob = platform.user("bob").await;
    for path in [format!("/v1/orgs/{}/inventory/export", alice.org), format!("/v1/orgs/{}/costs/export", alice.org)] {
        let reply = platform.get(&path, &bob.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
    let (_, _, own) = export(&platform, &bob, &format!("/v1/orgs/{}/inventory/export", bob.org)).await;
    assert_eq!(own.lines().count(), 1, "{own}");
}

#[tokio::test]
async fn the_costs_export_has_a_line_per_group_of_the_range() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let (account, role) = fresh_aws_account();
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("run against the moto server: `make test`");
    skyforge_clouds::demo::seed_demo_costs(&endpoint, &account, chrono::Utc::now().date_naive()).await.unwrap();
    let credential = platform.connect_aws(&alice, &role).await;
    assert_eq!(platform.synced(&alice, &credential).await["status"], "succeeded");

    let report = platform.get(&format!("/v1/orgs/{}/costs?group_by=service", alice.org), &alice.access).await;
    let (status, headers, csv) =
        export(&platform, &alice, &format!("/v1/orgs/{}/costs/export?group_by=service", alice.org)).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty()).map(csv_fields);
    assert_eq!(lines.next().unwrap(), ["from", "to", "group_by", "key", "currency", "amount"]);
    let rows: Vec<Vec<String>> = lines.collect();
    let groups = report.body["groups"].as_array().unwrap();
    assert_eq!(rows.len(), groups.len());
    assert_eq!(rows.len(), 6, "six services");
    for (row, group) in rows.iter().zip(groups) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (report.body["from"].as_str().unwrap(), report.body["to"].as_str().unwrap())
        );
        assert_eq!(row[2], "service");
        assert_eq!(
            (row[3].as_str(), row[4].as_str(), row[5].as_str()),
            (group["key"].as_str().unwrap(), group["currency"].as_str().unwrap(), group["amount"].as_str().unwrap())
        );
    }

    let (_, _, by_day) = export(
        &platform,
        &alice,
        &format!("/v1/orgs/{}/costs/export?group_by=day&from=2026-01-01&to=2026-01-07", alice.org),
    )
    .await;
    assert!(by_day.starts_with("from,to,group_by,key,currency,amount\r\n"), "{by_day}");
    assert!(by_day.lines().skip(1).all(|l| l.starts_with("2026-01-01,2026-01-07,day,")), "{by_day}");
}

#[tokio::test]
async fn bad_export_formats_filters_and_ranges_are_400s_with_their_codes() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let cases = [
        ("inventory/export?format=xlsx", "invalid_query", "format"),
        ("inventory/export?type=robot", "invalid_query", "type"),
        ("inventory/export?sort=size", "invalid_query", "sort"),
        ("costs/export?format=ndjson", "invalid_query", "format"),
        ("costs/export?group_by=region", "invalid_query", "group_by"),
        ("costs/export?from=2026-11-10&to=2026-11-01", "invalid_range", ""),
    ];
    for (path, code, field) in cases {
        let reply = platform.get(&format!("/v1/orgs/{}/{path}", alice.org), &alice.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, code), "{path}: {:?}", reply.body);
        if !field.is_empty() {
            assert!(reply.field_codes().iter().any(|(f, _)| f == field), "{path}: {:?}", reply.body);
        }
    }
    let anonymous =
        platform.call(reqwest::Method::GET, &format!("/v1/orgs/{}/inventory/export", alice.org), None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
