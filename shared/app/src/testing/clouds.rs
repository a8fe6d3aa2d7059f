//! The providers: a credential check and an inventory listing, both scripted by the test.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::Resource;
use skyforge_domain::provider::Provider;

use crate::clouds::{CloudError, CloudInventory, CredentialVerifier, RegionListing, VerifiedAccount};

type Check = dyn Fn(&CloudSecret) -> Result<VerifiedAccount, CloudError> + Send + Sync;

/// Answers a credential check with what the test decided, and counts the checks.
pub struct FakeVerifier {
    check: Box<Check>,
    calls: Mutex<Vec<CloudSecret>>,
}

impl FakeVerifier {
    /// Decides from the secret (to tell two keys of different accounts apart).
    pub fn new(
        check: impl Fn(&CloudSecret) -> Result<VerifiedAccount, CloudError> + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self { check: Box::new(check), calls: Mutex::new(Vec::new()) })
    }

    /// Every secret reaches this account.
    pub fn reaching(account: &str) -> Arc<Self> {
        let account = account.to_owned();
        Self::new(move |_| Ok(VerifiedAccount { account_id: account.clone(), principal: "fake-principal".into() }))
    }

    /// Every secret is refused with this reason.
    pub fn rejecting(reason: &str) -> Arc<Self> {
        let reason = reason.to_owned();
        Self::new(move |_| Err(CloudError::InvalidCredential(reason.clone())))
    }

    /// The secrets checked so far, in order.
    pub fn checked(&self) -> Vec<CloudSecret> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait]
impl CredentialVerifier for FakeVerifier {
    async fn verify(&self, secret: &CloudSecret) -> Result<VerifiedAccount, CloudError> {
        self.calls.lock().unwrap().push(secret.clone());
        (self.check)(secret)
    }
}

/// One provider's accounts, regions and resources. A region answers what was put there (or
/// nothing), or the error [`fail`](Self::fail) set; every listing asked for is recorded.
pub struct FakeCloud {
    provider: Provider,
    state: Mutex<CloudState>,
}

#[derive(Default)]
struct CloudState {
    /// account → its enabled regions
    scopes: BTreeMap<String, Vec<String>>,
    scopes_error: Option<CloudError>,
    resources: BTreeMap<(String, String), Vec<Resource>>,
    failing: BTreeMap<(String, String), CloudError>,
    listed: Vec<(String, String)>,
}

impl FakeCloud {
    /// A provider whose one `account` has `regions` enabled.
    pub fn new(provider: Provider, account: &str, regions: &[&str]) -> Arc<Self> {
        let mut state = CloudState::default();
        state.scopes.insert(account.to_owned(), regions.iter().map(|r| r.to_string()).collect());
        Arc::new(Self { provider, state: Mutex::new(state) })
    }

    /// Replaces what listing the resource's (account, region) finds with `resources`.
    pub fn set(&self, account: &str, region: &str, resources: Vec<Resource>) {
        self.state.lock().unwrap().resources.insert((account.to_owned(), region.to_owned()), resources);
    }

    /// Listing this region fails with `error` (`None`: it works again).
    pub fn fail(&self, account: &str, region: &str, error: Option<CloudError>) {
        let mut state = self.state.lock().unwrap();
        let unit = (account.to_owned(), region.to_owned());
        match error {
            Some(error) => state.failing.insert(unit, error),
            None => state.failing.remove(&unit),
        };
    }

    /// Asking for the accounts and regions fails with `error` (`None`: it works again).
    pub fn fail_scopes(&self, error: Option<CloudError>) {
        self.state.lock().unwrap().scopes_error = error;
    }

    /// Every (account, region) listed so far, sorted.
    pub fn listed(&self) -> Vec<(String, String)> {
        let mut listed = self.state.lock().unwrap().listed.clone();
        listed.sort();
        listed
    }
}

#[async_trait]
impl CloudInventory for FakeCloud {
    fn provider(&self) -> Provider {
        self.provider
    }

    async fn scopes(&self, _secret: &CloudSecret) -> Result<Vec<(String, Vec<String>)>, CloudError> {
        let state = self.state.lock().unwrap();
        match &state.scopes_error {
            Some(error) => Err(error.clone()),
            None => Ok(state.scopes.iter().map(|(a, r)| (a.clone(), r.clone())).collect()),
        }
    }

    async fn list_region(
        &self,
        _secret: &CloudSecret,
        account: &str,
        region: &str,
    ) -> Result<RegionListing, (CloudError, Vec<crate::clouds::ApiCall>)> {
        let mut state = self.state.lock().unwrap();
        let unit = (account.to_owned(), region.to_owned());
        state.listed.push(unit.clone());
        let call = |error| crate::clouds::ApiCall {
            service: "fake",
            operation: "List",
            latency: std::time::Duration::from_millis(5),
            error,
        };
        if let Some(error) = state.failing.get(&unit) {
            return Err((error.clone(), vec![call(Some(error.code()))]));
        }
        Ok(RegionListing {
            resources: state.resources.get(&unit).cloned().unwrap_or_default(),
            calls: vec![call(None)],
        })
    }
}
