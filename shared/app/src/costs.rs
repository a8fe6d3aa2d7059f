//! Cost analytics: refreshing each credential's daily costs from its provider's billing API
//! (from the sync worker, after the inventory), and reading them back as totals, groups,
//! changes, a forecast and savings recommendations.
//!
//! **Refresh** (per credential, at most once per [`CostPolicy::refresh_interval`]): ask the
//! provider only for the days not final at the previous refresh, replace the stored rows of
//! those days (so a repeated refresh never double-counts), keep the forecast, and record the
//! refresh with the number of billing requests it made. A provider failure is recorded and
//! waits for the next interval like a success, so a failing account cannot run up requests.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use skyforge_domain::costs::{
    CostForecast, CostGroup, CostOverview, CostPolicy, CostRange, CostRefresh, CostRow, GroupBy, ProviderDay,
    RangeError, Totals, daily_by_provider, group, month_start, overview, refresh_due, refresh_window, top_services,
};
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId};
use skyforge_domain::inventory::{InventoryItem, InventoryQuery, ResourceType};
use skyforge_domain::page::{Cursor, Page, PageRequest};
use skyforge_domain::provider::Provider;
use skyforge_domain::recommendations::{PriceTable, Recommendation, recommend};
use skyforge_domain::roles::Permission;

use crate::clouds::CloudError;
use crate::error::AppError;
use crate::orgs::OrgAccess;
use crate::ports::{Clock, StoreResult};
use crate::sync_ports::Inventory;

/// Stored cost rows and refresh records.
#[async_trait]
pub trait CostStore: Send + Sync {
    /// Replaces every row of `credential` dated `from..=to` with `rows` (all within those days).
    async fn replace_rows(
        &self,
        org: OrgId,
        credential: CredentialId,
        from: NaiveDate,
        to: NaiveDate,
        rows: &[CostRow],
    ) -> StoreResult<()>;
    /// Every row of the organisation dated `from..=to`.
    async fn rows(&self, org: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<CostRow>>;
    /// The last refresh of a credential.
    async fn last_refresh(&self, org: OrgId, credential: CredentialId) -> StoreResult<Option<CostRefresh>>;
    async fn put_refresh(&self, org: OrgId, refresh: &CostRefresh) -> StoreResult<()>;
    /// The last refresh of every credential of the organisation.
    async fn refreshes(&self, org: OrgId) -> StoreResult<Vec<CostRefresh>>;
    /// Forgets a deleted credential: every row of it and its refresh record.
    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()>;
}

/// What a billing API answered for a range of days.
#[derive(Debug, Clone, Default)]
pub struct CostFetch {
    pub rows: Vec<CostRow>,
    /// From today to the end of the month, where the provider forecasts.
    pub forecast: Option<CostForecast>,
    /// Billing requests made (pages included).
    pub requests: u64,
}

/// One provider's billing API.
#[async_trait]
pub trait CostSource: Send + Sync {
    fn provider(&self) -> Provider;

    /// Daily cost by service of `from..=to` for the credential, and the forecast of the rest of
    /// the month from `today`. On failure: why, and the requests made until then.
    async fn fetch(
        &self,
        credential: &Credential,
        secret: &CloudSecret,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<CostFetch, (CloudError, u64)>;
}

/// A costs query's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    pub range: CostRange,
    pub group_by: GroupBy,
    pub groups: Vec<CostGroup>,
    /// The range's daily cost by provider, whatever the grouping (the dashboard's chart).
    pub series: Vec<ProviderDay>,
    pub totals: Totals,
    pub overview: CostOverview,
    pub top_services: Vec<CostGroup>,
    pub refreshes: Vec<CostRefresh>,
}

/// Services shown in `top_services`, per currency.
const TOP_SERVICES: usize = 5;

pub struct CostService {
    store: Arc<dyn CostStore>,
    inventory: Arc<dyn Inventory>,
    sources: HashMap<Provider, Arc<dyn CostSource>>,
    clock: Arc<dyn Clock>,
    policy: CostPolicy,
}

impl CostService {
    pub fn new(
        store: Arc<dyn CostStore>,
        inventory: Arc<dyn Inventory>,
        sources: HashMap<Provider, Arc<dyn CostSource>>,
        clock: Arc<dyn Clock>,
        policy: CostPolicy,
    ) -> Self {
        Self { store, inventory, sources, clock, policy }
    }

