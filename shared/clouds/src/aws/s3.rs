//! S3 buckets, listed once per account (the `global` pseudo-region) and each reported in its
//! own region, with its tags and what the compliance checks read: Block Public Access, whether
//! S3 finds its policy public, and its default encryption.

use std::collections::{BTreeMap, HashMap};

use aws_config::SdkConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::BucketLocationConstraint;
use futures::{StreamExt, TryStreamExt, stream};
use skyforge_app::clouds::CloudError;
use skyforge_domain::inventory::{Resource, ResourceType, normalise_state};
use skyforge_domain::provider::Provider;

use super::calls::Calls;
use super::timestamp;

/// S3's home region: ListBuckets and GetBucketLocation answer there for every bucket.
const HOME_REGION: &str = "us-east-1";

/// An S3 client for one region. With an endpoint override (the moto server, LocalStack) the
/// bucket goes in the path: a virtual-hosted name like `bucket.localhost` would not resolve.
pub(crate) fn client(config: &SdkConfig, region: &str) -> Client {
    let overridden = config.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
    let conf = aws_sdk_s3::config::Builder::from(config)
        .region(aws_config::Region::new(region.to_owned()))
        .force_path_style(overridden)
        .build();
    Client::from_conf(conf)
}

struct Bucket {
    name: String,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    region: Option<String>,
}

/// Every bucket of the account, with its region and tags, at most `concurrency` buckets at a
/// time. A bucket deleted while it is being listed is left out; any other failure fails all.
pub(crate) async fn list(
    config: &SdkConfig,
    account: &str,
    concurrency: usize,
    calls: &Calls,
) -> Result<Vec<Resource>, CloudError> {
    let home = client(config, HOME_REGION);
    let mut buckets = Vec::new();
    // 10,000 is the most a page holds; accounts with a raised bucket quota must page
    let mut pages = home.list_buckets().max_buckets(10_000).into_paginator().send();
    while let Some(page) = calls.page("s3", "ListBuckets", pages.next()).await? {
        buckets.extend(page.buckets().iter().filter_map(|b| {
            Some(Bucket {
                name: b.name()?.to_owned(),
                created_at: timestamp(b.creation_date()),
                region: b.bucket_region().filter(|r| !r.is_empty()).map(str::to_owned),
            })
        }));
    }

    // ListBuckets names each bucket's region lately; ask GetBucketLocation where it does not
    let located: Vec<Bucket> = stream::iter(buckets)
        .map(|bucket| locate(&home, bucket, calls))
        .buffer_unordered(concurrency)
        .try_filter_map(|bucket| async move { Ok(bucket) })
        .try_collect()
        .await?;

    // tags must be read in the bucket's own region
    let mut clients: HashMap<String, Client> = HashMap::new();
    for bucket in &located {
        let region = bucket.region.as_deref().unwrap_or(HOME_REGION);
        clients.entry(region.to_owned()).or_insert_with(|| client(config, region));
    }
    stream::iter(located)
        .map(|bucket| {
            let client = &clients[bucket.region.as_deref().unwrap_or(HOME_REGION)];
            describe(client, account, bucket, calls)
        })
        .buffer_unordered(concurrency)
        .try_filter_map(|resource| async move { Ok(resource) })
        .try_collect()
        .await
}

/// The bucket with its region, or `None` if it no longer exists.
async fn locate(home: &Client, mut bucket: Bucket, calls: &Calls) -> Result<Option<Bucket>, CloudError> {
    if bucket.region.is_some() {
        return Ok(Some(bucket));
    }
    let location = calls
        .call_or(
            "s3",
            "GetBucketLocation",
            async { home.get_bucket_location().bucket(&bucket.name).send().await.map(Some) },
            |error| (error.code() == Some("NoSuchBucket")).then_some(None),
        )
        .await?;
    Ok(location.map(|output| {
        bucket.region = Some(region_of(output.location_constraint()));
        bucket
    }))
}

/// GetBucketLocation's answer as a region name: none means us-east-1, `EU` the old name of
/// eu-west-1.
fn region_of(constraint: Option<&BucketLocationConstraint>) -> String {
    match constraint.map(|c| c.as_str()) {
        None | Some("") => HOME_REGION,
        Some("EU") => "eu-west-1",
        Some(region) => region,
    }
    .to_owned()
}

