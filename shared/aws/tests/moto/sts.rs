//! Credential checks with STS: against moto for what succeeds (keys, and assumed roles, which
//! moto places in the role's own account), and against HTTP doubles serving STS's documented
//! XML errors for what fails.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use skyforge_app::clouds::{CloudError, CredentialVerifier};
use skyforge_aws::sts::{AwsVerifier, aws_config_for};
use skyforge_domain::credentials::{CloudSecret, Sensitive};
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn keys() -> CloudSecret {
    CloudSecret::AwsKeys { access_key_id: "AKIAIOSFODNN7EXAMPLE".into(), secret_access_key: Sensitive::new(SECRET) }
}

fn role(account: &str) -> CloudSecret {
    CloudSecret::AwsRole { role_arn: format!("arn:aws:iam::{account}:role/x"), external_id: "ext-123".into() }
}

/// A 12-digit account id of its own, so a test's data lives in a moto account of its own.
fn random_account() -> String {
    let n = ulid::Ulid::new().random() % 900_000_000_000;
    format!("{}", 100_000_000_000 + n)
}

async fn moto() -> SdkConfig {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "these tests run against the moto server: use `make test`, or source .run/dev/env"
    );
    skyforge_aws::sdk_config().await
}

/// A platform config whose every call goes to `double`.
async fn platform_at(double: &MockServer) -> SdkConfig {
    platform_at_uri(&double.uri()).await
}

async fn platform_at_uri(uri: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(uri)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDPLATFORM",
            "platform",
            None,
            None,
            "test",
        )))
        .load()
        .await
}

/// STS's documented error body (awsQuery protocol).
fn sts_error(status: u16, code: &str) -> ResponseTemplate {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>something about {code}</Message></Error>\
         <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
    );
    ResponseTemplate::new(status).insert_header("content-type", "text/xml").set_body_string(body)
}

/// Retries quickly, so a test of "still throttled after retries" takes milliseconds.
fn fast_retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1))
}

fn assert_secret_free(error: &CloudError) {
    let text = error.to_string();
    assert!(!text.contains(SECRET) && !text.contains("AKIAIOSFODNN7EXAMPLE"), "{text}");
}

#[tokio::test]
async fn access_keys_verify_as_the_account_they_belong_to() {
    let account = AwsVerifier::new(moto().await).verify(&keys()).await.unwrap();
    assert_eq!(account.account_id, "123456789012");
    assert!(account.principal.starts_with("arn:aws:"), "{}", account.principal);
}

#[tokio::test]
async fn a_role_verifies_as_the_account_it_lives_in() {
    let id = random_account();
    let account = AwsVerifier::new(moto().await).verify(&role(&id)).await.unwrap();
    assert_eq!(account.account_id, id);
    assert!(account.principal.contains("assumed-role/x/skyforge-sync"), "{}", account.principal);
}

#[tokio::test]
async fn the_config_for_a_role_keeps_the_platform_region_and_endpoint() {
    let platform = moto().await;
    let config = aws_config_for(&platform, &role(&random_account())).await.unwrap();
    assert_eq!(config.region(), platform.region());
    assert_eq!(config.endpoint_url(), platform.endpoint_url());
}

#[tokio::test]
async fn an_invalid_access_key_is_an_invalid_credential() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("Action=GetCallerIdentity"))
        .respond_with(sts_error(403, "InvalidClientTokenId"))
        .mount(&double)
        .await;
    let error = AwsVerifier::new(platform_at(&double).await).verify(&keys()).await.unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(m) if m.contains("access key is not valid")), "{error:?}");
    assert_secret_free(&error);
}

#[tokio::test]
async fn a_wrong_secret_key_is_an_invalid_credential() {
    let double = MockServer::start().await;
    Mock::given(method("POST")).respond_with(sts_error(403, "SignatureDoesNotMatch")).mount(&double).await;
    let error = AwsVerifier::new(platform_at(&double).await).verify(&keys()).await.unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(m) if m.contains("secret access key")), "{error:?}");
    assert_secret_free(&error);
}

