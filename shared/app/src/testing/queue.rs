//! A sync queue that records what it was sent.

use std::sync::Mutex;

use async_trait::async_trait;

use crate::error::BoxError;
use crate::sync_ports::{SyncMessage, SyncQueue};

/// Accepts every message and keeps it, in order, unless told to refuse: [`refuse_next`]
/// refuses that many entries (answered as not accepted, like a SendMessageBatch entry that
/// failed), [`set_down`] fails whole requests (like an SQS outage).
///
/// [`refuse_next`]: Self::refuse_next
/// [`set_down`]: Self::set_down
#[derive(Default)]
pub struct MemoryQueue {
    state: Mutex<QueueState>,
}

#[derive(Default)]
struct QueueState {
    sent: Vec<SyncMessage>,
    requests: u64,
    refuse: usize,
    down: bool,
}

impl MemoryQueue {
    pub fn new() -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self::default())
    }

    /// Every message accepted so far, in order.
    pub fn sent(&self) -> Vec<SyncMessage> {
        self.state.lock().unwrap().sent.clone()
    }

    /// Takes the accepted messages out, as a worker receiving them would.
    pub fn take(&self) -> Vec<SyncMessage> {
        std::mem::take(&mut self.state.lock().unwrap().sent)
    }

    /// SendMessageBatch requests made, refused ones included.
    pub fn requests(&self) -> u64 {
        self.state.lock().unwrap().requests
    }

    /// The next `entries` messages are refused (answered as positions not accepted).
    pub fn refuse_next(&self, entries: usize) {
        self.state.lock().unwrap().refuse = entries;
    }

    /// While down, every request fails as a whole.
    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }
}

#[async_trait]
impl SyncQueue for MemoryQueue {
    async fn send_batch(&self, messages: &[SyncMessage]) -> Result<Vec<usize>, BoxError> {
        assert!(messages.len() <= 10, "SendMessageBatch takes at most 10 entries, got {}", messages.len());
        let mut state = self.state.lock().unwrap();
        state.requests += 1;
        if state.down {
            return Err("the queue is unavailable (MemoryQueue::set_down)".into());
        }
        let mut refused = Vec::new();
        for (position, message) in messages.iter().enumerate() {
            if state.refuse > 0 {
                state.refuse -= 1;
                refused.push(position);
            } else {
                state.sent.push(message.clone());
            }
        }
        Ok(refused)
    }

    async fn depth(&self) -> Result<u64, BoxError> {
        let state = self.state.lock().unwrap();
        if state.down {
            return Err("the queue is unavailable (MemoryQueue::set_down)".into());
        }
        Ok(state.sent.len() as u64)
    }
}
