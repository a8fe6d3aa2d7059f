//! The ports to the cloud providers: checking a credential when it is added, and listing what
//! an account holds. Each provider has an adapter (`skyforge-aws` for credential checks,
//! `skyforge-clouds` for inventory); the sync service does not know which it talks to.

use std::time::Duration;

use async_trait::async_trait;
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::Resource;
use skyforge_domain::provider::Provider;

/// Why a provider call failed, in words that are safe to show and store (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// The provider refused the credential itself (wrong key, unknown role, expired secret).
    #[error("the provider refused the credential: {0}")]
    InvalidCredential(String),
    /// The credential is valid but may not do this (missing permission, no access to a
    /// subscription or project).
    #[error("access denied: {0}")]
    AccessDenied(String),
    /// Still throttled after the adapter's retries with back-off.
    #[error("the provider throttled the requests: {0}")]
    Throttled(String),
    /// A network failure, a timeout or a 5xx.
    #[error("the provider did not answer: {0}")]
    Unavailable(String),
    /// An answer the adapter could not read.
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
}

impl CloudError {
    /// A stable code for sync runs and health records.
    pub fn code(&self) -> &'static str {
        match self {
            CloudError::InvalidCredential(_) => "invalid_credential",
            CloudError::AccessDenied(_) => "access_denied",
            CloudError::Throttled(_) => "throttled",
            CloudError::Unavailable(_) => "unavailable",
            CloudError::Malformed(_) => "malformed_response",
        }
    }
}

/// What a credential check learned about the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAccount {
    /// AWS account id, Azure tenant id, GCP project id (the first).
    pub account_id: String,
    /// The identity the platform acts as (the assumed role's ARN, the client id, the email).
    pub principal: String,
}

/// Checks a credential against its provider before anything is stored.
#[async_trait]
pub trait CredentialVerifier: Send + Sync {
    async fn verify(&self, secret: &CloudSecret) -> Result<VerifiedAccount, CloudError>;
}

/// One API call made during a sync, for provider health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// `ec2`, `s3`, `sts`, `arm`, `compute`, `storage`, ...
    pub service: &'static str,
    /// `DescribeInstances`, `ListBuckets`, ...
    pub operation: &'static str,
    pub latency: Duration,
    /// `None` when it succeeded.
    pub error: Option<&'static str>,
}

/// Everything found in one region (or `global`, for region-less resources such as S3 buckets).
#[derive(Debug, Clone, Default)]
pub struct RegionListing {
    pub resources: Vec<Resource>,
    pub calls: Vec<ApiCall>,
}

/// Lists one provider's resources.
#[async_trait]
pub trait CloudInventory: Send + Sync {
    fn provider(&self) -> Provider;

    /// The account (AWS account id, Azure subscription, GCP project) ids this credential syncs,
    /// and the regions each has enabled. AWS: one account, its enabled regions plus `global`.
    async fn scopes(&self, secret: &CloudSecret) -> Result<Vec<(String, Vec<String>)>, CloudError>;

    /// Everything in one region of one account. On failure the error says what went wrong;
    /// the calls made up to then are still reported for health.
    async fn list_region(
        &self,
        secret: &CloudSecret,
        account: &str,
        region: &str,
    ) -> Result<RegionListing, (CloudError, Vec<ApiCall>)>;

    /// Whether listing `region` of `account` is what finds the stored `resource`, so that when
    /// that listing fails the resource is kept rather than marked deleted. By default a
    /// listing covers its own region; AWS's `global` listing covers the buckets of every
    /// region; an Azure subscription or GCP project is listed whole.
    fn covers(&self, account: &str, region: &str, resource: &Resource) -> bool {
        resource.account == account && resource.region == region
    }

    /// What a unit is called in sync errors and provider health: the region for AWS, the
    /// subscription or project where the whole of one is listed at once.
    fn unit_label(&self, _account: &str, region: &str) -> String {
        region.to_owned()
    }
}

/// The pseudo-region of resources that have none (S3 buckets are listed once per account).
pub const GLOBAL_REGION: &str = "global";
