//! One writer at a time per session, in this process, and the state it
//! wrote. Concurrent changes of one session would otherwise race for the
//! same version in DynamoDB: all but one refused, each re-read and tried
//! again, so that n requests at once cost O(n²) calls. Queued here instead,
//! each applies its changes over the state the one before it wrote, known
//! without a read, and writes once. Other processes' writes are still
//! caught by the version condition and merged (see [`crate::merge`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::item::State;

/// The last state this process wrote of a session, and its version.
pub(crate) type Written = Option<(i64, State)>;

type Slot = Arc<AsyncMutex<Written>>;

#[derive(Debug, Default)]
pub(crate) struct SessionWriters {
    slots: Mutex<HashMap<String, Slot>>,
}

/// The right to write one session; the slot goes when its last holder or
/// waiter is done.
pub(crate) struct WriterGuard<'a> {
    writers: &'a SessionWriters,
    id: String,
    guard: Option<OwnedMutexGuard<Written>>,
}

impl SessionWriters {
    /// Waits until no other request of this process writes session `id`.
    pub(crate) async fn lock(&self, id: &str) -> WriterGuard<'_> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(id.to_owned()).or_default().clone()
        };
        WriterGuard {
            writers: self,
            id: id.to_owned(),
            guard: Some(slot.lock_owned().await),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().unwrap().len()
    }
}

impl WriterGuard<'_> {
    /// The last state written by a request of this process that held the
    /// slot before, if any still waited or held it meanwhile.
    pub(crate) fn written(&self) -> Option<&(i64, State)> {
        self.guard.as_ref()?.as_ref()
    }

    /// Records what this request wrote (`None` when its version is unknown).
    pub(crate) fn wrote(&mut self, written: Written) {
        if let Some(guard) = self.guard.as_mut() {
            **guard = written;
        }
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        let mut slots = self.writers.slots.lock().unwrap_or_else(|e| e.into_inner());
        // Released before the check, under the map's lock, so that no other
        // request can take the slot from the map in between.
        drop(self.guard.take());
        if let Some(slot) = slots.get(&self.id)
            && Arc::strong_count(slot) == 1
        {
            slots.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_writer_waits_for_the_one_before_and_sees_its_state() {
        let writers = Arc::new(SessionWriters::default());
        let mut first = writers.lock("a").await;
        assert!(first.written().is_none());
        let waiting = {
            let writers = writers.clone();
            tokio::spawn(async move {
                let second = writers.lock("a").await;
                second.written().cloned()
            })
        };
        // Another session is not held up.
        drop(writers.lock("b").await);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        first.wrote(Some((2, State::from([("k".into(), "v".into())]))));
        drop(first);
        let seen = waiting.await.unwrap().expect("the first one's state");
        assert_eq!(seen.0, 2);
        assert_eq!(writers.len(), 0, "no slot is kept once all are done");
    }
}
