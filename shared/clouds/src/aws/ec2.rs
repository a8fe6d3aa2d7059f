//! One region of EC2: instances, volumes, VPCs, subnets, Elastic IPs and security groups, each
//! read in full (every page) and normalised to [`Resource`]. What the compliance checks read is
//! kept as attributes: security groups' inbound rules, instances' metadata options and the admin
//! ports their groups open to the internet, volumes' encryption.

use std::collections::BTreeMap;

use aws_sdk_ec2::Client;
use std::collections::HashMap;

use aws_sdk_ec2::types::{Address, Instance, IpPermission, SecurityGroup, Subnet, Tag, Volume, Vpc};
use skyforge_app::clouds::CloudError;
use skyforge_domain::compliance::{IngressRule, format_ingress, internet_admin_ports};
use skyforge_domain::inventory::{Resource, ResourceType, normalise_state};
use skyforge_domain::provider::Provider;

use super::calls::Calls;
use super::timestamp;

/// Where the resources of a listing are: the account they belong to and their region.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// Everything EC2 holds in the client's region, listed concurrently. Any failure fails the
/// whole listing: a partial one would make the sync think the missing part was deleted.
pub(crate) async fn list(
    client: &Client,
    scope: Scope<'_>,
    page_size: i32,
    calls: &Calls,
) -> Result<Vec<Resource>, CloudError> {
    let (instances, volumes, vpcs, subnets, addresses, groups) = tokio::join!(
        instances(client, scope, page_size, calls),
        volumes(client, scope, page_size, calls),
        vpcs(client, scope, page_size, calls),
        subnets(client, scope, page_size, calls),
        addresses(client, scope, calls),
        security_groups(client, page_size, calls),
    );
    let groups = groups?;
    let mut all = instances?;
    // an instance's exposure is the union of its groups' rules, all in this region
    let rules: HashMap<&str, Vec<IngressRule>> =
        groups.iter().filter_map(|g| Some((g.group_id()?, ingress_rules(g)))).collect();
    for vm in &mut all {
        let Some(ids) = vm.attributes.get("security_groups") else { continue };
        let known: Vec<&IngressRule> = ids.split(',').filter_map(|id| rules.get(id)).flatten().collect();
        let ports = internet_admin_ports(known.iter().copied());
        vm.attributes.insert("internet_admin_ports".into(), ports);
    }
    all.extend(groups.iter().filter_map(|g| security_group(scope, g)));
    for part in [volumes?, vpcs?, subnets?, addresses?] {
        all.extend(part);
    }
    Ok(all)
}

async fn instances(
    client: &Client,
    scope: Scope<'_>,
    page_size: i32,
    calls: &Calls,
) -> Result<Vec<Resource>, CloudError> {
    // AWS counts MaxResults in instances, moto in reservations: reading every page works for both
    let mut pages = client.describe_instances().max_results(page_size).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = calls.page("ec2", "DescribeInstances", pages.next()).await? {
        let instances = page.reservations().iter().flat_map(|r| r.instances());
        found.extend(instances.filter_map(|i| instance(scope, i)));
    }
    Ok(found)
}

async fn volumes(
    client: &Client,
    scope: Scope<'_>,
    page_size: i32,
    calls: &Calls,
) -> Result<Vec<Resource>, CloudError> {
    // DescribeVolumes returns at most 500 a page
    let mut pages = client.describe_volumes().max_results(page_size.min(500)).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = calls.page("ec2", "DescribeVolumes", pages.next()).await? {
        found.extend(page.volumes().iter().filter_map(|v| volume(scope, v)));
    }
    Ok(found)
}

async fn vpcs(client: &Client, scope: Scope<'_>, page_size: i32, calls: &Calls) -> Result<Vec<Resource>, CloudError> {
    let mut pages = client.describe_vpcs().max_results(page_size).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = calls.page("ec2", "DescribeVpcs", pages.next()).await? {
        found.extend(page.vpcs().iter().filter_map(|v| vpc(scope, v)));
    }
    Ok(found)
}

