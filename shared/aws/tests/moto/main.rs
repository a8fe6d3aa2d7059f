//! Adapter tests against the moto server (`make test` starts one and sets `AWS_ENDPOINT_URL`).
//! Each test works in a table of its own, so they run in parallel without seeing each other.

mod costs;
#[cfg(feature = "provisioning")]
mod provisioning;
mod store;
mod sts;
mod summary;
mod sync_load;
mod sync_requests;

use std::sync::Arc;

use skyforge_aws::DynamoStore;
use skyforge_aws::bootstrap::ensure_table;
use skyforge_aws::table::TableDefinition;

/// A fresh table on the stand-in.
pub async fn fresh_store() -> Arc<DynamoStore> {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "these tests run against the moto server: use `make test`, or start one and set AWS_ENDPOINT_URL"
    );
    let sdk = skyforge_aws::sdk_config().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let name = format!("test-{}", ulid::Ulid::new().to_string().to_lowercase());
    ensure_table(&client, &name, &TableDefinition::app_table().unwrap()).await.expect("creating the test table");
    Arc::new(DynamoStore::new(client, &name))
}
