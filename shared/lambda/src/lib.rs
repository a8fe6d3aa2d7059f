//! The Lambda side of an HTTP function: tracing set up the way Lambda expects, and the area's
//! router served through `lambda_http`, with API Gateway's source IP passed on for the audit
//! trail.

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use skyforge_api::extract::ClientIp;

/// JSON logs honouring `AWS_LAMBDA_LOG_LEVEL` / `RUST_LOG`.
pub fn init_tracing() {
    lambda_http::tracing::init_default_subscriber();
}

/// Serves `router` for API Gateway HTTP API events until the runtime stops.
pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::run(router.layer(middleware::from_fn(client_ip))).await
}

async fn client_ip(mut request: Request, next: Next) -> Response {
    let ip = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    };
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}
