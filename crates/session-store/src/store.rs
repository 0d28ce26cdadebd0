use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::builder::Settings;
use crate::item::{
    self, CREATED, EXPIRES, HANDLE_FIELD, LABEL, Listing, PRINCIPAL, STATE, State, StoredSession,
    TOUCHED, VERSION,
};
use crate::merge::{Changes, LoadedStates, VERSION_FIELD, loaded_version};
use crate::metrics::{Consumed, Counters, Operation, OperationCounts, Outcome};
use crate::recent::{RecentLoads, Seen};
use crate::sealed::Sealer;
use crate::writers::SessionWriters;
use crate::{SessionHandle, StoreError};

/// How many fresh keys `save` draws before giving up.
const SAVE_ATTEMPTS: u32 = 3;
/// How many times a change is applied again over other requests' changes
/// before the request fails. Each round lets at least one of the writers
/// through, so this many more than one write at once on one session (a page
/// whose requests all change it) still all succeed.
const MERGES: u32 = 10;

/// A random wait of up to `merge` milliseconds.
fn jitter(merge: u32) -> std::time::Duration {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    std::time::Duration::from_micros(random % (u64::from(merge) * 1000 + 1))
}

/// How a conditional write of a session's state ended.
enum Written {
    Done,
    /// The session ended, or another request changed it first.
    Refused,
}

/// An actix-session [`SessionStore`] on a DynamoDB table.
///
/// Cheap to clone (clones share the client and the counters). Build it with
/// [`DynamoDbSessionStore::builder`] and call
/// [`ensure_table`](DynamoDbSessionStore::ensure_table) once at start-up.
///
/// Semantics:
/// - `load` is one `GetItem`; an expired item is absent even before DynamoDB's
///   TTL deletes it.
/// - `save` writes under a fresh random key, only if that key is unused.
/// - `update` and `update_ttl` write only while the item exists and has not
///   expired: a request racing a logout never brings the session back (its
///   change is dropped, and the next request starts a new session).
/// - `update_ttl` writes at most once per touch interval, or per half the
///   session's lifetime if that is shorter (so that a session in use does not
///   expire for want of a touch).
///
/// ```
/// # async fn example(sdk_config: aws_config::SdkConfig) -> anyhow::Result<()> {
/// use actix_session::storage::SessionStore;
/// use actix_web::cookie::time::Duration;
/// use session_store::DynamoDbSessionStore;
///
/// let store = DynamoDbSessionStore::builder(&sdk_config, "sessions").build();
/// store.ensure_table().await?;
/// // What SessionMiddleware does with it:
/// let state = [("user".to_owned(), "\"alice\"".to_owned())].into();
/// let key = store.save(state, &Duration::hours(1)).await?;
/// assert_eq!(store.load(&key).await?.unwrap()["user"], "\"alice\"");
/// store.delete(&key).await?;
/// assert!(store.load(&key).await?.is_none());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DynamoDbSessionStore {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: aws_sdk_dynamodb::Client,
    pub(crate) settings: Settings,
    pub(crate) counters: Counters,
    pub(crate) recent: RecentLoads,
    pub(crate) loaded: LoadedStates,
    pub(crate) writers: SessionWriters,
}

impl std::fmt::Debug for DynamoDbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoDbSessionStore")
            .field("table", &self.inner.settings.table)
            .finish_non_exhaustive()
    }
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn is_conditional_check_failed<E>(err: &SdkError<E>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    matches!(err, SdkError::ServiceError(e) if e.err().code() == Some("ConditionalCheckFailedException"))
}

fn is_item_too_large<E>(err: &SdkError<E>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    matches!(err, SdkError::ServiceError(e)
        if e.err().code() == Some("ValidationException")
            && e.err().message().is_some_and(|m| m.contains("size")))
}

impl DynamoDbSessionStore {
    /// The table name.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions").build();
    /// assert_eq!(store.table(), "sessions");
    /// # }
    /// ```
    pub fn table(&self) -> &str {
        &self.inner.settings.table
    }

