//! AWS credentials from a stored secret (static keys or an assumed role), and checking them with STS.
//!
//! Every customer config is derived from the platform's own [`SdkConfig`] with only the
//! credentials (and retry policy) swapped, so region, HTTP client and endpoint overrides
//! (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS`, ...) carry over: the same code talks to AWS and
//! to the moto server. [`cloud_error`] is the one mapping from SDK errors to [`CloudError`],
//! shared with the inventory adapters in `skyforge-clouds`.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;
use skyforge_app::clouds::{CloudError, CredentialVerifier, VerifiedAccount};
use skyforge_domain::credentials::CloudSecret;

/// The provider name the SDK records for credentials built from a stored secret.
pub const CREDENTIAL_PROVIDER: &str = "skyforge-credential";
/// The session name an assumed role shows in the customer's CloudTrail.
pub const SESSION_NAME: &str = "skyforge-sync";
/// How long assumed-role credentials last (STS's default maximum for a role session).
pub const SESSION_LENGTH: Duration = Duration::from_secs(3600);

/// How long one attempt of a call may take unless the platform config says otherwise: a
/// provider that stops answering must fail the listing, not hang the sync until Lambda's limit.
/// Generous on purpose: AWS answers a page of 1,000 in seconds, but the moto server needs
/// about 17 s for a page of 2,500 instances, and much longer while several regions are listed.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);

/// The retry policy of calls made as a customer: standard mode, 5 attempts. The SDK backs
/// off exponentially with jitter on throttling and transient errors.
pub fn default_retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(5)
}

/// An [`SdkConfig`] that acts as the customer's account: static keys, or the temporary
/// credentials of the role assumed with the platform's own credentials and the external id.
pub async fn aws_config_for(platform: &SdkConfig, secret: &CloudSecret) -> Result<SdkConfig, CloudError> {
    aws_config_for_with(platform, secret, default_retry()).await
}

/// [`aws_config_for`] with another retry policy (tests use a fast one). Timeouts are the
/// platform's, with [`ATTEMPT_TIMEOUT`] where it sets none.
pub async fn aws_config_for_with(
    platform: &SdkConfig,
    secret: &CloudSecret,
    retry: RetryConfig,
) -> Result<SdkConfig, CloudError> {
    let timeouts = platform
        .timeout_config()
        .map(|t| t.to_builder())
        .unwrap_or_default()
        .take_unset_from(TimeoutConfig::builder().operation_attempt_timeout(ATTEMPT_TIMEOUT))
        .build();
    let platform = platform.to_builder().retry_config(retry).timeout_config(timeouts).build();
    let credentials = match secret {
        CloudSecret::AwsKeys { access_key_id, secret_access_key } => {
            Credentials::new(access_key_id, secret_access_key.expose(), None, None, CREDENTIAL_PROVIDER)
        }
        CloudSecret::AwsRole { role_arn, external_id } => assume_role(&platform, role_arn, external_id).await?,
        other => return Err(not_aws(other)),
    };
    Ok(platform
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        // fixed credentials need no cache; the platform's shared cache would otherwise keep
        // a partition for every customer config ever built
        .identity_cache(IdentityCache::no_cache())
        .build())
}

/// `sts:AssumeRole` with the platform's credentials; the result is a fixed set of temporary
/// credentials (callers that keep the config refresh it before [`SESSION_LENGTH`] runs out).
async fn assume_role(platform: &SdkConfig, role_arn: &str, external_id: &str) -> Result<Credentials, CloudError> {
    let output = aws_sdk_sts::Client::new(platform)
        .assume_role()
        .role_arn(role_arn)
        .external_id(external_id)
        .role_session_name(SESSION_NAME)
        .duration_seconds(SESSION_LENGTH.as_secs() as i32)
        .send()
        .await
        .map_err(|error| cloud_error("sts", "AssumeRole", &error))?;
    let issued = output
        .credentials()
        .filter(|c| !c.access_key_id().is_empty() && !c.secret_access_key().is_empty())
        .ok_or_else(|| CloudError::Malformed("AssumeRole returned no credentials".into()))?;
    Ok(Credentials::new(
        issued.access_key_id(),
        issued.secret_access_key(),
        Some(issued.session_token().to_owned()).filter(|t| !t.is_empty()),
        SystemTime::try_from(*issued.expiration()).ok(),
        CREDENTIAL_PROVIDER,
    ))
}

/// Who a customer config acts as (`sts:GetCallerIdentity`, which needs no permission).
pub async fn caller_identity(config: &SdkConfig) -> Result<VerifiedAccount, CloudError> {
    let output = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|error| cloud_error("sts", "GetCallerIdentity", &error))?;
    match (output.account(), output.arn()) {
        (Some(account), Some(arn)) if !account.is_empty() => {
            Ok(VerifiedAccount { account_id: account.to_owned(), principal: arn.to_owned() })
        }
        _ => Err(CloudError::Malformed("GetCallerIdentity returned no account id".into())),
    }
}

/// Checks AWS credentials with STS before they are stored. Azure and GCP credentials are
/// checked elsewhere.
#[derive(Debug, Clone)]
pub struct AwsVerifier {
    platform: SdkConfig,
    retry: RetryConfig,
}

