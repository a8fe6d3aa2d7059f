//! Creates what the SAM template creates for provisioning, for the local runtime: the state and
//! artifact buckets and the Terraform lock table. Idempotent.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
use aws_smithy_types::error::display::DisplayErrorContext;

pub async fn ensure_bucket(client: &aws_sdk_s3::Client, name: &str) -> anyhow::Result<()> {
    match client.create_bucket().bucket(name).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()) =>
        {
            Ok(())
        }
        Err(e) => {
            Err(anyhow::anyhow!(DisplayErrorContext(e).to_string())).with_context(|| format!("creating bucket {name}"))
        }
    }
}

/// The table Terraform's S3 backend locks state in (hash key `LockID`).
pub async fn ensure_lock_table(client: &aws_sdk_dynamodb::Client, name: &str) -> anyhow::Result<()> {
    let result = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("LockID").attribute_type(ScalarAttributeType::S).build()?,
        )
        .key_schema(KeySchemaElement::builder().attribute_name("LockID").key_type(KeyType::Hash).build()?)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_in_use_exception()) => Ok(()),
        Err(e) => {
            Err(anyhow::anyhow!(DisplayErrorContext(e).to_string())).with_context(|| format!("creating table {name}"))
        }
    }
}
