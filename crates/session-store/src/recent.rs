//! What `load` saw, kept until the same request's `update_ttl`, so that a
//! touch can be skipped without a second read. Only an optimisation: a store
//! that forgot would write once more, never behave differently.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries are taken within a request; ones left behind (requests that
/// needed no touch) are pruned past this age once the map is large.
const STALE_AFTER: Duration = Duration::from_secs(60);
const PRUNE_AT: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct RecentLoads {
    touched: Mutex<HashMap<String, (i64, Instant)>>,
}

impl RecentLoads {
    pub(crate) fn remember(&self, id: &str, touched: i64) {
        let mut map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|_, (_, at)| at.elapsed() < STALE_AFTER);
            if map.len() >= PRUNE_AT {
                map.clear();
            }
        }
        map.insert(id.to_owned(), (touched, Instant::now()));
    }

    /// The `touched` time `load` saw for `id`, if any; forgets it.
    pub(crate) fn take(&self, id: &str) -> Option<i64> {
        let mut map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(id).map(|(touched, _)| touched)
    }

    pub(crate) fn forget(&self, id: &str) {
        self.take(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_returns_once() {
        let recent = RecentLoads::default();
        recent.remember("a", 7);
        assert_eq!(recent.take("a"), Some(7));
        assert_eq!(recent.take("a"), None);
    }

    #[test]
    fn stays_bounded() {
        let recent = RecentLoads::default();
        for i in 0..(PRUNE_AT * 3) {
            recent.remember(&i.to_string(), 1);
        }
        assert!(recent.touched.lock().unwrap().len() <= PRUNE_AT);
    }
}
