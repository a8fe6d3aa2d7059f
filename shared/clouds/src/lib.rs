//! Inventory adapters of the cloud providers: what an account holds, listed region by region
//! (AWS) or subscription and project whole (Azure, GCP), and normalised to the domain's one
//! [`Resource`](skyforge_domain::inventory::Resource) shape. The heavy SDKs live only in this
//! crate, so the HTTP functions that do not sync stay small.
//!
//! `demo` (feature `demo`: the local runtime, tests and benchmarks; never a Lambda build)
//! seeds a demo account on the local AWS stand-in.

pub mod aws;
pub mod azure;
mod billing;
#[cfg(feature = "demo")]
pub mod demo;
pub mod gcp;
pub mod whole_account;

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::SdkConfig;
use skyforge_app::clouds::CloudInventory;
use skyforge_app::config::CloudEndpoints;
use skyforge_app::costs::CostSource;
use skyforge_cloud_signin::{AzureAuth, GcpAuth, ProviderHttp};
use skyforge_domain::provider::Provider;

pub use aws::{AwsCosts, AwsInventory};
pub use azure::AzureInventory;
pub use gcp::GcpInventory;
pub use whole_account::WholeAccount;

/// The inventory adapter of every provider, for the sync service. `platform` is the
/// platform's own AWS config (its credentials assume customer roles); `endpoints` says where
/// the Azure and GCP APIs are.
pub fn all(platform: &SdkConfig, endpoints: &CloudEndpoints) -> HashMap<Provider, Arc<dyn CloudInventory>> {
    let http = ProviderHttp::default();
    let aws: Arc<dyn CloudInventory> = Arc::new(AwsInventory::new(platform.clone()));
    let azure: Arc<dyn CloudInventory> =
        Arc::new(WholeAccount(AzureInventory::new(Arc::new(AzureAuth::new(http.clone(), endpoints)))));
    let gcp: Arc<dyn CloudInventory> =
        Arc::new(WholeAccount(GcpInventory::new(Arc::new(GcpAuth::new(http, endpoints)))));
    HashMap::from([(Provider::Aws, aws), (Provider::Azure, azure), (Provider::Gcp, gcp)])
}

/// The billing source of every provider, for the sync worker's cost refresh: Cost Explorer,
/// Azure Cost Management, and GCP's Cloud Billing export in BigQuery, signed in the way the
/// inventory is.
pub fn cost_sources(platform: &SdkConfig, endpoints: &CloudEndpoints) -> HashMap<Provider, Arc<dyn CostSource>> {
    let http = ProviderHttp::default();
    let aws: Arc<dyn CostSource> = Arc::new(AwsCosts::new(platform.clone()));
    let azure: Arc<dyn CostSource> =
        Arc::new(azure::costs::AzureCosts::new(Arc::new(AzureAuth::new(http.clone(), endpoints))));
    let gcp: Arc<dyn CostSource> = Arc::new(gcp::costs::GcpCosts::new(Arc::new(GcpAuth::new(http, endpoints))));
    HashMap::from([(Provider::Aws, aws), (Provider::Azure, azure), (Provider::Gcp, gcp)])
}
