//! The `touched` time that `load` last saw for each session, so that
//! `update_ttl` can skip a touch without a second read. Any value once read is
//! safe to act on, since `touched` only grows: an old one can only cause a
//! write that was not needed, never skip one that was. Requests on one session
//! share the entry, because they interleave (two load, then both touch).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries are pruned past this age once the map is large.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// About 1 MB of entries.
const PRUNE_AT: usize = 8192;

/// What `load` saw of a session: its `touched` and `created` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seen {
    pub(crate) touched: i64,
    pub(crate) created: i64,
}

#[derive(Debug, Default)]
pub(crate) struct RecentLoads {
    touched: Mutex<HashMap<String, (Seen, Instant)>>,
}

impl RecentLoads {
    pub(crate) fn remember(&self, id: &str, seen: Seen) {
        let mut map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|_, (_, at)| at.elapsed() < STALE_AFTER);
            // Leave room for half as many again before the next pass, so that
            // many live sessions cost one pass per PRUNE_AT / 2 loads, not one
            // per load. A dropped entry costs at most one touch write.
            if map.len() >= PRUNE_AT / 2 {
                map.clear();
            }
        }
        map.insert(id.to_owned(), (seen, Instant::now()));
    }

    /// What `load` last saw of `id`, if anything.
    pub(crate) fn seen(&self, id: &str) -> Option<Seen> {
        let map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id).map(|(seen, _)| *seen)
    }

    pub(crate) fn forget(&self, id: &str) {
        let mut map = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(touched: i64) -> Seen {
        Seen {
            touched,
            created: 0,
        }
    }

    #[test]
    fn serves_every_request_until_forgotten() {
        let recent = RecentLoads::default();
        let seen = Seen {
            touched: 7,
            created: 3,
        };
        recent.remember("a", seen);
        assert_eq!(recent.seen("a"), Some(seen));
        assert_eq!(recent.seen("a"), Some(seen));
        recent.forget("a");
        assert_eq!(recent.seen("a"), None);
    }

    #[test]
    fn stays_bounded() {
        let recent = RecentLoads::default();
        for i in 0..(PRUNE_AT * 3) {
            recent.remember(&i.to_string(), seen(1));
        }
        assert!(recent.touched.lock().unwrap().len() <= PRUNE_AT);
    }

    #[test]
    fn a_pass_drops_stale_entries_and_keeps_young_ones() {
        let recent = RecentLoads::default();
        let long_ago = Instant::now()
            .checked_sub(STALE_AFTER * 2)
            .expect("a clock that started minutes ago");
        {
            let mut map = recent.touched.lock().unwrap();
            for i in 0..PRUNE_AT - 10 {
                map.insert(format!("old{i}"), (seen(1), long_ago));
            }
        }
        for i in 0..11 {
            recent.remember(&format!("young{i}"), seen(2));
        }
        assert_eq!(recent.touched.lock().unwrap().len(), 11);
        assert_eq!(recent.seen("young0"), Some(seen(2)));
        assert_eq!(recent.seen("old0"), None);
    }

    #[test]
    fn when_most_entries_are_young_a_pass_starts_afresh() {
        let recent = RecentLoads::default();
        for i in 0..=PRUNE_AT {
            recent.remember(&i.to_string(), seen(1));
        }
        // The pass at PRUNE_AT dropped them all, so the next one is
        // PRUNE_AT loads away rather than one.
        assert_eq!(recent.touched.lock().unwrap().len(), 1);
    }
}
