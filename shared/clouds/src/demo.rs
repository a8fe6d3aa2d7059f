//! Demo data for the local AWS stand-in: a small, clearly labelled account (every resource
//! tagged `skyforge-demo=true`) in three regions, and bulk instances for benchmarks. Both act
//! through an assumed role, so on the moto server they land in the role's own account.
//!
//! Only meant for the stand-in: nothing here should ever run against a real AWS account.

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_ec2::types::{
    DomainType, Filter, InstanceType, ResourceType as Ec2ResourceType, Tag, TagSpecification, VolumeType,
};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Tagging};
use skyforge_app::clouds::CloudError;
use skyforge_aws::sts::{aws_config_for, caller_identity, cloud_error};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::deployments::DEPLOYMENT_TAG;

use crate::aws::{ec2_client, s3_client};

/// The tag on every demo resource.
pub const DEMO_TAG: &str = "skyforge-demo";
/// The tag on bulk benchmark instances.
pub const BENCH_TAG: &str = "skyforge-bench";
/// An image every region of the moto server has (its bundled Ubuntu image); the stand-in does
/// not check image ids, but a real one keeps the demo instances plausible.
pub const DEMO_IMAGE: &str = "ami-1e749f67";
/// RunInstances starts at most this many instances a call in the benchmark seeding.
const BULK_BATCH: usize = 500;

struct DemoVm {
    name: &'static str,
    size: InstanceType,
    running: bool,
    deployment: Option<&'static str>,
}

struct DemoRegion {
    region: &'static str,
    /// The VPC's /16; subnets are its first two /24s.
    cidr_prefix: &'static str,
    vms: Vec<DemoVm>,
    bucket: Option<&'static str>,
}

fn vm(name: &'static str, size: InstanceType, running: bool) -> DemoVm {
    DemoVm { name, size, running, deployment: None }
}

/// What the demo account holds, region by region.
fn plan() -> [DemoRegion; 3] {
    [
        DemoRegion {
            region: "us-east-1",
            cidr_prefix: "10.10",
            vms: vec![
                DemoVm { name: "web-1", size: InstanceType::T3Small, running: true, deployment: Some("dep_demo") },
                vm("web-2", InstanceType::T3Small, true),
                vm("batch-1", InstanceType::C5Large, false),
                vm("db-1", InstanceType::R5Large, true),
            ],
            bucket: Some("assets"),
        },
        DemoRegion {
            region: "eu-west-1",
            cidr_prefix: "10.20",
            vms: vec![
                vm("app-eu-1", InstanceType::T3Medium, true),
                vm("app-eu-2", InstanceType::T3Medium, false),
                vm("cache-eu-1", InstanceType::T3Micro, true),
            ],
            bucket: Some("logs"),
        },
        DemoRegion {
            region: "ap-southeast-2",
            cidr_prefix: "10.30",
            vms: vec![vm("edge-syd-1", InstanceType::T3Micro, true), vm("reports-syd-1", InstanceType::M5Large, false)],
            bucket: None,
        },
    ]
}

/// What seeding made (or found).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub account_id: String,
    /// Demo instances were already there, so nothing was created.
    pub already_seeded: bool,
    pub instances: usize,
    pub networks: usize,
    pub subnets: usize,
    pub volumes: usize,
    pub addresses: usize,
    pub buckets: Vec<String>,
}

/// Seeds the demo account behind `role_arn`: per region a VPC with two subnets, named
/// instances (some stopped, one tagged with a deployment), an unattached volume and an
/// unassociated Elastic IP; buckets in two regions. Does nothing if demo instances exist.
pub async fn seed_demo_account(platform: &SdkConfig, role_arn: &str) -> Result<DemoSummary, CloudError> {
    let config = act_as(platform, role_arn).await?;
    let account_id = caller_identity(&config).await?.account_id;
    let mut summary = DemoSummary { account_id, ..DemoSummary::default() };
    let plan = plan();
    for region in &plan {
        if has_demo_instances(&config, region.region).await? {
            summary.already_seeded = true;
            return Ok(summary);
        }
    }
    for region in &plan {
        seed_region(&config, region, &mut summary).await?;
    }
    Ok(summary)
}

