//! The live-log protocol's rules, shared by the `ws` function (API Gateway WebSocket API) and
//! the local runtime's WebSocket endpoint: who may subscribe to a run, and how a refusal reads.

use skyforge_app::deployments::DeploymentService;
use skyforge_app::{AppError, Principal, Services};
use skyforge_domain::deployments::{LiveMessage, Run};

/// The run, if the user is a member of its organisation; anyone else gets `NotFound`, exactly
/// as the HTTP API answers, so a subscription cannot probe for other tenants' runs.
pub async fn authorize_subscription(
    services: &Services,
    deployments: &DeploymentService,
    principal: &Principal,
    run_id: &str,
) -> Result<Run, AppError> {
    let org = deployments.run_org(run_id).await?;
    let access = services.orgs.access(principal, &org.to_string()).await.map_err(|_| AppError::NotFound("run"))?;
    deployments.run_of_org(&access, run_id).await
}

/// The message a refused request gets, with the API's stable error code.
pub fn refusal(error: &AppError) -> LiveMessage {
    let (_, code, _) = crate::error::ApiError::App(clone_kind(error)).parts();
    let message = match error {
        AppError::Unavailable(_) | AppError::Internal(_) => "internal error".to_owned(),
        other => other.to_string(),
    };
    LiveMessage::Error { code: code.to_owned(), message }
}

/// The error's kind without its source (the code table needs only the variant).
fn clone_kind(error: &AppError) -> AppError {
    match error {
        AppError::NotFound(what) => AppError::NotFound(what),
        AppError::Forbidden(m) => AppError::Forbidden(m.clone()),
        AppError::Unauthenticated => AppError::Unauthenticated,
        AppError::InvalidToken => AppError::InvalidToken,
        AppError::TokenExpired => AppError::TokenExpired,
        _ => AppError::Internal("refused".into()),
    }
}
