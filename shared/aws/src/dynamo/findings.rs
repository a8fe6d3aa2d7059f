//! Compliance findings: one item per (resource, check) under `pk = FIND#<org>`, replaced whole
//! by each evaluation (see `keys::finding`).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use skyforge_app::compliance::Findings;
use skyforge_app::ports::StoreResult;
use skyforge_domain::compliance::Finding;
use skyforge_domain::ids::{CredentialId, OrgId};

use super::{DynamoStore, from_item, keys, to_item};

#[derive(Serialize, Deserialize)]
struct FindingItem {
    pk: String,
    sk: String,
    #[serde(flatten)]
    finding: Finding,
}

#[async_trait]
impl Findings for DynamoStore {
    async fn for_resource(&self, org: OrgId, resource_id: &str) -> StoreResult<Vec<Finding>> {
        let items = self.query_all(keys::findings_pk(org), &keys::resource_findings_prefix(resource_id)).await?;
        items.into_iter().map(|item| Ok(from_item::<FindingItem>(item)?.finding)).collect()
    }

    async fn put(&self, org: OrgId, findings: &[Finding]) -> StoreResult<u64> {
        let requests = findings
            .iter()
            .map(|finding| {
                let (pk, sk) = keys::finding(org, &finding.resource_id, &finding.check_id);
                DynamoStore::put_request(to_item(&FindingItem { pk, sk, finding: finding.clone() })?)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(requests).await
    }

    async fn all(&self, org: OrgId) -> StoreResult<Vec<Finding>> {
        let items = self.query_all(keys::findings_pk(org), "").await?;
        items.into_iter().map(|item| Ok(from_item::<FindingItem>(item)?.finding)).collect()
    }

    async fn remove_credential(&self, org: OrgId, credential: CredentialId) -> StoreResult<u64> {
        let items = self.query_all(keys::findings_pk(org), &keys::credential_findings_prefix(credential)).await?;
        let requests = items
            .into_iter()
            .map(|item| {
                let item: FindingItem = from_item(item)?;
                DynamoStore::delete_request((item.pk, item.sk))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(requests).await
    }
}