impl AwsVerifier {
    pub fn new(platform: SdkConfig) -> Self {
        Self::with_retry(platform, default_retry())
    }

    pub fn with_retry(platform: SdkConfig, retry: RetryConfig) -> Self {
        Self { platform, retry }
    }
}

#[async_trait]
impl CredentialVerifier for AwsVerifier {
    async fn verify(&self, secret: &CloudSecret) -> Result<VerifiedAccount, CloudError> {
        let config = aws_config_for_with(&self.platform, secret, self.retry.clone()).await?;
        caller_identity(&config).await
    }
}

fn not_aws(secret: &CloudSecret) -> CloudError {
    CloudError::Unavailable(format!("{} credentials are not supported by the AWS adapter yet", secret.provider()))
}

/// Error codes meaning the credential itself was refused, with what to tell the user.
fn refused_credential(code: &str) -> Option<&'static str> {
    Some(match code {
        "InvalidClientTokenId" | "UnrecognizedClientException" | "AuthFailure" | "InvalidAccessKeyId" => {
            "the access key is not valid: check the access key id and that the key is active"
        }
        "SignatureDoesNotMatch" => "the secret access key does not match the access key id",
        "ExpiredToken" | "ExpiredTokenException" | "InvalidToken" | "TokenRefreshRequired" => {
            "the temporary credentials have expired: try again"
        }
        _ => return None,
    })
}

fn is_access_denied(code: &str) -> bool {
    matches!(
        code,
        "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "Forbidden"
            | "AllAccessDisabled"
            | "OptInRequired"
            | "Blocked"
            | "PendingVerification"
    )
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "EC2ThrottledException"
            | "PriorRequestNotComplete"
            | "BandwidthLimitExceeded"
    )
}

fn is_server_side(code: &str) -> bool {
    matches!(
        code,
        "InternalError" | "InternalFailure" | "ServiceUnavailable" | "Unavailable" | "RegionDisabledException"
    )
}

/// Maps a failed AWS call (after the SDK's retries) to a [`CloudError`]. The message names
/// the operation and the provider's error code, never the provider's message, a key or a
/// debug dump; the whole error chain goes to the log only.
pub fn cloud_error<E>(service: &str, operation: &str, error: &SdkError<E, HttpResponse>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    tracing::warn!(service, operation, error = %DisplayErrorContext(error), "AWS call failed");
    let status = error.raw_response().map(|r| r.status().as_u16());
    match error {
        SdkError::TimeoutError(_) => return CloudError::Unavailable(format!("{operation} timed out")),
        SdkError::DispatchFailure(_) => {
            return CloudError::Unavailable(format!("{operation} could not reach the {service} endpoint"));
        }
        SdkError::ConstructionFailure(_) => {
            return CloudError::Malformed(format!("the {operation} request could not be built"));
        }
        _ => {}
    }
    let assume_role = operation == "AssumeRole";
    let code = error.code();
    if let Some(message) = code.and_then(refused_credential) {
        // when assuming a role, the key that signed the call is the platform's, not the
        // customer's: that is an operator's problem, and the customer's credential stays valid
        return if assume_role {
            CloudError::Unavailable(
                "the platform's own AWS credentials were refused while assuming the role: an operator must check them"
                    .into(),
            )
        } else {
            CloudError::InvalidCredential(message.into())
        };
    }
    match code {
        Some("AccessDenied" | "ValidationError") if assume_role => CloudError::InvalidCredential(
            "the role cannot be assumed: check its ARN, its trust policy and the external id".into(),
        ),
        Some("OptInRequired") => CloudError::AccessDenied(format!(
            "{service}:{operation} needs a region or service the account has not enabled"
        )),
        Some(code) if is_access_denied(code) => CloudError::AccessDenied(format!(
            "the credential may not call {service}:{operation} ({code}): grant it read-only access"
        )),
        Some(code) if is_throttling(code) => {
            CloudError::Throttled(format!("{operation} was throttled ({code}), even after retries"))
        }
        Some(code) if is_server_side(code) => {
            CloudError::Unavailable(format!("{operation} failed on AWS's side ({code})"))
        }
        _ if status.is_some_and(|s| s >= 500) => {
            CloudError::Unavailable(format!("{operation} failed on AWS's side (HTTP {})", status.unwrap_or_default()))
        }
        _ if status == Some(429) => CloudError::Throttled(format!("{operation} was throttled, even after retries")),
        Some(code) => {
            // an unknown code is shown as it came, so keep it to what an error code looks like
            let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').take(64).collect();
            CloudError::Malformed(format!("{operation} failed with an unexpected error ({code})"))
        }
        None => CloudError::Malformed(format!("the answer to {operation} could not be read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_codes_say_what_to_check_without_echoing_anything() {
        assert!(refused_credential("InvalidClientTokenId").unwrap().contains("access key"));
        assert!(refused_credential("SignatureDoesNotMatch").unwrap().contains("secret access key"));
        assert!(refused_credential("AccessDenied").is_none());
        assert!(is_throttling("Throttling") && is_throttling("RequestLimitExceeded"));
        assert!(is_access_denied("UnauthorizedOperation"));
    }
}
