//! Skyforge's domain: the types and rules every area shares. No I/O and no SDK lives here,
//! so the rules can be tested in isolation and every adapter speaks the same language.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod compliance;
pub mod costs;
pub mod credentials;
pub mod deployments;
pub mod error;
pub mod ids;
pub mod inventory;
pub mod page;
pub mod provider;
pub mod recommendations;
pub mod roles;
pub mod sync;
pub mod values;

pub use error::{FieldError, ValidationErrors};
