//! Cursor pagination shared by every list: `{"items": [...], "next_cursor": "..."}`.
//!
//! A cursor is the base64url of the last item's sort key. It carries no partition key, so a
//! client can never steer a query into another tenant's partition: the store rebuilds the
//! partition from the authenticated request and only takes the position from the cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::error::FieldError;

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    /// The sort key to continue after, already checked to belong to this list.
    pub after: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: usize = 50;
    pub const MAX_LIMIT: usize = 100;

    /// Parses `limit` and `cursor`; `sort_key_prefix` is what every sort key of this list starts with.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>, sort_key_prefix: &str) -> Result<Self, FieldError> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(n) if (1..=Self::MAX_LIMIT as i64).contains(&n) => n as usize,
            Some(_) => return Err(FieldError::new("limit", "out_of_range", "limit is between 1 and 100")),
        };
        let after = match cursor {
            None | Some("") => None,
            Some(cursor) => Some(decode_cursor(cursor, sort_key_prefix)?),
        };
        Ok(Self { limit, after })
    }

    pub fn first(limit: usize) -> Self {
        Self { limit, after: None }
    }
}

fn decode_cursor(cursor: &str, prefix: &str) -> Result<String, FieldError> {
    let invalid =
        || FieldError::new("cursor", "invalid_cursor", "cursor is not one this list returned; start again without it");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let key = String::from_utf8(bytes).map_err(|_| invalid())?;
    if key.starts_with(prefix) && key.len() > prefix.len() { Ok(key) } else { Err(invalid()) }
}

pub fn encode_cursor(sort_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(sort_key)
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds_of_limit() {
        assert_eq!(PageRequest::parse(None, None, "X#").unwrap().limit, 50);
        assert_eq!(PageRequest::parse(Some(100), None, "X#").unwrap().limit, 100);
        for bad in [0, -1, 101] {
            assert_eq!(PageRequest::parse(Some(bad), None, "X#").unwrap_err().code, "out_of_range");
        }
    }

    #[test]
    fn cursor_round_trips_and_foreign_cursors_are_refused() {
        let cursor = encode_cursor("MEMBER#usr_1");
        assert_eq!(PageRequest::parse(None, Some(&cursor), "MEMBER#").unwrap().after.as_deref(), Some("MEMBER#usr_1"));
        let foreign = encode_cursor("TOKEN#tok_1");
        assert_eq!(PageRequest::parse(None, Some(&foreign), "MEMBER#").unwrap_err().code, "invalid_cursor");
        assert_eq!(PageRequest::parse(None, Some("%%%"), "MEMBER#").unwrap_err().code, "invalid_cursor");
        assert_eq!(PageRequest::parse(None, Some(&encode_cursor("MEMBER#")), "MEMBER#").unwrap_err().field, "cursor");
    }
}
