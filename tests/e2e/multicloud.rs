//! Azure and GCP next to each other through the real local runtime: credentials checked
//! against the HTTP doubles of the identity platform, ARM, Google's token endpoint and Compute
//! Engine (and the Cloud Storage emulator), synced into the one inventory, and re-synced after
//! a VM stopped.

use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_cloud_doubles::azure::{AzureDouble, AzureSubscription, AzureVm};
use skyforge_cloud_doubles::demo::{self, AZURE_CLIENT, AZURE_SECRET, AZURE_SUBSCRIPTION, AZURE_TENANT, GCP_PROJECT};
use skyforge_cloud_doubles::gcp::GcpDouble;
use skyforge_cloud_doubles::gcs::GcsEmulator;
use skyforge_e2e::{Platform, TestUser};

/// A second subscription of the same tenant, with one VM.
const OTHER_SUBSCRIPTION: &str = "d3a0f1c2-0000-4000-8000-0000000005b2";

struct Clouds {
    azure: AzureDouble,
    gcp: GcpDouble,
    _storage: GcsEmulator,
    gcp_key: String,
    platform: Platform,
}

async fn clouds() -> Clouds {
    let mut world = demo::azure_world();
    let mut other = AzureSubscription { id: OTHER_SUBSCRIPTION.into(), name: "second".into(), ..Default::default() };
    let vm: &AzureVm = &world.subscriptions[0].vms[1];
    other.vms.push(AzureVm { name: "second-api-1".into(), ..vm.clone() });
    world.subscriptions.push(other);
    let azure = AzureDouble::start(world).await;
    let gcp = GcpDouble::start(demo::gcp_world("")).await;
    let (gcp_key, public) = skyforge_cloud_doubles::service_account_key(demo::GCP_EMAIL, GCP_PROJECT, &gcp.token_uri());
    gcp.update(|w| w.public_key_pem = public);
    let storage = GcsEmulator::start().await.expect("the Cloud Storage emulator (infra/local/setup.sh installs it)");
    storage.create_bucket(GCP_PROJECT, "e2e-assets").await.unwrap();
    let platform = Platform::start_with(&[
        ("SKYFORGE_AZURE_LOGIN_URL", &azure.uri()),
        ("SKYFORGE_AZURE_ARM_URL", &azure.uri()),
        ("SKYFORGE_GCP_COMPUTE_URL", &gcp.uri()),
        ("SKYFORGE_GCP_STORAGE_URL", storage.uri()),
    ])
    .await;
    Clouds { azure, gcp, _storage: storage, gcp_key, platform }
}

impl Clouds {
    async fn add(&self, user: &TestUser, body: Value) -> (StatusCode, Value) {
        let reply = self.platform.post(&format!("/v1/orgs/{}/credentials", user.org), Some(&user.access), body).await;
        (reply.status, reply.body)
    }

    fn azure_body(&self, secret: &str, subscriptions: &[&str]) -> Value {
        json!({"provider": "azure", "name": "azure prod", "tenant_id": AZURE_TENANT, "client_id": AZURE_CLIENT,
               "client_secret": secret, "subscription_ids": subscriptions})
    }

    fn gcp_body(&self, projects: &[&str]) -> Value {
        json!({"provider": "gcp", "name": "gcp prod", "service_account_key": self.gcp_key, "project_ids": projects})
    }

    async fn items(&self, user: &TestUser, query: &str) -> Vec<Value> {
        let reply =
            self.platform.get(&format!("/v1/orgs/{}/inventory?limit=100&{query}", user.org), &user.access).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["items"].as_array().unwrap().clone()
    }
}

fn named<'a>(items: &'a [Value], name: &str) -> &'a Value {
    items.iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{name} missing from {items:?}"))
}

