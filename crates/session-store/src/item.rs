//! How a session is laid out in a DynamoDB item.
//!
//! | attribute   | type | what                                                   |
//! |-------------|------|--------------------------------------------------------|
//! | `id`        | S    | key prefix + SHA-256 of the session key (hex)          |
//! | `expires`   | N    | epoch seconds; DynamoDB's TTL deletes the item later   |
//! | `state`     | B    | the session state, sealed (see [`crate::sealed`]); M (field -> JSON text) in items of versions before 0.2 |
//! | `principal` | S    | the value of the principal field (e.g. `user`), when set; indexed |
//! | `label`     | S    | the value of the label field (e.g. `device`), when set; in the index |
//! | `created`   | N    | epoch seconds of the first save                        |
//! | `touched`   | N    | epoch seconds of the last write                        |
//! | `version`   | N    | bumped by every change of `state`: no lost updates     |
//!
//! The item id is a hash of the cookie's session key, and the state is
//! encrypted with a key derived from it, so read access to the table (a
//! console, a backup) neither takes over a session nor reads what it holds.
//! Only what listing a user's sessions needs is readable: the principal, the
//! label and the times.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use sha2::{Digest, Sha256};

use crate::sealed::{Sealer, Unreadable};

use crate::StoreError;

pub(crate) const EXPIRES: &str = "expires";
pub(crate) const STATE: &str = "state";
pub(crate) const PRINCIPAL: &str = "principal";
pub(crate) const LABEL: &str = "label";
pub(crate) const CREATED: &str = "created";
pub(crate) const TOUCHED: &str = "touched";
/// Bumped by every change of the state (see [`crate::merge`]).
pub(crate) const VERSION: &str = "version";
/// The global secondary index on [`PRINCIPAL`].
pub(crate) const PRINCIPAL_INDEX: &str = "principal-index";
/// The longest index key DynamoDB takes, in bytes.
pub(crate) const MAX_PRINCIPAL_BYTES: usize = 2048;

/// The session-state field in which [`crate::DynamoDbSessionStore`] hands the
/// application the session's own [`crate::SessionHandle`] on load. It is
/// derived from the key, never stored, and ignored on save.
///
/// ```
/// use std::collections::HashMap;
/// use session_store::{HANDLE_FIELD, SessionHandle};
///
/// // A state as `load` returns it: the handle is one JSON string field.
/// let hex = "0f".repeat(32);
/// let state = HashMap::from([(HANDLE_FIELD.to_owned(), format!("\"{hex}\""))]);
/// assert_eq!(SessionHandle::from_state(&state).unwrap().to_string(), hex);
/// ```
pub const HANDLE_FIELD: &str = "_session_handle";

pub(crate) type State = HashMap<String, String>;

/// Whether `field` is one of the store's own, handed to the application on
/// load and never stored in the state.
pub(crate) fn is_reserved(field: &str) -> bool {
    field == HANDLE_FIELD || field == crate::merge::VERSION_FIELD
}

/// The non-secret part of an item id: hex SHA-256 of the session key.
pub(crate) fn key_hash(session_key: &str) -> String {
    // `hex` encodes by table; `write!("{b:02x}")` per byte went through the
    // formatting machinery, half of this function's cost on every request.
    hex::encode(Sha256::digest(session_key.as_bytes()))
}

/// A session's state as read back, still sealed.
#[derive(Debug)]
pub(crate) enum StoredState {
    Sealed(Vec<u8>),
    /// Written by a version of this store from before sealing.
    Plain(State),
}

impl StoredState {
    /// The state, and whether it was stored in the clear.
    pub(crate) fn open(self, sealer: &Sealer, id: &str) -> Result<(State, bool), Unreadable> {
        match self {
            Self::Sealed(bytes) => Ok((sealer.open(id, &bytes)?, false)),
            Self::Plain(state) => Ok((state, true)),
        }
    }
}

/// A session item as read back from DynamoDB.
#[derive(Debug)]
pub(crate) struct StoredSession {
    pub(crate) state: StoredState,
    pub(crate) expires: i64,
    pub(crate) touched: i64,
    pub(crate) created: i64,
    /// 0 for an item written before versions.
    pub(crate) version: i64,
}

impl StoredSession {
    pub(crate) fn decode(item: &HashMap<String, AttributeValue>) -> Result<Self, StoreError> {
        let state = match item.get(STATE) {
            Some(AttributeValue::B(bytes)) => StoredState::Sealed(bytes.clone().into_inner()),
            Some(AttributeValue::M(map)) => StoredState::Plain(
                map.iter()
                    .map(|(k, v)| match v {
                        AttributeValue::S(s) => Ok((k.clone(), s.clone())),
                        _ => Err(StoreError::Malformed(format!(
                            "state field {k:?} is not a string"
                        ))),
                    })
                    .collect::<Result<State, _>>()?,
            ),
            Some(_) => {
                return Err(StoreError::Malformed(format!(
                    "{STATE} is neither binary nor a map"
                )));
            }
            None => return Err(StoreError::Malformed(format!("{STATE} is missing"))),
        };
        let expires = number(item, EXPIRES)?
            .ok_or_else(|| StoreError::Malformed(format!("{EXPIRES} is missing")))?;
        // Items written by other tools may lack `touched`: treat them as due.
        let touched = number(item, TOUCHED)?.unwrap_or(0);
        // And `created`: then their absolute lifetime, if any, runs from now on.
        let created = number(item, CREATED)?.unwrap_or_else(crate::store::now);
        let version = number(item, VERSION)?.unwrap_or(0);
        Ok(Self {
            state,
            expires,
            touched,
            created,
            version,
        })
    }
}