#[tokio::test]
async fn a_role_that_refuses_the_platform_is_an_invalid_credential() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("Action=AssumeRole"))
        .respond_with(sts_error(403, "AccessDenied"))
        .mount(&double)
        .await;
    let error = AwsVerifier::new(platform_at(&double).await).verify(&role("123456789012")).await.unwrap_err();
    assert!(matches!(&error, CloudError::InvalidCredential(m) if m.contains("trust policy")), "{error:?}");
    assert!(!error.to_string().contains("ext-123"), "{error}");
}

#[tokio::test]
async fn refused_platform_keys_while_assuming_a_role_do_not_blame_the_customer() {
    let double = MockServer::start().await;
    Mock::given(method("POST")).respond_with(sts_error(403, "InvalidClientTokenId")).mount(&double).await;
    let error = AwsVerifier::new(platform_at(&double).await).verify(&role("123456789012")).await.unwrap_err();
    assert_eq!(error.code(), "unavailable", "{error:?}");
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_throttled() {
    let double = MockServer::start().await;
    Mock::given(method("POST")).respond_with(sts_error(400, "Throttling")).expect(3).mount(&double).await;
    let verifier = AwsVerifier::with_retry(platform_at(&double).await, fast_retry());
    let error = verifier.verify(&keys()).await.unwrap_err();
    assert_eq!(error.code(), "throttled", "{error:?}");
    double.verify().await;
}

#[tokio::test]
async fn a_server_error_is_unavailable() {
    let double = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&double).await;
    let verifier = AwsVerifier::with_retry(platform_at(&double).await, fast_retry());
    assert_eq!(verifier.verify(&keys()).await.unwrap_err().code(), "unavailable");
}

#[tokio::test]
async fn an_unreadable_answer_is_malformed() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).insert_header("content-type", "text/xml").set_body_string("<html>oops"),
        )
        .mount(&double)
        .await;
    let error = AwsVerifier::new(platform_at(&double).await).verify(&keys()).await.unwrap_err();
    assert_eq!(error.code(), "malformed_response", "{error:?}");
}

#[tokio::test]
async fn unreachable_sts_is_unavailable() {
    // a port that was free a moment ago: nothing listens there
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let platform = platform_at_uri(&format!("http://127.0.0.1:{port}")).await;
    let verifier = AwsVerifier::with_retry(platform, fast_retry());
    assert_eq!(verifier.verify(&keys()).await.unwrap_err().code(), "unavailable");
}

#[tokio::test]
async fn an_answer_that_never_comes_is_unavailable() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sts_error(200, "x").set_delay(Duration::from_secs(5)))
        .mount(&double)
        .await;
    let slow = platform_at(&double)
        .await
        .to_builder()
        .timeout_config(TimeoutConfig::builder().operation_attempt_timeout(Duration::from_millis(200)).build())
        .build();
    let error = AwsVerifier::with_retry(slow, fast_retry()).verify(&keys()).await.unwrap_err();
    assert!(matches!(&error, CloudError::Unavailable(m) if m.contains("timed out")), "{error:?}");
}

#[tokio::test]
async fn azure_and_gcp_secrets_are_not_checked_here() {
    let double = MockServer::start().await;
    let secret = CloudSecret::GcpServiceAccount {
        client_email: "sa@p.iam.gserviceaccount.com".into(),
        key_json: Sensitive::new("{}"),
        project_ids: vec!["project-1".into()],
        billing_export: None,
    };
    let error = AwsVerifier::new(platform_at(&double).await).verify(&secret).await.unwrap_err();
    assert!(matches!(&error, CloudError::Unavailable(m) if m.contains("not supported")), "{error:?}");
    assert!(double.received_requests().await.unwrap().is_empty());
}
