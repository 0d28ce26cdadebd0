//! Per-user sessions: list a principal's live sessions, revoke one or all
//! others. Served by the `principal-index` global secondary index: one Query,
//! never a Scan. The index is eventually consistent, so a session created a
//! moment ago may be missing from a list for a moment.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, ReturnValue};

use crate::clock::now;
use crate::item::{self, CREATED, EXPIRES, LABEL, PRINCIPAL, PRINCIPAL_INDEX, TOUCHED};
use crate::metrics::Operation;
use crate::state::HANDLE_FIELD;
use crate::{DynamoDbSessionStore, StoreError};

/// A non-secret name of a session: the SHA-256 of its key. It can revoke a
/// session (for its owner) but not take it over.
///
/// A store hands the application the current session's handle in the session
/// field [`HANDLE_FIELD`] on load:
///
/// ```
/// use std::collections::HashMap;
/// use session_store::SessionHandle;
///
/// let mut state = HashMap::new();
/// let hex = "ab".repeat(32);
/// state.insert(session_store::HANDLE_FIELD.to_owned(), format!("\"{hex}\""));
/// let handle = SessionHandle::from_state(&state).unwrap();
/// assert_eq!(handle.to_string(), hex);
/// assert_eq!("nope".parse::<SessionHandle>().ok(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionHandle(String);

impl SessionHandle {
    pub(crate) fn from_hash(hash: String) -> Self {
        Self(hash)
    }

    /// The handle in a loaded session state (see [`HANDLE_FIELD`]).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use session_store::SessionHandle;
    /// // A new session, never stored, has no handle yet.
    /// assert_eq!(SessionHandle::from_state(&HashMap::new()), None);
    /// ```
    pub fn from_state(state: &HashMap<String, String>) -> Option<Self> {
        let raw = state.get(HANDLE_FIELD)?;
        serde_json::from_str::<String>(raw).ok()?.parse().ok()
    }

    /// The handle of an actix-web request's session, if it has a stored one.
    ///
    /// ```
    /// use actix_session::Session;
    /// use session_store::SessionHandle;
    ///
    /// // A handler that shows the current session's handle, e.g. to mark it
    /// // "this device" in a list of the user's sessions.
    /// async fn this_session(session: Session) -> String {
    ///     match SessionHandle::of(&session) {
    ///         Some(handle) => format!("this session: {handle}"),
    ///         None => "a new session, not stored yet".to_owned(),
    ///     }
    /// }
    /// ```
    pub fn of(session: &actix_session::Session) -> Option<Self> {
        session.get::<String>(HANDLE_FIELD).ok()??.parse().ok()
    }
}

impl fmt::Display for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A string that is not a session handle (64 lowercase hex digits).
///
/// ```
/// use session_store::SessionHandle;
/// // E.g. a handle from a form field, checked before any DynamoDB call.
/// let err = "../etc/passwd".parse::<SessionHandle>().unwrap_err();
/// assert_eq!(err.to_string(), "not a session handle");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("not a session handle")]
pub struct InvalidHandle;

impl FromStr for SessionHandle {
    type Err = InvalidHandle;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidHandle)
        }
    }
}

/// One live session of a principal, from [`DynamoDbSessionStore::list_sessions`].
///
/// ```
/// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), session_store::StoreError> {
/// use std::time::SystemTime;
/// for info in store.list_sessions("alice").await? {
///     let idle = SystemTime::now().duration_since(info.last_touched).unwrap_or_default();
///     let device = info.label.as_deref().unwrap_or("unknown device");
///     println!("{} ({device}): idle for {} s", info.handle, idle.as_secs());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionInfo {
    /// Names the session for [`DynamoDbSessionStore::revoke_session`].
    pub handle: SessionHandle,
    /// When it was first saved.
    pub created: SystemTime,
    /// When it was last written (a change or an expiry extension).
    pub last_touched: SystemTime,
    /// When it expires unless used.
    pub expires: SystemTime,
    /// The session's label (the value of the label field, e.g. the device
    /// it was opened on), if it has one.
    pub label: Option<String>,
}

fn time(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds.max(0) as u64)
}

/// How many sessions' times [`DynamoDbSessionStore::list_sessions`] reads at once.
const TIMES_AT_ONCE: usize = 16;

/// A session as the principal index shows it: what never changes.
struct Indexed {
    handle: SessionHandle,
    created: i64,
    label: Option<String>,
}