    /// Reports and recommendations only: with no billing source, `refresh` never calls out.
    pub fn reports(
        store: Arc<dyn CostStore>,
        inventory: Arc<dyn Inventory>,
        clock: Arc<dyn Clock>,
        policy: CostPolicy,
    ) -> Self {
        Self::new(store, inventory, HashMap::new(), clock, policy)
    }

    pub fn policy(&self) -> &CostPolicy {
        &self.policy
    }

    /// Refreshes one credential's costs if due. `Ok(None)`: not due, or no cost source for its
    /// provider; no billing request was made. Provider failures end in a refresh record with
    /// its error; only store failures are `Err`.
    pub async fn refresh(
        &self,
        credential: &Credential,
        secret: &CloudSecret,
    ) -> Result<Option<CostRefresh>, AppError> {
        let Some(source) = self.sources.get(&credential.provider) else { return Ok(None) };
        let now = self.clock.now();
        let last = self.store.last_refresh(credential.org_id, credential.id).await?;
        if !refresh_due(last.as_ref(), now, &self.policy) {
            return Ok(None);
        }
        let today = now.date_naive();
        let (from, to) = refresh_window(today, last.as_ref(), &self.policy);
        let mut refresh = CostRefresh {
            credential_id: credential.id,
            provider: credential.provider,
            refreshed_at: now,
            from,
            to,
            rows: 0,
            requests: 0,
            forecast: None,
            error: None,
        };
        match source.fetch(credential, secret, from, to, today).await {
            Ok(fetch) => {
                // keep only rows of the asked days and of this credential, whatever the source did
                let rows: Vec<CostRow> = fetch
                    .rows
                    .into_iter()
                    .filter(|r| r.credential_id == credential.id && (from..=to).contains(&r.day))
                    .collect();
                self.store.replace_rows(credential.org_id, credential.id, from, to, &rows).await?;
                refresh.rows = rows.len() as u64;
                refresh.requests = fetch.requests;
                // a failed forecast keeps the previous one while it still covers this month
                refresh.forecast = fetch.forecast.or_else(|| last.and_then(|l| l.forecast));
            }
            Err((error, requests)) => {
                tracing::warn!(credential = %credential.id, code = error.code(), error = %error, "cost refresh failed");
                refresh.requests = requests;
                refresh.error = Some(error.code().to_owned());
                refresh.forecast = last.and_then(|l| l.forecast);
            }
        }
        self.store.put_refresh(credential.org_id, &refresh).await?;
        Ok(Some(refresh))
    }

    /// Costs of `from..=to` grouped as asked, with the month's headline figures.
    pub async fn report(
        &self,
        access: &OrgAccess,
        from: Option<&str>,
        to: Option<&str>,
        group_by: Option<&str>,
    ) -> Result<CostReport, AppError> {
        access.require(Permission::Read)?;
        let today = self.clock.now().date_naive();
        let range = CostRange::parse(from, to, today, &self.policy).map_err(|e| match e {
            RangeError::Malformed(field) => AppError::Validation(field.into()),
            RangeError::Invalid(message) => AppError::InvalidRange(message),
        })?;
        let group_by = match group_by.map(str::trim).filter(|g| !g.is_empty()) {
            None => GroupBy::default(),
            Some(raw) => raw.parse().map_err(AppError::from)?,
        };
        // one read covers the range and the month figures (this month, last month, yesterday)
        let overview_from = month_start(month_start(today) - Duration::days(1));
        let rows = self.store.rows(access.org_id, range.from.min(overview_from), range.to.max(today)).await?;
        let refreshes = self.store.refreshes(access.org_id).await?;
        let in_range: Vec<CostRow> = rows.iter().filter(|r| range.contains(r.day)).cloned().collect();
        Ok(CostReport {
            range,
            group_by,
            groups: group(&in_range, group_by),
            series: daily_by_provider(&in_range),
            totals: Totals::of(&in_range),
            overview: overview(&rows, &forecasts(&refreshes), today),
            top_services: top_services(&in_range, TOP_SERVICES),
            refreshes,
        })
    }

