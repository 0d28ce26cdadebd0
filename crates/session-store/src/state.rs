//! The session state as actix-session hands it to a store, and the fields
//! the store adds to it on load. A leaf: it depends on nothing of the crate.

use std::collections::HashMap;

/// A session's state as actix-session keeps it: field name to JSON text.
///
/// ```
/// let state: session_store::SessionState = [("user".to_owned(), "\"alice\"".to_owned())].into();
/// assert_eq!(state["user"], "\"alice\"");
/// ```
pub type SessionState = HashMap<String, String>;

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

/// The session-state field in which the store records, on load, what the
/// request loaded (a digest of each field), so that its write sends only the
/// fields the request changed. Never stored; an app leaves it alone. A state
/// without it (cleared, or built by the app) is written whole.
///
/// ```
/// assert_eq!(session_store::LOADED_FIELD, "_session_loaded");
/// ```
pub const LOADED_FIELD: &str = "_session_loaded";

/// Whether `field` is one of the store's own, handed to the application on
/// load and never stored.
pub(crate) fn is_reserved(field: &str) -> bool {
    field == HANDLE_FIELD || field == LOADED_FIELD
}

/// The fields of `state` that the store stores.
pub(crate) fn stored_fields(state: &SessionState) -> impl Iterator<Item = (&String, &String)> {
    state.iter().filter(|(k, _)| !is_reserved(k))
}
