//! Access tokens: HS256 JWTs signed with a key from Secrets Manager. Verification pins the
//! algorithm, issuer and audience and requires `exp`, so `alg: none`, another algorithm, a
//! foreign issuer or audience and an expired token are all refused.

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use skyforge_domain::auth::ACCESS_TOKEN_TTL;
use skyforge_domain::ids::{SessionId, UserId};

use crate::error::AppError;

pub const ISSUER: &str = "skyforge";
pub const AUDIENCE: &str = "skyforge-api";
/// Signing keys shorter than this are refused at start-up.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub email: String,
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

#[derive(Debug, thiserror::Error)]
#[error("the JWT signing key must have at least {MIN_KEY_BYTES} bytes")]
pub struct WeakKey;

impl JwtCodec {
    pub fn new(key: &[u8]) -> Result<Self, WeakKey> {
        if key.len() < MIN_KEY_BYTES {
            return Err(WeakKey);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        Ok(Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key), validation })
    }

    /// Issues an access token; returns it with its lifetime in seconds.
    pub fn issue(
        &self,
        user: UserId,
        email: &str,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<(String, i64), AppError> {
        let claims = Claims {
            sub: user.to_string(),
            email: email.to_owned(),
            sid: session.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            exp: (now + ACCESS_TOKEN_TTL).timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)?;
        Ok((token, ACCESS_TOKEN_TTL.num_seconds()))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|err| {
            match err.kind() {
                ErrorKind::ExpiredSignature => AppError::TokenExpired,
                _ => AppError::InvalidToken,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_token_verifies() {
        let codec = JwtCodec::new(KEY).unwrap();
        let user = UserId::new();
        let (token, ttl) = codec.issue(user, "a@b.io", SessionId::new(), Utc::now()).unwrap();
        assert_eq!(ttl, 900);
        assert_eq!(codec.verify(&token).unwrap().sub, user.to_string());
    }

    #[test]
    fn expired_wrong_key_and_alg_none_are_refused() {
        let codec = JwtCodec::new(KEY).unwrap();
        let old = Utc::now() - chrono::Duration::hours(1);
        let (expired, _) = codec.issue(UserId::new(), "a@b.io", SessionId::new(), old).unwrap();
        assert!(matches!(codec.verify(&expired), Err(AppError::TokenExpired)));

        let other = JwtCodec::new(b"another key that is long enough!!").unwrap();
        let (foreign, _) = other.issue(UserId::new(), "a@b.io", SessionId::new(), Utc::now()).unwrap();
        assert!(matches!(codec.verify(&foreign), Err(AppError::InvalidToken)));

        let (good, _) = codec.issue(UserId::new(), "a@b.io", SessionId::new(), Utc::now()).unwrap();
        let payload = good.split('.').nth(1).unwrap();
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(matches!(codec.verify(&format!("{header}.{payload}.")), Err(AppError::InvalidToken)));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(JwtCodec::new(b"short").is_err());
    }
}
