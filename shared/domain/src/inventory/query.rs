//! Inventory queries: filters, order and pages. The API reads them from query strings
//! (`skyforge_api::params`); other callers build them directly.

use super::*;
use crate::ids::CredentialId;
use crate::page::{Cursor, PageRequest};
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
    /// Where the previous page stopped; only the store reads it.
    pub cursor: Option<Cursor>,
}

impl Default for InventoryQuery {
    /// Everything not deleted, by type then name, the first page.
    fn default() -> Self {
        Self {
            provider: None,
            kind: None,
            region: None,
            state: None,
            credential: None,
            tag: None,
            deployment: None,
            text: None,
            include_deleted: false,
            sort: InventorySort::Type,
            descending: false,
            limit: PageRequest::DEFAULT_LIMIT,
            cursor: None,
        }
    }
}
