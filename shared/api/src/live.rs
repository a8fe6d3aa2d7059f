//! The live-log protocol, once for both transports: the `ws` function (API Gateway WebSocket
//! API, one Lambda call per frame) and the local runtime's WebSocket endpoint (one task per
//! socket). A [`LiveSession`] turns one client frame into a reply and a change of the
//! connection's subscriptions; each transport only carries frames and keeps subscriptions
//! where it keeps them (the store on AWS, the socket's task locally).

use skyforge_app::deployments::DeploymentService;
use skyforge_app::{AppError, Principal, Services};
use skyforge_domain::deployments::{ClientMessage, LiveMessage, Run};
use skyforge_domain::ids::RunId;

/// What one client frame does to the connection.
#[derive(Debug)]
pub enum SubscriptionChange {
    /// Start sending this run's messages (the user may see it).
    Subscribe(Run),
    /// Stop sending this run's messages.
    Unsubscribe(RunId),
}

/// The answer to one client frame: what to send back, and how the subscriptions change.
#[derive(Debug)]
pub struct Handled {
    pub reply: Option<LiveMessage>,
    pub change: Option<SubscriptionChange>,
}

/// The protocol's rules for one authenticated user's connection.
pub struct LiveSession<'a> {
    pub services: &'a Services,
    pub deployments: &'a DeploymentService,
    pub principal: &'a Principal,
}

impl LiveSession<'_> {
    /// `subscribe` answers `subscribed` with the run's status, or the API's error code;
    /// `unsubscribe` answers nothing (a run id that does not parse changes nothing); anything
    /// else is `invalid_message`. A store outage answers `service_unavailable`: it is never
    /// taken for a refusal.
    pub async fn handle(&self, frame: &str) -> Handled {
        match serde_json::from_str::<ClientMessage>(frame) {
            Ok(ClientMessage::Subscribe { run_id }) => match self.authorize(&run_id).await {
                Ok(run) => Handled {
                    reply: Some(LiveMessage::Subscribed { run_id: run.id, status: run.status }),
                    change: Some(SubscriptionChange::Subscribe(run)),
                },
                Err(error) => Handled { reply: Some(refusal(&error)), change: None },
            },
            Ok(ClientMessage::Unsubscribe { run_id }) => {
                Handled { reply: None, change: run_id.parse().ok().map(SubscriptionChange::Unsubscribe) }
            }
            Err(_) => Handled { reply: Some(invalid_message()), change: None },
        }
    }

    /// The run, if the user is a member of its organisation; anyone else gets `NotFound`,
    /// exactly as the HTTP API answers, so a subscription cannot probe for other tenants' runs.
    async fn authorize(&self, run_id: &str) -> Result<Run, AppError> {
        let org = self.deployments.run_org(run_id).await?;
        let access = match self.services.orgs.access(self.principal, &org.to_string()).await {
            Ok(access) => access,
            Err(error @ (AppError::Unavailable(_) | AppError::Internal(_))) => return Err(error),
            Err(_) => return Err(AppError::NotFound("run")),
        };
        self.deployments.run_of_org(&access, run_id).await
    }
}

/// The reply to a frame that is not a client message.
pub fn invalid_message() -> LiveMessage {
    LiveMessage::Error {
        code: "invalid_message".into(),
        message: "send {\"action\":\"subscribe\",\"run_id\":\"run_...\"} or {\"action\":\"unsubscribe\",...}".into(),
    }
}

/// The message a refused request gets, with the API's stable error code; an outage says only
/// that the service is unavailable.
pub fn refusal(error: &AppError) -> LiveMessage {
    let (code, message) = match error {
        AppError::Unavailable(_) => ("service_unavailable", "the service is unavailable; try again shortly".to_owned()),
        AppError::Internal(_) => ("internal_error", "internal error".to_owned()),
        other => (crate::error::ApiError::App(clone_kind(other)).parts().1, other.to_string()),
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

/// Whether authenticating a connection failed because the platform is down (answer 503, let
/// the client retry) rather than because the token is bad (answer 401).
pub fn is_outage(error: &AppError) -> bool {
    matches!(error, AppError::Unavailable(_) | AppError::Internal(_))
}