    /// The month's headline figures only (the dashboard).
    pub async fn overview(&self, org: OrgId) -> Result<CostOverview, AppError> {
        let today = self.clock.now().date_naive();
        let rows = self.store.rows(org, month_start(month_start(today) - Duration::days(1)), today).await?;
        let refreshes = self.store.refreshes(org).await?;
        Ok(overview(&rows, &forecasts(&refreshes), today))
    }

    /// Savings recommendations over the live inventory, paged by id.
    pub async fn recommendations(
        &self,
        access: &OrgAccess,
        page: &PageRequest,
    ) -> Result<Page<Recommendation>, AppError> {
        access.require(Permission::Read)?;
        let mut items = Vec::new();
        for kind in [ResourceType::Vm, ResourceType::Disk, ResourceType::PublicIp] {
            items.extend(self.all_of(access.org_id, kind).await?);
        }
        let mut last_change: HashMap<String, DateTime<Utc>> = HashMap::new();
        for vm in items.iter().filter(|i| {
            i.resource.kind == skyforge_domain::inventory::ResourceType::Vm
                && i.resource.state == skyforge_domain::inventory::ResourceState::Stopped
        }) {
            let newest = self.inventory.history(access.org_id, &vm.id, &PageRequest::first(1)).await?;
            if let Some(entry) = newest.items.first() {
                last_change.insert(vm.id.clone(), entry.at);
            }
        }
        let all = recommend(&items, &last_change, self.clock.now(), PriceTable::bundled());
        // computed whole and paged here, so the cursor is sealed here
        let scope = format!("recommendations\n{}", access.org_id);
        let start = page.after(&scope)?.map_or(0, |after| all.partition_point(|r| r.id.as_str() <= after.as_str()));
        let items: Vec<Recommendation> = all[start..].iter().take(page.limit).cloned().collect();
        let next_cursor = (start + items.len() < all.len()).then(|| Cursor::seal(&scope, &items[items.len() - 1].id));
        Ok(Page { items, next_cursor })
    }

    async fn all_of(&self, org: OrgId, kind: ResourceType) -> Result<Vec<InventoryItem>, AppError> {
        let mut query = InventoryQuery { kind: Some(kind), limit: PageRequest::MAX_LIMIT, ..Default::default() };
        let mut items = Vec::new();
        loop {
            let page = self.inventory.list(org, &query).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => return Ok(items),
            }
        }
    }
}

