//! No lost updates. Each item carries a version, bumped by every change of
//! its state. A change is written only over the version its request loaded;
//! when another request changed the session in between, the store reads it
//! again and applies only the fields this request changed (same field: the
//! last writer wins). Writes of one process queue first (see
//! [`crate::writers`]), so that merges are for other processes' writes.
//!
//! What a request changed is its state against the state it loaded, which
//! the store keeps for a minute after each load ([`LoadedStates`]). The
//! version a request loaded travels in the state itself ([`VERSION_FIELD`]),
//! since concurrent requests on one session load different versions.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::item::State;

/// The session-state field in which the store hands the application the
/// version of the session it loaded, and gets it back with the change. It is
/// the item's `version`, never stored in the state, and ignored on save.
///
/// ```
/// assert_eq!(session_store::VERSION_FIELD, "_session_version");
/// ```
pub const VERSION_FIELD: &str = "_session_version";

/// States are forgotten after this long; a request takes less.
const KEEP_FOR: Duration = Duration::from_secs(60);
/// About as many sessions as [`crate::recent`] remembers.
const PRUNE_AT: usize = 8192;

/// The states loads returned, by item id and version, for a minute.
#[derive(Debug, Default)]
pub(crate) struct LoadedStates {
    states: Mutex<HashMap<(String, i64), (State, Instant)>>,
}

impl LoadedStates {
    pub(crate) fn remember(&self, id: &str, version: i64, state: &State) {
        let mut map = self.states.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|_, (_, at)| at.elapsed() < KEEP_FOR);
            // A state forgotten costs a merge only if its request conflicts.
            if map.len() >= PRUNE_AT / 2 {
                map.clear();
            }
        }
        map.entry((id.to_owned(), version))
            .or_insert_with(|| (state.clone(), Instant::now()));
    }

    /// The state a load returned for `id` at `version`, if still kept.
    pub(crate) fn get(&self, id: &str, version: i64) -> Option<State> {
        let map = self.states.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(id.to_owned(), version))
            .map(|(state, _)| state.clone())
    }
}

/// The version a request's state says it loaded (`None`: a state that did
/// not come from a load, or whose field the app removed).
pub(crate) fn loaded_version(state: &State) -> Option<i64> {
    state.get(VERSION_FIELD)?.parse().ok()
}

/// What a request changed: fields set to a new value, and fields removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    set: Vec<(String, String)>,
    removed: Vec<String>,
}

impl Changes {
    /// The changes from `loaded` to `written`, the store's own fields aside.
    pub(crate) fn between(loaded: &State, written: &State) -> Self {
        let own = |k: &str| !crate::item::is_reserved(k);
        let set = written
            .iter()
            .filter(|(k, v)| own(k) && loaded.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let removed = loaded
            .keys()
            .filter(|k| own(k) && !written.contains_key(*k))
            .cloned()
            .collect();
        Self { set, removed }
    }

    /// `current` with these changes applied.
    pub(crate) fn apply(&self, mut current: State) -> State {
        for key in &self.removed {
            current.remove(key);
        }
        for (key, value) in &self.set {
            current.insert(key.clone(), value.clone());
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(pairs: &[(&str, &str)]) -> State {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_what_a_request_changed_is_applied_over_another_requests_change() {
        let loaded = state(&[("user", "\"a\""), ("views", "1"), ("csrf", "\"t\"")]);
        // This request counted a view and dropped the CSRF token.
        let written = state(&[("user", "\"a\""), ("views", "2"), (VERSION_FIELD, "3")]);
        // Meanwhile another one set a field of its own and changed `user`.
        let current = state(&[
            ("user", "\"b\""),
            ("views", "1"),
            ("csrf", "\"t\""),
            ("cart", "[1]"),
        ]);
        let merged = Changes::between(&loaded, &written).apply(current);
        assert_eq!(
            merged,
            state(&[("user", "\"b\""), ("views", "2"), ("cart", "[1]")]),
            "the other request's fields kept, ours applied, the store's own ignored"
        );
    }

    #[test]
    fn the_loaded_version_travels_in_the_state() {
        assert_eq!(loaded_version(&state(&[(VERSION_FIELD, "7")])), Some(7));
        assert_eq!(loaded_version(&state(&[("user", "\"a\"")])), None);
        assert_eq!(loaded_version(&state(&[(VERSION_FIELD, "x")])), None);
    }

    #[test]
    fn a_state_is_kept_by_id_and_version() {
        let states = LoadedStates::default();
        states.remember("a", 1, &state(&[("v", "1")]));
        states.remember("a", 2, &state(&[("v", "2")]));
        assert_eq!(states.get("a", 1), Some(state(&[("v", "1")])));
        assert_eq!(states.get("a", 2), Some(state(&[("v", "2")])));
        assert_eq!(states.get("a", 3), None);
        assert_eq!(states.get("b", 1), None);
    }
}
