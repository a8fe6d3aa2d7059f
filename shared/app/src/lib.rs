//! Skyforge's use cases. Each service takes validated input, applies the domain's rules and
//! talks to the outside world only through the ports (traits) declared in [`ports`], so the
//! same code runs in Lambda, in the local runtime and in tests.

pub mod audit;
pub mod auth;
pub mod clouds;
pub mod compliance;
pub mod config;
pub mod costs;
pub mod credentials;
pub mod deployment_ports;
pub mod deployments;
pub mod error;
pub mod health;
pub mod inventory;
pub mod jwt;
pub mod orgs;
pub mod ports;
pub mod principal;
pub mod sync;
pub mod sync_ports;
pub mod sync_requests;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;

use std::sync::Arc;

pub use error::AppError;
pub use principal::{Caller, Principal};

/// Every service of the platform, built once per process and shared by all requests.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<auth::AuthService>,
    pub orgs: Arc<orgs::OrgService>,
    pub tokens: Arc<tokens::TokenService>,
    pub audit: Arc<audit::AuditService>,
    pub health: Arc<health::HealthService>,
}

impl Services {
    pub fn new(ports: ports::Ports, jwt: jwt::JwtCodec) -> Self {
        let audit = Arc::new(audit::AuditService::new(ports.audit.clone(), ports.clock.clone()));
        Self {
            auth: Arc::new(auth::AuthService::new(&ports, jwt, audit.clone())),
            orgs: Arc::new(orgs::OrgService::new(&ports, audit.clone())),
            tokens: Arc::new(tokens::TokenService::new(&ports, audit.clone())),
            health: Arc::new(health::HealthService::new(ports.probes.clone())),
            audit,
        }
    }
}