async fn act_as(platform: &SdkConfig, role_arn: &str) -> Result<SdkConfig, CloudError> {
    let secret = CloudSecret::AwsRole { role_arn: role_arn.to_owned(), external_id: "skyforge-demo".to_owned() };
    aws_config_for(platform, &secret).await
}

async fn has_demo_instances(config: &SdkConfig, region: &str) -> Result<bool, CloudError> {
    let output = ec2_client(config, region)
        .describe_instances()
        .filters(Filter::builder().name(format!("tag:{DEMO_TAG}")).values("true").build())
        .filters(
            Filter::builder().name("instance-state-name").values("pending").values("running").values("stopped").build(),
        )
        .send()
        .await
        .map_err(|e| cloud_error("ec2", "DescribeInstances", &e))?;
    Ok(output.reservations().iter().any(|r| !r.instances().is_empty()))
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// Tags for a new resource: its name and the demo label.
fn labelled(kind: Ec2ResourceType, name: &str, extra: Option<(&str, &str)>) -> TagSpecification {
    let mut tags = vec![tag("Name", name), tag(DEMO_TAG, "true")];
    tags.extend(extra.map(|(k, v)| tag(k, v)));
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags)).build()
}

async fn seed_region(config: &SdkConfig, plan: &DemoRegion, summary: &mut DemoSummary) -> Result<(), CloudError> {
    let ec2 = ec2_client(config, plan.region);
    let region = plan.region;
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("{}.0.0/16", plan.cidr_prefix))
        .tag_specifications(labelled(Ec2ResourceType::Vpc, &format!("demo-{region}"), None))
        .send()
        .await
        .map_err(|e| cloud_error("ec2", "CreateVpc", &e))?;
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).ok_or_else(|| missing("CreateVpc"))?.to_owned();
    summary.networks += 1;

    let mut subnets = Vec::new();
    for (n, zone) in ["a", "b"].into_iter().enumerate() {
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("{}.{}.0/24", plan.cidr_prefix, n + 1))
            .availability_zone(format!("{region}{zone}"))
            .tag_specifications(labelled(Ec2ResourceType::Subnet, &format!("demo-{region}{zone}"), None))
            .send()
            .await
            .map_err(|e| cloud_error("ec2", "CreateSubnet", &e))?;
        subnets.push(subnet.subnet().and_then(|s| s.subnet_id()).ok_or_else(|| missing("CreateSubnet"))?.to_owned());
        summary.subnets += 1;
    }

    let mut stop = Vec::new();
    for (n, vm) in plan.vms.iter().enumerate() {
        let deployment = vm.deployment.map(|d| (DEPLOYMENT_TAG, d));
        let run = ec2
            .run_instances()
            .image_id(DEMO_IMAGE)
            .instance_type(vm.size.clone())
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnets[n % subnets.len()])
            .tag_specifications(labelled(Ec2ResourceType::Instance, vm.name, deployment))
            .send()
            .await
            .map_err(|e| cloud_error("ec2", "RunInstances", &e))?;
        let id = run.instances().first().and_then(|i| i.instance_id()).ok_or_else(|| missing("RunInstances"))?;
        if !vm.running {
            stop.push(id.to_owned());
        }
        summary.instances += 1;
    }
    if !stop.is_empty() {
        ec2.stop_instances()
            .set_instance_ids(Some(stop))
            .send()
            .await
            .map_err(|e| cloud_error("ec2", "StopInstances", &e))?;
    }

    ec2.create_volume()
        .availability_zone(format!("{region}a"))
        .size(20)
        .volume_type(VolumeType::Gp3)
        .tag_specifications(labelled(Ec2ResourceType::Volume, &format!("scratch-{region}"), None))
        .send()
        .await
        .map_err(|e| cloud_error("ec2", "CreateVolume", &e))?;
    summary.volumes += 1;

    ec2.allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(labelled(Ec2ResourceType::ElasticIp, &format!("spare-ip-{region}"), None))
        .send()
        .await
        .map_err(|e| cloud_error("ec2", "AllocateAddress", &e))?;
    summary.addresses += 1;

    if let Some(purpose) = plan.bucket {
        // bucket names are global: the account id keeps demo accounts apart
        let name = format!("skyforge-demo-{}-{purpose}-{region}", summary.account_id);
        create_bucket(config, region, &name, &[(DEMO_TAG, "true"), ("purpose", purpose)]).await?;
        summary.buckets.push(name);
    }
    Ok(())
}

