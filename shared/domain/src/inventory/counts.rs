//! Counts of resources by provider, type and state, as the dashboard shows them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::provider::Provider;

/// Counts of resources by provider, type and state: what the dashboard shows.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCounts(pub BTreeMap<String, u64>);

impl ResourceCounts {
    /// Counts the live (not deleted) resources.
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> Self {
        let mut counts = BTreeMap::new();
        for r in resources {
            *counts.entry(Self::key(r.provider, r.kind, r.state)).or_insert(0) += 1;
        }
        Self(counts)
    }

    pub fn key(provider: Provider, kind: ResourceType, state: ResourceState) -> String {
        format!("{}/{}/{}", provider.as_str(), kind.as_str(), state.as_str())
    }

    /// Adds another set of counts into this one.
    pub fn add(&mut self, other: &ResourceCounts) {
        for (key, n) in &other.0 {
            *self.0.entry(key.clone()).or_insert(0) += n;
        }
    }

    /// Sums over the entries whose (provider, type, state) match the filters.
    pub fn total(&self, provider: Option<Provider>, kind: Option<ResourceType>, state: Option<ResourceState>) -> u64 {
        self.0
            .iter()
            .filter(|(key, _)| {
                let mut parts = key.split('/');
                let (p, k, s) = (parts.next(), parts.next(), parts.next());
                provider.is_none_or(|x| Some(x.as_str()) == p)
                    && kind.is_none_or(|x| Some(x.as_str()) == k)
                    && state.is_none_or(|x| Some(x.as_str()) == s)
            })
            .map(|(_, n)| n)
            .sum()
    }
}