async fn describe(
    client: &Client,
    account: &str,
    bucket: Bucket,
    calls: &Calls,
) -> Result<Option<Resource>, CloudError> {
    let tags = calls
        .call_or(
            "s3",
            "GetBucketTagging",
            async {
                let output = client.get_bucket_tagging().bucket(&bucket.name).send().await?;
                let tags: BTreeMap<String, String> =
                    output.tag_set().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect();
                Ok(Some(tags))
            },
            |error| match error.code() {
                // a bucket without tags answers with this error
                Some("NoSuchTagSet") => Some(Some(BTreeMap::new())),
                Some("NoSuchBucket") => Some(None),
                _ => None,
            },
        )
        .await?;
    let Some(tags) = tags else { return Ok(None) };
    let (block, policy, encryption) = tokio::join!(
        public_access_block(client, &bucket.name, calls),
        policy_public(client, &bucket.name, calls),
        default_encryption(client, &bucket.name, calls),
    );
    let attributes: BTreeMap<String, String> =
        [("public_access_block", block?), ("policy_public", policy?), ("default_encryption", encryption?)]
            .into_iter()
            .filter_map(|(key, value)| Some((key.to_owned(), value?)))
            .collect();
    Ok(Some(Resource {
        provider: Provider::Aws,
        account: account.to_owned(),
        region: bucket.region.unwrap_or_else(|| HOME_REGION.to_owned()),
        kind: ResourceType::Bucket,
        native_id: bucket.name.clone(),
        name: Some(bucket.name),
        state: normalise_state(Provider::Aws, ResourceType::Bucket, "active"),
        size: None,
        public_ips: Vec::new(),
        private_ips: Vec::new(),
        tags,
        created_at: bucket.created_at,
        attributes,
    }))
}

/// A role without the newer read permissions (or a bucket deleted meanwhile) leaves the
/// attribute out, so its checks do not apply, rather than failing the whole listing.
fn unreadable(code: Option<&str>) -> bool {
    matches!(code, Some("AccessDenied" | "NoSuchBucket" | "NotImplemented"))
}

/// `true` when all four Block Public Access settings are on.
async fn public_access_block(client: &Client, bucket: &str, calls: &Calls) -> Result<Option<String>, CloudError> {
    calls
        .call_or(
            "s3",
            "GetPublicAccessBlock",
            async {
                let output = client.get_public_access_block().bucket(bucket).send().await?;
                let all_on = output.public_access_block_configuration().is_some_and(|c| {
                    c.block_public_acls() == Some(true)
                        && c.ignore_public_acls() == Some(true)
                        && c.block_public_policy() == Some(true)
                        && c.restrict_public_buckets() == Some(true)
                });
                Ok(Some(all_on.to_string()))
            },
            |error| match error.code() {
                Some("NoSuchPublicAccessBlockConfiguration") => Some(Some("false".into())),
                code if unreadable(code) => Some(None),
                _ => None,
            },
        )
        .await
}

/// `true` when S3 evaluates the bucket policy as public.
async fn policy_public(client: &Client, bucket: &str, calls: &Calls) -> Result<Option<String>, CloudError> {
    calls
        .call_or(
            "s3",
            "GetBucketPolicyStatus",
            async {
                let output = client.get_bucket_policy_status().bucket(bucket).send().await?;
                let public = output.policy_status().and_then(|s| s.is_public()).unwrap_or(false);
                Ok(Some(public.to_string()))
            },
            |error| match error.code() {
                Some("NoSuchBucketPolicy") => Some(Some("false".into())),
                code if unreadable(code) => Some(None),
                _ => None,
            },
        )
        .await
}

/// The default encryption algorithm (`AES256`, `aws:kms`, ...), or `none`.
async fn default_encryption(client: &Client, bucket: &str, calls: &Calls) -> Result<Option<String>, CloudError> {
    calls
        .call_or(
            "s3",
            "GetBucketEncryption",
            async {
                let output = client.get_bucket_encryption().bucket(bucket).send().await?;
                let algorithm = output
                    .server_side_encryption_configuration()
                    .and_then(|c| c.rules().first())
                    .and_then(|r| r.apply_server_side_encryption_by_default())
                    .map(|d| d.sse_algorithm().as_str().to_owned());
                Ok(Some(algorithm.unwrap_or_else(|| "none".into())))
            },
            |error| match error.code() {
                Some("ServerSideEncryptionConfigurationNotFoundError") => Some(Some("none".into())),
                code if unreadable(code) => Some(None),
                _ => None,
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_locations_become_region_names() {
        assert_eq!(region_of(None), "us-east-1");
        assert_eq!(region_of(Some(&BucketLocationConstraint::from(""))), "us-east-1");
        assert_eq!(region_of(Some(&BucketLocationConstraint::Eu)), "eu-west-1");
        assert_eq!(region_of(Some(&BucketLocationConstraint::ApSoutheast2)), "ap-southeast-2");
    }
}
