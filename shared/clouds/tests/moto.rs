//! The AWS inventory against the moto server (`make test` starts one and sets
//! `AWS_ENDPOINT_URL`), and its failures against HTTP doubles serving EC2's documented XML
//! errors. Each moto test assumes a role in an account of its own (a random 12-digit id), so
//! tests run in parallel without seeing each other's resources.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::types::{DomainType, InstanceType, ResourceType as Ec2Kind, Tag, TagSpecification, VolumeType};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Tagging};
use skyforge_app::clouds::{CloudError, CloudInventory, GLOBAL_REGION, RegionListing};
use skyforge_aws::sts::aws_config_for;
use skyforge_clouds::AwsInventory;
use skyforge_clouds::demo::{DEMO_IMAGE, DEMO_TAG, seed_bulk_instances, seed_demo_account};
use skyforge_domain::credentials::{CloudSecret, Sensitive};
use skyforge_domain::deployments::DEPLOYMENT_TAG;
use skyforge_domain::inventory::{Resource, ResourceState, ResourceType};
use skyforge_domain::provider::Provider;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn platform() -> SdkConfig {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "these tests run against the moto server: use `make test`, or source .run/dev/env"
    );
    skyforge_aws::sdk_config().await
}

/// A 12-digit account id of its own.
fn random_account() -> String {
    let n = ulid::Ulid::new().random() % 900_000_000_000;
    format!("{}", 100_000_000_000 + n)
}

fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/skyforge-readonly")
}

fn role(account: &str) -> CloudSecret {
    CloudSecret::AwsRole { role_arn: role_arn(account), external_id: "ext-test".into() }
}

/// A fresh account on moto: its id, the secret that reaches it, and a config acting in it.
async fn fresh_account() -> (String, CloudSecret, SdkConfig) {
    let account = random_account();
    let secret = role(&account);
    let config = aws_config_for(&platform().await, &secret).await.expect("assuming the test role");
    (account, secret, config)
}

fn ec2(config: &SdkConfig, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(config).region(Region::new(region.to_owned())).build(),
    )
}

fn s3(config: &SdkConfig, region: &str) -> aws_sdk_s3::Client {
    let conf =
        aws_sdk_s3::config::Builder::from(config).region(Region::new(region.to_owned())).force_path_style(true).build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn tags(kind: Ec2Kind, pairs: &[(&str, &str)]) -> TagSpecification {
    let tags = pairs.iter().map(|(k, v)| Tag::builder().key(*k).value(*v).build()).collect();
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags)).build()
}

async fn run_instance(
    ec2: &aws_sdk_ec2::Client,
    subnet: Option<&str>,
    size: InstanceType,
    tag_pairs: &[(&str, &str)],
) -> String {
    let run = ec2
        .run_instances()
        .image_id(DEMO_IMAGE)
        .instance_type(size)
        .min_count(1)
        .max_count(1)
        .set_subnet_id(subnet.map(str::to_owned))
        .tag_specifications(tags(Ec2Kind::Instance, tag_pairs))
        .send()
        .await
        .unwrap();
    run.instances()[0].instance_id().unwrap().to_owned()
}

fn find<'a>(listing: &'a RegionListing, id: &str) -> &'a Resource {
    listing.resources.iter().find(|r| r.native_id == id).unwrap_or_else(|| panic!("{id} not listed"))
}

fn attr<'a>(resource: &'a Resource, key: &str) -> Option<&'a str> {
    resource.attributes.get(key).map(String::as_str)
}

fn operations(listing: &RegionListing) -> Vec<&'static str> {
    let mut ops: Vec<_> = listing.calls.iter().map(|c| c.operation).collect();
    ops.sort();
    ops.dedup();
    ops
}

