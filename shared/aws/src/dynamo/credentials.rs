//! Connected credentials (metadata only; the secret is in Secrets Manager).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};
use skyforge_app::ports::{Conflict, StoreError, StoreResult};
use skyforge_app::sync_ports::Credentials;
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId};
use skyforge_domain::page::{Page, PageRequest};

use super::{DynamoStore, Item, conditional, keys, s, to_item, unavailable};
use crate::table::{GSI1, GSI1_PK, GSI1_SK, PK, SK};

#[derive(Serialize, Deserialize)]
struct CredentialItem {
    pk: String,
    sk: String,
    /// Set only while sync is enabled, so the index lists exactly the active credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    #[serde(flatten)]
    credential: Credential,
}

impl CredentialItem {
    fn new(c: &Credential) -> Self {
        let (pk, sk) = keys::credential(c.org_id, c.id);
        let active = c.sync_enabled.then(|| (keys::ACTIVE_CREDENTIALS.to_owned(), format!("{}#{}", c.org_id, c.id)));
        Self {
            pk,
            sk,
            gsi1pk: active.as_ref().map(|a| a.0.clone()),
            gsi1sk: active.map(|a| a.1),
            credential: c.clone(),
        }
    }
}

#[async_trait]
impl Credentials for DynamoStore {
    async fn create(&self, credential: &Credential) -> StoreResult<()> {
        self.put_if(to_item(&CredentialItem::new(credential))?, "attribute_not_exists(pk)", Conflict::Concurrent).await
    }

    async fn get(&self, org: OrgId, id: CredentialId) -> StoreResult<Option<Credential>> {
        Ok(self.get_item::<CredentialItem>(keys::credential(org, id)).await?.map(|i| i.credential))
    }

    async fn list(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Credential>> {
        Ok(self
            .query_page::<CredentialItem>(keys::org_pk(org), keys::CREDENTIAL_PREFIX, page, false)
            .await?
            .map(|i| i.credential))
    }

    async fn update(&self, credential: &Credential) -> StoreResult<()> {
        self.put_if(to_item(&CredentialItem::new(credential))?, "attribute_exists(pk)", Conflict::Gone).await
    }

    async fn delete(&self, org: OrgId, id: CredentialId) -> StoreResult<()> {
        let (pk, sk) = keys::credential(org, id);
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn active(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> StoreResult<(Vec<(OrgId, CredentialId)>, Option<String>)> {
        let start = after.map(|gsi1sk| {
            // the index key is `<org>#<credential>`, from which the table key follows
            let (org, cred) = gsi1sk.split_once('#').unwrap_or_default();
            Item::from([
                (GSI1_PK.to_owned(), s(keys::ACTIVE_CREDENTIALS)),
                (GSI1_SK.to_owned(), s(gsi1sk.clone())),
                (PK.to_owned(), s(format!("ORG#{org}"))),
                (SK.to_owned(), s(format!("{}{cred}", keys::CREDENTIAL_PREFIX))),
            ])
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", GSI1_PK)
            .expression_attribute_names("#sk", GSI1_SK)
            .expression_attribute_values(":pk", s(keys::ACTIVE_CREDENTIALS))
            .projection_expression("#sk")
            .limit(limit as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let ids = output
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                item.get(GSI1_SK)?.as_s().ok()?.split_once('#').map(|(o, c)| (o.parse().ok(), c.parse().ok()))
            })
            .filter_map(|(org, cred)| Some((org?, cred?)))
            .collect();
        let next = output.last_evaluated_key.and_then(|key| key.get(GSI1_SK)?.as_s().ok().cloned());
        Ok((ids, next))
    }

    async fn external_id(&self, org: OrgId, candidate: &str) -> StoreResult<String> {
        let (pk, sk) = keys::org(org);
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET external_id = if_not_exists(external_id, :candidate)")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":candidate", s(candidate))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        let output = conditional(output)?.ok_or(StoreError::Conflict(Conflict::Gone))?;
        output
            .attributes
            .and_then(|mut a| a.remove("external_id"))
            .and_then(|v| v.as_s().ok().cloned())
            .ok_or_else(|| StoreError::Unavailable("external id missing after update".into()))
    }
}
