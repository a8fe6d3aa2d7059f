//! Providers whose APIs list a whole account at once (an Azure subscription through ARM, a GCP
//! project through Compute Engine's aggregated lists): the sync's unit is the account, named by
//! its id in sync errors and provider health, and a failed listing covers everything stored for
//! that account, whatever its region.

use async_trait::async_trait;
use skyforge_app::clouds::{ApiCall, CloudError, CloudInventory, GLOBAL_REGION, RegionListing};
use skyforge_cloud_signin::CallLog;
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::inventory::Resource;
use skyforge_domain::provider::Provider;

#[async_trait]
pub trait AccountLister: Send + Sync {
    fn provider(&self) -> Provider;

    /// The accounts (subscriptions, projects) a credential names.
    fn accounts(&self, secret: &CloudSecret) -> Result<Vec<String>, CloudError>;

    /// Everything in one account; every call made is recorded in `log`.
    async fn list_account(
        &self,
        secret: &CloudSecret,
        account: &str,
        log: &CallLog,
    ) -> Result<Vec<Resource>, CloudError>;
}

/// An [`AccountLister`] as the sync's [`CloudInventory`].
pub struct WholeAccount<L>(pub L);

#[async_trait]
impl<L: AccountLister> CloudInventory for WholeAccount<L> {
    fn provider(&self) -> Provider {
        self.0.provider()
    }

    async fn scopes(&self, secret: &CloudSecret) -> Result<Vec<(String, Vec<String>)>, CloudError> {
        Ok(self.0.accounts(secret)?.into_iter().map(|account| (account, vec![GLOBAL_REGION.to_owned()])).collect())
    }

    async fn list_region(
        &self,
        secret: &CloudSecret,
        account: &str,
        _region: &str,
    ) -> Result<RegionListing, (CloudError, Vec<ApiCall>)> {
        let log = CallLog::default();
        match self.0.list_account(secret, account, &log).await {
            Ok(resources) => Ok(RegionListing { resources, calls: log.take() }),
            Err(error) => Err((error, log.take())),
        }
    }

    fn covers(&self, account: &str, _region: &str, resource: &Resource) -> bool {
        resource.account == account
    }

    fn unit_label(&self, account: &str, _region: &str) -> String {
        account.to_owned()
    }
}