#[tokio::test]
async fn a_region_lists_instances_volumes_networks_and_addresses_normalised() {
    let (account, secret, config) = fresh_account().await;
    let east = ec2(&config, "us-east-1");
    let vpc = east
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .tag_specifications(tags(Ec2Kind::Vpc, &[("Name", "main")]))
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let subnet = east
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.1.1.0/24")
        .availability_zone("us-east-1a")
        .tag_specifications(tags(Ec2Kind::Subnet, &[("Name", "app-a")]))
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    let web = run_instance(
        &east,
        Some(&subnet),
        InstanceType::T3Micro,
        &[("Name", "web-1"), (DEPLOYMENT_TAG, "dep_123"), ("team", "web")],
    )
    .await;
    let batch = run_instance(&east, Some(&subnet), InstanceType::M5Large, &[("Name", "batch-1")]).await;
    east.stop_instances().instance_ids(&batch).send().await.unwrap();
    let far = run_instance(&ec2(&config, "eu-west-1"), None, InstanceType::T3Micro, &[("Name", "far-1")]).await;

    let data = east
        .create_volume()
        .availability_zone("us-east-1a")
        .size(20)
        .volume_type(VolumeType::Gp3)
        .tag_specifications(tags(Ec2Kind::Volume, &[("Name", "data-1")]))
        .send()
        .await
        .unwrap();
    let data = data.volume_id().unwrap().to_owned();
    east.attach_volume().volume_id(&data).instance_id(&web).device("/dev/sdf").send().await.unwrap();
    let spare =
        east.create_volume().availability_zone("us-east-1a").size(8).volume_type(VolumeType::Gp2).send().await.unwrap();
    let spare = spare.volume_id().unwrap().to_owned();

    let used_ip = east
        .allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(tags(Ec2Kind::ElasticIp, &[("Name", "web-ip")]))
        .send()
        .await
        .unwrap();
    east.associate_address().allocation_id(used_ip.allocation_id().unwrap()).instance_id(&web).send().await.unwrap();
    let spare_ip = east.allocate_address().domain(DomainType::Vpc).send().await.unwrap();

    let inventory = AwsInventory::new(platform().await);
    let listing = inventory.list_region(&secret, &account, "us-east-1").await.unwrap();

    for r in &listing.resources {
        assert_eq!((r.provider, r.account.as_str(), r.region.as_str()), (Provider::Aws, account.as_str(), "us-east-1"));
    }
    let vm = find(&listing, &web);
    assert_eq!((vm.kind, vm.name.as_deref(), vm.state), (ResourceType::Vm, Some("web-1"), ResourceState::Running));
    assert_eq!(vm.size.as_deref(), Some("t3.micro"));
    assert_eq!(vm.deployment(), Some("dep_123"));
    assert_eq!(vm.tags.get("team").map(String::as_str), Some("web"));
    assert!(vm.public_ips.iter().any(|ip| Some(ip.as_str()) == used_ip.public_ip()), "{:?}", vm.public_ips);
    assert!(vm.private_ips.first().is_some_and(|ip| ip.starts_with("10.1.1.")), "{:?}", vm.private_ips);
    assert!(vm.created_at.is_some());
    assert_eq!(attr(vm, "subnet_id"), Some(subnet.as_str()));
    assert_eq!(attr(vm, "vpc_id"), Some(vpc.as_str()));
    assert_eq!(attr(vm, "availability_zone"), Some("us-east-1a"));
    assert_eq!(attr(vm, "image_id"), Some(DEMO_IMAGE));
    assert_eq!(find(&listing, &batch).state, ResourceState::Stopped);
    assert!(listing.resources.iter().all(|r| r.native_id != far), "another region's instance is not here");

    let disk = find(&listing, &data);
    assert_eq!(
        (disk.kind, disk.state, disk.size.as_deref()),
        (ResourceType::Disk, ResourceState::InUse, Some("20 GiB gp3"))
    );
    assert_eq!((disk.name.as_deref(), attr(disk, "attached_to")), (Some("data-1"), Some(web.as_str())));
    assert_eq!(attr(disk, "encrypted"), Some("false"));
    let loose = find(&listing, &spare);
    assert_eq!(
        (loose.state, loose.size.as_deref(), attr(loose, "attached_to")),
        (ResourceState::Available, Some("8 GiB gp2"), None)
    );

    let network = find(&listing, &vpc);
    assert_eq!(
        (network.kind, network.state, network.size.as_deref()),
        (ResourceType::Network, ResourceState::Available, Some("10.1.0.0/16"))
    );
    assert_eq!((network.name.as_deref(), attr(network, "is_default")), (Some("main"), Some("false")));
    let sub = find(&listing, &subnet);
    assert_eq!(
        (sub.kind, sub.size.as_deref(), attr(sub, "vpc_id")),
        (ResourceType::Subnet, Some("10.1.1.0/24"), Some(vpc.as_str()))
    );

    let ip = find(&listing, used_ip.allocation_id().unwrap());
    assert_eq!((ip.kind, ip.state, ip.name.as_deref()), (ResourceType::PublicIp, ResourceState::InUse, Some("web-ip")));
    assert_eq!(ip.public_ips, vec![used_ip.public_ip().unwrap().to_owned()]);
    assert_eq!(attr(ip, "attached_to"), Some(web.as_str()));
    assert_eq!(find(&listing, spare_ip.allocation_id().unwrap()).state, ResourceState::Available);

    assert_eq!(
        operations(&listing),
        [
            "AssumeRole",
            "DescribeAddresses",
            "DescribeInstances",
            "DescribeSecurityGroups",
            "DescribeSubnets",
            "DescribeVolumes",
            "DescribeVpcs"
        ]
    );
    assert!(listing.calls.iter().all(|c| c.error.is_none()), "{:?}", listing.calls);

    // the role assumed for us-east-1 is reused for the next region
    let west = inventory.list_region(&secret, &account, "eu-west-1").await.unwrap();
    assert_eq!(find(&west, &far).region, "eu-west-1");
    assert!(!operations(&west).contains(&"AssumeRole"));
}

