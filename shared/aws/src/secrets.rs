//! Secrets Manager: reading the platform's own secrets.

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_smithy_types::error::display::DisplayErrorContext;
use secrecy::SecretString;
use skyforge_app::error::BoxError;
use skyforge_app::ports::Secrets;

#[derive(Clone)]
pub struct SecretsManager {
    client: Client,
}

impl SecretsManager {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl Secrets for SecretsManager {
    async fn get(&self, id: &str) -> Result<SecretString, BoxError> {
        let output = self
            .client
            .get_secret_value()
            .secret_id(id)
            .send()
            .await
            .map_err(|error| format!("reading secret {id}: {}", DisplayErrorContext(error)))?;
        let value = output.secret_string.ok_or_else(|| format!("secret {id} has no string value"))?;
        Ok(SecretString::from(value))
    }
}
