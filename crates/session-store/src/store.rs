//! The store itself: what its clones share, and how it makes and counts a
//! DynamoDB call. What it does is above it: [`crate::read`],
//! [`crate::write`], [`crate::sessions`], [`crate::sweep`], [`crate::table`],
//! and actix-session's trait over them in [`crate::trait_impl`].

use std::collections::HashMap;
use std::sync::Arc;

use actix_session::storage::SessionKey;
use actix_web::cookie::time::Duration as CookieDuration;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::StoreError;
use crate::clock::now;
use crate::item::{self, CREATED, Listing, StoredSession};
use crate::metrics::{Consumed, Counters, Operation, OperationCounts, Outcome};
use crate::recent::RecentLoads;
use crate::settings::Settings;
use crate::state::SessionState;

/// An actix-session [`SessionStore`](actix_session::storage::SessionStore) on a DynamoDB table.
///
/// Cheap to clone (clones share the client and the counters). Build it with
/// [`DynamoDbSessionStore::builder`] and call
/// [`ensure_table`](DynamoDbSessionStore::ensure_table) once at start-up.
///
/// Semantics:
/// - `load` is one `GetItem`; an expired item is absent even before DynamoDB's
///   TTL deletes it.
/// - `save` writes under a fresh random key, only if that key is unused.
/// - `update` writes only the fields its request changed, and only while
///   the item exists and has not expired: concurrent requests that change
///   different fields all keep their change, and a request racing a logout
///   never brings the session back (its change is dropped, and the next
///   request starts a new session).
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
}

impl std::fmt::Debug for DynamoDbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoDbSessionStore")
            .field("table", &self.inner.settings.table)
            .finish_non_exhaustive()
    }
}

pub(crate) fn is_conditional_check_failed<E>(err: &SdkError<E>) -> bool
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

    pub(crate) fn id_of(&self, key: &SessionKey) -> String {
        self.id_of_hash(&item::key_hash(key.as_ref()))
    }

    /// When a session created at `created` ends however active it is: with
    /// an absolute lifetime only.
    pub(crate) fn ends(&self, created: i64) -> Option<i64> {
        let lifetime = self.inner.settings.absolute_lifetime?;
        Some(created.saturating_add(lifetime.as_secs().try_into().unwrap_or(i64::MAX)))
    }

    /// The expiry to write: `ttl` from now, but never past the session's end.
    /// A lifetime too long for the clock ends at the largest time, not in a wrap.
    pub(crate) fn expires_at(&self, now: i64, ttl: &CookieDuration, created: Option<i64>) -> i64 {
        let idle = now.saturating_add(ttl.whole_seconds());
        match created.and_then(|created| self.ends(created)) {
            Some(ends) => idle.min(ends),
            None => idle,
        }
    }

    /// Whether a stored session is over: expired, or past its lifetime.
    pub(crate) fn has_ended(&self, stored: &StoredSession) -> bool {
        let now = now();
        stored.expires <= now || self.ends(stored.created).is_some_and(|ends| ends <= now)
    }

    /// The `created` time of session `id`, when an absolute lifetime needs it
    /// and the request did not bring it: as a recent load saw it, or read
    /// with a GetItem of that one attribute.
    pub(crate) async fn created(&self, id: &str) -> Result<Option<i64>, StoreError> {
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
    pub(crate) fn listing(&self, state: &SessionState) -> Listing {
        let settings = &self.inner.settings;
        Listing {
            principal: item::text(state, settings.principal_field.as_deref()),
            label: item::text(state, settings.label_field.as_deref()),
        }
    }

    /// Refuses, before any call, an item DynamoDB would refuse.
    pub(crate) fn check_item<'a>(
        &self,
        id: &str,
        fields: impl Iterator<Item = (&'a str, usize)>,
        listing: &Listing,
    ) -> Result<(), StoreError> {
        if let Some(p) = &listing.principal
            && !item::can_be_principal(p)
        {
            return Err(StoreError::PrincipalTooLong { bytes: p.len() });
        }
        let settings = &self.inner.settings;
        let bytes = item::estimated_size(&settings.key_attribute, id, fields, listing);
        if bytes > settings.max_item_bytes {
            return Err(StoreError::TooLarge {
                bytes,
                limit: settings.max_item_bytes,
            });
        }
        Ok(())
    }

    pub(crate) fn dynamodb_error<E>(&self, action: &'static str, err: SdkError<E>) -> StoreError
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
        // A refused condition is the store working, not a failure.
        let outcome = match &result {
            Ok(_) => Outcome::Done,
            Err(e) if is_conditional_check_failed(e) => Outcome::Refused,
            Err(_) => Outcome::Failed,
        };
        self.inner.counters.record(op, outcome);
        if let Ok(output) = &result {
            self.inner.counters.record_capacity(op, output.consumed());
        }
        result
    }

    /// An UpdateItem of item `id`, which returns the capacity it consumed:
    /// the start of every write but a new session's.
    pub(crate) fn update_item(
        &self,
        id: &str,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        let settings = &self.inner.settings;
        self.inner
            .client
            .update_item()
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .table_name(&settings.table)
            .key(&settings.key_attribute, AttributeValue::S(id.to_owned()))
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
}
