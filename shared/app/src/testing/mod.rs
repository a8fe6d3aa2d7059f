//! In-memory fakes of the ports, for tests of the services' rules that run in milliseconds
//! (enabled by the `testing` feature; never part of a function's build).
//!
//! The fakes keep each port's documented contract, not just its signature: conditional writes
//! refuse with the same [`Conflict`](crate::ports::Conflict) the DynamoDB adapter answers,
//! lists page with the same cursors (`limit`, then a cursor of the last sort key), and one
//! [`MemoryStore`] holds everything, so what one port writes another reads (a cost write
//! drops the dashboard's snapshot, a credential's `sync_enabled` is its place in the active
//! index). Failures are switched on by hand: [`MemoryStore::set_unavailable`],
//! [`MemoryQueue::refuse_next`], [`FakeCloud::fail`].
//!
//! ```ignore
//! let clock = FixedClock::new();
//! let store = MemoryStore::new();
//! let services = Services::new(store.ports(clock.clone()), test_jwt());
//! clock.advance(chrono::Duration::minutes(15));
//! ```

mod clock;
mod clouds;
mod deployment_store;
mod pages;
mod provisioning;
mod queue;
mod secrets;
mod store;
mod sync_store;

pub use clock::FixedClock;
pub use clouds::{FakeCloud, FakeVerifier};
pub use provisioning::{FakeExecutor, MemoryArtifacts, RecordingHub, RecordingSyncRequester};
pub use queue::MemoryQueue;
pub use secrets::{FakeSecrets, MemoryCredentialSecrets};
pub use store::MemoryStore;

/// A JWT codec with a fixed key, for services that issue access tokens.
pub fn test_jwt() -> crate::jwt::JwtCodec {
    crate::jwt::JwtCodec::new(b"skyforge-tests-signing-key-0123456789").expect("the test key is long enough")
}
