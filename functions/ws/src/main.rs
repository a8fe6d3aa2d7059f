//! ws: the API Gateway WebSocket API. `$connect` authenticates the `token` query parameter (a
//! refused connect never opens; a store outage answers 503, not 401), `$disconnect` forgets the
//! connection, and every frame goes through the one live-log protocol
//! ([`skyforge_api::live::LiveSession`]) that the local runtime speaks too; subscriptions are
//! kept in the store.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::{Value, json};
use skyforge_api::live::{LiveSession, SubscriptionChange};
use skyforge_app::config::{Config, DeploymentConfig, Env};
use skyforge_app::deployment_ports::{ConnectionUser, Connections};
use skyforge_aws::provisioning::events::{SocketEvent, socket_event};
use skyforge_domain::deployments::LiveMessage;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, deployment) = (Config::read(&mut env), DeploymentConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_wiring::sdk_config().await;
    let services = &skyforge_wiring::services(&sdk, &config).await?;
    let deployments = &skyforge_wiring::provisioning::aws_deployment_service(&sdk, &config.table_name, &deployment);
    let store = skyforge_wiring::store(&sdk, &config.table_name);
    let connections: &dyn Connections = store.as_ref();
    let hub = &skyforge_aws::provisioning::ApiGatewayHub::new(&sdk, &deployment.ws_endpoint, store.clone());
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        let status = match socket_event(&event.payload) {
            None => 400,
            Some(SocketEvent::Connect { connection, token }) => {
                let Some(token) = token.filter(|t| !t.is_empty()) else { return Ok(json!({"statusCode": 401})) };
                match services.auth.authenticate(&token).await {
                    Ok(principal) => {
                        let user = ConnectionUser { user_id: principal.user_id, email: principal.email };
                        connections.connect(&connection, &user, chrono::Utc::now()).await?;
                        200
                    }
                    Err(error) if skyforge_api::live::is_outage(&error) => 503,
                    Err(_) => 401,
                }
            }
            Some(SocketEvent::Disconnect { connection }) => {
                connections.disconnect(&connection).await?;
                200
            }
            Some(SocketEvent::Message { connection, body }) => {
                let reply = match connections.user(&connection).await {
                    Ok(Some(user)) => {
                        let principal = skyforge_app::Principal {
                            user_id: user.user_id,
                            email: user.email,
                            credential: skyforge_app::principal::Credential::Session,
                        };
                        let session = LiveSession { services, deployments, principal: &principal };
                        let handled = session.handle(&body).await;
                        match handled.change {
                            Some(SubscriptionChange::Subscribe(run)) => {
                                connections.subscribe(&connection, run.org_id, run.id, chrono::Utc::now()).await?
                            }
                            Some(SubscriptionChange::Unsubscribe(run)) => {
                                connections.unsubscribe(&connection, run).await?
                            }
                            None => {}
                        }
                        handled.reply
                    }
                    Ok(None) => Some(LiveMessage::Error {
                        code: "unauthenticated".into(),
                        message: "reconnect with a token".into(),
                    }),
                    Err(error) => Some(skyforge_api::live::refusal(&error.into())),
                };
                if let Some(reply) = reply {
                    hub.post(&connection, &serde_json::to_vec(&reply)?).await?;
                }
                200
            }
        };
        Ok::<_, lambda_runtime::Error>(json!({"statusCode": status}))
    }))
    .await
}
