//! Terraform's state locks in the S3 backend's DynamoDB lock table: the run reaper releases the
//! one a lost runner left (a force-unlock of exactly that lock id).
//!
//! The backend keeps one item per locked state, `LockID = <bucket>/<key>`, whose `Info` is the
//! lock's JSON (`ID`, `Operation`, `Who`, `Version`, `Created`, `Path`), and a separate
//! `<bucket>/<key>-md5` digest item, which is not a lock and is left alone.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_types::error::display::DisplayErrorContext;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use skyforge_app::deployment_ports::StateLocks;
use skyforge_app::error::BoxError;

pub struct DynamoStateLocks {
    client: Client,
    table: String,
    state_bucket: String,
}

impl DynamoStateLocks {
    pub fn new(client: Client, table: &str, state_bucket: &str) -> Self {
        Self { client, table: table.to_owned(), state_bucket: state_bucket.to_owned() }
    }
}

/// The parts of Terraform's lock info the reaper reads.
#[derive(Debug, Deserialize)]
struct LockInfo {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "Created")]
    created: DateTime<Utc>,
}

#[async_trait]
impl StateLocks for DynamoStateLocks {
    async fn release_if_taken_after(
        &self,
        state_key: &str,
        taken_after: DateTime<Utc>,
    ) -> Result<Option<String>, BoxError> {
        let lock_id = format!("{}/{state_key}", self.state_bucket);
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("LockID", AttributeValue::S(lock_id.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| format!("reading the state lock: {}", DisplayErrorContext(e)))?
            .item;
        let Some(raw) = item.as_ref().and_then(|i| i.get("Info")).and_then(|v| v.as_s().ok()).cloned() else {
            return Ok(None); // not locked
        };
        let info: LockInfo = serde_json::from_str(&raw).map_err(|e| format!("reading the state lock's info: {e}"))?;
        if info.created < taken_after {
            return Ok(None); // taken before the run's phase began: not its lock
        }
        // exactly this lock: a lock taken again meanwhile has another Info and stays
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("LockID", AttributeValue::S(lock_id))
            .condition_expression("Info = :info")
            .expression_attribute_values(":info", AttributeValue::S(raw))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(Some(info.id)),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(None),
            Err(e) => Err(format!("releasing the state lock: {}", DisplayErrorContext(e)).into()),
        }
    }
}
