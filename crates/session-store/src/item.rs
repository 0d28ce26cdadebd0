//! How a session is laid out in a DynamoDB item.
//!
//! | attribute   | type   | what                                                   |
//! |-------------|--------|--------------------------------------------------------|
//! | `id`        | S      | key prefix + SHA-256 of the session key (hex)          |
//! | `expires`   | N      | epoch seconds; DynamoDB's TTL deletes the item later   |
//! | `fields`    | M of B | each session field under a keyed hash of its name, sealed (see [`crate::sealed`]) |
//! | `principal` | S      | the value of the principal field (e.g. `user`), when set; indexed |
//! | `label`     | S      | the value of the label field (e.g. `device`), when set; in the index |
//! | `created`   | N      | epoch seconds of the first save                        |
//! | `touched`   | N      | epoch seconds of the last write                        |
//!
//! Items of earlier layouts hold `state` instead of `fields` (one sealed
//! blob, or a map of JSON texts before sealing) and a `version`; the store
//! reads them and writes them again in this layout.
//!
//! The item id is a hash of the cookie's session key, and each field is
//! encrypted with a key derived from it, so read access to the table (a
//! console, a backup) neither takes over a session nor reads what it holds.
//! Only what listing a user's sessions needs is readable: the principal, the
//! label and the times.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::state::SessionState;

pub(crate) const EXPIRES: &str = "expires";
pub(crate) const FIELDS: &str = "fields";
pub(crate) const PRINCIPAL: &str = "principal";
pub(crate) const LABEL: &str = "label";
pub(crate) const CREATED: &str = "created";
pub(crate) const TOUCHED: &str = "touched";
/// The whole state, in the layouts before `fields`.
pub(crate) const LEGACY_STATE: &str = "state";
/// The version those layouts bumped on every change.
pub(crate) const LEGACY_VERSION: &str = "version";
/// The global secondary index on [`PRINCIPAL`].
pub(crate) const PRINCIPAL_INDEX: &str = "principal-index";
/// The longest index key DynamoDB takes, in bytes.
pub(crate) const MAX_PRINCIPAL_BYTES: usize = 2048;

/// The non-secret part of an item id: hex SHA-256 of the session key.
pub(crate) fn key_hash(session_key: &str) -> String {
    // `hex` encodes by table; `write!("{b:02x}")` per byte went through the
    // formatting machinery, half of this function's cost on every request.
    hex::encode(Sha256::digest(session_key.as_bytes()))
}

/// A session's fields as read back, still sealed.
#[derive(Debug)]
pub(crate) enum StoredState {
    /// By attribute, each field sealed on its own: this layout.
    Fields(HashMap<String, Vec<u8>>),
    /// The whole state sealed in one blob: the layout before.
    Whole(Vec<u8>),
    /// A map of JSON texts: the layout before sealing.
    Plain(SessionState),
}

/// A session item as read back from DynamoDB.
#[derive(Debug)]
pub(crate) struct StoredSession {
    pub(crate) state: StoredState,
    pub(crate) expires: i64,
    pub(crate) touched: i64,
    pub(crate) created: i64,
}