async fn subnets(
    client: &Client,
    scope: Scope<'_>,
    page_size: i32,
    calls: &Calls,
) -> Result<Vec<Resource>, CloudError> {
    let mut pages = client.describe_subnets().max_results(page_size).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = calls.page("ec2", "DescribeSubnets", pages.next()).await? {
        found.extend(page.subnets().iter().filter_map(|s| subnet(scope, s)));
    }
    Ok(found)
}

async fn addresses(client: &Client, scope: Scope<'_>, calls: &Calls) -> Result<Vec<Resource>, CloudError> {
    // DescribeAddresses has no pages: it always answers with every address of the region
    let output = calls.call("ec2", "DescribeAddresses", client.describe_addresses().send()).await?;
    Ok(output.addresses().iter().filter_map(|a| address(scope, a)).collect())
}

async fn security_groups(client: &Client, page_size: i32, calls: &Calls) -> Result<Vec<SecurityGroup>, CloudError> {
    let mut pages = client.describe_security_groups().max_results(page_size).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = calls.page("ec2", "DescribeSecurityGroups", pages.next()).await? {
        found.extend(page.security_groups().iter().cloned());
    }
    Ok(found)
}

/// A security group's inbound rules, one per source (CIDR, IPv6 CIDR or referenced group).
fn ingress_rules(g: &SecurityGroup) -> Vec<IngressRule> {
    g.ip_permissions().iter().flat_map(permission_rules).collect()
}

fn permission_rules(p: &IpPermission) -> Vec<IngressRule> {
    let protocol = p.ip_protocol().unwrap_or("-1");
    // protocol -1 (all) carries no ports; ICMP uses them for type and code
    let (from, to) = match (protocol, p.from_port(), p.to_port()) {
        ("-1", ..) | (_, None, _) | (_, Some(-1), _) => (0, 65535),
        (_, Some(from), to) => (from.clamp(0, 65535) as u16, to.unwrap_or(from).clamp(0, 65535) as u16),
    };
    let sources = p
        .ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip().map(str::to_owned))
        .chain(p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6().map(str::to_owned)))
        .chain(p.user_id_group_pairs().iter().filter_map(|g| g.group_id().map(|id| format!("sg:{id}"))))
        .chain(p.prefix_list_ids().iter().filter_map(|l| l.prefix_list_id().map(|id| format!("pl:{id}"))));
    sources.map(|source| IngressRule::new(protocol, from, to, &source)).collect()
}

fn security_group(scope: Scope<'_>, g: &SecurityGroup) -> Option<Resource> {
    let mut r = resource(scope, ResourceType::Firewall, g.group_id()?, g.tags(), "available");
    r.name = r.name.or_else(|| g.group_name().map(str::to_owned));
    r.attributes = attributes([
        ("vpc_id", g.vpc_id().map(str::to_owned)),
        ("description", g.description().map(str::to_owned)),
        ("group_name", g.group_name().map(str::to_owned)),
    ]);
    // present even when empty: a group without inbound rules is compliant, not undescribed
    r.attributes.insert("ingress".into(), format_ingress(&ingress_rules(g)));
    Some(r)
}

/// A resource with what every kind has: id, tags (and the `Name` tag as its name), state.
fn resource(scope: Scope<'_>, kind: ResourceType, native_id: &str, tags: &[Tag], state: &str) -> Resource {
    let tags: BTreeMap<String, String> =
        tags.iter().filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned()))).collect();
    Resource {
        provider: Provider::Aws,
        account: scope.account.to_owned(),
        region: scope.region.to_owned(),
        kind,
        native_id: native_id.to_owned(),
        name: tags.get("Name").filter(|n| !n.is_empty()).cloned(),
        state: normalise_state(Provider::Aws, kind, state),
        size: None,
        public_ips: Vec::new(),
        private_ips: Vec::new(),
        tags,
        created_at: None,
        attributes: BTreeMap::new(),
    }
}

