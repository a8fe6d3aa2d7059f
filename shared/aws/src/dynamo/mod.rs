//! The store port on one DynamoDB table. Item shapes and keys live in [`items`] and [`keys`];
//! the access patterns are listed in `shared/aws/ACCESS-PATTERNS.md`. Every read on a request
//! path is a GetItem or a Query; nothing scans.

mod accounts;
mod audit;
mod costs;
mod credentials;
mod deployments;
mod findings;
mod inventory;
mod items;
pub mod keys;
mod sessions;
mod summaries;
mod sync_runs;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use aws_smithy_types::error::display::DisplayErrorContext;
use serde::Serialize;
use serde::de::DeserializeOwned;
use skyforge_app::ports::{Conflict, StoreError, StoreResult};
use skyforge_domain::page::{Cursor, Page, PageRequest};

use crate::table::{PK, SK};

pub type Item = HashMap<String, AttributeValue>;

/// The DynamoDB adapter of every store port.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: &str) -> Self {
        Self { client, table: table.to_owned() }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    async fn get_item<T: DeserializeOwned>(&self, key: (String, String)) -> StoreResult<Option<T>> {
        self.raw_item(key, true).await?.map(from_item).transpose()
    }

    /// Deletes one item; deleting a missing item is no error.
    async fn delete_item(&self, (pk, sk): (String, String)) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(pk))
            .key(SK, AttributeValue::S(sk))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// The item as DynamoDB returns it, for items read attribute by attribute (one attribute
    /// per credential, run or membership).
    async fn raw_item(&self, (pk, sk): (String, String), consistent: bool) -> StoreResult<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(pk))
            .key(SK, AttributeValue::S(sk))
            .consistent_read(consistent)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.item)
    }

    /// Runs a transaction. `Err(Ok(failed))` says which of the items' conditions failed
    /// (by position), `Err(Err(_))` any other failure.
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), Result<Vec<bool>, StoreError>> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(context)) => match context.err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    let failed = cancelled
                        .cancellation_reasons()
                        .iter()
                        .map(|reason| reason.code() == Some("ConditionalCheckFailed"))
                        .collect::<Vec<_>>();
                    if failed.iter().any(|f| *f) {
                        Err(Ok(failed))
                    } else {
                        Err(Err(unavailable(SdkError::ServiceError(context))))
                    }
                }
                _ => Err(Err(unavailable(SdkError::ServiceError(context)))),
            },
            Err(other) => Err(Err(unavailable(other))),
        }
    }

    /// One page of items under `pk` whose sort key starts with `prefix`, continuing where the
    /// page's cursor stopped. Asks for one item more than the limit to know whether a next page
    /// exists. A cursor sealed to another partition or prefix is refused.
    async fn query_page<T: DeserializeOwned>(
        &self,
        pk: String,
        prefix: &str,
        page: &PageRequest,
        newest_first: bool,
    ) -> StoreResult<Page<T>> {
        let wanted = page.limit + 1;
        let mut raw: Vec<Item> = Vec::with_capacity(wanted);
        let scope = page_scope(&pk, prefix);
        let after = page.after(&scope).map_err(|_| StoreError::ForeignCursor)?;
        let mut start = after.map(|after| {
            HashMap::from([(PK.to_owned(), AttributeValue::S(pk.clone())), (SK.to_owned(), AttributeValue::S(after))])
        });
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned()))
                .scan_index_forward(!newest_first)
                .consistent_read(true)
                .limit((wanted - raw.len()) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            raw.extend(output.items.unwrap_or_default());
            // a response stops at 1 MB even below the limit: keep going until full or done
            match output.last_evaluated_key {
                Some(key) if raw.len() < wanted => start = Some(key),
                _ => break,
            }
        }
        let next_cursor = if raw.len() > page.limit {
            raw.truncate(page.limit);
            raw.last().and_then(|item| item.get(SK)).and_then(|sk| sk.as_s().ok()).map(|sk| Cursor::seal(&scope, sk))
        } else {
            None
        };
        let items = raw.into_iter().map(from_item).collect::<StoreResult<Vec<T>>>()?;
        Ok(Page { items, next_cursor })
    }
}

/// The list a cursor belongs to: one partition, one kind of item.
fn page_scope(pk: &str, prefix: &str) -> String {
    format!("{pk}\n{prefix}")
}

/// Maps a failed condition, whichever it was, to `conflict`; other failures pass through.
pub(crate) fn conflict_as(conflict: Conflict) -> impl Fn(Result<Vec<bool>, StoreError>) -> StoreError {
    move |error| match error {
        Ok(_) => StoreError::Conflict(conflict),
        Err(error) => error,
    }
}

pub(crate) fn to_item<T: Serialize>(value: &T) -> StoreResult<Item> {
    serde_dynamo::to_item(value).map_err(|error| StoreError::Unavailable(Box::new(error)))
}

pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|error| StoreError::Unavailable(format!("unreadable item: {error}").into()))
}

/// Any SDK failure: kept whole (its cause chain is logged by the HTTP layer), shown to no client.
pub(crate) fn unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(DisplayErrorContext(error).to_string().into())
}

