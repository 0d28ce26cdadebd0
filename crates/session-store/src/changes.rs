//! What a request changed, so that its write sends only that.
//!
//! DynamoDB applies one UpdateItem atomically, attribute by attribute: a
//! write that SETs and REMOVEs only the fields its request changed leaves
//! every other field as other requests left it. Requests that change
//! different fields of one session never conflict, on any number of
//! instances, with no version to race for and no re-read; on the same field
//! the last writer wins.
//!
//! What a request loaded travels in its own state ([`LOADED_FIELD`]): a
//! digest of each field, so no process needs to remember anything between
//! a request's load and its write. A state without that record (cleared by
//! the app, or built from scratch) is written whole.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::sealed::Sealer;
use crate::state::{HANDLE_FIELD, LOADED_FIELD, SessionState, stored_fields};

/// What a load returned: the session's creation time, and by attribute the
/// digest of each field's value and the bytes it takes in the item.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Loaded {
    pub(crate) created: i64,
    fields: HashMap<String, (String, usize)>,
}

impl Loaded {
    pub(crate) fn new(created: i64) -> Self {
        Self {
            created,
            fields: HashMap::new(),
        }
    }

    /// Records that the field under `attribute` was loaded with the value
    /// of `digest`, taking `stored_bytes` in the item.
    pub(crate) fn add(&mut self, attribute: String, digest: String, stored_bytes: usize) {
        self.fields.insert(attribute, (digest, stored_bytes));
    }

    /// The record as the JSON text of [`LOADED_FIELD`].
    pub(crate) fn to_json(&self) -> String {
        let fields: serde_json::Map<String, Value> = self
            .fields
            .iter()
            .map(|(attribute, (digest, bytes))| (attribute.clone(), json!([digest, bytes])))
            .collect();
        json!({ "created": self.created, "fields": fields }).to_string()
    }

    fn from_json(text: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(text).ok()?;
        let mut loaded = Self::new(value.get("created")?.as_i64()?);
        for (attribute, entry) in value.get("fields")?.as_object()? {
            let [digest, bytes] = entry.as_array()?.as_slice() else {
                return None;
            };
            let bytes = usize::try_from(bytes.as_u64()?).ok()?;
            loaded.add(attribute.clone(), digest.as_str()?.to_owned(), bytes);
        }
        Some(loaded)
    }

    /// Takes the store's own fields out of `state`, and with them the
    /// record of its load, if it came from one (and the app left the
    /// record as it was).
    pub(crate) fn take_from(state: &mut SessionState) -> Option<Self> {
        state.remove(HANDLE_FIELD);
        Self::from_json(&state.remove(LOADED_FIELD)?)
    }
}

/// A field as a write stores it.
#[derive(Debug)]
pub(crate) struct Sealed {
    pub(crate) attribute: String,
    pub(crate) bytes: Vec<u8>,
}

/// What a write of a session's fields does.
#[derive(Debug)]
pub(crate) enum Write {
    /// Sets and removes only what the request changed since its load.
    Changes {
        set: Vec<Sealed>,
        removed: Vec<String>,
    },
    /// Replaces every field: the state did not come from a load.
    Whole(Vec<Sealed>),
}

impl Write {
    /// The write of `state` to item `id`, given what its request `loaded`.
    pub(crate) fn of(
        sealer: &Sealer,
        id: &str,
        loaded: Option<&Loaded>,
        state: &SessionState,
    ) -> Self {
        let seal = |attribute: String, name: &str, value: &str| Sealed {
            bytes: sealer.seal(id, &attribute, name, value),
            attribute,
        };
        let Some(loaded) = loaded else {
            return Self::Whole(
                stored_fields(state)
                    .map(|(name, value)| seal(sealer.attribute(name), name, value))
                    .collect(),
            );
        };
        let mut set = Vec::new();
        let mut kept = HashSet::with_capacity(state.len());
        for (name, value) in stored_fields(state) {
            let attribute = sealer.attribute(name);
            match loaded.fields.get(&attribute) {
                Some((digest, _)) if *digest == sealer.digest(&attribute, value) => {}
                _ => set.push(seal(attribute.clone(), name, value)),
            }
            kept.insert(attribute);
        }
        let removed = loaded
            .fields
            .keys()
            .filter(|attribute| !kept.contains(*attribute))
            .cloned()
            .collect();
        Self::Changes { set, removed }
    }