/// The attributes that are present, by name.
fn attributes<const N: usize>(pairs: [(&str, Option<String>); N]) -> BTreeMap<String, String> {
    pairs.into_iter().filter_map(|(key, value)| Some((key.to_owned(), value.filter(|v| !v.is_empty())?))).collect()
}

fn push_unique(list: &mut Vec<String>, ip: Option<&str>) {
    if let Some(ip) = ip.filter(|ip| !ip.is_empty())
        && !list.iter().any(|known| known == ip)
    {
        list.push(ip.to_owned());
    }
}

fn instance(scope: Scope<'_>, i: &Instance) -> Option<Resource> {
    let state = i.state().and_then(|s| s.name()).map(|n| n.as_str()).unwrap_or_default();
    let mut r = resource(scope, ResourceType::Vm, i.instance_id()?, i.tags(), state);
    r.size = i.instance_type().map(|t| t.as_str().to_owned());
    r.created_at = timestamp(i.launch_time());
    // the primary addresses first, then those of every other interface
    push_unique(&mut r.public_ips, i.public_ip_address());
    push_unique(&mut r.private_ips, i.private_ip_address());
    for interface in i.network_interfaces() {
        push_unique(&mut r.public_ips, interface.association().and_then(|a| a.public_ip()));
        for address in interface.private_ip_addresses() {
            push_unique(&mut r.private_ips, address.private_ip_address());
            push_unique(&mut r.public_ips, address.association().and_then(|a| a.public_ip()));
        }
    }
    let platform = i.platform_details().map(str::to_owned).or_else(|| i.platform().map(|p| p.as_str().to_owned()));
    r.attributes = attributes([
        ("availability_zone", i.placement().and_then(|p| p.availability_zone()).map(str::to_owned)),
        ("vpc_id", i.vpc_id().map(str::to_owned)),
        ("subnet_id", i.subnet_id().map(str::to_owned)),
        ("image_id", i.image_id().map(str::to_owned)),
        ("platform", platform),
        ("architecture", i.architecture().map(|a| a.as_str().to_owned())),
        ("lifecycle", i.instance_lifecycle().map(|l| l.as_str().to_owned())),
        ("imds_tokens", i.metadata_options().and_then(|m| m.http_tokens()).map(|t| t.as_str().to_owned())),
        (
            "security_groups",
            Some(i.security_groups().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>().join(",")),
        ),
    ]);
    Some(r)
}

fn volume(scope: Scope<'_>, v: &Volume) -> Option<Resource> {
    let state = v.state().map(|s| s.as_str()).unwrap_or_default();
    let mut r = resource(scope, ResourceType::Disk, v.volume_id()?, v.tags(), state);
    r.size = v.size().map(|gib| match v.volume_type() {
        Some(kind) => format!("{gib} GiB {}", kind.as_str()),
        None => format!("{gib} GiB"),
    });
    r.created_at = timestamp(v.create_time());
    // multi-attach volumes can be on several instances
    let attached: Vec<&str> = v.attachments().iter().filter_map(|a| a.instance_id()).collect();
    r.attributes = attributes([
        ("attached_to", Some(attached.join(","))),
        ("availability_zone", v.availability_zone().map(str::to_owned)),
        ("encrypted", v.encrypted().map(|e| e.to_string())),
        ("kms_key_id", v.kms_key_id().map(str::to_owned)),
    ]);
    // without kms:DescribeKey an AWS-managed key (aws/ebs) cannot be told from a customer's:
    // a volume encrypted with a named key counts as customer-managed
    if v.encrypted() == Some(true) {
        let key = if v.kms_key_id().is_some_and(|k| !k.contains("alias/aws/")) {
            "customer_managed"
        } else {
            "provider_managed"
        };
        r.attributes.insert("encryption_key".into(), key.into());
    }
    Some(r)
}

