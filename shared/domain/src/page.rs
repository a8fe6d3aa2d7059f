//! Cursor pagination shared by every list: `{"items": [...], "next_cursor": "..."}`.
//!
//! A [`Cursor`] is opaque to everyone but the code that made it: the store puts the position
//! it stopped at inside, sealed to the list it came from (the partition and the kind of item),
//! and refuses it for any other list, organisation or user. Handlers only pass it through.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::FieldError;

/// A position in a list, as the client holds it between two pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

/// The cursor was not made by this list (another list, organisation or user, or edited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cursor is not one this list returned; start again without it")]
pub struct ForeignCursor;

impl ForeignCursor {
    pub fn field_error(self) -> FieldError {
        FieldError::new("cursor", "invalid_cursor", self.to_string())
    }
}

impl Cursor {
    /// The longest cursor accepted from a client: positions are a few keys long.
    const MAX_LEN: usize = 2048;
    /// Bytes of the list's fingerprint kept in a cursor: enough to tell lists apart.
    const SCOPE_LEN: usize = 8;

    /// Takes a cursor as the client sent it; only its shape is checked here, its list by [`Self::open`].
    pub fn from_client(raw: &str) -> Result<Self, FieldError> {
        let shaped =
            raw.len() <= Self::MAX_LEN && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if shaped { Ok(Self(raw.to_owned())) } else { Err(ForeignCursor.field_error()) }
    }

    /// Seals `position` to the list named by `scope` (for the store: partition and key prefix).
    pub fn seal(scope: &str, position: &str) -> Self {
        let mut bytes = fingerprint(scope).to_vec();
        bytes.extend_from_slice(position.as_bytes());
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The position inside, if this cursor was sealed to `scope`.
    pub fn open(&self, scope: &str) -> Result<String, ForeignCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(&self.0).map_err(|_| ForeignCursor)?;
        let (seal, position) = bytes.split_at_checked(Self::SCOPE_LEN).ok_or(ForeignCursor)?;
        if seal != fingerprint(scope) || position.is_empty() {
            return Err(ForeignCursor);
        }
        String::from_utf8(position.to_vec()).map_err(|_| ForeignCursor)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fingerprint(scope: &str) -> [u8; Cursor::SCOPE_LEN] {
    let digest = Sha256::digest(scope.as_bytes());
    let mut out = [0; Cursor::SCOPE_LEN];
    out.copy_from_slice(&digest[..Cursor::SCOPE_LEN]);
    out
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    /// Where the previous page stopped; the store checks it belongs to the list it reads.
    pub cursor: Option<Cursor>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: usize = 50;
    pub const MAX_LIMIT: usize = 100;

    /// Parses `limit` and `cursor` as a client sent them.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, FieldError> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(n) if (1..=Self::MAX_LIMIT as i64).contains(&n) => n as usize,
            Some(_) => return Err(FieldError::new("limit", "out_of_range", "limit is between 1 and 100")),
        };
        let cursor = match cursor {
            None | Some("") => None,
            Some(raw) => Some(Cursor::from_client(raw)?),
        };
        Ok(Self { limit, cursor })
    }

    pub fn first(limit: usize) -> Self {
        Self { limit, cursor: None }
    }

    /// The position to continue after in the list `scope`, or the refusal the client sees.
    pub fn after(&self, scope: &str) -> Result<Option<String>, ForeignCursor> {
        self.cursor.as_ref().map(|cursor| cursor.open(scope)).transpose()
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
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
        assert_eq!(PageRequest::parse(None, None).unwrap().limit, 50);
        assert_eq!(PageRequest::parse(Some(100), None).unwrap().limit, 100);
        for bad in [0, -1, 101] {
            assert_eq!(PageRequest::parse(Some(bad), None).unwrap_err().code, "out_of_range");
        }
    }

    #[test]
    fn a_cursor_opens_only_in_the_list_it_was_sealed_to() {
        let cursor = Cursor::seal("ORG#org_1|MEMBER#", "MEMBER#usr_1");
        let page = PageRequest::parse(None, Some(cursor.as_str())).unwrap();
        assert_eq!(page.after("ORG#org_1|MEMBER#").unwrap().as_deref(), Some("MEMBER#usr_1"));
        assert_eq!(page.after("ORG#org_2|MEMBER#"), Err(ForeignCursor), "another organisation");
        assert_eq!(page.after("ORG#org_1|TOKEN#"), Err(ForeignCursor), "another list");
    }

    #[test]
    fn malformed_or_edited_cursors_are_refused_on_the_cursor_field() {
        assert_eq!(PageRequest::parse(None, Some("%%%")).unwrap_err().field, "cursor");
        assert_eq!(PageRequest::parse(None, Some(&"a".repeat(3000))).unwrap_err().code, "invalid_cursor");
        for edited in ["AAAA", "not-base64-at-all_", ""] {
            let page = PageRequest::parse(None, Some(edited)).unwrap();
            assert!(page.cursor.is_none() || page.after("S").is_err(), "{edited}");
        }
        // a sealed cursor with nothing after the seal is no position
        let empty = Cursor(URL_SAFE_NO_PAD.encode(fingerprint("S")));
        assert_eq!(empty.open("S"), Err(ForeignCursor));
    }
}
