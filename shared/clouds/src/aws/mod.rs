//! AWS inventory: the account's enabled regions, and in each region its EC2 resources; S3
//! buckets once per account in the `global` pseudo-region. Calls act as the customer through
//! [`skyforge_aws::sts::aws_config_for`] (static keys or an assumed role).

mod calls;
mod costs;
mod ec2;
mod s3;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use skyforge_app::clouds::{ApiCall, CloudError, CloudInventory, GLOBAL_REGION, RegionListing};
use skyforge_aws::sts::{aws_config_for_with, caller_identity, default_retry};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::{Resource, ResourceType};
use skyforge_domain::provider::Provider;

use calls::Calls;
pub use costs::AwsCosts;
pub(crate) use s3::client as s3_client;

/// How long an assumed role's config is reused: its credentials last an hour, and a listing
/// that starts just before the refresh still has ten minutes.
const ASSUMED_ROLE_REUSE: Duration = Duration::from_secs(50 * 60);

/// Where DescribeRegions is asked: every account has us-east-1 enabled.
const HOME_REGION: &str = "us-east-1";

/// An assumed role's config and until when it is reused.
struct Assumed {
    config: SdkConfig,
    until: Instant,
}

/// One slot per (role ARN, external id); its lock makes concurrent listings of one account
/// (one per region) share a single `AssumeRole`.
type RoleSlot = Arc<tokio::sync::Mutex<Option<Assumed>>>;

/// Lists an AWS account with EC2 and S3, acting as the customer.
pub struct AwsInventory {
    platform: SdkConfig,
    retry: RetryConfig,
    page_size: i32,
    bucket_concurrency: usize,
    roles: Mutex<HashMap<(String, String), RoleSlot>>,
}

impl AwsInventory {
    /// `platform` is the platform's own config: its credentials assume customer roles, its
    /// region, endpoint overrides and HTTP client are used for every call.
    pub fn new(platform: SdkConfig) -> Self {
        Self { platform, retry: default_retry(), page_size: 1000, bucket_concurrency: 8, roles: Mutex::default() }
    }

    /// Another retry policy than the default (standard, 5 attempts).
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Items asked for per page of the EC2 listings (AWS takes 5 to 1000; the default is 1000).
    pub fn with_page_size(mut self, page_size: i32) -> Self {
        self.page_size = page_size.clamp(5, 1000);
        self
    }

    /// How many buckets are looked at concurrently (location, tags); the default is 8.
    pub fn with_bucket_concurrency(mut self, concurrency: usize) -> Self {
        self.bucket_concurrency = concurrency.max(1);
        self
    }

    /// The config that acts as the customer. An assumed role is reused for
    /// [`ASSUMED_ROLE_REUSE`]; the `AssumeRole` call, when made, is recorded in `calls`.
    async fn customer_config(&self, secret: &CloudSecret, calls: &Calls) -> Result<SdkConfig, CloudError> {
        let CloudSecret::AwsRole { role_arn, external_id } = secret else {
            // static keys: nothing is called, so there is nothing worth keeping
            return aws_config_for_with(&self.platform, secret, self.retry.clone()).await;
        };
        let slot = {
            let mut roles = self.roles.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            roles.entry((role_arn.clone(), external_id.clone())).or_default().clone()
        };
        let mut assumed = slot.lock().await;
        if let Some(fresh) = assumed.as_ref().filter(|a| a.until > Instant::now()) {
            return Ok(fresh.config.clone());
        }
        let started = Instant::now();
        let result = aws_config_for_with(&self.platform, secret, self.retry.clone()).await;
        calls.record("sts", "AssumeRole", started, &result);
        let config = result?;
        *assumed = Some(Assumed { config: config.clone(), until: started + ASSUMED_ROLE_REUSE });
        Ok(config)
    }

    async fn list(
        &self,
        secret: &CloudSecret,
        account: &str,
        region: &str,
        calls: &Calls,
    ) -> Result<Vec<Resource>, CloudError> {
        let config = self.customer_config(secret, calls).await?;
        if region == GLOBAL_REGION {
            s3::list(&config, account, self.bucket_concurrency, calls).await
        } else {
            let scope = ec2::Scope { account, region };
            ec2::list(&ec2_client(&config, region), scope, self.page_size, calls).await
        }
    }
}

/// An EC2 client for one region.
pub(crate) fn ec2_client(config: &SdkConfig, region: &str) -> aws_sdk_ec2::Client {
    let conf = aws_sdk_ec2::config::Builder::from(config).region(aws_config::Region::new(region.to_owned())).build();
    aws_sdk_ec2::Client::from_conf(conf)
}

/// The SDK's timestamps as chrono's.
fn timestamp(time: Option<&aws_smithy_types::DateTime>) -> Option<chrono::DateTime<chrono::Utc>> {
    time.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

#[async_trait]
impl CloudInventory for AwsInventory {
    fn provider(&self) -> Provider {
        Provider::Aws
    }

    /// The account the credential acts in, with its enabled regions (sorted) and `global` last.
    async fn scopes(&self, secret: &CloudSecret) -> Result<Vec<(String, Vec<String>)>, CloudError> {
        let calls = Calls::default();
        let config = self.customer_config(secret, &calls).await?;
        let account = caller_identity(&config).await?.account_id;
        // AllRegions=false: only the regions enabled for the account (opted in, or default)
        let request = ec2_client(&config, HOME_REGION).describe_regions().all_regions(false).send();
        let output = calls.call("ec2", "DescribeRegions", request).await?;
        let mut regions: Vec<String> = output
            .regions()
            .iter()
            .filter(|r| r.opt_in_status() != Some("not-opted-in"))
            .filter_map(|r| r.region_name())
            .map(str::to_owned)
            .collect();
        regions.sort();
        regions.dedup();
        regions.push(GLOBAL_REGION.to_owned());
        Ok(vec![(account, regions)])
    }

    async fn list_region(
        &self,
        secret: &CloudSecret,
        account: &str,
        region: &str,
    ) -> Result<RegionListing, (CloudError, Vec<ApiCall>)> {
        let calls = Calls::default();
        let result = self.list(secret, account, region, &calls).await;
        let calls = calls.into_vec();
        match result {
            Ok(resources) => Ok(RegionListing { resources, calls }),
            Err(error) => Err((error, calls)),
        }
    }

    /// `global` lists the buckets of every region; a real region everything else in it.
    fn covers(&self, _account: &str, region: &str, resource: &Resource) -> bool {
        if region == GLOBAL_REGION {
            resource.kind == ResourceType::Bucket
        } else {
            resource.region == region && resource.kind != ResourceType::Bucket
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(region: &str, kind: ResourceType) -> Resource {
        Resource::new(Provider::Aws, "111122223333", region, kind, "x", "available")
    }

    #[test]
    fn global_covers_buckets_everywhere_and_regions_the_rest() {
        let inventory = AwsInventory::new(SdkConfig::builder().build());
        assert!(inventory.covers("a", GLOBAL_REGION, &key("eu-west-1", ResourceType::Bucket)));
        assert!(!inventory.covers("a", GLOBAL_REGION, &key("eu-west-1", ResourceType::Vm)));
        assert!(inventory.covers("a", "eu-west-1", &key("eu-west-1", ResourceType::Vm)));
        assert!(!inventory.covers("a", "eu-west-1", &key("eu-west-1", ResourceType::Bucket)));
        assert!(!inventory.covers("a", "eu-west-1", &key("us-east-1", ResourceType::Subnet)));
    }
}