fn vpc(scope: Scope<'_>, v: &Vpc) -> Option<Resource> {
    let state = v.state().map(|s| s.as_str()).unwrap_or("available");
    let mut r = resource(scope, ResourceType::Network, v.vpc_id()?, v.tags(), state);
    r.size = v.cidr_block().map(str::to_owned);
    r.attributes = attributes([("is_default", v.is_default().map(|d| d.to_string()))]);
    Some(r)
}

fn subnet(scope: Scope<'_>, s: &Subnet) -> Option<Resource> {
    let state = s.state().map(|s| s.as_str()).unwrap_or("available");
    let mut r = resource(scope, ResourceType::Subnet, s.subnet_id()?, s.tags(), state);
    r.size = s.cidr_block().map(str::to_owned);
    r.attributes = attributes([
        ("vpc_id", s.vpc_id().map(str::to_owned)),
        ("availability_zone", s.availability_zone().map(str::to_owned)),
    ]);
    Some(r)
}

fn address(scope: Scope<'_>, a: &Address) -> Option<Resource> {
    let ip = a.public_ip();
    let attached_to = a.instance_id().or(a.network_interface_id()).filter(|id| !id.is_empty());
    let state = if a.association_id().is_some() || attached_to.is_some() { "associated" } else { "unassociated" };
    let mut r = resource(scope, ResourceType::PublicIp, a.allocation_id().or(ip)?, a.tags(), state);
    push_unique(&mut r.public_ips, ip);
    push_unique(&mut r.private_ips, a.private_ip_address());
    r.attributes = attributes([
        ("attached_to", attached_to.map(str::to_owned)),
        ("network_interface_id", a.network_interface_id().map(str::to_owned)),
    ]);
    Some(r)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        InstanceState, InstanceStateName, InstanceType, VolumeAttachment, VolumeState, VolumeType,
    };
    use skyforge_domain::inventory::ResourceState;

    use super::*;

    const SCOPE: Scope<'static> = Scope { account: "123456789012", region: "eu-west-1" };

    #[test]
    fn an_instance_without_optional_fields_is_still_listed() {
        let i = Instance::builder()
            .instance_id("i-1")
            .state(InstanceState::builder().name(InstanceStateName::Stopped).build())
            .instance_type(InstanceType::T3Micro)
            .tags(Tag::builder().key("Name").value("web").build())
            .build();
        let r = instance(SCOPE, &i).unwrap();
        assert_eq!(
            (r.name.as_deref(), r.state, r.size.as_deref()),
            (Some("web"), ResourceState::Stopped, Some("t3.micro"))
        );
        assert!(r.public_ips.is_empty() && r.attributes.is_empty() && r.created_at.is_none());
        assert!(instance(SCOPE, &Instance::builder().build()).is_none(), "no id, nothing to key it by");
    }

    #[test]
    fn a_volume_says_its_size_type_and_instance() {
        let v = Volume::builder()
            .volume_id("vol-1")
            .size(8)
            .volume_type(VolumeType::Gp3)
            .state(VolumeState::InUse)
            .attachments(VolumeAttachment::builder().instance_id("i-1").build())
            .build();
        let r = volume(SCOPE, &v).unwrap();
        assert_eq!((r.size.as_deref(), r.state), (Some("8 GiB gp3"), ResourceState::InUse));
        assert_eq!(r.attributes.get("attached_to").map(String::as_str), Some("i-1"));
    }

    #[test]
    fn an_address_without_allocation_id_is_keyed_by_its_ip() {
        let a = Address::builder().public_ip("203.0.113.7").build();
        let r = address(SCOPE, &a).unwrap();
        assert_eq!((r.native_id.as_str(), r.state), ("203.0.113.7", ResourceState::Available));
        assert_eq!(r.public_ips, vec!["203.0.113.7"]);
    }
}
