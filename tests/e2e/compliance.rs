//! Compliance findings through the real local runtime: the demo Azure subscription's
//! deliberately non-compliant resources fail their checks after a sync, fixing them on the
//! double resolves the findings on the next sync, and another organisation sees none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_cloud_doubles::azure::AzureDouble;
use skyforge_cloud_doubles::demo::{self, AZURE_CLIENT, AZURE_SECRET, AZURE_SUBSCRIPTION, AZURE_TENANT};
use skyforge_e2e::{Platform, TestUser};

async fn findings(platform: &Platform, user: &TestUser, query: &str) -> Vec<Value> {
    let reply =
        platform.get(&format!("/v1/orgs/{}/compliance/findings?limit=100&{query}", user.org), &user.access).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

fn failing<'a>(items: &'a [Value], check: &str, resource: &str) -> Option<&'a Value> {
    items.iter().find(|f| f["check_id"] == check && f["resource_name"] == resource && f["open"] == true)
}

#[tokio::test]
async fn non_compliant_resources_get_findings_that_a_fix_resolves_and_no_other_org_sees() {
    let azure = AzureDouble::start(demo::azure_world()).await;
    let platform =
        Platform::start_with(&[("SKYFORGE_AZURE_LOGIN_URL", &azure.uri()), ("SKYFORGE_AZURE_ARM_URL", &azure.uri())])
            .await;
    let user = platform.user("compliance").await;
    let body = json!({"provider": "azure", "name": "azure prod", "tenant_id": AZURE_TENANT, "client_id": AZURE_CLIENT,
                      "client_secret": AZURE_SECRET, "subscription_ids": [AZURE_SUBSCRIPTION]});
    let created = platform.post(&format!("/v1/orgs/{}/credentials", user.org), Some(&user.access), body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let credential = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(platform.synced(&user, &credential).await["status"], "succeeded");

    let open = findings(&platform, &user, "status=fail").await;
    for (check, resource) in [
        ("firewall_ssh_open", "demo-web-nsg"),
        ("vm_public_admin_port", "demo-web-1"),
        ("bucket_public", "skyforgedemoarchive"),
        ("storage_https_only_off", "skyforgedemoarchive"),
        ("storage_tls_below_1_2", "skyforgedemoarchive"),
        ("public_ip_unattached", "demo-spare-ip"),
    ] {
        let finding = failing(&open, check, resource).unwrap_or_else(|| panic!("{check} on {resource}: {open:?}"));
        assert!(finding["remediation"].as_str().is_some_and(|r| !r.is_empty()));
    }
    assert!(failing(&open, "storage_https_only_off", "skyforgedemologs").is_none(), "the compliant account passes");
    let critical = findings(&platform, &user, "status=fail&severity=critical").await;
    assert!(critical.iter().all(|f| f["severity"] == "critical") && critical.len() >= 3, "{critical:?}");

    let summary = platform.get(&format!("/v1/orgs/{}/compliance/summary", user.org), &user.access).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert_eq!(summary.body["failing"].as_u64(), Some(open.len() as u64), "{}", summary.body);
    assert!(summary.body["by_severity"]["critical"].as_u64().unwrap() >= 3);
    assert_eq!(summary.body["trend"].as_array().unwrap().len(), 30);
    let checks = platform.get(&format!("/v1/orgs/{}/compliance/checks", user.org), &user.access).await;
    assert!(checks.body["items"].as_array().unwrap().len() >= 15);

    // the resource's detail carries its findings
    let web = failing(&open, "vm_public_admin_port", "demo-web-1").unwrap();
    let path = format!("/v1/orgs/{}/inventory/{}", user.org, web["resource_id"].as_str().unwrap());
    let detail = platform.get(&path, &user.access).await;
    assert!(detail.body["findings"].as_array().unwrap().iter().any(|f| f["check_id"] == "vm_public_admin_port"));

    // bad filters are 400 naming the field
    let bad = platform.get(&format!("/v1/orgs/{}/compliance/findings?severity=huge", user.org), &user.access).await;
    assert_eq!((bad.status, bad.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
    assert_eq!(bad.body["errors"][0]["field"], "severity");

    // another organisation sees none of it
    let other = platform.user("outsider").await;
    for tail in ["compliance/summary", "compliance/findings", "compliance/checks"] {
        let reply = platform.get(&format!("/v1/orgs/{}/{tail}", user.org), &other.access).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{tail}");
    }
    let own = platform.get(&format!("/v1/orgs/{}/compliance/summary", other.org), &other.access).await;
    assert_eq!(own.body["failing"], 0);

    // fixed on the stand-in: the next sync resolves exactly those findings
    azure.update(|w| {
        let sub = &mut w.subscriptions[0];
        sub.network_security_groups[0].rules.retain(|r| r.name != "allow-ssh");
        let archive = sub.storage_accounts.iter_mut().find(|a| a.name == "skyforgedemoarchive").unwrap();
        archive.https_only = true;
    });
    assert_eq!(platform.synced(&user, &credential).await["status"], "succeeded");
    let open = findings(&platform, &user, "status=fail").await;
    assert!(failing(&open, "firewall_ssh_open", "demo-web-nsg").is_none(), "{open:?}");
    assert!(failing(&open, "vm_public_admin_port", "demo-web-1").is_none());
    assert!(failing(&open, "storage_https_only_off", "skyforgedemoarchive").is_none());
    assert!(failing(&open, "bucket_public", "skyforgedemoarchive").is_some(), "what was not fixed stays open");
    let resolved = findings(&platform, &user, "check=firewall_ssh_open&include_resolved=true").await;
    assert!(resolved.iter().any(|f| f["resolved_at"].is_string()), "{resolved:?}");
}
