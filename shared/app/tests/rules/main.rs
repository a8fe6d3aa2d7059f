//! The services' rules, over the in-memory fakes of their ports (`skyforge_app::testing`):
//! each test runs in milliseconds, without moto or a process. The adapters behind the ports are
//! tested against moto (`shared/aws/tests`), the whole platform end to end in `tests/e2e`.

mod auth;
mod credentials;
mod fakes;
mod orgs;
mod support;
mod sync;
mod sync_requests;
mod tokens;
