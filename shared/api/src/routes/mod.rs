//! The routers of each API area. Each handler parses, calls one service, and maps the result.

pub mod auth;
pub mod compliance;
pub mod costs;
pub mod credentials;
pub mod deployments;
pub mod health;
pub mod inventory;
pub mod me;
pub mod orgs;
pub mod tokens;
