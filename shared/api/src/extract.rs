//! Extractors that turn a request into checked input before a handler runs: JSON bodies with
//! field-level errors, the authenticated caller, organisation membership, pagination, and the
//! client's address.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use serde::de::DeserializeOwned;
use skyforge_app::orgs::OrgAccess;
use skyforge_app::{AppError, Caller, Principal, Services};
use skyforge_domain::FieldError;

use crate::error::ApiError;

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body. Unknown fields, missing fields and wrong types become a 422 naming the field;
/// bytes that are not JSON a 400; another content type a 415; more than 1 MiB a 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::InvalidJson("the body could not be read".into())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON document, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => field_error(&path, &inner.to_string()).into(),
            _ => syntax_error(&inner),
        }
    })?;
    deserializer.end().map_err(|error| syntax_error(&error))?;
    Ok(value)
}

fn syntax_error(error: &serde_json::Error) -> ApiError {
    ApiError::InvalidJson(format!("line {} column {}", error.line(), error.column()))
}

/// Rewrites serde's message into a field error that never echoes the submitted value
/// (which could be a password).
fn field_error(path: &str, message: &str) -> FieldError {
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let field_or_body = if path == "." || path.is_empty() { "body".to_owned() } else { path.to_owned() };
    if message.starts_with("missing field") {
        let name = quoted(message).unwrap_or_default();
        FieldError::new(join(&name), "required", format!("{name} is required"))
    } else if message.starts_with("unknown field") {
        // the path already ends with the unknown field's name
        let name = quoted(message).unwrap_or_default();
        FieldError::new(field_or_body.clone(), "unknown_field", format!("{name} is not a field of this request"))
    } else if let Some(expected) = message.split(", expected ").nth(1) {
        let expected = expected.split(" at line ").next().unwrap_or(expected);
        FieldError::new(field_or_body.clone(), "invalid_type", format!("{field_or_body} must be {expected}"))
    } else {
        FieldError::new(field_or_body.clone(), "invalid_value", format!("{field_or_body} has an invalid value"))
    }
}

/// The client's address, put on the request by the runtime that received it (API Gateway's
/// source IP in Lambda, the socket's peer locally).
#[derive(Debug, Clone, Default)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().cloned().unwrap_or_default())
    }
}

/// Who calls, for the audit trail of an unauthenticated request.
pub struct Anonymous(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Anonymous {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(Anonymous(Caller::anonymous(ip)))
    }
}

/// An authenticated caller. A read-scoped API token is refused (403) on any request that is not
/// a safe method, so no write endpoint can forget the check.
pub struct Auth {
    pub principal: Principal,
    pub caller: Caller,
}

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let header = parts.headers.get(header::AUTHORIZATION).ok_or(AppError::Unauthenticated)?;
        let value = header.to_str().map_err(|_| AppError::InvalidToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::InvalidToken)?;
        let principal = services.auth.authenticate(token).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && !principal.may_write() {
            return Err(AppError::InsufficientScope.into());
        }
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await.unwrap_or_default();
        Ok(Auth { caller: Caller::of(&principal, ip), principal })
    }
}

/// An authenticated member of the organisation named by the `{org}` path segment. Anyone else,
/// and any id that is not an organisation, gets 404: nothing tells an outsider it exists.
pub struct OrgMember {
    pub auth: Auth,
    pub access: OrgAccess,
}

impl<S> FromRequestParts<S> for OrgMember
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        let params =
            RawPathParams::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound("organisation"))?;
        let org = params
            .iter()
            .find(|(name, _)| *name == "org")
            .map(|(_, value)| value.to_owned())
            .ok_or(AppError::NotFound("organisation"))?;
        let access = Services::from_ref(state).orgs.access(&auth.principal, &org).await?;
        Ok(OrgMember { auth, access })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Signup {
        email: String,
        password: String,
    }

    fn field_of(body: &str) -> (String, &'static str) {
        match parse_json::<Signup>(body.as_bytes()) {
            Err(ApiError::App(AppError::Validation(errors))) => (errors.0[0].field.clone(), errors.0[0].code),
            other => panic!("expected a validation error, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn missing_unknown_and_mistyped_fields_are_named() {
        assert_eq!(field_of(r#"{"email":"a@b.io"}"#), ("password".into(), "required"));
        assert_eq!(field_of(r#"{"email":"a@b.io","password":"x","admin":true}"#), ("admin".into(), "unknown_field"));
        assert_eq!(field_of(r#"{"email":"a@b.io","password":123456789012}"#), ("password".into(), "invalid_type"));
        assert_eq!(field_of(r#"[1,2]"#).1, "invalid_type");
    }

    #[test]
    fn wrong_type_message_does_not_echo_the_value() {
        let Err(ApiError::App(AppError::Validation(errors))) =
            parse_json::<Signup>(br#"{"email":"a@b.io","password":987654321}"#)
        else {
            panic!("expected validation error");
        };
        assert!(!errors.0[0].message.contains("987654321"), "{}", errors.0[0].message);
    }

    #[test]
    fn broken_json_and_trailing_garbage_are_400() {
        assert!(matches!(parse_json::<Signup>(b"{\"email\":"), Err(ApiError::InvalidJson(_))));
        assert!(matches!(parse_json::<Signup>(br#"{"email":"a","password":"b"} x"#), Err(ApiError::InvalidJson(_))));
        assert!(matches!(parse_json::<Signup>(b""), Err(ApiError::InvalidJson(_))));
    }
}
