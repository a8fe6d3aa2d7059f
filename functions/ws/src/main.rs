//! ws: the API Gateway WebSocket API. `$connect` authenticates the `token` query parameter (a
//! refused connect never opens), `$disconnect` forgets the connection, and a
//! `{"action":"subscribe","run_id":...}` message subscribes to a run the user may see.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::{Value, json};
use skyforge_app::config::{Config, DeploymentConfig, Env};
use skyforge_app::deployment_ports::Connections;
use skyforge_aws::provisioning::events::{SocketEvent, socket_event};
use skyforge_domain::deployments::{ClientMessage, LiveMessage};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let mut env = Env::process();
    let (config, deployment) = (Config::read(&mut env), DeploymentConfig::read(&mut env));
    env.finish()?;
    let sdk = skyforge_aws::sdk_config().await;
    let services = &skyforge_aws::services(&sdk, &config).await?;
    let deployments = &skyforge_aws::aws_deployment_service(&sdk, &config, &deployment, services);
    let store = skyforge_aws::app_store(&sdk, &config);
    let connections: &dyn Connections = store.as_ref();
    let hub = &skyforge_aws::provisioning::ApiGatewayHub::new(&sdk, &deployment.ws_endpoint, store.clone());
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        let status = match socket_event(&event.payload) {
            None => 400,
            Some(SocketEvent::Connect { connection, token }) => {
                let principal = match token {
                    Some(token) => services.auth.authenticate(&token).await.ok(),
                    None => None,
                };
                match principal {
                    Some(principal) => {
                        connections.connect(&connection, principal.user_id, chrono_now()).await?;
                        200
                    }
                    None => 401,
                }
            }
            Some(SocketEvent::Disconnect { connection }) => {
                connections.disconnect(&connection).await?;
                200
            }
            Some(SocketEvent::Message { connection, body }) => {
                let reply = subscribe(services, deployments, connections, &connection, &body).await?;
                hub.post(&connection, &serde_json::to_vec(&reply)?).await?;
                200
            }
        };
        Ok::<_, lambda_runtime::Error>(json!({"statusCode": status}))
    }))
    .await
}

async fn subscribe(
    services: &skyforge_app::Services,
    deployments: &skyforge_app::deployments::DeploymentService,
    connections: &dyn Connections,
    connection: &str,
    body: &str,
) -> Result<LiveMessage, lambda_runtime::Error> {
    let Some(user) = connections.user(connection).await? else {
        return Ok(LiveMessage::Error { code: "unauthenticated".into(), message: "reconnect with a token".into() });
    };
    let Ok(ClientMessage::Subscribe { run_id }) = serde_json::from_str::<ClientMessage>(body) else {
        return Ok(LiveMessage::Error {
            code: "invalid_message".into(),
            message: "send {\"action\":\"subscribe\",\"run_id\":\"run_...\"}".into(),
        });
    };
    let principal = skyforge_app::Principal {
        user_id: user,
        email: String::new(),
        credential: skyforge_app::principal::Credential::Session,
    };
    Ok(match skyforge_api::live::authorize_subscription(services, deployments, &principal, &run_id).await {
        Ok(run) => {
            connections.subscribe(connection, run.org_id, run.id, chrono_now()).await?;
            LiveMessage::Subscribed { run_id: run.id, status: run.status }
        }
        Err(error) => skyforge_api::live::refusal(&error),
    })
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