    /// The DynamoDB client the store uses (with its operation timeout).
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), aws_sdk_dynamodb::Error> {
    /// // A call of your own, with the store's client and its timeouts.
    /// let table = store.client().describe_table().table_name(store.table()).send().await?;
    /// println!("{:?} items", table.table().and_then(|t| t.item_count()));
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.inner.client
    }

    /// Counts of the DynamoDB calls made so far by this store and its clones.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// let counts = store.operation_counts();
    /// println!("{} calls, {} of them writes", counts.total_calls(), counts.writes());
    /// # }
    /// ```
    pub fn operation_counts(&self) -> OperationCounts {
        self.inner.counters.snapshot()
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn id_of_hash(&self, hash: &str) -> String {
        format!("{}{hash}", self.inner.settings.key_prefix)
    }

    fn id_of(&self, key: &SessionKey) -> String {
        self.id_of_hash(&item::key_hash(key.as_ref()))
    }

    /// When a session created at `created` ends however active it is: with
    /// an absolute lifetime only.
    fn ends(&self, created: i64) -> Option<i64> {
        let lifetime = self.inner.settings.absolute_lifetime?;
        Some(created.saturating_add(lifetime.as_secs().try_into().unwrap_or(i64::MAX)))
    }

    /// The expiry to write: `ttl` from now, but never past the session's end.
    /// A lifetime too long for the clock ends at the largest time, not in a wrap.
    fn expires_at(&self, now: i64, ttl: &CookieDuration, created: Option<i64>) -> i64 {
        let idle = now.saturating_add(ttl.whole_seconds());
        match created.and_then(|created| self.ends(created)) {
            Some(ends) => idle.min(ends),
            None => idle,
        }
    }

    /// The `created` time of session `id`, when an absolute lifetime needs it:
    /// as the request's load saw it, or read when that was forgotten (the
    /// memory of loads is pruned under load), with a GetItem of that one
    /// attribute.
    async fn created(&self, id: &str) -> Result<Option<i64>, StoreError> {
        if self.inner.settings.absolute_lifetime.is_none() {
            return Ok(None);
        }
        if let Some(seen) = self.inner.recent.seen(id) {
            return Ok(Some(seen.created));
        }
        let item = self.read_item(id, &[CREATED]).await?;
        let created = item.and_then(|item| item.get(CREATED)?.as_n().ok()?.parse().ok());
        Ok(created)
    }

    /// What `state` puts in the principal index.
    fn listing(&self, state: &State) -> Listing {
        let settings = &self.inner.settings;
        Listing {
            principal: item::text(state, settings.principal_field.as_deref()),
            label: item::text(state, settings.label_field.as_deref()),
        }
    }

    /// Refuses, before any call, an item DynamoDB would refuse.
    fn check_item(&self, id: &str, sealed: &[u8], listing: &Listing) -> Result<(), StoreError> {
        if let Some(p) = &listing.principal
            && !item::can_be_principal(p)
        {
            return Err(StoreError::PrincipalTooLong { bytes: p.len() });
        }
        let settings = &self.inner.settings;
        let bytes = item::estimated_size(&settings.key_attribute, id, sealed.len(), listing);
        if bytes > settings.max_item_bytes {
            return Err(StoreError::TooLarge {
                bytes,
                limit: settings.max_item_bytes,
            });
        }
        Ok(())
    }

    fn dynamodb_error<E>(&self, action: &'static str, err: SdkError<E>) -> StoreError
    where
        E: std::error::Error
            + aws_sdk_dynamodb::error::ProvideErrorMetadata
            + Send
            + Sync
            + 'static,
    {
        if is_item_too_large(&err) {
            return StoreError::TooLarge {
                bytes: self.inner.settings.max_item_bytes + 1,
                limit: self.inner.settings.max_item_bytes,
            };
        }
        StoreError::dynamodb(action, &self.inner.settings.table, err)
    }

    /// Makes one DynamoDB call: timed for [`crate::call_time`], counted,
    /// and its consumed capacity added up.
    pub(crate) async fn call<T, E>(
        &self,
        op: Operation,
        request: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> Result<T, SdkError<E>>
    where
        T: Consumed,
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
    {
        let started = std::time::Instant::now();
        let result = request.await;
        crate::call_time::add(started.elapsed());
        self.record_sdk(op, &result);
        if let Ok(output) = &result {
            self.inner.counters.record_capacity(op, output.consumed());
        }
        result
    }

    /// Counts a call; a refused condition is the store working, not a failure.
    fn record_sdk<T, E>(&self, op: Operation, result: &Result<T, SdkError<E>>)
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
    {
        let outcome = match result {
            Ok(_) => Outcome::Done,
            Err(e) if is_conditional_check_failed(e) => Outcome::Refused,
            Err(_) => Outcome::Failed,
        };
        self.inner.counters.record(op, outcome);
    }

    /// One conditional UpdateItem of a session's state over `expected`, the
    /// version it was read at (`None`: whatever the version). Refused when the
    /// session ended or another request changed it.
    async fn write_state(
        &self,
        id: &str,
        sealer: &Sealer,
        state: &State,
        expected: Option<i64>,
        created: Option<i64>,
        ttl: &CookieDuration,
    ) -> Result<Written, StoreError> {
        let settings = &self.inner.settings;
        let listing = self.listing(state);
        let sealed = sealer.seal(id, state);
        self.check_item(id, &sealed, &listing)?;
        let now = now();
        let expires = self.expires_at(now, ttl, created);
        if expires <= now {
            // Past its absolute lifetime.
            return Ok(Written::Refused);
        }
        let mut condition = String::from("attribute_exists(#k) AND #e > :now");
        let mut set = String::from("SET #s = :s, #e = :e, #t = :now");
        let mut request = self
            .inner
            .client
            .update_item()
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .table_name(&settings.table)
            .key(&settings.key_attribute, AttributeValue::S(id.to_owned()))
            .expression_attribute_names("#k", &settings.key_attribute)
            .expression_attribute_names("#s", STATE)
            .expression_attribute_names("#e", EXPIRES)
            .expression_attribute_names("#t", TOUCHED)
            .expression_attribute_names("#v", VERSION)
            .expression_attribute_values(":s", item::state_value(sealed))
            .expression_attribute_values(":e", AttributeValue::N(expires.to_string()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()));
        match expected {
            // An item written before versions has none: it is at version 0.
            Some(0) => {
                condition.push_str(" AND (attribute_not_exists(#v) OR #v = :zero)");
                set.push_str(", #v = :one");
            }
            Some(version) => {
                condition.push_str(" AND #v = :v");
                set.push_str(", #v = :v + :one");
                request = request
                    .expression_attribute_values(":v", AttributeValue::N(version.to_string()));
            }
            None => set.push_str(", #v = if_not_exists(#v, :zero) + :one"),
        }
        if matches!(expected, Some(0) | None) {
            request =
                request.expression_attribute_values(":zero", AttributeValue::N("0".to_owned()));
        }
        // A field the state no longer has leaves the item too: a logged-out
        // session must drop out of its user's list.
        let mut remove = Vec::new();
        for (name, placeholder, attribute, value) in [
            ("#p", ":p", PRINCIPAL, listing.principal),
            ("#l", ":l", LABEL, listing.label),
        ] {
            request = request.expression_attribute_names(name, attribute);
            match value {
                Some(v) => {
                    set.push_str(&format!(", {name} = {placeholder}"));
                    request =
                        request.expression_attribute_values(placeholder, AttributeValue::S(v));
                }
                None => remove.push(name),
            }
        }
        if !remove.is_empty() {
            set.push_str(" REMOVE ");
            set.push_str(&remove.join(", "));
        }
        let request = request
            .condition_expression(condition)
            .update_expression(set);
        match self.call(Operation::UpdateItem, request.send()).await {
            Ok(_) => Ok(Written::Done),
            Err(e) if is_conditional_check_failed(&e) => Ok(Written::Refused),
            Err(e) => Err(self.dynamodb_error("dynamodb:UpdateItem", e)),
        }
    }

    /// The item `id` (only the attributes `only`, unless empty): a
    /// consistent GetItem.
    pub(crate) async fn read_item(
        &self,
        id: &str,
        only: &[&str],
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let settings = &self.inner.settings;
        let mut request = self
            .inner
            .client
            .get_item()
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .table_name(&settings.table)
            .key(&settings.key_attribute, AttributeValue::S(id.to_owned()))
            .consistent_read(true);
        if !only.is_empty() {
            let names: Vec<String> = (0..only.len()).map(|i| format!("#a{i}")).collect();
            request = request.projection_expression(names.join(", "));
            for (name, attribute) in names.into_iter().zip(only) {
                request = request.expression_attribute_names(name, *attribute);
            }
        }
        let output = self
            .call(Operation::GetItem, request.send())
            .await
            .map_err(|e| self.dynamodb_error("dynamodb:GetItem", e))?;
        Ok(output.item)
    }

    /// The state and version of session `id` as it is now, if it is live
    /// (and opens).
    async fn read_live(
        &self,
        id: &str,
        sealer: &Sealer,
    ) -> Result<Option<(State, i64)>, StoreError> {
        let Some(raw) = self.read_item(id, &[]).await? else {
            return Ok(None);
        };
        let stored = StoredSession::decode(&raw)?;
        if self.has_ended(&stored) {
            return Ok(None);
        }
        let version = stored.version;
        Ok(self
            .open(id, sealer, stored.state)
            .map(|(state, _)| (state, version)))
    }

    fn has_ended(&self, stored: &StoredSession) -> bool {
        let now = now();
        stored.expires <= now || self.ends(stored.created).is_some_and(|ends| ends <= now)
    }

    /// The state of item `id`, and whether it was stored in the clear; `None`
    /// when it does not open: another key's state copied in, damaged bytes.
    /// Then the session is absent, as a cookie that matches no item is.
    fn open(&self, id: &str, sealer: &Sealer, stored: item::StoredState) -> Option<(State, bool)> {
        match stored.open(sealer, id) {
            Ok(opened) => Some(opened),
            Err(why) => {
                self.inner.counters.record_unreadable();
                tracing::warn!(table = %self.table(), "a session state does not open ({why}): the session is treated as absent");
                None
            }
        }
    }

    /// Writes again, sealed, the state of an item from before sealing, so
    /// that the table holds it in the clear no longer; over its version, so
    /// that a change made meanwhile wins. A failure is only logged: the
    /// session was read, and its next change seals it anyway.
    async fn seal_legacy(
        &self,
        id: &str,
        sealer: &Sealer,
        state: &State,
        stored: &StoredSession,
    ) -> Option<i64> {
        let left = CookieDuration::seconds(stored.expires - now());
        match self
            .write_state(
                id,
                sealer,
                state,
                Some(stored.version),
                Some(stored.created),
                &left,
            )
            .await
        {
            Ok(Written::Done) => Some(stored.version + 1),
            Ok(Written::Refused) => None,
            Err(e) => {
                tracing::warn!(table = %self.table(), error = %e, "could not seal a session stored in the clear");
                None
            }
        }
    }

    /// One conditional PutItem under a fresh key; `None` on a key collision.
    async fn put_new(
        &self,
        state: &State,
        ttl: &CookieDuration,
    ) -> Result<Option<SessionKey>, StoreError> {
        let settings = &self.inner.settings;
        let key = (settings.key_generator)();
        let id = self.id_of(&key);
        let listing = self.listing(state);
        let sealed = Sealer::for_session(key.as_ref()).seal(&id, state);
        self.check_item(&id, &sealed, &listing)?;
        let now = now();
        let result = self
            .call(
                Operation::PutItem,
                self.inner
                    .client
                    .put_item()
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .table_name(&settings.table)
                    .item(&settings.key_attribute, AttributeValue::S(id))
                    .item(STATE, item::state_value(sealed))
                    .item(
                        EXPIRES,
                        AttributeValue::N(self.expires_at(now, ttl, Some(now)).to_string()),
                    )
                    .item(CREATED, AttributeValue::N(now.to_string()))
                    .item(TOUCHED, AttributeValue::N(now.to_string()))
                    .item(VERSION, AttributeValue::N("1".to_owned()))
                    .set_optional(PRINCIPAL, listing.principal)
                    .set_optional(LABEL, listing.label)
                    .condition_expression("attribute_not_exists(#k)")
                    .expression_attribute_names("#k", &settings.key_attribute)
                    .send(),
            )
            .await;
        match result {
            Ok(_) => Ok(Some(key)),
            Err(e) if is_conditional_check_failed(&e) => Ok(None),
            Err(e) => Err(self.dynamodb_error("dynamodb:PutItem", e)),
        }
    }
}

/// How long after its last write `update_ttl` leaves a session's expiry as
/// it is, in seconds: the touch interval, but at most half the lifetime.
/// Skipping for a whole lifetime or more would let a session that is read on
/// every request, but never changed, expire in use; with half, it is extended
/// while it still has half its lifetime ahead.
fn touch_window(touch_interval: std::time::Duration, ttl: &CookieDuration) -> i64 {
    i64::try_from(touch_interval.as_secs())
        .unwrap_or(i64::MAX)
        .min(ttl.whole_seconds() / 2)
}

/// Adds an optional string attribute to a PutItem.
trait SetOptional {
    fn set_optional(self, name: &str, value: Option<String>) -> Self;
}

impl SetOptional for aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder {
    fn set_optional(self, name: &str, value: Option<String>) -> Self {
        match value {
            Some(v) => self.item(name, AttributeValue::S(v)),
            None => self,
        }
    }
}

impl SessionStore for DynamoDbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let settings = &self.inner.settings;
        let hash = item::key_hash(session_key.as_ref());
        let id = self.id_of_hash(&hash);
        let result = self
            .call(
                Operation::GetItem,
                self.inner
                    .client
                    .get_item()
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .table_name(&settings.table)
                    .key(&settings.key_attribute, AttributeValue::S(id.clone()))
                    .consistent_read(settings.consistent_reads)
                    .send(),
            )
            .await;
        let output = result
            .map_err(|e| LoadError::Other(self.dynamodb_error("dynamodb:GetItem", e).into()))?;
        let Some(raw) = output.item() else {
            return Ok(None);
        };
        let mut stored =
            StoredSession::decode(raw).map_err(|e| LoadError::Deserialization(e.into()))?;
        if self.has_ended(&stored) {
            return Ok(None);
        }
        let sealer = Sealer::for_session(session_key.as_ref());
        let sealed = std::mem::replace(&mut stored.state, item::StoredState::Plain(State::new()));
        let Some((mut state, in_the_clear)) = self.open(&id, &sealer, sealed) else {
            return Ok(None);
        };
        if in_the_clear && let Some(version) = self.seal_legacy(&id, &sealer, &state, &stored).await
        {
            stored.version = version;
        }
        let seen = Seen {
            touched: stored.touched,
            created: stored.created,
        };
        self.inner.recent.remember(&id, seen);
        self.inner.loaded.remember(&id, stored.version, &state);
        let handle = SessionHandle::from_hash(hash);
        state.insert(
            HANDLE_FIELD.to_owned(),
            serde_json::Value::String(handle.to_string()).to_string(),
        );
        state.insert(VERSION_FIELD.to_owned(), stored.version.to_string());
        Ok(Some(state))
    }

    async fn save(
        &self,
        session_state: State,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        for _ in 0..SAVE_ATTEMPTS {
            match self.put_new(&session_state, ttl).await {
                Ok(Some(key)) => return Ok(key),
                Ok(None) => {
                    tracing::warn!(table = %self.table(), "session key collision, drawing another")
                }
                Err(e) => return Err(SaveError::Other(e.into())),
            }
        }
        Err(SaveError::Other(
            StoreError::KeyCollisions(SAVE_ATTEMPTS).into(),
        ))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let fail = |e: StoreError| UpdateError::Other(e.into());
        let id = self.id_of(&session_key);
        let sealer = Sealer::for_session(session_key.as_ref());
        let created = self.created(&id).await.map_err(fail)?;
        self.inner.recent.forget(&id);
        let version = loaded_version(&session_state);
        // What this request changed, to apply again over another's change.
        let changes = version
            .and_then(|v| self.inner.loaded.get(&id, v))
            .map(|loaded| Changes::between(&loaded, &session_state));
        let mut writer = self.inner.writers.lock(&id).await;
        let (mut state, mut expected) = (session_state, version);
        // Another request of this process wrote since this one loaded: its
        // state is the current one, unless another process wrote too.
        if let (Some(changes), Some((written, current))) = (&changes, writer.written())
            && version.is_some_and(|loaded| loaded < *written)
        {
            state = changes.apply(current.clone());
            expected = Some(*written);
        }
        for merge in 0..=MERGES {
            if merge > 0 {
                // Writers that collided wait apart before their next try.
                tokio::time::sleep(jitter(merge)).await;
            }
            match self
                .write_state(&id, &sealer, &state, expected, created, ttl)
                .await
                .map_err(fail)?
            {
                Written::Done => {
                    writer.wrote(expected.map(|v| (v + 1, state)));
                    return Ok(session_key);
                }
                Written::Refused => {}
            }
            let Some((current, version)) = self.read_live(&id, &sealer).await.map_err(fail)? else {
                // Deleted (logout), expired or past its lifetime while this
                // request ran: writing would bring it back. The change is
                // dropped; the old key now loads as absent.
                tracing::info!(table = %self.table(), "session ended during the request; its change is dropped");
                return Ok(session_key);
            };
            // Changed by another request: apply only this one's changes
            // (without a record of what it loaded, its whole state wins).
            state = match &changes {
                Some(changes) => changes.apply(current),
                None => state,
            };
            expected = Some(version);
        }
        Err(fail(StoreError::Conflicts(MERGES + 1)))
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &CookieDuration,
    ) -> Result<(), anyhow::Error> {
        let settings = &self.inner.settings;
        let id = self.id_of(session_key);
        let now = now();
        if let Some(seen) = self.inner.recent.seen(&id)
            && now.saturating_sub(seen.touched) < touch_window(settings.touch_interval, ttl)
        {
            return Ok(());
        }
        let expires = self.expires_at(now, ttl, self.created(&id).await?);
        if expires <= now {
            return Ok(());
        }
        let result = self
            .call(
                Operation::UpdateItem,
                self.inner
                    .client
                    .update_item()
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .table_name(&settings.table)
                    .key(&settings.key_attribute, AttributeValue::S(id))
                    .update_expression("SET #e = :e, #t = :now")
                    .condition_expression("attribute_exists(#k) AND #e > :now")
                    .expression_attribute_names("#k", &settings.key_attribute)
                    .expression_attribute_names("#e", EXPIRES)
                    .expression_attribute_names("#t", TOUCHED)
                    .expression_attribute_values(":e", AttributeValue::N(expires.to_string()))
                    .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
                    .send(),
            )
            .await;
        match result {
            Ok(_) => Ok(()),
            // Gone meanwhile: nothing to extend, and no ghost item is created.
            Err(e) if is_conditional_check_failed(&e) => Ok(()),
            Err(e) => Err(self.dynamodb_error("dynamodb:UpdateItem", e).into()),
        }
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let settings = &self.inner.settings;
        let id = self.id_of(session_key);
        self.inner.recent.forget(&id);
        let result = self
            .call(
                Operation::DeleteItem,
                self.inner
                    .client
                    .delete_item()
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .table_name(&settings.table)
                    .key(&settings.key_attribute, AttributeValue::S(id))
                    .send(),
            )
            .await;
        result.map_err(|e| self.dynamodb_error("dynamodb:DeleteItem", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn fixed() -> SessionKey {
        SessionKey::try_from("collide".repeat(10)).unwrap()
    }

    async fn store(generator: fn() -> SessionKey) -> DynamoDbSessionStore {
        let aws = test_support::local_aws().await;
        let store =
            DynamoDbSessionStore::builder(&aws.config, test_support::unique_name("collide"))
                .key_generator(generator)
                .build();
        store.ensure_table().await.unwrap();
        store
    }

    #[test]
    fn the_touch_window_is_at_most_half_the_lifetime() {
        let interval = std::time::Duration::from_secs(30);
        assert_eq!(touch_window(interval, &CookieDuration::hours(1)), 30);
        assert_eq!(touch_window(interval, &CookieDuration::seconds(60)), 30);
        assert_eq!(touch_window(interval, &CookieDuration::seconds(8)), 4);
        // A lifetime under 2 s: every request extends it.
        assert_eq!(touch_window(interval, &CookieDuration::seconds(1)), 0);
        assert_eq!(
            touch_window(std::time::Duration::ZERO, &CookieDuration::hours(1)),
            0
        );
        assert_eq!(
            touch_window(std::time::Duration::MAX, &CookieDuration::seconds(10)),
            5
        );
    }

    #[tokio::test]
    async fn a_key_collision_draws_another_key() {
        static DRAWS: AtomicUsize = AtomicUsize::new(0);
        // The first two draws give the same key, later ones fresh keys.
        fn generator() -> SessionKey {
            match DRAWS.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => fixed(),
                _ => actix_session::storage::generate_session_key(),
            }
        }
        let store = store(generator).await;
        let ttl = CookieDuration::seconds(60);
        let first = store
            .save(State::from([("n".into(), "1".into())]), &ttl)
            .await
            .unwrap();
        let second = store
            .save(State::from([("n".into(), "2".into())]), &ttl)
            .await
            .unwrap();
        assert_eq!(first.as_ref(), fixed().as_ref());
        assert_ne!(second.as_ref(), first.as_ref());
        assert_eq!(store.operation_counts().calls(Operation::PutItem), 3);
        // The first session was not overwritten by the second.
        assert_eq!(store.load(&first).await.unwrap().unwrap()["n"], "1");
        assert_eq!(store.load(&second).await.unwrap().unwrap()["n"], "2");
    }

    #[tokio::test]
    async fn endless_collisions_give_up_with_a_clear_error() {
        let store = store(fixed).await;
        let ttl = CookieDuration::seconds(60);
        store.save(State::new(), &ttl).await.unwrap();
        let err = store.save(State::new(), &ttl).await.unwrap_err();
        let SaveError::Other(cause) = err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(cause.downcast_ref(), Some(StoreError::KeyCollisions(3))),
            "{cause}"
        );
    }
}
