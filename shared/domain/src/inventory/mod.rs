//! Cloud resources in one normalised shape, whatever provider they come from, and the rules
//! that keep an inventory fresh: content hashes, the state vocabulary, and the diff between
//! what was stored and what a sync saw.

mod counts;
mod diff;
mod query;
mod resource;
mod state;
#[cfg(test)]
mod tests;

pub use counts::*;
pub use diff::*;
pub use query::*;
pub use resource::*;
pub use state::*;
