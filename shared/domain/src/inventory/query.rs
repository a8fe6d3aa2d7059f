//! Inventory queries: filters, order and pages.

use serde::{Deserialize, Serialize};

use super::*;
use crate::ids::CredentialId;
use crate::provider::Provider;

/// Orders an inventory list can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventorySort {
    /// By type, then name (the default).
    Type,
    Name,
}

/// A validated inventory query: filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryQuery {
    pub provider: Option<Provider>,
    pub kind: Option<ResourceType>,
    pub region: Option<String>,
    pub state: Option<ResourceState>,
    pub credential: Option<CredentialId>,
    pub tag: Option<(String, String)>,
    pub deployment: Option<String>,
    /// Lower-cased text to find in the name or the native id.
    pub text: Option<String>,
    pub include_deleted: bool,
    pub sort: InventorySort,
    pub descending: bool,
    pub limit: usize,
    /// The position to continue after, from the previous page's cursor.
    pub after: Option<InventoryCursor>,
}

/// Where a page of the inventory ended: the item's table sort key and index sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryCursor {
    pub sk: String,
    pub index_sk: String,
}

/// Raw query parameters of the inventory list, as strings.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InventoryParams {
    pub provider: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    pub credential: Option<String>,
    /// `key=value`, or `key` alone for "has this tag".
    pub tag: Option<String>,
    pub deployment: Option<String>,
    pub q: Option<String>,
    pub include_deleted: Option<String>,
    /// `type`, `-type`, `name`, `-name`.
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl InventoryQuery {
    pub fn parse(params: &InventoryParams) -> Result<Self, crate::ValidationErrors> {
        use crate::FieldError;
        let mut errors = crate::ValidationErrors::default();
        let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut one_of = |field: &str, value: Option<String>, parse: &dyn Fn(&str) -> bool, allowed: &str| match value {
            Some(v) if !parse(&v) => {
                errors.0.push(FieldError::new(field, "invalid_value", format!("{field} is one of {allowed}")));
                false
            }
            _ => true,
        };
        let provider = present(&params.provider);
        let kind = present(&params.kind);
        let state = present(&params.state);
        one_of("provider", provider.clone(), &|v| v.parse::<Provider>().is_ok(), "aws, azure, gcp");
        one_of(
            "type",
            kind.clone(),
            &|v| v.parse::<ResourceType>().is_ok(),
            "vm, disk, network, subnet, public_ip, bucket",
        );
        one_of(
            "state",
            state.clone(),
            &|v| v.parse::<ResourceState>().is_ok(),
            "pending, running, stopping, stopped, available, in_use, terminated, error, unknown",
        );
        let credential = match present(&params.credential) {
            Some(raw) => match raw.parse::<CredentialId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.0.push(FieldError::new(
                        "credential",
                        "invalid_value",
                        "credential is a credential id (cred_...)",
                    ));
                    None
                }
            },
            None => None,
        };
        let tag = present(&params.tag).map(|t| match t.split_once('=') {
            Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
            None => (t, String::new()),
        });
        let (sort, descending) = match present(&params.sort).as_deref() {
            None | Some("type") => (InventorySort::Type, false),
            Some("-type") => (InventorySort::Type, true),
            Some("name") => (InventorySort::Name, false),
            Some("-name") => (InventorySort::Name, true),
            Some(_) => {
                errors.0.push(FieldError::new("sort", "invalid_value", "sort is one of type, -type, name, -name"));
                (InventorySort::Type, false)
            }
        };
        let include_deleted = match present(&params.include_deleted).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.0.push(FieldError::new("include_deleted", "invalid_value", "include_deleted is true or false"));
                false
            }
        };
        let limit = match present(&params.limit) {
            None => crate::page::PageRequest::DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=crate::page::PageRequest::MAX_LIMIT).contains(&n) => n,
                _ => {
                    errors.0.push(FieldError::new("limit", "out_of_range", "limit is between 1 and 100"));
                    1
                }
            },
        };
        let after = match present(&params.cursor) {
            None => None,
            Some(raw) => match decode_inventory_cursor(&raw) {
                Some(cursor) => Some(cursor),
                None => {
                    errors.0.push(FieldError::new(
                        "cursor",
                        "invalid_cursor",
                        "cursor is not one this list returned; start again without it",
                    ));
                    None
                }
            },
        };
        errors.finish()?;
        Ok(Self {
            provider: provider.and_then(|p| p.parse().ok()),
            kind: kind.and_then(|k| k.parse().ok()),
            region: present(&params.region).map(|r| r.to_lowercase()),
            state: state.and_then(|s| s.parse().ok()),
            credential,
            tag,
            // deployment ids are tagged in lower case (GCP labels allow nothing else)
            deployment: present(&params.deployment).map(|d| d.to_lowercase()),
            text: present(&params.q).map(|q| q.to_lowercase()),
            include_deleted,
            sort,
            descending,
            limit,
            after,
        })
    }
}

pub fn encode_inventory_cursor(cursor: &InventoryCursor) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode_inventory_cursor(raw: &str) -> Option<InventoryCursor> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw).ok()?;
    let cursor: InventoryCursor = serde_json::from_slice(&bytes).ok()?;
    // only positions inside the inventory: the partition is always the caller's organisation
    (cursor.sk.starts_with("RES#") && cursor.sk.len() < 512 && cursor.index_sk.len() < 1024).then_some(cursor)
}
