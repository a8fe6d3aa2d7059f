//! A clock that stands still until a test moves it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::ports::Clock;

/// Answers the same instant until [`advance`](Self::advance) or [`set`](Self::set) moves it.
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// The current time, in whole seconds. Near the wall clock on purpose: JWT verification
    /// checks `exp` against the system time, so access tokens issued at this time verify.
    pub fn new() -> Arc<Self> {
        let now = Utc::now();
        Self::at(Utc.timestamp_opt(now.timestamp(), 0).single().unwrap_or(now))
    }

    pub fn at(now: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(now)))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap() = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}
