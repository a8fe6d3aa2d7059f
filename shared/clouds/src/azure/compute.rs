//! Virtual machines (with their power state from the instance view) and managed disks, through
//! `azure_mgmt_compute`. The token comes from our own sign-in (which knows what each AADSTS
//! refusal means) and is handed to the SDK as a fixed credential.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use azure_core::auth::{AccessToken, Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_mgmt_compute::package_2024_07_01::Client;
use azure_mgmt_compute::package_2024_07_01::models::{Disk, VirtualMachine};
use futures::StreamExt;
use skyforge_app::clouds::CloudError;
use skyforge_cloud_signin::{BearerToken, CallLog, Op};

/// A token already fetched, as the SDK's credential.
#[derive(Debug)]
struct FixedToken(String);

#[async_trait]
impl TokenCredential for FixedToken {
    async fn get_token(&self, _scopes: &[&str]) -> azure_core::Result<AccessToken> {
        // the sync is over long before the real expiry; the SDK only needs a date in the future
        let expires = time::OffsetDateTime::now_utc() + Duration::from_secs(600);
        Ok(AccessToken::new(Secret::new(self.0.clone()), expires))
    }

    async fn clear_cache(&self) -> azure_core::Result<()> {
        Ok(())
    }
}

pub(super) fn client(arm: &str, token: &BearerToken) -> Result<Client, CloudError> {
    let endpoint = azure_core::Url::parse(arm)
        .map_err(|error| CloudError::Unavailable(format!("bad ARM endpoint {arm}: {error}")))?;
    let retry = azure_core::ExponentialRetryOptions::default()
        .max_retries(3u32)
        .initial_delay(Duration::from_millis(500))
        .max_delay(Duration::from_secs(30));
    let scope = format!("{}/.default", arm.trim_end_matches('/'));
    Client::builder(Arc::new(FixedToken(token.secret().to_owned())))
        .endpoint(endpoint)
        .scopes(&[scope.as_str()])
        .retry(azure_core::RetryOptions::exponential(retry))
        .build()
        .map_err(|error| CloudError::Unavailable(format!("the compute client could not be built: {error}")))
}

/// Every page of a pageable, as one list; the call is timed and recorded.
async fn collect<P, T>(
    log: &CallLog,
    op: Op,
    pageable: azure_core::Pageable<P, azure_core::Error>,
    items: impl Fn(P) -> Vec<T>,
) -> Result<Vec<T>, CloudError>
where
    P: Send + 'static,
{
    let started = Instant::now();
    let mut pageable = pageable;
    let mut all = Vec::new();
    while let Some(page) = pageable.next().await {
        match page {
            Ok(page) => all.extend(items(page)),
            Err(error) => {
                let error = sdk_error(op, &error);
                log.record(op, started.elapsed(), Some(error.code()));
                return Err(error);
            }
        }
    }
    log.record(op, started.elapsed(), None);
    Ok(all)
}

/// The SDK's error as a [`CloudError`]. Its retry policy has already waited out 429s
/// (honouring `Retry-After`), so a 429 here means it gave up.
fn sdk_error(op: Op, error: &azure_core::Error) -> CloudError {
    let what = |detail: String| format!("{} {} {}", op.service, op.operation, detail);
    match error.kind() {
        ErrorKind::HttpResponse { status, error_code } => {
            let code = u16::from(*status);
            let detail =
                what(format!("answered {code}{}", error_code.as_ref().map(|c| format!(": {c}")).unwrap_or_default()));
            match code {
                401 => CloudError::InvalidCredential(detail),
                403 | 404 => CloudError::AccessDenied(detail),
                429 => CloudError::Throttled(detail),
                _ => CloudError::Unavailable(detail),
            }
        }
        ErrorKind::DataConversion => CloudError::Malformed(what(format!("answered what could not be read: {error}"))),
        _ => CloudError::Unavailable(what(format!("failed: {error}"))),
    }
}

/// Every VM of the subscription, with its power state (`running`, `deallocated`, ...) from
/// the instance view, read by a second list with `statusOnly=true` rather than one call per VM.
pub(super) async fn virtual_machines(
    client: &Client,
    subscription: &str,
    log: &CallLog,
) -> Result<Vec<(VirtualMachine, Option<String>)>, CloudError> {
    let vms = client.virtual_machines_client();
    let (models, statuses) = futures::join!(
        collect(log, Op::new("arm", "VirtualMachines.ListAll"), vms.list_all(subscription).into_stream(), |p| p.value),
        collect(
            log,
            Op::new("arm", "VirtualMachines.ListAll(statusOnly)"),
            vms.list_all(subscription).status_only("true").into_stream(),
            |p| p.value
        ),
    );
    let power: HashMap<String, String> = statuses?
        .into_iter()
        .filter_map(|vm| {
            let id = vm.resource.id.clone()?.to_lowercase();
            let statuses = vm.properties?.instance_view?.statuses;
            let state =
                statuses.iter().filter_map(|s| s.code.as_deref()).find_map(|c| c.strip_prefix("PowerState/"))?;
            Some((id, state.to_owned()))
        })
        .collect();
    Ok(models?
        .into_iter()
        .map(|vm| {
            let state = vm.resource.id.as_ref().and_then(|id| power.get(&id.to_lowercase())).cloned();
            (vm, state)
        })
        .collect())
}

pub(super) async fn disks(client: &Client, subscription: &str, log: &CallLog) -> Result<Vec<Disk>, CloudError> {
    let pageable = client.disks_client().list(subscription).into_stream();
    collect(log, Op::new("arm", "Disks.List"), pageable, |p| p.value).await
}
