//! The sign-in and the credential checks against HTTP doubles of the Microsoft identity
//! platform, ARM, Google's token endpoint and the Compute Engine API.

use std::sync::Arc;
use std::time::Duration;

use skyforge_app::clouds::{CloudError, CredentialVerifier};
use skyforge_app::config::CloudEndpoints;
use skyforge_cloud_doubles::azure::AzureDouble;
use skyforge_cloud_doubles::demo::{
    self, AZURE_CLIENT, AZURE_SECRET, AZURE_SUBSCRIPTION, AZURE_TENANT, GCP_EMAIL, GCP_PROJECT,
};
use skyforge_cloud_doubles::gcp::GcpDouble;
use skyforge_cloud_doubles::service_account_key;
use skyforge_cloud_signin::{AzureAuth, AzureVerifier, GcpAuth, GcpVerifier, ProviderHttp, RetryPolicy};
use skyforge_domain::credentials::{CloudSecret, Sensitive};

fn azure_secret(tenant: &str, secret: &str, subscriptions: &[&str]) -> CloudSecret {
    CloudSecret::AzureServicePrincipal {
        tenant_id: tenant.into(),
        client_id: AZURE_CLIENT.into(),
        client_secret: Sensitive::new(secret),
        subscription_ids: subscriptions.iter().map(|s| s.to_string()).collect(),
    }
}

fn azure_verifier(double: &AzureDouble, retry: RetryPolicy) -> AzureVerifier {
    let endpoints = CloudEndpoints { azure_login: double.uri(), azure_arm: double.uri(), ..CloudEndpoints::default() };
    AzureVerifier::new(Arc::new(AzureAuth::new(ProviderHttp::new(retry), &endpoints)))
}

#[tokio::test]
async fn azure_service_principal_is_checked_against_its_subscriptions() {
    let double = AzureDouble::start(demo::azure_world()).await;
    let verifier = azure_verifier(&double, RetryPolicy::default());

    let account = verifier.verify(&azure_secret(AZURE_TENANT, AZURE_SECRET, &[AZURE_SUBSCRIPTION])).await.unwrap();
    assert_eq!(account.account_id, AZURE_TENANT);
    assert_eq!(account.principal, AZURE_CLIENT);

    let wrong_secret = verifier.verify(&azure_secret(AZURE_TENANT, "nope", &[AZURE_SUBSCRIPTION])).await.unwrap_err();
    assert!(
        matches!(&wrong_secret, CloudError::InvalidCredential(why) if why.contains("client secret is wrong")),
        "{wrong_secret}"
    );
    assert!(!wrong_secret.to_string().contains("nope"));

    let unknown_tenant = "00000000-0000-4000-8000-000000000bad";
    let err = verifier.verify(&azure_secret(unknown_tenant, AZURE_SECRET, &[AZURE_SUBSCRIPTION])).await.unwrap_err();
    assert!(matches!(&err, CloudError::InvalidCredential(why) if why.contains("tenant was not found")), "{err}");

    let other = "00000000-0000-4000-8000-0000000000aa";
    let err =
        verifier.verify(&azure_secret(AZURE_TENANT, AZURE_SECRET, &[AZURE_SUBSCRIPTION, other])).await.unwrap_err();
    assert!(
        matches!(&err, CloudError::AccessDenied(why) if why.contains(other) && !why.contains(AZURE_SUBSCRIPTION)),
        "{err}"
    );
}

#[tokio::test]
async fn azure_tokens_are_reused_and_429_is_waited_out() {
    let double = AzureDouble::start(demo::azure_world()).await;
    let verifier = azure_verifier(&double, RetryPolicy { retries: 3, max_wait: Duration::from_secs(2) });
    let secret = azure_secret(AZURE_TENANT, AZURE_SECRET, &[AZURE_SUBSCRIPTION]);
    verifier.verify(&secret).await.unwrap();
    let before = double.request_count().await;
    verifier.verify(&secret).await.unwrap();
    assert_eq!(double.request_count().await - before, 1, "the second check reuses the token: one ARM call only");

    double.update(|w| w.throttle_next = 2);
    verifier.verify(&secret).await.expect("two 429s with Retry-After: 1 are waited out");

    let impatient = azure_verifier(&double, RetryPolicy { retries: 1, max_wait: Duration::from_secs(1) });
    double.update(|w| w.throttle_next = 5);
    let err = impatient.verify(&secret).await.unwrap_err();
    assert_eq!(err.code(), "throttled", "{err}");
}

fn gcp_verifier(double: &GcpDouble) -> GcpVerifier {
    let endpoints = CloudEndpoints { gcp_compute: double.uri(), ..CloudEndpoints::default() };
    GcpVerifier::new(Arc::new(GcpAuth::new(ProviderHttp::default(), &endpoints)))
}

fn gcp_secret(key_json: &str, projects: &[&str]) -> CloudSecret {
    CloudSecret::GcpServiceAccount {
        client_email: GCP_EMAIL.into(),
        key_json: Sensitive::new(key_json),
        project_ids: projects.iter().map(|p| p.to_string()).collect(),
        billing_export: None,
    }
}

#[tokio::test]
async fn gcp_key_is_checked_by_the_jwt_grant_and_each_project() {
    let double = GcpDouble::start(demo::gcp_world("")).await;
    let (key, public) = service_account_key(GCP_EMAIL, GCP_PROJECT, &double.token_uri());
    double.update(|w| w.public_key_pem = public);
    let verifier = gcp_verifier(&double);

    let account = verifier.verify(&gcp_secret(&key, &[GCP_PROJECT])).await.unwrap();
    assert_eq!((account.account_id.as_str(), account.principal.as_str()), (GCP_PROJECT, GCP_EMAIL));

    // a key Google does not know (deleted, or another account's) signs grants it refuses
    let (stranger, _) = service_account_key(GCP_EMAIL, GCP_PROJECT, &double.token_uri());
    let err = verifier.verify(&gcp_secret(&stranger, &[GCP_PROJECT])).await.unwrap_err();
    assert!(matches!(&err, CloudError::InvalidCredential(why) if why.contains("Invalid JWT Signature")), "{err}");

    let err = verifier.verify(&gcp_secret(&key, &[GCP_PROJECT, "not-mine-123"])).await.unwrap_err();
    assert!(matches!(&err, CloudError::AccessDenied(why) if why.contains("not-mine-123")), "{err}");

    double.update(|w| {
        w.forbidden.insert(GCP_PROJECT.into());
    });
    let err = verifier.verify(&gcp_secret(&key, &[GCP_PROJECT])).await.unwrap_err();
    assert!(matches!(&err, CloudError::AccessDenied(why) if why.contains("PERMISSION_DENIED")), "{err}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_unavailable_not_a_refusal() {
    let endpoints = CloudEndpoints { azure_login: "http://127.0.0.1:9".into(), ..CloudEndpoints::default() };
    let verifier = AzureVerifier::new(Arc::new(AzureAuth::new(ProviderHttp::default(), &endpoints)));
    let err = verifier.verify(&azure_secret(AZURE_TENANT, AZURE_SECRET, &[AZURE_SUBSCRIPTION])).await.unwrap_err();
    assert_eq!(err.code(), "unavailable", "{err}");
}