impl StoredSession {
    pub(crate) fn decode(item: &HashMap<String, AttributeValue>) -> Result<Self, StoreError> {
        let malformed = |what: String| StoreError::Malformed(what);
        let state = match (item.get(FIELDS), item.get(LEGACY_STATE)) {
            (Some(AttributeValue::M(map)), _) => StoredState::Fields(
                map.iter()
                    .map(|(attribute, value)| match value {
                        AttributeValue::B(bytes) => {
                            Ok((attribute.clone(), bytes.clone().into_inner()))
                        }
                        _ => Err(malformed(format!("field {attribute:?} is not binary"))),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            (Some(_), _) => return Err(malformed(format!("{FIELDS} is not a map"))),
            (None, Some(AttributeValue::B(bytes))) => {
                StoredState::Whole(bytes.clone().into_inner())
            }
            (None, Some(AttributeValue::M(map))) => StoredState::Plain(
                map.iter()
                    .map(|(k, v)| match v {
                        AttributeValue::S(s) => Ok((k.clone(), s.clone())),
                        _ => Err(malformed(format!("state field {k:?} is not a string"))),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            (None, Some(_)) => {
                return Err(malformed(format!(
                    "{LEGACY_STATE} is neither binary nor a map"
                )));
            }
            (None, None) => return Err(malformed(format!("{FIELDS} is missing"))),
        };
        let expires =
            number(item, EXPIRES)?.ok_or_else(|| malformed(format!("{EXPIRES} is missing")))?;
        // Items written by other tools may lack `touched`: treat them as due.
        let touched = number(item, TOUCHED)?.unwrap_or(0);
        // And `created`: then their absolute lifetime, if any, runs from now on.
        let created = number(item, CREATED)?.unwrap_or_else(crate::clock::now);
        Ok(Self {
            state,
            expires,
            touched,
            created,
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
pub(crate) fn text(state: &SessionState, field: Option<&str>) -> Option<String> {
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

/// The attributes copied out of a session's state into its item, to be
/// found (`principal`) and shown (`label`) by the principal index.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) principal: Option<String>,
    pub(crate) label: Option<String>,
}

/// An upper estimate of the DynamoDB size of an item holding `fields`
/// (each field's attribute and sealed bytes), after DynamoDB's rules: names,
/// strings and binaries count their bytes, a number at most 21 bytes, a map
/// 3 bytes and 1 per element.
pub(crate) fn estimated_size<'a>(
    key_attribute: &str,
    id: &str,
    fields: impl Iterator<Item = (&'a str, usize)>,
    listing: &Listing,
) -> usize {
    const NUMBER: usize = 21;
    let fields: usize = fields
        .map(|(attribute, bytes)| attribute.len() + bytes + 1)
        .sum();
    key_attribute.len()
        + id.len()
        + FIELDS.len()
        + 3
        + fields
        + EXPIRES.len()
        + CREATED.len()
        + TOUCHED.len()
        + 3 * NUMBER
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
        let mut state = SessionState::new();
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
        let malformed = |item: &HashMap<String, AttributeValue>| {
            matches!(StoredSession::decode(item), Err(StoreError::Malformed(_)))
        };
        let mut item = HashMap::new();
        assert!(malformed(&item));
        item.insert(FIELDS.into(), AttributeValue::S("x".into()));
        assert!(malformed(&item));
        let field = HashMap::from([("a".to_owned(), AttributeValue::S("x".into()))]);
        item.insert(FIELDS.into(), AttributeValue::M(field));
        assert!(malformed(&item));
        item.insert(FIELDS.into(), AttributeValue::M(HashMap::new()));
        item.insert(EXPIRES.into(), AttributeValue::N("soon".into()));
        assert!(malformed(&item));
        item.insert(EXPIRES.into(), AttributeValue::N("17".into()));
        let decoded = StoredSession::decode(&item).unwrap();
        assert_eq!((decoded.expires, decoded.touched), (17, 0));
    }

    #[test]
    fn decode_reads_the_layouts_before_fields() {
        let mut item = HashMap::from([(EXPIRES.to_owned(), AttributeValue::N("17".into()))]);
        item.insert(LEGACY_STATE.into(), AttributeValue::B(vec![1, 2].into()));
        assert!(matches!(
            StoredSession::decode(&item).unwrap().state,
            StoredState::Whole(_)
        ));
        let plain = HashMap::from([("a".to_owned(), AttributeValue::S("1".into()))]);
        item.insert(LEGACY_STATE.into(), AttributeValue::M(plain));
        assert!(matches!(
            StoredSession::decode(&item).unwrap().state,
            StoredState::Plain(_)
        ));
    }

    #[test]
    fn size_grows_with_the_fields_and_the_listing() {
        let none = Listing::default();
        let empty = estimated_size("id", "x", std::iter::empty(), &none);
        let one = estimated_size("id", "x", [("abc", 1000)].into_iter(), &none);
        assert!(one >= empty + 1003);
        let listed = Listing {
            principal: Some("p".repeat(100)),
            label: Some("l".repeat(100)),
        };
        assert!(estimated_size("id", "x", std::iter::empty(), &listed) >= empty + 200);
    }
}
