//! The sync's findings with an in-memory store and a stand-in evaluator: what is evaluated,
//! what is written, and how findings open and resolve.

use std::sync::Mutex;

use chrono::TimeZone;
use skyforge_domain::compliance::builtin_check;
use skyforge_domain::inventory::{ResourceType, StoredResource};

use super::*;

#[derive(Default)]
struct MemoryFindings(Mutex<BTreeMap<String, Finding>>);

#[async_trait]
impl Findings for MemoryFindings {
    async fn for_resource(&self, _org: OrgId, resource_id: &str) -> StoreResult<Vec<Finding>> {
        Ok(self.0.lock().unwrap().values().filter(|f| f.resource_id == resource_id).cloned().collect())
    }
    async fn put(&self, _org: OrgId, findings: &[Finding]) -> StoreResult<u64> {
        let mut map = self.0.lock().unwrap();
        for f in findings {
            map.insert(finding_key(f), f.clone());
        }
        Ok(findings.len() as u64)
    }
    async fn all(&self, _org: OrgId) -> StoreResult<Vec<Finding>> {
        Ok(self.0.lock().unwrap().values().cloned().collect())
    }
    async fn remove_credential(&self, _org: OrgId, _credential: CredentialId) -> StoreResult<u64> {
        Ok(0)
    }
}

/// Fails `public_ip_unattached` on unassociated addresses: enough to exercise the service.
struct StandIn;

impl ComplianceEvaluator for StandIn {
    fn evaluate(&self, resources: &[&Resource]) -> Vec<Vec<(&'static CheckInfo, Outcome)>> {
        let check = builtin_check("public_ip_unattached").unwrap();
        resources
            .iter()
            .map(|r| {
                let outcome = if r.state == skyforge_domain::inventory::ResourceState::Available {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                };
                vec![(check, outcome)]
            })
            .collect()
    }
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        at(12)
    }
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
}

fn ip(id: &str, state: &str) -> Resource {
    Resource::new(Provider::Aws, "1", "eu-west-1", ResourceType::PublicIp, id, state)
}

fn stored(r: &Resource) -> StoredResource {
    StoredResource { resource: r.clone(), hash: "old".into(), deleted: false, first_seen: at(1) }
}

fn service() -> (ComplianceService, Arc<MemoryFindings>) {
    let findings = Arc::new(MemoryFindings::default());
    (ComplianceService::new(findings.clone(), Arc::new(FixedClock)).with_evaluator(Arc::new(StandIn)), findings)
}

fn org() -> OrgId {
    "org_01J00000000000000000000000".parse().unwrap()
}

fn viewer() -> OrgAccess {
    OrgAccess {
        org_id: org(),
        user_id: "usr_01J00000000000000000000000".parse().unwrap(),
        role: skyforge_domain::roles::Role::Viewer,
    }
}

fn cred() -> CredentialId {
    "cred_01J00000000000000000000000".parse().unwrap()
}

#[tokio::test]
async fn a_sync_with_nothing_changed_evaluates_nothing_and_writes_nothing() {
    let (service, _) = service();
    let diff = InventoryDiff { unchanged: 10_000, ..InventoryDiff::default() };
    assert_eq!(service.apply_diff(org(), cred(), &diff, at(2)).await.unwrap(), ComplianceWrite::default());
}

#[tokio::test]
async fn created_resources_get_a_finding_per_applicable_check() {
    let (service, findings) = service();
    let diff = InventoryDiff { created: vec![ip("a", "unassociated"), ip("b", "associated")], ..Default::default() };
    let write = service.apply_diff(org(), cred(), &diff, at(2)).await.unwrap();
    assert_eq!(write, ComplianceWrite { evaluated: 2, writes: 2 });
    let all = findings.all(org()).await.unwrap();
    let failing: Vec<&Finding> = all.iter().filter(|f| f.is_open()).collect();
    assert_eq!(failing.len(), 1);
    assert_eq!((failing[0].severity, failing[0].first_seen), (Severity::Low, at(2)));
}

#[tokio::test]
async fn fixing_a_resource_resolves_its_finding_and_deleting_one_resolves_its_findings() {
    let (service, findings) = service();
    let (a, b) = (ip("a", "unassociated"), ip("b", "unassociated"));
    let created = InventoryDiff { created: vec![a.clone(), b.clone()], ..Default::default() };
    service.apply_diff(org(), cred(), &created, at(2)).await.unwrap();

    let fixed = ip("a", "associated");
    let next = InventoryDiff { changed: vec![(stored(&a), fixed)], gone: vec![stored(&b)], ..Default::default() };
    service.apply_diff(org(), cred(), &next, at(3)).await.unwrap();
    let all = findings.all(org()).await.unwrap();
    assert!(all.iter().all(|f| !f.is_open()), "{all:?}");
    assert!(all.iter().all(|f| f.resolved_at == Some(at(3)) && f.first_seen == at(2)));

    let summary = service.summary(&viewer()).await.unwrap();
    assert_eq!((summary.failing, summary.by_severity[&Severity::Low]), (0, 0));
    assert_eq!(summary.trend.len(), 30);
}

#[tokio::test]
async fn the_summary_counts_open_failures_by_severity_check_and_provider() {
    let (service, _) = service();
    let diff = InventoryDiff { created: vec![ip("a", "unassociated"), ip("b", "associated")], ..Default::default() };
    service.apply_diff(org(), cred(), &diff, at(2)).await.unwrap();
    let s = service.summary(&viewer()).await.unwrap();
    assert_eq!((s.failing, s.passing, s.score), (1, 1, 50));
    assert_eq!(s.by_check["public_ip_unattached"], 1);
    assert_eq!(s.by_provider[&Provider::Aws], 1);
    assert_eq!(s.by_severity[&Severity::Critical], 0);
    assert_eq!(s.trend.last().unwrap().failing, 1);
}

#[tokio::test]
async fn findings_are_filtered_and_paged_by_cursor() {
    let (service, _) = service();
    let created: Vec<Resource> = (0..5).map(|i| ip(&format!("ip-{i}"), "unassociated")).collect();
    service.apply_diff(org(), cred(), &InventoryDiff { created, ..Default::default() }, at(2)).await.unwrap();
    let query = FindingQuery { status: Some(FindingStatus::Fail), ..Default::default() };
    let first = service.findings(&viewer(), &query, &PageRequest::first(3)).await.unwrap();
    assert_eq!(first.items.len(), 3);
    let cursor = first.next_cursor.unwrap();
    let after = PageRequest { limit: 3, cursor: Some(cursor) };
    let second = service.findings(&viewer(), &query, &after).await.unwrap();
    assert_eq!((second.items.len(), second.next_cursor), (2, None));
    let none = FindingQuery { severity: Some(Severity::Critical), ..Default::default() };
    assert!(service.findings(&viewer(), &none, &PageRequest::first(50)).await.unwrap().items.is_empty());
}
