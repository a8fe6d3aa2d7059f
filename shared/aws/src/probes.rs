//! What `/v1/health` checks: that the table and the signing-key secret answer.

use async_trait::async_trait;
use aws_smithy_types::error::display::DisplayErrorContext;
use skyforge_app::error::BoxError;
use skyforge_app::ports::HealthProbe;

pub struct TableProbe {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl TableProbe {
    pub fn new(client: aws_sdk_dynamodb::Client, table: &str) -> Self {
        Self { client, table: table.to_owned() }
    }
}

#[async_trait]
impl HealthProbe for TableProbe {
    fn name(&self) -> &'static str {
        "store"
    }

    async fn check(&self) -> Result<(), BoxError> {
        self.client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        Ok(())
    }
}

pub struct SecretProbe {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
}

impl SecretProbe {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: &str) -> Self {
        Self { client, secret_id: secret_id.to_owned() }
    }
}

#[async_trait]
impl HealthProbe for SecretProbe {
    fn name(&self) -> &'static str {
        "secrets"
    }

    /// Describes, not reads: the probe never touches the key material.
    async fn check(&self) -> Result<(), BoxError> {
        self.client
            .describe_secret()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        Ok(())
    }
}
