//! Secrets Manager: the platform's own secrets (the JWT key) and one secret per cloud credential.

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_smithy_types::error::display::DisplayErrorContext;
use secrecy::SecretString;
use skyforge_app::error::BoxError;
use skyforge_app::ports::Secrets;
use skyforge_app::sync_ports::CredentialSecrets;
use skyforge_domain::credentials::CloudSecret;

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

/// One secret per cloud credential, named `skyforge/credentials/<org>/<credential>`, holding
/// the [`CloudSecret`] as JSON.
#[async_trait]
impl CredentialSecrets for SecretsManager {
    async fn put(&self, name: &str, secret: &CloudSecret) -> Result<(), BoxError> {
        let value = serde_json::to_string(secret)?;
        let created = self
            .client
            .create_secret()
            .name(name)
            .description("a Skyforge cloud credential")
            .secret_string(value.clone())
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_exists_exception()) => {
                self.client
                    .put_secret_value()
                    .secret_id(name)
                    .secret_string(value)
                    .send()
                    .await
                    .map_err(|e| format!("storing a new version of {name}: {}", DisplayErrorContext(e)))?;
                Ok(())
            }
            Err(error) => Err(format!("creating secret {name}: {}", DisplayErrorContext(error)).into()),
        }
    }

    async fn get(&self, name: &str) -> Result<Option<CloudSecret>, BoxError> {
        match self.client.get_secret_value().secret_id(name).send().await {
            Ok(output) => {
                let value = output.secret_string.ok_or_else(|| format!("secret {name} has no string value"))?;
                // the error would quote the JSON, which holds the secret: say only that it is unreadable
                serde_json::from_str(&value)
                    .map(Some)
                    .map_err(|_| format!("secret {name} is not a readable credential").into())
            }
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception() || e.is_invalid_request_exception()) =>
            {
                // not found, or scheduled for deletion
                Ok(None)
            }
            Err(error) => Err(format!("reading secret {name}: {}", DisplayErrorContext(error)).into()),
        }
    }

    async fn schedule_deletion(&self, name: &str) -> Result<(), BoxError> {
        match self.client.delete_secret().secret_id(name).recovery_window_in_days(7).send().await {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => Ok(()),
            Err(error) => Err(format!("scheduling deletion of {name}: {}", DisplayErrorContext(error)).into()),
        }
    }
}