#[tokio::test]
async fn buckets_are_listed_once_in_their_own_regions_with_tags() {
    let (account, secret, config) = fresh_account().await;
    let east = format!("sf-test-{account}-east");
    let west = format!("sf-test-{account}-west");
    let s3_east = s3(&config, "us-east-1");
    s3_east.create_bucket().bucket(&east).send().await.unwrap();
    let tag_set = Tagging::builder()
        .tag_set(aws_sdk_s3::types::Tag::builder().key("team").value("data").build().unwrap())
        .tag_set(aws_sdk_s3::types::Tag::builder().key(DEPLOYMENT_TAG).value("dep_b").build().unwrap())
        .build()
        .unwrap();
    s3_east.put_bucket_tagging().bucket(&east).tagging(tag_set).send().await.unwrap();
    s3(&config, "eu-west-1")
        .create_bucket()
        .bucket(&west)
        .create_bucket_configuration(
            CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::EuWest1).build(),
        )
        .send()
        .await
        .unwrap();

    let listing = AwsInventory::new(platform().await).list_region(&secret, &account, GLOBAL_REGION).await.unwrap();

    assert_eq!(listing.resources.len(), 2, "{:?}", listing.resources);
    let tagged = find(&listing, &east);
    assert_eq!(
        (tagged.kind, tagged.region.as_str(), tagged.state),
        (ResourceType::Bucket, "us-east-1", ResourceState::Available)
    );
    assert_eq!(tagged.name.as_deref(), Some(east.as_str()));
    assert_eq!(tagged.deployment(), Some("dep_b"));
    assert_eq!(tagged.tags.get("team").map(String::as_str), Some("data"));
    assert!(tagged.created_at.is_some());
    let plain = find(&listing, &west);
    assert_eq!((plain.region.as_str(), &plain.tags), ("eu-west-1", &BTreeMap::new()));
    assert!(listing.calls.iter().all(|c| c.service == "s3" || c.operation == "AssumeRole"));
    assert!(listing.calls.iter().all(|c| c.error.is_none()), "no tags is an answer, not an error: {:?}", listing.calls);
    assert_eq!(listing.calls.iter().filter(|c| c.operation == "GetBucketTagging").count(), 2);
}

