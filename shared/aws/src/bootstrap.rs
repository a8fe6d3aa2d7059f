//! Creating what the platform needs when it is missing: the app table (from the template's
//! definition) and the JWT signing key. On AWS the SAM template creates both; the local runtime
//! and the tests call these against the stand-in.

use std::time::Duration;

use anyhow::{Context, bail};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::table::{self, TableDefinition};

/// Creates the table if it does not exist, and waits until it is active.
pub async fn ensure_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    definition: &TableDefinition,
) -> anyhow::Result<()> {
    let exists = match client.describe_table().table_name(name).send().await {
        Ok(_) => true,
        Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => false,
        Err(error) => bail!("describing table {name}: {}", DisplayErrorContext(error)),
    };
    if !exists {
        create_table(client, name, definition).await?;
    }
    for _ in 0..100 {
        let output = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("{}", DisplayErrorContext(e)))?;
        if output.table.and_then(|t| t.table_status) == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("table {name} did not become active")
}

fn key_schema(keys: &[table::KeyElement]) -> anyhow::Result<Vec<KeySchemaElement>> {
    keys.iter()
        .map(|k| {
            Ok(KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()?)
        })
        .collect()
}

async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    definition: &TableDefinition,
) -> anyhow::Result<()> {
    let attributes = definition
        .attribute_definitions
        .iter()
        .map(|a| {
            Ok(AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let indexes = definition
        .global_secondary_indexes
        .iter()
        .map(|index| {
            Ok(GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(index.projection.projection_type.as_str()))
                        .build(),
                )
                .build()?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&definition.key_schema)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .send()
        .await;
    match created {
        Ok(_) => {}
        // another process created it first
        Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_in_use_exception()) => return Ok(()),
        Err(error) => bail!("creating table {name}: {}", DisplayErrorContext(error)),
    }
    if let Some(ttl) = &definition.time_to_live_specification {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder().attribute_name(&ttl.attribute_name).enabled(ttl.enabled).build()?,
            )
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("enabling TTL on {name}: {}", DisplayErrorContext(e)))?;
    }
    Ok(())
}

/// Creates the JWT signing key (64 random bytes, base64) if the secret does not exist.
pub async fn ensure_jwt_secret(client: &aws_sdk_secretsmanager::Client, id: &str) -> anyhow::Result<()> {
    match client.describe_secret().secret_id(id).send().await {
        Ok(_) => return Ok(()),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {}
        Err(error) => bail!("describing secret {id}: {}", DisplayErrorContext(error)),
    }
    let mut key = [0u8; 64];
    getrandom::fill(&mut key).context("reading the operating system's random source")?;
    let created = client
        .create_secret()
        .name(id)
        .description("HMAC key that signs Skyforge access tokens (HS256)")
        .secret_string(STANDARD.encode(key))
        .send()
        .await;
    match created {
        Ok(_) => Ok(()),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_exists_exception()) => Ok(()),
        Err(error) => bail!("creating secret {id}: {}", DisplayErrorContext(error)),
    }
}
