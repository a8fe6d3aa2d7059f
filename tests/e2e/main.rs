//! End-to-end tests: each starts the real local runtime against the AWS stand-in and drives it
//! over HTTP, as a client would.

mod accounts;
mod api_tokens;
mod bad_input;
mod cli;
mod cloud_accounts;
mod compliance;
mod costs;
mod dashboard;
mod deployments;
mod exports;
mod faults;
mod isolation;
mod jwt;
mod live;
mod members;
mod multicloud;
mod platform;
mod sync_pipeline;
mod template;
mod ws_lambda;
