//! Access tokens, kept until shortly before they expire so a sync of many subscriptions or
//! projects signs in once.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A bearer token. Its `Debug` never shows it.
#[derive(Clone)]
pub struct BearerToken {
    secret: String,
    pub expires_at: Instant,
}

impl BearerToken {
    pub fn new(secret: impl Into<String>, lifetime: Duration) -> Self {
        Self { secret: secret.into(), expires_at: Instant::now() + lifetime }
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerToken").field("secret", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// Tokens by identity. The key is a digest over everything that signs in (including the
/// secret, so a rotated secret never reuses the old one's token); no secret is kept here.
#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<String, BearerToken>>);

/// A token this close to expiry is fetched again rather than handed out.
const MARGIN: Duration = Duration::from_secs(300);

impl TokenCache {
    pub fn key(parts: &[&str]) -> String {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    }

    pub fn get(&self, key: &str) -> Option<BearerToken> {
        let cache = self.0.lock().expect("token cache poisoned");
        cache.get(key).filter(|t| t.expires_at > Instant::now() + MARGIN).cloned()
    }

    pub fn put(&self, key: String, token: BearerToken) {
        let mut cache = self.0.lock().expect("token cache poisoned");
        let now = Instant::now();
        cache.retain(|_, t| t.expires_at > now);
        cache.insert(key, token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_near_expiry_is_not_handed_out_and_debug_hides_it() {
        let cache = TokenCache::default();
        let key = TokenCache::key(&["tenant", "client", "secret"]);
        cache.put(key.clone(), BearerToken::new("fresh", Duration::from_secs(3600)));
        assert_eq!(cache.get(&key).unwrap().secret(), "fresh");
        cache.put(key.clone(), BearerToken::new("stale", Duration::from_secs(60)));
        assert!(cache.get(&key).is_none());
        assert!(!format!("{:?}", BearerToken::new("hidden", Duration::ZERO)).contains("hidden"));
        assert_ne!(key, TokenCache::key(&["tenant", "client", "rotated"]));
    }
}
