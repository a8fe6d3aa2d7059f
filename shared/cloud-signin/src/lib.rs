//! Signing in to Azure and GCP, checking their credentials when they are added, and the one
//! HTTP client of their REST APIs. Light on purpose: `api-credentials` links it to check a
//! credential; the heavy inventory adapters live in `skyforge-clouds`.

pub mod azure;
pub mod gcp;
pub mod http;
pub mod token;

use std::collections::HashMap;
use std::sync::Arc;

use skyforge_app::clouds::CredentialVerifier;
use skyforge_app::config::CloudEndpoints;
use skyforge_domain::provider::Provider;

pub use azure::{AzureAuth, AzureVerifier};
pub use gcp::{GcpAuth, GcpVerifier};
pub use http::{CallLog, Op, ProviderHttp, RetryPolicy};
pub use token::BearerToken;

/// The credential checks of Azure and GCP, for the credential service.
pub fn verifiers(endpoints: &CloudEndpoints) -> HashMap<Provider, Arc<dyn CredentialVerifier>> {
    let azure = Arc::new(AzureAuth::new(ProviderHttp::default(), endpoints));
    let gcp = Arc::new(GcpAuth::new(ProviderHttp::default(), endpoints));
    HashMap::from([
        (Provider::Azure, Arc::new(AzureVerifier::new(azure)) as Arc<dyn CredentialVerifier>),
        (Provider::Gcp, Arc::new(GcpVerifier::new(gcp)) as Arc<dyn CredentialVerifier>),
    ])
}