#[tokio::test]
async fn azure_and_gcp_sync_into_one_inventory_and_a_stopped_vm_is_exactly_one_change() {
    let c = clouds().await;
    let user = c.platform.user("multicloud").await;
    let (status, azure) = c.add(&user, c.azure_body(AZURE_SECRET, &[AZURE_SUBSCRIPTION])).await;
    assert_eq!(status, StatusCode::CREATED, "{azure}");
    assert_eq!(azure["provider"], "azure");
    assert!(!azure.to_string().contains(AZURE_SECRET), "the secret never comes back");
    let (status, gcp) = c.add(&user, c.gcp_body(&[GCP_PROJECT])).await;
    assert_eq!(status, StatusCode::CREATED, "{gcp}");
    assert!(!gcp.to_string().contains("PRIVATE KEY"));
    // each answer names its first sync, queued at once: it ends without any other call
    let first_runs: Vec<(String, String)> = [&azure, &gcp]
        .iter()
        .map(|c| {
            assert_eq!(
                (&c["pending_sync"]["status"], &c["pending_sync"]["trigger"]),
                (&json!("queued"), &json!("connect"))
            );
            (c["id"].as_str().unwrap().to_owned(), c["pending_sync"]["run_id"].as_str().unwrap().to_owned())
        })
        .collect();
    let (azure, gcp) = (azure["id"].as_str().unwrap().to_owned(), gcp["id"].as_str().unwrap().to_owned());

    for (credential, run) in &first_runs {
        let run = c.platform.finished(&user, credential, run).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        assert_eq!(run["trigger"], "connect");
        assert!(run["counts"]["created"].as_u64().unwrap() >= 10, "{run}");
    }

    // the same fields, states and filters on both clouds
    let vms = c.items(&user, "type=vm").await;
    assert_eq!(vms.len(), 6, "{vms:?}");
    let web = named(&vms, "demo-web-1");
    assert_eq!(
        (&web["provider"], &web["state"], &web["size"], &web["region"]),
        (&json!("azure"), &json!("running"), &json!("Standard_B2s"), &json!("westeurope"))
    );
    assert_eq!(web["public_ips"], json!(["20.61.10.4"]));
    let front = named(&vms, "demo-frontend-1");
    assert_eq!(
        (&front["provider"], &front["state"], &front["size"]),
        (&json!("gcp"), &json!("running"), &json!("e2-medium"))
    );
    let stopped = c.items(&user, "type=vm&state=stopped").await;
    let mut names: Vec<&str> = stopped.iter().map(|v| v["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["demo-batch-1", "demo-report-1"], "Azure deallocated and GCP TERMINATED are both stopped");
    assert_eq!(c.items(&user, "provider=gcp&type=bucket").await.len(), 1);
    assert_eq!(c.items(&user, "provider=azure&type=bucket").await.len(), 2);
    assert_eq!(c.items(&user, "type=vm&tag=role=web").await.len(), 2, "tags and labels filter alike");

    let dashboard = c.platform.get(&format!("/v1/orgs/{}/dashboard", user.org), &user.access).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    let dashboard = dashboard.body.to_string();
    assert!(dashboard.contains("azure") && dashboard.contains("gcp"), "{dashboard}");
    let health = c.platform.get(&format!("/v1/orgs/{}/health/providers", user.org), &user.access).await;
    let health = health.body.to_string();
    assert!(
        health.contains(AZURE_SUBSCRIPTION) && health.contains(GCP_PROJECT),
        "health per subscription and project: {health}"
    );

    // one VM stops on each cloud: each re-sync records exactly that change
    c.azure.update(|w| w.vm_mut("demo-web-1").unwrap().power_state = "deallocated".into());
    c.gcp.update(|w| w.instance_mut("demo-frontend-1").unwrap().status = "TERMINATED".into());
    for credential in [&azure, &gcp] {
        let run = c.platform.synced(&user, credential).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        let counts = &run["counts"];
        assert_eq!(
            (&counts["changed"], &counts["created"], &counts["deleted"]),
            (&json!(1), &json!(0), &json!(0)),
            "{run}"
        );
    }
    let vms = c.items(&user, "type=vm").await;
    for name in ["demo-web-1", "demo-frontend-1"] {
        let vm = named(&vms, name);
        assert_eq!(vm["state"], "stopped");
        let path = format!("/v1/orgs/{}/inventory/{}/history", user.org, vm["id"].as_str().unwrap());
        let history = c.platform.get(&path, &user.access).await.body.to_string();
        assert!(history.contains("running") && history.contains("stopped"), "{name}: {history}");
    }
}

#[tokio::test]
async fn refused_azure_and_gcp_credentials_are_clear_422s_and_nothing_is_stored() {
    let c = clouds().await;
    let user = c.platform.user("refused").await;

    let (status, body) = c.add(&user, c.azure_body("not-the-secret", &[AZURE_SUBSCRIPTION])).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("credential_invalid")),
        "{body}"
    );
    assert!(body.to_string().contains("client secret is wrong"), "{body}");
    assert!(!body.to_string().contains("not-the-secret"));

    let missing = "d3a0f1c2-0000-4000-8000-00000000dead";
    let (status, body) = c.add(&user, c.azure_body(AZURE_SECRET, &[AZURE_SUBSCRIPTION, missing])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains(missing), "names the subscription it cannot see: {body}");

    c.gcp.update(|w| {
        w.forbidden.insert(GCP_PROJECT.into());
    });
    let (status, body) = c.add(&user, c.gcp_body(&[GCP_PROJECT])).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("credential_invalid")),
        "{body}"
    );
    assert!(body.to_string().contains(GCP_PROJECT), "{body}");

    let listed = c.platform.get(&format!("/v1/orgs/{}/credentials", user.org), &user.access).await;
    assert_eq!(listed.body["items"], json!([]), "nothing stored");
    assert!(!c.platform.logs().contains("not-the-secret") && !c.platform.logs().contains("PRIVATE KEY"));
}

#[tokio::test]
async fn a_forbidden_subscription_fails_alone_and_loses_nothing() {
    let c = clouds().await;
    let user = c.platform.user("partial").await;
    let (status, body) = c.add(&user, c.azure_body(AZURE_SECRET, &[AZURE_SUBSCRIPTION, OTHER_SUBSCRIPTION])).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let credential = body["id"].as_str().unwrap().to_owned();
    let run = c.platform.synced(&user, &credential).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(c.items(&user, "type=vm").await.len(), 4);

    c.azure.update(|w| {
        w.forbidden.insert(OTHER_SUBSCRIPTION.into());
    });
    let run = c.platform.synced(&user, &credential).await;
    assert_eq!(run["status"], "partial", "{run}");
    assert_eq!(run["counts"]["deleted"], 0, "the unreadable subscription's resources are kept: {run}");
    let errors = run["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{run}");
    assert_eq!((&errors[0]["region"], &errors[0]["code"]), (&json!(OTHER_SUBSCRIPTION), &json!("access_denied")));
    assert!(errors[0]["message"].as_str().unwrap().contains("AuthorizationFailed"), "{run}");
    assert!(named(&c.items(&user, "type=vm").await, "second-api-1")["deleted_at"].is_null());
}