    /// Whether the write changes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Self::Changes { set, removed } if set.is_empty() && removed.is_empty())
    }

    /// Whether the write may change the field under `attribute`.
    pub(crate) fn changes(&self, attribute: &str) -> bool {
        match self {
            Self::Changes { set, removed } => {
                set.iter().any(|field| field.attribute == attribute)
                    || removed.iter().any(|a| a == attribute)
            }
            Self::Whole(_) => true,
        }
    }

    /// The attribute and stored bytes of each field of the session after
    /// this write, as far as its request knows the session.
    pub(crate) fn fields_after<'a>(
        &'a self,
        loaded: Option<&'a Loaded>,
    ) -> impl Iterator<Item = (&'a str, usize)> + 'a {
        let (written, removed, unchanged) = match self {
            Self::Whole(fields) => (fields, &[][..], None),
            Self::Changes { set, removed } => (set, removed.as_slice(), loaded),
        };
        let is_written = |attribute: &str| written.iter().any(|f| f.attribute == attribute);
        let unchanged = unchanged
            .into_iter()
            .flat_map(|loaded| loaded.fields.iter())
            .filter(move |(attribute, _)| !is_written(attribute) && !removed.contains(*attribute))
            .map(|(attribute, (_, bytes))| (attribute.as_str(), *bytes));
        written
            .iter()
            .map(|f| (f.attribute.as_str(), f.bytes.len()))
            .chain(unchanged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(pairs: &[(&str, &str)]) -> SessionState {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// What a load of `state` records.
    fn loaded(sealer: &Sealer, state: &SessionState) -> Loaded {
        let mut loaded = Loaded::new(7);
        for (name, value) in state {
            let attribute = sealer.attribute(name);
            let digest = sealer.digest(&attribute, value);
            loaded.add(attribute, digest, 50);
        }
        loaded
    }

    fn attributes(sealer: &Sealer, names: &[&str]) -> Vec<String> {
        let mut attributes: Vec<_> = names.iter().map(|n| sealer.attribute(n)).collect();
        attributes.sort();
        attributes
    }

    #[test]
    fn only_what_a_request_changed_is_written() {
        let sealer = Sealer::for_session("k");
        let before = state(&[("user", "\"a\""), ("views", "1"), ("csrf", "\"t\"")]);
        let loaded = loaded(&sealer, &before);
        // This request counted a view, dropped the CSRF token, added a cart.
        let after = state(&[("user", "\"a\""), ("views", "2"), ("cart", "[]")]);
        let Write::Changes { set, removed } = Write::of(&sealer, "id", Some(&loaded), &after)
        else {
            panic!("a loaded state is written as changes")
        };
        let mut set: Vec<_> = set.into_iter().map(|f| f.attribute).collect();
        set.sort();
        assert_eq!(set, attributes(&sealer, &["views", "cart"]));
        assert_eq!(removed, attributes(&sealer, &["csrf"]));
    }

    #[test]
    fn an_unchanged_state_writes_nothing() {
        let sealer = Sealer::for_session("k");
        let before = state(&[("user", "\"a\"")]);
        let write = Write::of(&sealer, "id", Some(&loaded(&sealer, &before)), &before);
        assert!(write.is_empty());
        assert!(!write.changes(&sealer.attribute("user")));
    }

    #[test]
    fn a_state_without_its_record_is_written_whole() {
        let sealer = Sealer::for_session("k");
        let write = Write::of(&sealer, "id", None, &state(&[("a", "1"), ("b", "2")]));
        let Write::Whole(fields) = &write else {
            panic!("{write:?}")
        };
        assert_eq!(fields.len(), 2);
        assert!(write.changes(&sealer.attribute("anything")));
    }

    #[test]
    fn the_record_travels_in_the_state_and_is_taken_out_of_it() {
        let sealer = Sealer::for_session("k");
        let loaded = loaded(&sealer, &state(&[("a", "1")]));
        let mut carried = state(&[("a", "2"), (HANDLE_FIELD, "\"h\"")]);
        carried.insert(LOADED_FIELD.to_owned(), loaded.to_json());
        assert_eq!(Loaded::take_from(&mut carried), Some(loaded));
        assert_eq!(carried, state(&[("a", "2")]));
        // Damaged by the app: written whole, never half-understood.
        let mut damaged = state(&[(LOADED_FIELD, "{\"created\":1}")]);
        assert_eq!(Loaded::take_from(&mut damaged), None);
    }

    #[test]
    fn the_size_after_a_write_counts_unchanged_fields_as_loaded() {
        let sealer = Sealer::for_session("k");
        let before = state(&[("a", "1"), ("b", "1"), ("c", "1")]);
        let loaded = loaded(&sealer, &before);
        let after = state(&[("a", "1"), ("b", "2")]);
        let write = Write::of(&sealer, "id", Some(&loaded), &after);
        let mut sizes: Vec<_> = write.fields_after(Some(&loaded)).collect();
        sizes.sort();
        let a = sealer.attribute("a");
        let b = sealer.attribute("b");
        let Write::Changes { set, .. } = &write else {
            panic!()
        };
        let mut expected = vec![(a.as_str(), 50), (b.as_str(), set[0].bytes.len())];
        expected.sort();
        assert_eq!(sizes, expected);
    }
}
