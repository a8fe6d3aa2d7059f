//! Every failure the API answers with, rendered as `application/problem+json` with a stable
//! `code`. [`ApiError::parts`] is the one table from error to status and code.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use skyforge_app::AppError;
use skyforge_domain::{FieldError, ValidationErrors};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:skyforge:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable error code.
    pub code: &'static str,
    /// For validation failures: every rejected field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldErrorView>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorView {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// An error of the HTTP layer: the use case's, or one found before it ran.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    /// The body is not JSON at all.
    InvalidJson(String),
    /// A query parameter is malformed (`limit`, `cursor`, ...).
    InvalidQuery(ValidationErrors),
    UnsupportedMediaType,
    PayloadTooLarge,
    RouteNotFound,
    MethodNotAllowed,
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            // found by the store, but to the client it is one more bad query parameter
            AppError::ForeignCursor => Self::InvalidQuery(skyforge_domain::page::ForeignCursor.field_error().into()),
            error => Self::App(error),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::App(AppError::Validation(errors))
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::App(AppError::Validation(error.into()))
    }
}

impl ApiError {
    /// Status, code and title of each error: the table clients can rely on.
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use AppError as A;
        match self {
            ApiError::InvalidJson(_) => (StatusCode::BAD_REQUEST, "invalid_json", "Malformed JSON"),
            ApiError::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "invalid_query", "Invalid query parameter"),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Unsupported media type")
            }
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Request body too large"),
            ApiError::RouteNotFound => (StatusCode::NOT_FOUND, "route_not_found", "No such route"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed"),
            ApiError::App(error) => match error {
                A::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Invalid request"),
                // `From<AppError>` makes this an `InvalidQuery`; the arm keeps the match whole
                A::ForeignCursor => (StatusCode::BAD_REQUEST, "invalid_query", "Invalid query parameter"),
                A::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials", "Login failed"),
                A::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "Too many attempts"),
                A::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "Authentication required"),
                A::InvalidToken => (StatusCode::UNAUTHORIZED, "invalid_token", "Invalid token"),
                A::TokenExpired => (StatusCode::UNAUTHORIZED, "token_expired", "Token expired"),
                A::InvalidRefreshToken => (StatusCode::UNAUTHORIZED, "invalid_refresh_token", "Invalid refresh token"),
                A::RefreshTokenReused => (StatusCode::UNAUTHORIZED, "refresh_token_reused", "Refresh token reused"),
                A::InsufficientScope => (StatusCode::FORBIDDEN, "insufficient_scope", "Insufficient scope"),
                A::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
                A::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", "Not found"),
                A::UserNotFound => (StatusCode::NOT_FOUND, "user_not_found", "User not found"),
                A::EmailTaken => (StatusCode::CONFLICT, "email_taken", "Email already registered"),
                A::AlreadyMember => (StatusCode::CONFLICT, "already_member", "Already a member"),
                A::LastOwner => (StatusCode::CONFLICT, "last_owner", "Last owner"),
                A::ConcurrentChange => (StatusCode::CONFLICT, "concurrent_change", "Concurrent change"),
                A::InvalidRunState(_) => (StatusCode::CONFLICT, "invalid_run_state", "Run state does not allow this"),
                A::DeploymentConflict(conflict) => {
                    (StatusCode::CONFLICT, conflict.code(), "Deployment state does not allow this")
                }
                A::CredentialRejected(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "credential_invalid", "Credential refused by the provider")
                }
                A::AccountMismatch { .. } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "account_mismatch", "Different account")
                }
                A::InvalidRange(_) => (StatusCode::BAD_REQUEST, "invalid_range", "Invalid date range"),
                A::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", "Service unavailable"),
                A::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "Internal error"),
            },
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::InvalidJson(reason) => format!("the request body is not valid JSON: {reason}"),
            ApiError::InvalidQuery(_) => "a query parameter is invalid; see errors".into(),
            ApiError::UnsupportedMediaType => "send the body as JSON with Content-Type: application/json".into(),
            ApiError::PayloadTooLarge => "the request body is larger than 1 MiB".into(),
            ApiError::RouteNotFound => "no route matches this path; see /v1/openapi.json".into(),
            ApiError::MethodNotAllowed => "this path does not take this method; see /v1/openapi.json".into(),
            // never echo the cause of a 5xx: it may name tables, hosts or keys
            ApiError::App(AppError::Unavailable(_)) => "a backing service did not answer; retry shortly".into(),
            ApiError::App(AppError::Internal(_)) => "internal error".into(),
            ApiError::App(error) => error.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = self.parts();
        if status.is_server_error()
            && let ApiError::App(AppError::Unavailable(source) | AppError::Internal(source)) = &self
        {
            tracing::error!(code, error = %source, cause = ?source, "request failed");
        }
        let errors = match &self {
            ApiError::App(AppError::Validation(errors)) | ApiError::InvalidQuery(errors) => Some(
                errors
                    .0
                    .iter()
                    .map(|e| FieldErrorView { field: e.field.clone(), code: e.code, message: e.message.clone() })
                    .collect(),
            ),
            _ => None,
        };
        let problem = Problem {
            kind: format!("urn:skyforge:problem:{code}"),
            title,
            status: status.as_u16(),
            detail: self.detail(),
            code,
            errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response =
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response();
        match &self {
            ApiError::App(AppError::TooManyAttempts { retry_after_secs }) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            // a backing service did not answer (or not in time): worth retrying shortly
            ApiError::App(AppError::Unavailable(_)) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            }
            ApiError::App(AppError::Unauthenticated | AppError::InvalidToken | AppError::TokenExpired) => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_reveal_nothing() {
        let error = ApiError::App(AppError::internal("table skyforge-prod at 10.0.0.1 exploded"));
        assert_eq!(error.parts().0, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.detail(), "internal error");
    }

    #[test]
    fn every_code_is_unique() {
        use skyforge_domain::deployments::DeploymentConflict;
        let errors = [
            ApiError::InvalidJson(String::new()),
            ApiError::InvalidQuery(ValidationErrors::default()),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge,
            ApiError::RouteNotFound,
            ApiError::MethodNotAllowed,
            ApiError::App(AppError::Validation(ValidationErrors::default())),
            ApiError::App(AppError::InvalidCredentials),
            ApiError::App(AppError::TooManyAttempts { retry_after_secs: 1 }),
            ApiError::App(AppError::Unauthenticated),
            ApiError::App(AppError::InvalidToken),
            ApiError::App(AppError::TokenExpired),
            ApiError::App(AppError::InvalidRefreshToken),
            ApiError::App(AppError::RefreshTokenReused),
            ApiError::App(AppError::InsufficientScope),
            ApiError::App(AppError::Forbidden(String::new())),
            ApiError::App(AppError::NotFound("x")),
            ApiError::App(AppError::UserNotFound),
            ApiError::App(AppError::EmailTaken),
            ApiError::App(AppError::AlreadyMember),
            ApiError::App(AppError::LastOwner),
            ApiError::App(AppError::ConcurrentChange),
            ApiError::App(AppError::CredentialRejected(String::new())),
            ApiError::App(AppError::AccountMismatch { expected: String::new(), found: String::new() }),
            ApiError::App(AppError::InvalidRange(String::new())),
            // RunActive answers invalid_run_state, as a run in the wrong state does
            ApiError::App(AppError::DeploymentConflict(DeploymentConflict::HasResources)),
            ApiError::App(AppError::Unavailable("x".into())),
            ApiError::App(AppError::Internal("x".into())),
        ];
        let mut codes: Vec<_> = errors.iter().map(|e| e.parts().1).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
