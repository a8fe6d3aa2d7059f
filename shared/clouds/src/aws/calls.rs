//! Every SDK call a listing makes is timed and recorded as an [`ApiCall`], whether it worked
//! or not: provider health is computed from them.

use std::future::Future;
use std::sync::Mutex;
use std::time::Instant;

use aws_sdk_ec2::config::http::HttpResponse;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use skyforge_app::clouds::{ApiCall, CloudError};
use skyforge_aws::sts::cloud_error;

/// The calls of one listing. Shared by reference between the concurrent parts of a listing.
#[derive(Debug, Default)]
pub(crate) struct Calls(Mutex<Vec<ApiCall>>);

impl Calls {
    /// Makes one call, records it, and maps its error.
    pub(crate) async fn call<T, E>(
        &self,
        service: &'static str,
        operation: &'static str,
        call: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, CloudError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_or(service, operation, call, |_| None).await
    }

    /// [`Calls::call`] where `ordinary` turns an error that is an ordinary answer (a bucket
    /// without tags) into a value; such a call is recorded as a success.
    pub(crate) async fn call_or<T, E>(
        &self,
        service: &'static str,
        operation: &'static str,
        call: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        ordinary: impl FnOnce(&SdkError<E, HttpResponse>) -> Option<T>,
    ) -> Result<T, CloudError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let started = Instant::now();
        let result = match call.await {
            Ok(value) => Ok(value),
            Err(error) => ordinary(&error).ok_or_else(|| cloud_error(service, operation, &error)),
        };
        self.record(service, operation, started, &result);
        result
    }

    /// The next page of a paginator, or `None` when there is none (no call is made then).
    pub(crate) async fn page<T, E>(
        &self,
        service: &'static str,
        operation: &'static str,
        next: impl Future<Output = Option<Result<T, SdkError<E, HttpResponse>>>>,
    ) -> Result<Option<T>, CloudError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let started = Instant::now();
        let Some(result) = next.await else { return Ok(None) };
        let result = result.map_err(|error| cloud_error(service, operation, &error));
        self.record(service, operation, started, &result);
        result.map(Some)
    }

    pub(crate) fn record<T>(
        &self,
        service: &'static str,
        operation: &'static str,
        started: Instant,
        result: &Result<T, CloudError>,
    ) {
        let call = ApiCall {
            service,
            operation,
            latency: started.elapsed(),
            error: result.as_ref().err().map(CloudError::code),
        };
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(call);
    }

    pub(crate) fn into_vec(self) -> Vec<ApiCall> {
        self.0.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