fn missing(operation: &str) -> CloudError {
    CloudError::Malformed(format!("{operation} answered without the new resource's id"))
}

/// Creates a bucket in `region` with `tags` (none if empty).
async fn create_bucket(config: &SdkConfig, region: &str, name: &str, tags: &[(&str, &str)]) -> Result<(), CloudError> {
    let s3 = s3_client(config, region);
    let mut create = s3.create_bucket().bucket(name);
    // us-east-1 is the one region that must not be named
    if region != "us-east-1" {
        let location = BucketLocationConstraint::from(region);
        create = create
            .create_bucket_configuration(CreateBucketConfiguration::builder().location_constraint(location).build());
    }
    create.send().await.map_err(|e| cloud_error("s3", "CreateBucket", &e))?;
    if tags.is_empty() {
        return Ok(());
    }
    let tag_set = tags
        .iter()
        .map(|(k, v)| aws_sdk_s3::types::Tag::builder().key(*k).value(*v).build())
        .collect::<Result<Vec<_>, _>>()
        .and_then(|tags| Tagging::builder().set_tag_set(Some(tags)).build())
        .map_err(|_| CloudError::Malformed("bucket tags could not be built".into()))?;
    s3.put_bucket_tagging()
        .bucket(name)
        .tagging(tag_set)
        .send()
        .await
        .map_err(|e| cloud_error("s3", "PutBucketTagging", &e))?;
    Ok(())
}

/// How long seeding one region's bulk instances took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSeeded {
    pub region: String,
    pub instances: usize,
    pub elapsed: Duration,
}

/// Starts `per_region` instances in each of `regions` for a benchmark, in batches of up to
/// 500 a RunInstances call, tagged `skyforge-bench=true`. Not idempotent: each call adds more.
pub async fn seed_bulk_instances(
    platform: &SdkConfig,
    role_arn: &str,
    regions: &[&str],
    per_region: usize,
) -> Result<Vec<BulkSeeded>, CloudError> {
    let config = act_as(platform, role_arn).await?;
    let mut seeded = Vec::with_capacity(regions.len());
    for region in regions {
        let ec2 = ec2_client(&config, region);
        let started = Instant::now();
        let mut made = 0;
        while made < per_region {
            let batch = (per_region - made).min(BULK_BATCH);
            let spec = TagSpecification::builder()
                .resource_type(Ec2ResourceType::Instance)
                .tags(tag("Name", &format!("bench-{region}-{}", made / BULK_BATCH)))
                .tags(tag(BENCH_TAG, "true"))
                .build();
            let run = ec2
                .run_instances()
                .image_id(DEMO_IMAGE)
                .instance_type(InstanceType::T3Micro)
                .min_count(batch as i32)
                .max_count(batch as i32)
                .tag_specifications(spec)
                .send()
                .await
                .map_err(|e| cloud_error("ec2", "RunInstances", &e))?;
            match run.instances().len() {
                0 => return Err(missing("RunInstances")),
                started => made += started,
            }
        }
        seeded.push(BulkSeeded { region: (*region).to_owned(), instances: made, elapsed: started.elapsed() });
    }
    Ok(seeded)
}

