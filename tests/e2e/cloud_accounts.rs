//! Cloud accounts and the inventory over HTTP: rights, validation, secrets, sync now, filters,
//! pagination, the dashboard, provider health, and tenant isolation.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::{Platform, TestUser};

fn random_role() -> String {
    let n = ulid::Ulid::new().random() % 900_000_000_000 + 100_000_000_000;
    format!("arn:aws:iam::{n}:role/skyforge-readonly")
}

/// Seeds a demo account behind a fresh role and connects it to `user`'s organisation.
async fn connected(platform: &Platform, user: &TestUser) -> (String, String) {
    let role = random_role();
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    let reply = platform
        .post(
            &format!("/v1/orgs/{}/credentials", user.org),
            Some(&user.access),
            json!({"provider": "aws", "name": "prod", "role_arn": role, "regions": ["us-east-1", "eu-west-1", "ap-southeast-2"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    (reply.body["id"].as_str().unwrap().to_owned(), role)
}

#[tokio::test]
async fn a_connected_account_syncs_into_a_filterable_paged_inventory() {
    let platform = Platform::start().await;
    let user = platform.user("ops").await;
    let (credential, _) = connected(&platform, &user).await;
    let run = platform.synced(&user, &credential).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert!(run["counts"]["created"].as_u64().unwrap() > 0);

    let inventory = format!("/v1/orgs/{}/inventory", user.org);
    let vms = platform.get(&format!("{inventory}?type=vm&limit=100"), &user.access).await;
    let items = vms.body["items"].as_array().unwrap();
    assert!(items.len() >= 6, "{}", vms.body);
    assert!(items.iter().all(|r| r["type"] == "vm" && r["provider"] == "aws"));
    // sorted by type then name
    let names: Vec<_> = items.iter().map(|r| r["name"].as_str().unwrap_or("").to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let stopped = platform.get(&format!("{inventory}?type=vm&state=stopped"), &user.access).await;
    assert!(stopped.body["items"].as_array().unwrap().iter().all(|r| r["state"] == "stopped"));
    assert!(!stopped.body["items"].as_array().unwrap().is_empty());
    let in_region = platform.get(&format!("{inventory}?region=ap-southeast-2&type=vm"), &user.access).await;
    assert!(in_region.body["items"].as_array().unwrap().iter().all(|r| r["region"] == "ap-southeast-2"));
    let tagged = platform.get(&format!("{inventory}?tag=skyforge-demo=true&type=bucket"), &user.access).await;
    assert!(!tagged.body["items"].as_array().unwrap().is_empty());

    // pages of 3 cover every VM exactly once
    let mut seen = Vec::new();
    let mut url = format!("{inventory}?type=vm&limit=3&sort=-name");
    loop {
        let page = platform.get(&url, &user.access).await;
        assert_eq!(page.status, StatusCode::OK);
        seen.extend(page.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => url = format!("{inventory}?type=vm&limit=3&sort=-name&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (items.len(), items.len()));

    // one resource, and its history
    let id = items[0]["id"].as_str().unwrap();
    let one = platform.get(&format!("{inventory}/{id}"), &user.access).await;
    assert_eq!((one.status, one.body["id"].as_str()), (StatusCode::OK, Some(id)));
    let history = platform.get(&format!("{inventory}/{id}/history"), &user.access).await;
    assert_eq!(history.body["items"][0]["change"], "created");

    // bad filters, sorts and cursors are 400 invalid_query
    for query in
        ["type=server", "state=on", "sort=size", "limit=0", "cursor=garbage", "provider=ibm", "credential=nope"]
    {
        let reply = platform.get(&format!("{inventory}?{query}"), &user.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, "invalid_query"), "{query}");
    }
    assert_eq!(platform.get(&format!("{inventory}/res_nope"), &user.access).await.status, StatusCode::NOT_FOUND);

    // the dashboard and provider health read the summary
    let dashboard = platform.get(&format!("/v1/orgs/{}/dashboard", user.org), &user.access).await;
    assert_eq!(dashboard.body["totals"]["by_provider"]["aws"], dashboard.body["totals"]["resources"]);
    assert_eq!(
        dashboard.body["running_vms"].as_u64(),
        Some(items.iter().filter(|r| r["state"] == "running").count() as u64)
    );
    assert_eq!(dashboard.body["credentials"][0]["last_sync"]["status"], "succeeded");
    let health = platform.get(&format!("/v1/orgs/{}/health/providers", user.org), &user.access).await;
    let regions: Vec<_> =
        health.body["items"].as_array().unwrap().iter().map(|h| h["region"].as_str().unwrap().to_owned()).collect();
    assert!(regions.contains(&"eu-west-1".to_owned()) && regions.contains(&"global".to_owned()), "{regions:?}");
    assert!(health.body["items"].as_array().unwrap().iter().all(|h| h["ok"] == true && h["calls"].as_u64() > Some(0)));

    // deleting the credential removes its inventory
    let deleted = platform
        .call(Method::DELETE, &format!("/v1/orgs/{}/credentials/{credential}", user.org), Some(&user.access), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let after = platform.get(&format!("{inventory}?include_deleted=true"), &user.access).await;
    assert!(after.body["items"].as_array().unwrap().is_empty());
    let dashboard = platform.get(&format!("/v1/orgs/{}/dashboard", user.org), &user.access).await;
    assert_eq!(dashboard.body["totals"]["resources"], 0);
}

#[tokio::test]
async fn viewers_read_but_only_operators_and_up_change_credentials() {
    let platform = Platform::start().await;
    let (owner, operator, viewer) =
        (platform.user("owner").await, platform.user("operator").await, platform.user("viewer").await);
    platform.add_member(&owner, &owner.org, &operator, "operator").await;
    platform.add_member(&owner, &owner.org, &viewer, "viewer").await;
    let credentials = format!("/v1/orgs/{}/credentials", owner.org);
    let body = json!({"provider": "aws", "name": "by viewer", "role_arn": random_role()});

    let denied = platform.post(&credentials, Some(&viewer.access), body.clone()).await;
    assert_eq!((denied.status, denied.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let created = platform
        .post(
            &credentials,
            Some(&operator.access),
            json!({"provider": "aws", "name": "by operator", "role_arn": random_role()}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap();

    let listed = platform.get(&credentials, &viewer.access).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "viewers read metadata");
    for (method, path, body) in [
        (Method::PATCH, format!("{credentials}/{id}"), Some(json!({"sync_enabled": false}))),
        (Method::POST, format!("{credentials}/{id}/sync"), Some(json!({}))),
        (Method::POST, format!("{credentials}/{id}/rotate"), Some(json!({"role_arn": random_role()}))),
        (Method::DELETE, format!("{credentials}/{id}"), None),
    ] {
        let reply = platform.call(method.clone(), &path, Some(&viewer.access), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    let updated = platform
        .call(
            Method::PATCH,
            &format!("{credentials}/{id}"),
            Some(&operator.access),
            Some(json!({"sync_enabled": false, "regions": ["eu-west-1"]})),
        )
        .await;
    assert_eq!(
        (updated.body["sync_enabled"].as_bool(), updated.body["regions"][0].as_str()),
        (Some(false), Some("eu-west-1"))
    );
    let all_regions = platform
        .call(Method::PATCH, &format!("{credentials}/{id}"), Some(&operator.access), Some(json!({"regions": null})))
        .await;
    assert!(all_regions.body["regions"].is_null());
    // a new secret must have the right shape and reach the same account
    let empty = platform.post(&format!("{credentials}/{id}/rotate"), Some(&operator.access), json!({})).await;
    assert_eq!((empty.status, empty.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let elsewhere = platform
        .post(&format!("{credentials}/{id}/rotate"), Some(&operator.access), json!({"role_arn": random_role()}))
        .await;
    assert_eq!(
        (elsewhere.status, elsewhere.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "account_mismatch"),
        "{:?}",
        elsewhere.body
    );
    let bad = platform
        .call(
            Method::PATCH,
            &format!("{credentials}/{id}"),
            Some(&operator.access),
            Some(json!({"regions": ["mars-1"]})),
        )
        .await;
    assert_eq!(bad.field_codes(), vec![("regions[0]".to_owned(), "unknown_region".to_owned())]);

    // the role setup gives the organisation's external id and a quick-create link
    let setup = platform.get(&format!("{credentials}/aws-role-setup"), &viewer.access).await;
    let external_id = setup.body["external_id"].as_str().unwrap();
    assert!(external_id.starts_with("skyforge-"));
    assert!(setup.body["quick_create_url"].as_str().unwrap().contains(external_id));
    assert_eq!(
        platform.get(&format!("{credentials}/aws-role-setup"), &owner.access).await.body["external_id"],
        external_id,
        "stable per organisation"
    );

    // the audit trail has the credential changes
    let audit = platform.get(&format!("/v1/orgs/{}/audit", owner.org), &owner.access).await;
    let actions: Vec<_> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["outcome"].as_str().unwrap().to_owned()))
        .collect();
    assert!(actions.contains(&("credential.create".into(), "success".into())));
    assert!(actions.contains(&("credential.create".into(), "denied".into())));
    assert!(actions.contains(&("credential.update".into(), "success".into())));
}

#[tokio::test]
async fn credential_shapes_are_checked_per_provider() {
    let platform = Platform::start().await;
    let user = platform.user("ops").await;
    let credentials = format!("/v1/orgs/{}/credentials", user.org);
    let cases = [
        (json!({"provider": "ibm", "name": "x"}), vec!["provider"]),
        (json!({"provider": "aws", "name": ""}), vec!["access_key_id", "name", "secret_access_key"]),
        (json!({"provider": "aws", "name": "x", "role_arn": "arn:aws:iam::1:user/x"}), vec!["role_arn"]),
        (
            json!({"provider": "azure", "name": "x", "tenant_id": "t"}),
            vec!["client_id", "client_secret", "subscription_ids", "tenant_id"],
        ),
        (
            json!({"provider": "gcp", "name": "x", "service_account_key": "{}", "project_ids": ["Bad_Project"]}),
            vec!["project_ids[0]", "service_account_key"],
        ),
    ];
    for (body, mut expected) in cases {
        let reply = platform.post(&credentials, Some(&user.access), body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let mut fields: Vec<String> = reply.field_codes().into_iter().map(|(f, _)| f).collect();
        fields.sort();
        expected.sort();
        assert_eq!(fields, expected, "{body}");
    }
    let unknown =
        platform.post(&credentials, Some(&user.access), json!({"provider": "aws", "name": "x", "password": "y"})).await;
    assert_eq!(unknown.field_codes()[0].1, "unknown_field");
    // (a well-shaped Azure or GCP credential goes on to its provider: tests/e2e/multicloud.rs)
    assert_eq!(platform.get(&credentials, &user.access).await.body["items"], json!([]), "nothing invalid is stored");
}

#[tokio::test]
async fn access_keys_never_come_back_and_never_reach_the_log() {
    let platform = Platform::start().await;
    let user = platform.user("ops").await;
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETz";
    let created = platform
        .post(
            &format!("/v1/orgs/{}/credentials", user.org),
            Some(&user.access),
            json!({"provider": "aws", "name": "keys", "access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": secret}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["method"], "access_key");
    assert_eq!(created.body["hint"], "AKIA…MPLE");
    assert_eq!(created.body["account_id"], "123456789012", "checked with STS");
    let id = created.body["id"].as_str().unwrap();
    let run = platform.synced(&user, id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let listed = platform.get(&format!("/v1/orgs/{}/credentials", user.org), &user.access).await;
    let rotated = platform
        .post(
            &format!("/v1/orgs/{}/credentials/{id}/rotate", user.org),
            Some(&user.access),
            json!({"access_key_id": "AKIAIOSFODNN7EXAMPLF", "secret_access_key": format!("{secret}2")}),
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.body);
    assert_eq!(rotated.body["last_sync"]["status"], "succeeded", "the answer carries the last sync");
    for body in [created.body.to_string(), listed.body.to_string(), rotated.body.to_string(), run.to_string()] {
        assert!(!body.contains(secret), "a response contains the secret key");
    }
    assert!(!platform.logs().contains(secret), "the log contains the secret key");
}

#[tokio::test]
async fn an_outsider_sees_none_of_another_organisations_accounts_or_inventory() {
    let platform = Platform::start().await;
    let (alice, bob) = (platform.user("alice").await, platform.user("bob").await);
    let (credential, _) = connected(&platform, &alice).await;
    let run = platform.synced(&alice, &credential).await;
    assert_eq!(run["status"], "succeeded");
    let resource =
        platform.get(&format!("/v1/orgs/{}/inventory?limit=1", alice.org), &alice.access).await.body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();

    let org = &alice.org;
    for path in [
        format!("/v1/orgs/{org}/credentials"),
        format!("/v1/orgs/{org}/credentials/{credential}"),
        format!("/v1/orgs/{org}/credentials/{credential}/syncs"),
        format!("/v1/orgs/{org}/inventory"),
        format!("/v1/orgs/{org}/inventory/{resource}"),
        format!("/v1/orgs/{org}/dashboard"),
        format!("/v1/orgs/{org}/health/providers"),
    ] {
        assert_eq!(platform.get(&path, &bob.access).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        platform
            .post(&format!("/v1/orgs/{org}/credentials/{credential}/sync"), Some(&bob.access), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // through his own organisation, alice's ids lead nowhere either
    let own = &bob.org;
    assert_eq!(
        platform.get(&format!("/v1/orgs/{own}/credentials/{credential}"), &bob.access).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        platform.get(&format!("/v1/orgs/{own}/inventory/{resource}"), &bob.access).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        platform.get(&format!("/v1/orgs/{own}/inventory"), &bob.access).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_new_aws_account_syncs_at_once_and_another_organisation_cannot_read_its_first_run() {
    let platform = Platform::start().await;
    let (alice, bob) = (platform.user("alice").await, platform.user("bob").await);
    let role = random_role();
    let sdk = skyforge_aws::sdk_config().await;
    skyforge_clouds::demo::seed_demo_account(&sdk, &role).await.unwrap();
    let reply = platform
        .post(
            &format!("/v1/orgs/{}/credentials", alice.org),
            Some(&alice.access),
            json!({"provider": "aws", "name": "prod", "role_arn": role, "regions": ["us-east-1", "eu-west-1"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let pending = &reply.body["pending_sync"];
    assert_eq!((&pending["status"], &pending["trigger"]), (&json!("queued"), &json!("connect")), "{}", reply.body);
    let (credential, run) = (reply.body["id"].as_str().unwrap(), pending["run_id"].as_str().unwrap());

    // only reads from here on: the first sync runs by itself
    let finished = platform.finished(&alice, credential, run).await;
    assert_eq!((&finished["status"], &finished["trigger"]), (&json!("succeeded"), &json!("connect")), "{finished}");
    let vms = platform.get(&format!("/v1/orgs/{}/inventory?type=vm&limit=100", alice.org), &alice.access).await;
    assert!(finished["counts"]["created"].as_u64() > Some(0), "{finished}");
    assert!(!vms.body["items"].as_array().unwrap().is_empty(), "{}", vms.body);
    let card = platform.get(&format!("/v1/orgs/{}/credentials/{credential}", alice.org), &alice.access).await;
    assert_eq!((&card.body["last_sync"]["run_id"], &card.body["pending_sync"]), (&json!(run), &json!(null)));
    let audit = platform.get(&format!("/v1/orgs/{}/audit", alice.org), &alice.access).await;
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"credential.create") && actions.contains(&"sync.request"), "{actions:?}");

    // the run is alice's organisation's alone
    for org in [&alice.org, &bob.org] {
        let path = format!("/v1/orgs/{org}/credentials/{credential}/syncs/{run}");
        assert_eq!(platform.get(&path, &bob.access).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_credential_the_provider_refuses_is_a_422_and_nothing_is_stored() {
    // an STS double that refuses every key, as AWS does for a wrong one
    let sts = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(403).set_body_string(
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>1</RequestId></ErrorResponse>",
        ))
        .mount(&sts)
        .await;
    let platform = Platform::start_with(&[("AWS_ENDPOINT_URL_STS", &sts.uri())]).await;
    let user = platform.user("ops").await;
    let credentials = format!("/v1/orgs/{}/credentials", user.org);
    let reply = platform
        .post(&credentials, Some(&user.access), json!({"provider": "aws", "name": "bad", "access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "not-the-right-secret-key-at-all-0000000"}))
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "credential_invalid"),
        "{:?}",
        reply.body
    );
    assert!(!reply.body.to_string().contains("not-the-right-secret"));
    assert!(platform.get(&credentials, &user.access).await.body["items"].as_array().unwrap().is_empty());
    let sdk = skyforge_aws::sdk_config().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk)
        .list_secrets()
        .filters(
            aws_sdk_secretsmanager::types::Filter::builder()
                .key(aws_sdk_secretsmanager::types::FilterNameStringType::Name)
                .values(format!("skyforge/credentials/{}", user.org))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(secrets.secret_list().is_empty(), "no secret was stored");
    // nor any sync queued
    let audit = platform.get(&format!("/v1/orgs/{}/audit", user.org), &user.access).await;
    assert!(!audit.body.to_string().contains("sync.request"), "{}", audit.body);
}
