//! Live log fan-out on AWS: every message goes to each connection subscribed to the run with
//! `PostToConnection`; a connection API Gateway answers 410 Gone for is forgotten.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_smithy_types::error::display::DisplayErrorContext;
use futures::StreamExt;
use skyforge_app::deployment_ports::{Connections, LogHub};
use skyforge_app::error::BoxError;
use skyforge_domain::deployments::LiveMessage;
use skyforge_domain::ids::{OrgId, RunId};

/// Posts in flight at once per publish.
const POSTS_IN_FLIGHT: usize = 16;

pub struct ApiGatewayHub {
    client: Client,
    connections: Arc<dyn Connections>,
}

impl ApiGatewayHub {
    /// `endpoint`: the WebSocket API's management endpoint (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`).
    pub fn new(sdk: &aws_config::SdkConfig, endpoint: &str, connections: Arc<dyn Connections>) -> Self {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(sdk).endpoint_url(endpoint).build();
        Self { client: Client::from_conf(config), connections }
    }

    /// Posts one payload; `Ok(false)` when the connection is gone.
    pub async fn post(&self, connection: &str, payload: &[u8]) -> Result<bool, BoxError> {
        match self.client.post_to_connection().connection_id(connection).data(Blob::new(payload)).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_gone_exception()) => Ok(false),
            Err(e) => Err(DisplayErrorContext(e).to_string().into()),
        }
    }
}

#[async_trait]
impl LogHub for ApiGatewayHub {
    async fn publish(&self, _org: OrgId, run: RunId, messages: &[LiveMessage]) -> Result<(), BoxError> {
        let subscribers = self.connections.subscribers(run).await?;
        if subscribers.is_empty() {
            return Ok(());
        }
        let payloads: Vec<Vec<u8>> = messages.iter().map(serde_json::to_vec).collect::<Result<_, _>>()?;
        let payloads = &payloads;
        let results: Vec<(String, Result<bool, BoxError>)> =
            futures::stream::iter(subscribers.into_iter().map(|connection| async move {
                // in order per connection, so a client sees its lines in sequence
                for payload in payloads {
                    match self.post(&connection, payload).await {
                        Ok(true) => {}
                        other => return (connection, other),
                    }
                }
                (connection, Ok(true))
            }))
            .buffer_unordered(POSTS_IN_FLIGHT)
            .collect()
            .await;
        for (connection, result) in results {
            match result {
                Ok(true) => {}
                Ok(false) => self.connections.disconnect(&connection).await?,
                Err(error) => tracing::warn!(connection, error = %error, "posting to a connection failed"),
            }
        }
        Ok(())
    }
}