/// A conditional write's outcome, the one place that tells a failed condition from a failure:
/// `Some(output)` when written, `None` when the condition did not hold, `Err` when DynamoDB did
/// not answer.
pub(crate) fn conditional<O, E, R>(result: Result<O, SdkError<E, R>>) -> StoreResult<Option<O>>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(output) => Ok(Some(output)),
        Err(error) if error.as_service_error().and_then(|e| e.code()) == Some("ConditionalCheckFailedException") => {
            Ok(None)
        }
        Err(error) => Err(unavailable(error)),
    }
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Builders of transaction entries, so each transaction reads as a list of intentions.
pub(crate) mod tx {
    use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
    use skyforge_app::ports::{StoreError, StoreResult};

    use super::Item;
    use super::keys::Key;
    use crate::table::{PK, SK};

    pub type Values<'a> = &'a [(&'a str, AttributeValue)];

    fn built<T, E: std::error::Error + Send + Sync + 'static>(result: Result<T, E>) -> StoreResult<T> {
        result.map_err(|error| StoreError::Unavailable(Box::new(error)))
    }

    pub fn key((pk, sk): Key) -> Item {
        Item::from([(PK.to_owned(), AttributeValue::S(pk)), (SK.to_owned(), AttributeValue::S(sk))])
    }

    /// By convention `#name` in an expression always stands for the attribute `name` (used for
    /// DynamoDB's reserved words such as `status`, `role` and `ttl`).
    pub fn names(expressions: &[Option<&str>]) -> Option<std::collections::HashMap<String, String>> {
        let names: std::collections::HashMap<String, String> = expressions
            .iter()
            .flatten()
            .flat_map(|e| e.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#')))
            .filter_map(|word| word.strip_prefix('#').map(|name| (word.to_owned(), name.to_owned())))
            .collect();
        (!names.is_empty()).then_some(names)
    }

    fn values(values: Values) -> Option<Item> {
        (!values.is_empty()).then(|| values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }

    pub fn put(table: &str, item: Item, condition: Option<&str>) -> StoreResult<TransactWriteItem> {
        let put = built(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .set_condition_expression(condition.map(Into::into))
                .set_expression_attribute_names(names(&[condition]))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub fn update(
        table: &str,
        k: Key,
        expression: &str,
        condition: Option<&str>,
        vals: Values,
    ) -> StoreResult<TransactWriteItem> {
        let update = built(
            Update::builder()
                .table_name(table)
                .set_key(Some(key(k)))
                .update_expression(expression)
                .set_condition_expression(condition.map(Into::into))
                .set_expression_attribute_names(names(&[Some(expression), condition]))
                .set_expression_attribute_values(values(vals))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    pub fn delete(table: &str, k: Key, condition: Option<&str>, vals: Values) -> StoreResult<TransactWriteItem> {
        let delete = built(
            Delete::builder()
                .table_name(table)
                .set_key(Some(key(k)))
                .set_condition_expression(condition.map(Into::into))
                .set_expression_attribute_names(names(&[condition]))
                .set_expression_attribute_values(values(vals))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

impl DynamoStore {
    /// Writes (puts or deletes) in batches of 25, the most BatchWriteItem takes, resending what
    /// DynamoDB hands back unprocessed with a growing pause. Answers the number of items written.
    pub(crate) async fn batch_write(&self, requests: Vec<aws_sdk_dynamodb::types::WriteRequest>) -> StoreResult<u64> {
        let total = requests.len() as u64;
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            let mut attempt = 0u32;
            while !pending.is_empty() {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(unavailable)?;
                pending = output.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    attempt += 1;
                    if attempt > 8 {
                        return Err(StoreError::Unavailable("DynamoDB kept items unprocessed after 8 retries".into()));
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(6))).await;
                }
            }
        }
        Ok(total)
    }

    /// Puts `item` if `condition` holds; `conflict` when it does not.
    pub(crate) async fn put_if(&self, item: Item, condition: &str, conflict: Conflict) -> StoreResult<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .send()
            .await;
        conditional(result)?.map(|_| ()).ok_or(StoreError::Conflict(conflict))
    }

    /// Every item under `pk` whose sort key starts with `prefix` (all of them for `""`), all pages.
    pub(crate) async fn query_all(&self, pk: String, prefix: &str) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()));
            // DynamoDB refuses begins_with on an empty string
            request = if prefix.is_empty() {
                request.key_condition_expression("#pk = :pk")
            } else {
                request
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", SK)
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned()))
            };
            let output = request
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(items),
            }
        }
    }

    pub(crate) fn put_request(item: Item) -> StoreResult<aws_sdk_dynamodb::types::WriteRequest> {
        let put = aws_sdk_dynamodb::types::PutRequest::builder()
            .set_item(Some(item))
            .build()
            .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        Ok(aws_sdk_dynamodb::types::WriteRequest::builder().put_request(put).build())
    }

    pub(crate) fn delete_request(key: keys::Key) -> StoreResult<aws_sdk_dynamodb::types::WriteRequest> {
        let delete = aws_sdk_dynamodb::types::DeleteRequest::builder()
            .set_key(Some(tx::key(key)))
            .build()
            .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        Ok(aws_sdk_dynamodb::types::WriteRequest::builder().delete_request(delete).build())
    }
}

#[cfg(test)]
mod tests {
    use super::tx::names;

    #[test]
    fn hash_words_name_their_attribute() {
        let found = names(&[Some("SET #status = :x, #ttl = :t"), Some("#role = :r AND attribute_exists(pk)")]).unwrap();
        assert_eq!(found.len(), 3);
        assert_eq!(found["#status"], "status");
        assert_eq!(found["#role"], "role");
        assert!(names(&[Some("SET a = :b"), None]).is_none());
    }
}
