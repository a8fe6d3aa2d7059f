//! Inventory adapters of the cloud providers: what an account holds, listed region by region
//! and normalised to the domain's one [`Resource`](skyforge_domain::inventory::Resource)
//! shape. AWS is here (EC2 and S3); Azure and GCP come later. The heavy SDKs live only in this
//! crate, so the HTTP functions that do not sync stay small.
//!
//! [`demo`] seeds a demo account on the local AWS stand-in.

pub mod aws;
pub mod azure_costs;
pub mod bearer;
pub mod demo;
pub mod gcp_costs;

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::SdkConfig;
use skyforge_app::clouds::CloudInventory;
use skyforge_app::costs::CostSource;
use skyforge_domain::inventory::Provider;

pub use aws::{AwsCosts, AwsInventory};

/// The inventory adapter of every provider that has one, for the sync service. `platform` is
/// the platform's own AWS config (its credentials assume customer roles).
pub fn all(platform: &SdkConfig) -> HashMap<Provider, Arc<dyn CloudInventory>> {
    let aws: Arc<dyn CloudInventory> = Arc::new(AwsInventory::new(platform.clone()));
    HashMap::from([(Provider::Aws, aws)])
}

/// The billing source of every provider that has one wired to its credentials, for the sync
/// worker's cost refresh. Azure and GCP have adapters ([`azure_costs`], [`gcp_costs`]) that
/// wait for those providers' token sources.
pub fn cost_sources(platform: &SdkConfig) -> HashMap<Provider, Arc<dyn CostSource>> {
    let aws: Arc<dyn CostSource> = Arc::new(AwsCosts::new(platform.clone()));
    HashMap::from([(Provider::Aws, aws)])
}