/// The services of the demo account's costs and a plausible daily amount for each (USD).
const DEMO_SERVICES: [(&str, f64); 6] = [
    ("Amazon Elastic Compute Cloud - Compute", 38.40),
    ("EC2 - Other", 6.10),
    ("Amazon Relational Database Service", 17.25),
    ("Amazon Simple Storage Service", 3.80),
    ("Amazon Virtual Private Cloud", 2.45),
    ("AmazonCloudWatch", 1.15),
];

/// Cost Explorer's answer for the demo account: `days` days up to `today`, daily by service
/// (and the account), with a weekly rhythm and a slow rise so the charts have a shape. Fixed
/// arithmetic, no randomness: every `make up` shows the same demo data.
pub fn demo_cost_results(account: &str, today: chrono::NaiveDate, days: i64) -> serde_json::Value {
    let mut results = Vec::new();
    for back in (0..days).rev() {
        let day = today - chrono::Duration::days(back);
        let weekday = chrono::Datelike::weekday(&day).num_days_from_monday() as f64;
        let weekend = if weekday >= 5.0 { 0.78 } else { 1.0 };
        let trend = 1.0 + (days - back) as f64 * 0.002;
        let groups: Vec<serde_json::Value> = DEMO_SERVICES
            .iter()
            .enumerate()
            .map(|(i, (service, base))| {
                let wobble = 1.0 + ((back * 7 + i as i64 * 13) % 11) as f64 / 100.0;
                let amount = base * weekend * trend * wobble;
                serde_json::json!({
                    "Keys": [service, account],
                    "Metrics": { "UnblendedCost": { "Amount": format!("{amount:.6}"), "Unit": "USD" } }
                })
            })
            .collect();
        results.push(serde_json::json!({
            "TimePeriod": { "Start": day.to_string(), "End": (day + chrono::Duration::days(1)).to_string() },
            "Total": {},
            "Groups": groups,
            "Estimated": back < 3
        }));
    }
    serde_json::json!({ "ResultsByTime": results, "DimensionValueAttributes": [] })
}

/// Queues 90 days of demo costs for the demo account on the moto server (its documented
/// `/moto-api/static/ce/cost-and-usage-results`): the next distinct `GetCostAndUsage` in that
/// account answers them. Only for the stand-in: it needs `AWS_ENDPOINT_URL`.
pub async fn seed_demo_costs(endpoint: &str, account: &str, today: chrono::NaiveDate) -> Result<(), CloudError> {
    let body = serde_json::json!({ "account_id": account, "results": [demo_cost_results(account, today, 90)] });
    let url = format!("{}/moto-api/static/ce/cost-and-usage-results", endpoint.trim_end_matches('/'));
    let response = skyforge_cloud_signin::ProviderHttp::default()
        .client()
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| CloudError::Unavailable(format!("the moto server could not be reached: {e}")))?;
    match response.status() {
        status if status.is_success() => Ok(()),
        status => Err(CloudError::Unavailable(format!("the moto server refused the demo costs (HTTP {status})"))),
    }
}

#[cfg(test)]
mod cost_tests {
    use super::*;

    #[test]
    fn demo_costs_cover_90_days_of_six_services() {
        let today: chrono::NaiveDate = "2026-11-22".parse().unwrap();
        let results = demo_cost_results("111122223333", today, 90);
        let days = results["ResultsByTime"].as_array().unwrap();
        assert_eq!(days.len(), 90);
        assert_eq!(days[0]["TimePeriod"]["Start"], "2026-08-25");
        assert_eq!(days[89]["TimePeriod"]["End"], "2026-11-23");
        assert_eq!(days[89]["Groups"].as_array().unwrap().len(), 6);
        let amount: f64 =
            days[89]["Groups"][0]["Metrics"]["UnblendedCost"]["Amount"].as_str().unwrap().parse().unwrap();
        assert!((30.0..60.0).contains(&amount), "{amount}");
    }
}