#[tokio::test]
async fn what_the_compliance_checks_read_is_listed_as_attributes() {
    let (account, secret, config) = fresh_account().await;
    let east = ec2(&config, "us-east-1");
    let vpc =
        east.create_vpc().cidr_block("10.9.0.0/16").send().await.unwrap().vpc().unwrap().vpc_id().unwrap().to_owned();
    let open = east
        .create_security_group()
        .group_name("open-ssh")
        .description("ssh from anywhere")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    let permission = |port: i32, cidr: &str| {
        aws_sdk_ec2::types::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip(cidr).build())
            .build()
    };
    east.authorize_security_group_ingress()
        .group_id(&open)
        .ip_permissions(permission(22, "0.0.0.0/0"))
        .ip_permissions(permission(5432, "10.0.0.0/8"))
        .send()
        .await
        .unwrap();
    let web = east
        .run_instances()
        .image_id(DEMO_IMAGE)
        .instance_type(InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .security_group_ids(&open)
        .metadata_options(
            aws_sdk_ec2::types::InstanceMetadataOptionsRequest::builder()
                .http_tokens(aws_sdk_ec2::types::HttpTokensState::Optional)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let plain = east.create_volume().availability_zone("us-east-1a").size(8).send().await.unwrap();
    let sealed = east.create_volume().availability_zone("us-east-1a").size(8).encrypted(true).send().await.unwrap();

    let inventory = AwsInventory::new(platform().await);
    let listing = inventory.list_region(&secret, &account, "us-east-1").await.unwrap();

    let group = find(&listing, &open);
    assert_eq!((group.kind, group.name.as_deref()), (ResourceType::Firewall, Some("open-ssh")));
    assert_eq!(attr(group, "ingress"), Some("tcp|22-22|0.0.0.0/0,tcp|5432-5432|10.0.0.0/8"));
    let vm = find(&listing, &web);
    assert_eq!(attr(vm, "imds_tokens"), Some("optional"));
    assert_eq!(attr(vm, "security_groups"), Some(open.as_str()));
    assert_eq!(attr(vm, "internet_admin_ports"), Some("22"));
    assert_eq!(attr(find(&listing, plain.volume_id().unwrap()), "encrypted"), Some("false"));
    let sealed = find(&listing, sealed.volume_id().unwrap());
    assert_eq!(attr(sealed, "encrypted"), Some("true"));
    assert!(attr(sealed, "encryption_key").is_some());

    // buckets: one locked down, one with a public policy and nothing else
    let (locked, public) = (format!("sf-test-{account}-locked"), format!("sf-test-{account}-public"));
    let s3 = s3(&config, "us-east-1");
    for bucket in [&locked, &public] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    s3.put_public_access_block()
        .bucket(&locked)
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let sse = aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
        .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::Aes256)
        .build()
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(&locked)
        .server_side_encryption_configuration(
            aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
                .rules(
                    aws_sdk_s3::types::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(sse)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{public}/*"}}]}}"#
    );
    s3.put_bucket_policy().bucket(&public).policy(policy).send().await.unwrap();

    let buckets = inventory.list_region(&secret, &account, GLOBAL_REGION).await.unwrap();
    let locked = find(&buckets, &locked);
    assert_eq!(
        (attr(locked, "public_access_block"), attr(locked, "policy_public"), attr(locked, "default_encryption")),
        (Some("true"), Some("false"), Some("AES256"))
    );
    let public = find(&buckets, &public);
    assert_eq!((attr(public, "public_access_block"), attr(public, "policy_public")), (Some("false"), Some("true")));
    assert!(buckets.calls.iter().all(|c| c.error.is_none()), "{:?}", buckets.calls);
}

#[tokio::test]
async fn every_page_of_instances_is_read() {
    let (account, secret, config) = fresh_account().await;
    let client = ec2(&config, "ap-northeast-1");
    // 55 reservations of one instance and one of 25: moto pages by reservation, AWS by instance
    for _ in 0..55 {
        run_instance(&client, None, InstanceType::T3Nano, &[("Name", "one")]).await;
    }
    client.run_instances().image_id(DEMO_IMAGE).min_count(25).max_count(25).send().await.unwrap();

    let inventory = AwsInventory::new(platform().await).with_page_size(10);
    let listing = inventory.list_region(&secret, &account, "ap-northeast-1").await.unwrap();

    let vms: Vec<_> = listing.resources.iter().filter(|r| r.kind == ResourceType::Vm).collect();
    assert_eq!(vms.len(), 80);
    let pages = listing.calls.iter().filter(|c| c.operation == "DescribeInstances").count();
    assert_eq!(pages, 6, "56 reservations, 10 a page");
}

#[tokio::test]
async fn scopes_are_the_account_with_its_enabled_regions_then_global() {
    let (account, secret, _) = fresh_account().await;
    let scopes = AwsInventory::new(platform().await).scopes(&secret).await.unwrap();
    assert_eq!(scopes.len(), 1);
    let (id, regions) = &scopes[0];
    assert_eq!(id, &account);
    assert_eq!(regions.last().map(String::as_str), Some(GLOBAL_REGION));
    for region in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
        assert!(regions.iter().any(|r| r == region), "{region} in {regions:?}");
    }
    let real = &regions[..regions.len() - 1];
    assert!(real.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates: {real:?}");
}

#[tokio::test]
async fn access_keys_scope_the_account_they_belong_to() {
    let keys = CloudSecret::AwsKeys {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Sensitive::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    };
    let scopes = AwsInventory::new(platform().await).scopes(&keys).await.unwrap();
    assert_eq!(scopes[0].0, "123456789012");
}

#[tokio::test]
async fn the_demo_account_is_seeded_once_and_lists_as_demo_data() {
    let account = random_account();
    let platform = platform().await;
    let summary = seed_demo_account(&platform, &role_arn(&account)).await.unwrap();
    assert_eq!(summary.account_id, account);
    assert!(!summary.already_seeded);
    assert_eq!((summary.instances, summary.networks, summary.subnets), (9, 3, 6));
    assert_eq!((summary.volumes, summary.addresses, summary.buckets.len()), (3, 3, 2));

    let again = seed_demo_account(&platform, &role_arn(&account)).await.unwrap();
    assert!(again.already_seeded && again.instances == 0, "{again:?}");

    let secret = role(&account);
    let inventory = AwsInventory::new(platform);
    let sydney = inventory.list_region(&secret, &account, "ap-southeast-2").await.unwrap();
    let vms: Vec<_> = sydney.resources.iter().filter(|r| r.kind == ResourceType::Vm).collect();
    assert_eq!(vms.len(), 2, "seeding twice made nothing twice");
    assert!(vms.iter().all(|vm| vm.tags.get(DEMO_TAG).map(String::as_str) == Some("true")));
    assert!(
        vms.iter().any(|vm| vm.state == ResourceState::Stopped)
            && vms.iter().any(|vm| vm.state == ResourceState::Running)
    );
    let loose_ip = sydney.resources.iter().find(|r| r.kind == ResourceType::PublicIp).unwrap();
    assert_eq!(loose_ip.state, ResourceState::Available);

    let virginia = inventory.list_region(&secret, &account, "us-east-1").await.unwrap();
    let deployed: Vec<_> = virginia.resources.iter().filter_map(|r| r.deployment()).collect();
    assert_eq!(deployed, ["dep_demo"]);

    let buckets = inventory.list_region(&secret, &account, GLOBAL_REGION).await.unwrap();
    let mut regions: Vec<_> = buckets.resources.iter().map(|b| b.region.as_str()).collect();
    regions.sort();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
}

/// Seeds 2,500 instances in one region and lists them; prints the timings. Run with
/// `cargo test -p skyforge-clouds --test moto -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a benchmark: about a minute against moto"]
async fn seeding_and_listing_2500_instances_in_one_region() {
    let account = random_account();
    let platform = platform().await;
    let seeded = seed_bulk_instances(&platform, &role_arn(&account), &["eu-central-1"], 2500).await.unwrap();
    println!("seeded {:?}", seeded);
    let started = Instant::now();
    let listing = AwsInventory::new(platform).list_region(&role(&account), &account, "eu-central-1").await.unwrap();
    println!("listed {} resources in {:?}", listing.resources.len(), started.elapsed());
    for call in &listing.calls {
        println!("  {} {} {:?}", call.service, call.operation, call.latency);
    }
    assert_eq!(listing.resources.iter().filter(|r| r.kind == ResourceType::Vm).count(), 2500);
}

/// The sync benchmark's shape: 10,000 instances over 4 regions, listed concurrently. Run with
/// `cargo test -p skyforge-clouds --test moto -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a benchmark: a few minutes against moto"]
async fn seeding_and_listing_10000_instances_over_4_regions() {
    let account = random_account();
    let platform = platform().await;
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];
    let seeded = seed_bulk_instances(&platform, &role_arn(&account), &regions, 2500).await.unwrap();
    println!("seeded {seeded:?}");
    let inventory = AwsInventory::new(platform);
    let secret = role(&account);
    let started = Instant::now();
    let listings = futures::future::join_all(regions.map(|r| inventory.list_region(&secret, &account, r))).await;
    println!("listed 4 regions concurrently in {:?}", started.elapsed());
    for listing in listings {
        let listing = listing.unwrap();
        let slowest = listing.calls.iter().map(|c| c.latency).max().unwrap_or_default();
        println!("  {} resources, slowest call {slowest:?}", listing.resources.len());
        assert_eq!(listing.resources.iter().filter(|r| r.kind == ResourceType::Vm).count(), 2500);
    }
}

// ---- failures, against HTTP doubles of EC2 ----------------------------------------------

/// EC2's documented error body.
fn ec2_error(status: u16, code: &str) -> ResponseTemplate {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>\
         <Message>about {code}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"
    );
    ResponseTemplate::new(status).insert_header("content-type", "text/xml").set_body_string(body)
}

/// An empty but well-formed answer to whichever EC2 action was asked.
fn empty_answer(request: &Request) -> ResponseTemplate {
    let body = String::from_utf8_lossy(&request.body);
    let action = body.split('&').find_map(|p| p.strip_prefix("Action=")).unwrap_or("Unknown");
    ResponseTemplate::new(200).insert_header("content-type", "text/xml").set_body_string(format!(
        "<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId></{action}Response>"
    ))
}

/// An inventory whose every call goes to `double`, acting with static keys (no STS call).
async fn inventory_at(double: &MockServer) -> (AwsInventory, CloudSecret) {
    let creds = aws_sdk_ec2::config::Credentials::new("AKIDPLATFORM", "platform", None, None, "test");
    let platform = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(double.uri())
        .region(Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await;
    let fast = RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::from_millis(1));
    let keys = CloudSecret::AwsKeys {
        access_key_id: "AKIACUSTOMER".into(),
        secret_access_key: Sensitive::new("s3cr3t-s3cr3t-s3cr3t"),
    };
    (AwsInventory::new(platform).with_retry(fast), keys)
}

#[tokio::test]
async fn one_failed_part_fails_the_whole_region_and_keeps_the_calls() {
    let double = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::body_string_contains("Action=DescribeVolumes"))
        .respond_with(ec2_error(403, "UnauthorizedOperation"))
        .with_priority(1)
        .mount(&double)
        .await;
    Mock::given(method("POST")).respond_with(empty_answer).mount(&double).await;
    let (inventory, keys) = inventory_at(&double).await;

    let (error, calls) = inventory.list_region(&keys, "123456789012", "us-east-1").await.unwrap_err();

    assert!(matches!(&error, CloudError::AccessDenied(m) if m.contains("ec2:DescribeVolumes")), "{error:?}");
    let failed: Vec<_> = calls.iter().filter(|c| c.error.is_some()).map(|c| (c.operation, c.error)).collect();
    assert_eq!(failed, [("DescribeVolumes", Some("access_denied"))]);
    // instances, volumes, addresses, VPCs, subnets and security groups
    assert_eq!(calls.len(), 6, "the other parts still report their calls: {calls:?}");
}

#[tokio::test]
async fn a_refused_key_fails_the_region_as_an_invalid_credential() {
    let double = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ec2_error(401, "AuthFailure")).mount(&double).await;
    let (inventory, keys) = inventory_at(&double).await;
    let (error, calls) = inventory.list_region(&keys, "123456789012", "us-east-1").await.unwrap_err();
    assert_eq!(error.code(), "invalid_credential", "{error:?}");
    assert!(!error.to_string().contains("AKIACUSTOMER") && !error.to_string().contains("s3cr3t"));
    assert!(calls.iter().all(|c| c.error == Some("invalid_credential")));
}

#[tokio::test]
async fn throttling_and_outages_are_told_apart() {
    for (status, code, expected) in [(503, "Unavailable", "unavailable"), (400, "RequestLimitExceeded", "throttled")] {
        let double = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ec2_error(status, code)).mount(&double).await;
        let (inventory, keys) = inventory_at(&double).await;
        let (error, _) = inventory.list_region(&keys, "123456789012", "eu-west-1").await.unwrap_err();
        assert_eq!(error.code(), expected, "{code}: {error:?}");
    }
}
