//! Provisioning: the template catalog (one per Terraform module, with a JSON Schema generated from
//! the module's own `variables.tf`), deployments, and runs with their state machine.
//!
//! ## Run lifecycle
//! ```text
//! queued ─start─► planning ─plan_finished─► planned ─await_approval─► awaiting_approval
//!    │               │                         │                              │
//!    │cancel         │fail / cancel            │discard                approve│  │discard
//!    ▼               ▼                         ▼                              ▼  ▼
//! cancelled    errored | cancelled         discarded                applying  discarded
//!                                                                  │fail/cancel  │apply_finished
//!                                                                  ▼             ▼
//!                                                           errored | cancelled  applied
//! ```
//! A run is *active* from `planning` until it ends; a deployment has at most one active run,
//! later ones wait in `queued` and the oldest starts when the active one ends. A run waiting for
//! approval is active too, so a second plan cannot be made against state the first may change.

mod deployment;
mod drift;
mod live;
mod plan;
mod reaper;
mod run;
mod template;
#[cfg(test)]
mod tests;

pub use deployment::*;
pub use drift::*;
pub use live::*;
pub use plan::*;
pub use reaper::*;
pub use run::*;
pub use template::*;

/// The variable every module has, set by Skyforge to the deployment id (the `skyforge-deployment`
/// tag), never by the user.
pub const DEPLOYMENT_ID_VARIABLE: &str = "deployment_id";

/// The tag or label every module puts on what it creates.
pub const DEPLOYMENT_TAG: &str = "skyforge-deployment";