impl DynamoDbSessionStore {
    /// The live sessions of `principal` (the value of the principal field,
    /// e.g. a user name), oldest first: one Query on the principal index,
    /// then one GetItem per session for its times (the index leaves them
    /// out, so that touching a session does not write the index too).
    /// Only this store's: in a table shared under other key prefixes,
    /// another app's sessions of a user of the same name are left out.
    ///
    /// ```no_run
    /// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), session_store::StoreError> {
    /// for session in store.list_sessions("alice").await? {
    ///     println!("{} expires {:?}", session.handle, session.expires);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_sessions(&self, principal: &str) -> Result<Vec<SessionInfo>, StoreError> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let indexed = self.indexed_sessions(principal).await?;
        let mut sessions: Vec<SessionInfo> = stream::iter(indexed)
            .map(|entry| self.with_times(entry))
            .buffer_unordered(TIMES_AT_ONCE)
            .try_filter_map(|session| async move { Ok(session) })
            .try_collect()
            .await?;
        sessions.sort_by_key(|s| s.created);
        Ok(sessions)
    }

    /// The session `entry` with its times, if it is live.
    async fn with_times(&self, entry: Indexed) -> Result<Option<SessionInfo>, StoreError> {
        let id = self.id_of_hash(&entry.handle.0);
        let Some(raw) = self.read_item(&id, &[EXPIRES, TOUCHED]).await? else {
            return Ok(None); // ended since the query
        };
        let expires = item::number(&raw, EXPIRES)?.unwrap_or_default();
        if expires <= now() {
            return Ok(None);
        }
        Ok(Some(SessionInfo {
            handle: entry.handle,
            created: time(entry.created),
            last_touched: time(item::number(&raw, TOUCHED)?.unwrap_or_default()),
            expires: time(expires),
            label: entry.label,
        }))
    }

    /// Every session of `principal` in the principal index, expired ones
    /// (until DynamoDB's TTL deletes them) included.
    async fn indexed_sessions(&self, principal: &str) -> Result<Vec<Indexed>, StoreError> {
        let settings = self.settings();
        let mut sessions = Vec::new();
        // DynamoDB would refuse the query; no session is stored under it anyway.
        if !item::can_be_principal(principal) {
            return Ok(sessions);
        }
        let mut start = None;
        loop {
            let result = self
                .call(
                    Operation::Query,
                    self.client()
                        .query()
                        .return_consumed_capacity(ReturnConsumedCapacity::Total)
                        .table_name(&settings.table)
                        .index_name(PRINCIPAL_INDEX)
                        .key_condition_expression("#p = :p")
                        .expression_attribute_names("#p", PRINCIPAL)
                        .expression_attribute_values(":p", AttributeValue::S(principal.to_owned()))
                        .set_exclusive_start_key(start)
                        .send(),
                )
                .await;
            let page =
                result.map_err(|e| StoreError::dynamodb("dynamodb:Query", &settings.table, e))?;
            for raw in page.items() {
                sessions.extend(self.indexed(raw)?);
            }
            // A page holds 1 MB of index entries: one page is the norm.
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(sessions)
    }

    /// The session of an index entry; `None` for another app's, in a table
    /// shared under other key prefixes (the index holds every app's
    /// principals, and theirs may be named alike).
    fn indexed(
        &self,
        raw: &HashMap<String, AttributeValue>,
    ) -> Result<Option<Indexed>, StoreError> {
        let settings = self.settings();
        let id = match raw.get(&settings.key_attribute) {
            Some(AttributeValue::S(id)) => id,
            _ => {
                return Err(StoreError::Malformed(format!(
                    "{} is missing",
                    settings.key_attribute
                )));
            }
        };
        // Ours: our prefix, then a 64-digit hash. Another app's id, its own
        // prefix then a hash, has that shape only if its prefix is ours.
        let Some(handle) = id
            .strip_prefix(settings.key_prefix.as_str())
            .and_then(|hash| hash.parse::<SessionHandle>().ok())
        else {
            return Ok(None);
        };
        Ok(Some(Indexed {
            handle,
            created: item::number(raw, CREATED)?.unwrap_or_default(),
            label: match raw.get(LABEL) {
                Some(AttributeValue::S(label)) => Some(label.clone()),
                _ => None,
            },
        }))
    }

    /// Ends the session `handle` if it belongs to `principal`; `false` when
    /// there was no such live session (already gone or expired, or someone
    /// else's). One conditional DeleteItem.
    ///
    /// ```no_run
    /// # async fn example(store: session_store::DynamoDbSessionStore, handle: session_store::SessionHandle) -> Result<(), session_store::StoreError> {
    /// let revoked = store.revoke_session("alice", &handle).await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_session(
        &self,
        principal: &str,
        handle: &SessionHandle,
    ) -> Result<bool, StoreError> {
        let settings = self.settings();
        let result = self
            .call(
                Operation::DeleteItem,
                self.client()
                    .delete_item()
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .table_name(&settings.table)
                    .key(
                        &settings.key_attribute,
                        AttributeValue::S(self.id_of_hash(&handle.0)),
                    )
                    .condition_expression("#p = :p")
                    .expression_attribute_names("#p", PRINCIPAL)
                    .expression_attribute_values(":p", AttributeValue::S(principal.to_owned()))
                    // At no extra cost: whether it was still live.
                    .return_values(ReturnValue::AllOld)
                    .send(),
            )
            .await;
        match result {
            Ok(deleted) => {
                let expires = match deleted.attributes() {
                    Some(old) => item::number(old, EXPIRES)?.unwrap_or_default(),
                    None => 0,
                };
                Ok(expires > now())
            }
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(false)
            }
            Err(e) => Err(StoreError::dynamodb(
                "dynamodb:DeleteItem",
                &settings.table,
                e,
            )),
        }
    }

    /// Ends every session of `principal` but `keep` (typically the current
    /// one); returns how many live ones were ended. One Query, then one
    /// DeleteItem each (expired ones that DynamoDB's TTL has not deleted yet
    /// included).
    ///
    /// ```no_run
    /// # async fn example(store: session_store::DynamoDbSessionStore, current: session_store::SessionHandle) -> Result<(), session_store::StoreError> {
    /// let ended = store.revoke_other_sessions("alice", &current).await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_other_sessions(
        &self,
        principal: &str,
        keep: &SessionHandle,
    ) -> Result<usize, StoreError> {
        let mut ended = 0;
        for session in self.indexed_sessions(principal).await? {
            if &session.handle != keep && self.revoke_session(principal, &session.handle).await? {
                ended += 1;
            }
        }
        Ok(ended)
    }
}