fn forecasts(refreshes: &[CostRefresh]) -> BTreeMap<CredentialId, CostForecast> {
    refreshes.iter().filter_map(|r| Some((r.credential_id, r.forecast.clone()?))).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    use skyforge_domain::costs::Currency;
    use skyforge_domain::ids::UserId;
    use skyforge_domain::inventory::{HistoryEntry, StoredResource};
    use skyforge_domain::roles::Role;

    use super::*;
    use crate::sync_ports::InventoryWrite;

    /// The store in memory, keyed like the real one.
    #[derive(Default)]
    struct MemoryStore {
        rows: Mutex<Vec<(OrgId, CostRow)>>,
        refreshes: Mutex<Vec<(OrgId, CostRefresh)>>,
    }

    #[async_trait]
    impl CostStore for MemoryStore {
        async fn replace_rows(
            &self,
            org: OrgId,
            credential: CredentialId,
            from: NaiveDate,
            to: NaiveDate,
            rows: &[CostRow],
        ) -> StoreResult<()> {
            let mut stored = self.rows.lock().unwrap();
            stored.retain(|(o, r)| !(*o == org && r.credential_id == credential && (from..=to).contains(&r.day)));
            stored.extend(rows.iter().map(|r| (org, r.clone())));
            Ok(())
        }
        async fn rows(&self, org: OrgId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<CostRow>> {
            let stored = self.rows.lock().unwrap();
            Ok(stored
                .iter()
                .filter(|(o, r)| *o == org && (from..=to).contains(&r.day))
                .map(|(_, r)| r.clone())
                .collect())
        }
        async fn last_refresh(&self, org: OrgId, credential: CredentialId) -> StoreResult<Option<CostRefresh>> {
            let stored = self.refreshes.lock().unwrap();
            Ok(stored.iter().find(|(o, r)| *o == org && r.credential_id == credential).map(|(_, r)| r.clone()))
        }
        async fn put_refresh(&self, org: OrgId, refresh: &CostRefresh) -> StoreResult<()> {
            let mut stored = self.refreshes.lock().unwrap();
            stored.retain(|(o, r)| !(*o == org && r.credential_id == refresh.credential_id));
            stored.push((org, refresh.clone()));
            Ok(())
        }
        async fn refreshes(&self, org: OrgId) -> StoreResult<Vec<CostRefresh>> {
            let stored = self.refreshes.lock().unwrap();
            Ok(stored.iter().filter(|(o, _)| *o == org).map(|(_, r)| r.clone()).collect())
        }
        async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<()> {
            self.rows.lock().unwrap().retain(|(o, r)| !(*o == org && r.credential_id == credential));
            self.refreshes.lock().unwrap().retain(|(o, r)| !(*o == org && r.credential_id == credential));
            Ok(())
        }
    }

    struct NoInventory;

    #[async_trait]
    impl Inventory for NoInventory {
        async fn stored(&self, _: OrgId, _: CredentialId) -> StoreResult<Vec<StoredResource>> {
            Ok(vec![])
        }
        async fn apply(&self, _: InventoryWrite<'_>) -> StoreResult<u64> {
            Ok(0)
        }
        async fn list(&self, _: OrgId, _: &InventoryQuery) -> StoreResult<Page<InventoryItem>> {
            Ok(Page { items: vec![], next_cursor: None })
        }
        async fn get(&self, _: OrgId, _: &str) -> StoreResult<Option<InventoryItem>> {
            Ok(None)
        }
        async fn history(&self, _: OrgId, _: &str, _: &PageRequest) -> StoreResult<Page<HistoryEntry>> {
            Ok(Page { items: vec![], next_cursor: None })
        }
        async fn remove_credential(&self, _: OrgId, _: CredentialId) -> StoreResult<u64> {
            Ok(0)
        }
    }

    /// A billing API that answers one row per day per service, in its currency, and counts calls.
    struct FakeSource {
        currency: &'static str,
        calls: AtomicU64,
        fail: bool,
    }

    #[async_trait]
    impl CostSource for FakeSource {
        fn provider(&self) -> Provider {
            Provider::Aws
        }
        async fn fetch(
            &self,
            credential: &Credential,
            _: &CloudSecret,
            from: NaiveDate,
            to: NaiveDate,
            today: NaiveDate,
        ) -> Result<CostFetch, (CloudError, u64)> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail {
                return Err((CloudError::Throttled("slow down".into()), 1));
            }
            let currency = Currency::parse(self.currency).unwrap();
            let mut rows = vec![];
            let mut day = from;
            while day <= to {
                for (service, amount) in [("EC2", "1.10"), ("S3", "0.25")] {
                    rows.push(CostRow {
                        credential_id: credential.id,
                        provider: Provider::Aws,
                        day,
                        account: String::new(),
                        service: service.into(),
                        amount: amount.parse().unwrap(),
                        currency: currency.clone(),
                    });
                }
                day += Duration::days(1);
            }
            let forecast = CostForecast {
                from: today,
                to: skyforge_domain::costs::month_end(today),
                amount: "10".parse().unwrap(),
                currency,
            };
            Ok(CostFetch { rows, forecast: Some(forecast), requests: 2 })
        }
    }

    struct FixedClock(Mutex<DateTime<Utc>>);

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    struct Setup {
        service: CostService,
        source: Arc<FakeSource>,
        clock: Arc<FixedClock>,
    }

    fn setup(currency: &'static str, fail: bool, store: Arc<MemoryStore>) -> Setup {
        let source = Arc::new(FakeSource { currency, calls: AtomicU64::new(0), fail });
        let clock = Arc::new(FixedClock(Mutex::new("2026-11-22T09:00:00Z".parse().unwrap())));
        let sources: HashMap<Provider, Arc<dyn CostSource>> = HashMap::from([(Provider::Aws, source.clone() as _)]);
        let service = CostService::new(store, Arc::new(NoInventory), sources, clock.clone(), CostPolicy::default());
        Setup { service, source, clock }
    }

    fn credential(org: OrgId) -> Credential {
        Credential {
            id: CredentialId::new(),
            org_id: org,
            provider: Provider::Aws,
            name: "prod".into(),
            method: "role".into(),
            hint: "arn".into(),
            account_id: Some("123456789012".into()),
            scopes: vec![],
            regions: None,
            sync_enabled: true,
            secret_id: "s".into(),
            created_by: UserId::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn secret() -> CloudSecret {
        CloudSecret::AwsRole { role_arn: "arn:aws:iam::123456789012:role/r".into(), external_id: "x".into() }
    }

    fn access(org: OrgId) -> OrgAccess {
        OrgAccess { org_id: org, user_id: UserId::new(), role: Role::Viewer }
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[tokio::test]
    async fn refreshing_twice_gives_the_same_totals() {
        let store = Arc::new(MemoryStore::default());
        let s = setup("USD", false, store.clone());
        let (org, cred) = (OrgId::new(), credential(OrgId::new()));
        let cred = Credential { org_id: org, ..cred };
        let first = s.service.refresh(&cred, &secret()).await.unwrap().expect("due the first time");
        assert_eq!((first.rows, first.requests, first.from.to_string()), (180, 2, "2026-08-25".into()));
        let before = s.service.report(&access(org), Some("2026-11-01"), Some("2026-11-22"), None).await.unwrap();
        assert_eq!(before.totals.get(&usd()), "29.70".parse().unwrap(), "22 days of 1.35");

        *s.clock.0.lock().unwrap() += Duration::hours(7);
        let second = s.service.refresh(&cred, &secret()).await.unwrap().expect("due after the interval");
        assert_eq!(second.from.to_string(), "2026-11-19", "only the days not final");
        let after = s.service.report(&access(org), Some("2026-11-01"), Some("2026-11-22"), None).await.unwrap();
        assert_eq!(after.totals, before.totals);
        assert_eq!(store.rows.lock().unwrap().len(), 180);
    }

    #[tokio::test]
    async fn a_refresh_within_the_interval_makes_no_billing_request() {
        let s = setup("USD", false, Arc::new(MemoryStore::default()));
        let org = OrgId::new();
        let cred = credential(org);
        assert!(s.service.refresh(&cred, &secret()).await.unwrap().is_some());
        *s.clock.0.lock().unwrap() += Duration::hours(5) + Duration::minutes(59);
        assert!(s.service.refresh(&cred, &secret()).await.unwrap().is_none());
        assert_eq!(s.source.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_refresh_is_recorded_and_waits_too() {
        let s = setup("USD", true, Arc::new(MemoryStore::default()));
        let org = OrgId::new();
        let cred = credential(org);
        let refresh = s.service.refresh(&cred, &secret()).await.unwrap().unwrap();
        assert_eq!((refresh.error.as_deref(), refresh.requests), (Some("throttled"), 1));
        assert!(s.service.refresh(&cred, &secret()).await.unwrap().is_none());
        assert_eq!(s.source.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn mixed_currencies_stay_apart() {
        let store = Arc::new(MemoryStore::default());
        let org = OrgId::new();
        let usd_source = setup("USD", false, store.clone());
        let eur_source = setup("EUR", false, store.clone());
        usd_source.service.refresh(&credential(org), &secret()).await.unwrap();
        eur_source.service.refresh(&credential(org), &secret()).await.unwrap();
        let report = usd_source
            .service
            .report(&access(org), Some("2026-11-22"), Some("2026-11-22"), Some("provider"))
            .await
            .unwrap();
        let groups: Vec<(String, String, String)> =
            report.groups.iter().map(|g| (g.key.clone(), g.currency.to_string(), g.amount.to_string())).collect();
        assert_eq!(
            groups,
            vec![("aws".into(), "EUR".into(), "1.35".into()), ("aws".into(), "USD".into(), "1.35".into())]
        );
        assert_eq!(report.overview.month_to_date.0.len(), 2);
        assert_eq!(report.overview.forecast_month_end.0.len(), 2);
        let series: Vec<(String, &str, String, String)> = report
            .series
            .iter()
            .map(|p| (p.day.to_string(), p.provider.as_str(), p.currency.to_string(), p.amount.to_string()))
            .collect();
        assert_eq!(
            series,
            vec![
                ("2026-11-22".into(), "aws", "EUR".into(), "1.35".into()),
                ("2026-11-22".into(), "aws", "USD".into(), "1.35".into())
            ],
            "the daily series by provider keeps currencies apart too"
        );
    }

    #[tokio::test]
    async fn the_daily_series_by_provider_covers_the_range_whatever_the_grouping() {
        let s = setup("USD", false, Arc::new(MemoryStore::default()));
        let org = OrgId::new();
        s.service.refresh(&credential(org), &secret()).await.unwrap();
        for group_by in [None, Some("service"), Some("day"), Some("credential")] {
            let report =
                s.service.report(&access(org), Some("2026-11-01"), Some("2026-11-10"), group_by).await.unwrap();
            assert_eq!(report.series.len(), 10, "{group_by:?}: one point a day for the one provider");
            assert_eq!(report.series[0].day.to_string(), "2026-11-01");
            assert!(report.series.iter().all(|p| p.amount == "1.35".parse().unwrap() && p.provider == Provider::Aws));
        }
        let other = s.service.report(&access(OrgId::new()), None, None, None).await.unwrap();
        assert!(other.series.is_empty(), "another organisation's costs never show");
    }

    #[tokio::test]
    async fn bad_ranges_are_refused_with_their_codes() {
        let s = setup("USD", false, Arc::new(MemoryStore::default()));
        let a = access(OrgId::new());
        assert!(matches!(
            s.service.report(&a, Some("2026-11-10"), Some("2026-11-01"), None).await,
            Err(AppError::InvalidRange(_))
        ));
        assert!(matches!(s.service.report(&a, Some("11/01/2026"), None, None).await, Err(AppError::Validation(_))));
        assert!(matches!(s.service.report(&a, None, None, Some("region")).await, Err(AppError::Validation(_))));
    }

    #[tokio::test]
    async fn another_organisation_sees_nothing() {
        let s = setup("USD", false, Arc::new(MemoryStore::default()));
        let org = OrgId::new();
        s.service.refresh(&credential(org), &secret()).await.unwrap();
        let other = s.service.report(&access(OrgId::new()), None, None, None).await.unwrap();
        assert!(other.groups.is_empty() && other.totals.0.is_empty() && other.refreshes.is_empty());
    }
}