pub(crate) fn number(
    item: &HashMap<String, AttributeValue>,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    match item.get(name) {
        None => Ok(None),
        Some(AttributeValue::N(n)) => n
            .parse()
            .map(Some)
            .map_err(|_| StoreError::Malformed(format!("{name} is not an integer: {n:?}"))),
        Some(_) => Err(StoreError::Malformed(format!("{name} is not a number"))),
    }
}

/// The text of `field` in `state` (a principal, a label): actix-session
/// keeps values as JSON, so `"\"alice\""` is `alice`; a non-string value is
/// used as written, and an empty one or `null` is none.
pub(crate) fn text(state: &State, field: Option<&str>) -> Option<String> {
    let raw = state.get(field?)?;
    let value = match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => return None,
        _ => raw.clone(),
    };
    (!value.is_empty()).then_some(value)
}

/// Whether a session can have `principal`: DynamoDB refuses an empty or
/// over-long index key.
pub(crate) fn can_be_principal(principal: &str) -> bool {
    (1..=MAX_PRINCIPAL_BYTES).contains(&principal.len())
}

pub(crate) fn state_value(sealed: Vec<u8>) -> AttributeValue {
    AttributeValue::B(Blob::new(sealed))
}

/// The attributes copied out of a session's state into its item, to be
/// found (`principal`) and shown (`label`) by the principal index.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) principal: Option<String>,
    pub(crate) label: Option<String>,
}

/// An upper estimate of the DynamoDB size of an item holding a sealed state
/// of `state_bytes`, after DynamoDB's rules: names, strings and binaries
/// count their bytes, a number at most 21 bytes.
pub(crate) fn estimated_size(
    key_attribute: &str,
    id: &str,
    state_bytes: usize,
    listing: &Listing,
) -> usize {
    const NUMBER: usize = 21;
    key_attribute.len()
        + id.len()
        + STATE.len()
        + state_bytes
        + EXPIRES.len()
        + CREATED.len()
        + TOUCHED.len()
        + VERSION.len()
        + 4 * NUMBER
        + listing
            .principal
            .as_ref()
            .map_or(0, |p| PRINCIPAL.len() + p.len())
        + listing.label.as_ref().map_or(0, |l| LABEL.len() + l.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hash_is_hex_sha256() {
        assert_eq!(
            key_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn text_reads_json_strings() {
        let mut state = State::new();
        state.insert("user".into(), "\"alice\"".into());
        assert_eq!(text(&state, Some("user")).as_deref(), Some("alice"));
        assert_eq!(text(&state, None), None);
        state.insert("user".into(), "null".into());
        assert_eq!(text(&state, Some("user")), None);
        state.insert("user".into(), "\"\"".into());
        assert_eq!(text(&state, Some("user")), None);
        state.insert("user".into(), "42".into());
        assert_eq!(text(&state, Some("user")).as_deref(), Some("42"));
    }

    #[test]
    fn decode_rejects_malformed_items() {
        let mut item = HashMap::new();
        assert!(matches!(
            StoredSession::decode(&item),
            Err(StoreError::Malformed(_))
        ));
        item.insert(STATE.into(), AttributeValue::S("x".into()));
        assert!(matches!(
            StoredSession::decode(&item),
            Err(StoreError::Malformed(_))
        ));
        item.insert(STATE.into(), state_value(vec![1; 40]));
        item.insert(EXPIRES.into(), AttributeValue::N("soon".into()));
        assert!(matches!(
            StoredSession::decode(&item),
            Err(StoreError::Malformed(_))
        ));
        item.insert(EXPIRES.into(), AttributeValue::N("17".into()));
        let decoded = StoredSession::decode(&item).unwrap();
        assert_eq!((decoded.expires, decoded.touched), (17, 0));
    }

    #[test]
    fn size_grows_with_the_state_and_the_listing() {
        let none = Listing::default();
        let empty = estimated_size("id", "x", 0, &none);
        assert!(estimated_size("id", "x", 1000, &none) >= empty + 1000);
        let listed = Listing {
            principal: Some("p".repeat(100)),
            label: Some("l".repeat(100)),
        };
        assert!(estimated_size("id", "x", 0, &listed) >= empty + 200);
    }
}
