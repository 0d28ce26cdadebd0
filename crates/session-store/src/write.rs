//! Writing a session: a new one under a fresh key (PutItem), a change of
//! the fields a request changed (UpdateItem, see [`crate::changes`]), a
//! touch of its expiry, a deletion. Every write but the deletion is
//! conditional: none brings an ended session back.

use std::collections::HashMap;

use actix_session::storage::{SaveError, SessionKey, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::changes::{Loaded, Write};
use crate::clock::now;
use crate::item::{
    CREATED, EXPIRES, FIELDS, LABEL, LEGACY_STATE, LEGACY_VERSION, Listing, PRINCIPAL, TOUCHED,
};
use crate::metrics::Operation;
use crate::sealed::Sealer;
use crate::state::SessionState;
use crate::store::is_conditional_check_failed;
use crate::{DynamoDbSessionStore, StoreError};

/// How many fresh keys `save` draws before giving up.
const SAVE_ATTEMPTS: u32 = 3;
/// A request that changed more fields than this writes its state whole:
/// DynamoDB caps an update expression at 4 KB.
const MAX_FIELD_CHANGES: usize = 100;

/// How a conditional write ended.
enum Written {
    Done,
    /// The session ended (logout, expiry, lifetime) before the write.
    Refused,
}

impl DynamoDbSessionStore {
    pub(crate) async fn save_session(
        &self,
        state: &SessionState,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        for _ in 0..SAVE_ATTEMPTS {
            match self.put_new(state, ttl).await {
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

    /// One conditional PutItem under a fresh key; `None` on a key collision.
    async fn put_new(
        &self,
        state: &SessionState,
        ttl: &CookieDuration,
    ) -> Result<Option<SessionKey>, StoreError> {
        let settings = &self.inner.settings;
        let key = (settings.key_generator)();
        let id = self.id_of(&key);
        let listing = self.listing(state);
        let sealer = Sealer::for_session(key.as_ref());
        let write = Write::of(&sealer, &id, None, state);
        self.check_item(&id, write.fields_after(None), &listing)?;
        let Write::Whole(fields) = write else {
            unreachable!("a state without a load is written whole")
        };
        let now = now();
        let mut request = self
            .inner
            .client
            .put_item()
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .table_name(&settings.table)
            .item(&settings.key_attribute, AttributeValue::S(id))
            .item(FIELDS, fields_map(fields))
            .item(
                EXPIRES,
                AttributeValue::N(self.expires_at(now, ttl, Some(now)).to_string()),
            )
            .item(CREATED, AttributeValue::N(now.to_string()))
            .item(TOUCHED, AttributeValue::N(now.to_string()))
            .condition_expression("attribute_not_exists(#k)")
            .expression_attribute_names("#k", &settings.key_attribute);
        for (name, value) in [(PRINCIPAL, listing.principal), (LABEL, listing.label)] {
            if let Some(value) = value {
                request = request.item(name, AttributeValue::S(value));
            }
        }
        match self.call(Operation::PutItem, request.send()).await {
            Ok(_) => Ok(Some(key)),
            Err(e) if is_conditional_check_failed(&e) => Ok(None),
            Err(e) => Err(self.dynamodb_error("dynamodb:PutItem", e)),
        }
    }

    pub(crate) async fn update_session(
        &self,
        key: SessionKey,
        mut state: SessionState,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let fail = |e: StoreError| UpdateError::Other(e.into());
        let id = self.id_of(&key);
        let loaded = Loaded::take_from(&mut state);
        let sealer = Sealer::for_session(key.as_ref());
        let mut write = Write::of(&sealer, &id, loaded.as_ref(), &state);
        if write.is_empty() {
            // Marked as changed, but every field is as it was loaded.
            self.touch(&key, ttl).await.map_err(fail)?;
            return Ok(key);
        }
        if matches!(&write, Write::Changes { set, removed } if set.len() + removed.len() > MAX_FIELD_CHANGES)
        {
            write = Write::of(&sealer, &id, None, &state);
        }
        let created = match &loaded {
            Some(loaded) => Some(loaded.created),
            None => self.created(&id).await.map_err(fail)?,
        };
        self.inner.recent.forget(&id);
        let listing = self.listing(&state);
        self.check_item(&id, write.fields_after(loaded.as_ref()), &listing)
            .map_err(fail)?;
        let written = self
            .write_fields(&id, &sealer, write, listing, created, ttl)
            .await
            .map_err(fail)?;
        if let Written::Refused = written {
            // Deleted (logout), expired or past its lifetime while this
            // request ran: writing would bring it back. The change is
            // dropped; the old key now loads as absent.
            tracing::info!(table = %self.table(), "session ended during the request; its change is dropped");
        }
        Ok(key)
    }

    /// One conditional UpdateItem of the fields `write` changes, with the
    /// session's expiry and, where the write changes their fields, its
    /// principal and label. Refused when the session ended.
    async fn write_fields(
        &self,
        id: &str,
        sealer: &Sealer,
        write: Write,
        listing: Listing,
        created: Option<i64>,
        ttl: &CookieDuration,
    ) -> Result<Written, StoreError> {
        let settings = &self.inner.settings;
        let now = now();
        let expires = self.expires_at(now, ttl, created);
        if expires <= now {
            // Past its absolute lifetime.
            return Ok(Written::Refused);
        }
        let mut expression = Expression::default();
        let mut request = self
            .update_item(id)
            .condition_expression("attribute_exists(#k) AND #e > :now")
            .expression_attribute_names("#k", &settings.key_attribute)
            .expression_attribute_names("#e", EXPIRES)
            .expression_attribute_names("#t", TOUCHED)
            .expression_attribute_names("#f", FIELDS)
            .expression_attribute_values(":e", AttributeValue::N(expires.to_string()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()));
        expression.set.push("#e = :e".into());
        expression.set.push("#t = :now".into());
        // Whether the principal and label fields change, before `write` is
        // taken apart.
        let listed = [
            (PRINCIPAL, &settings.principal_field, listing.principal),
            (LABEL, &settings.label_field, listing.label),
        ]
        .map(|(attribute, field, value)| {
            let changed = field
                .as_deref()
                .is_some_and(|field| write.changes(&sealer.attribute(field)));
            (attribute, changed, value)
        });
        match write {
            Write::Whole(fields) => {
                expression.set.push("#f = :f".into());
                // Whatever an earlier layout left goes.
                expression.remove.push("#s".into());
                expression.remove.push("#v".into());
                request = request
                    .expression_attribute_values(":f", fields_map(fields))
                    .expression_attribute_names("#s", LEGACY_STATE)
                    .expression_attribute_names("#v", LEGACY_VERSION);
            }
            Write::Changes { set, removed } => {
                for (i, field) in set.into_iter().enumerate() {
                    expression.set.push(format!("#f.#a{i} = :a{i}"));
                    request = request
                        .expression_attribute_names(format!("#a{i}"), field.attribute)
                        .expression_attribute_values(
                            format!(":a{i}"),
                            AttributeValue::B(field.bytes.into()),
                        );
                }
                for (i, attribute) in removed.into_iter().enumerate() {
                    expression.remove.push(format!("#f.#r{i}"));
                    request = request.expression_attribute_names(format!("#r{i}"), attribute);
                }
            }
        }
        // A field the state no longer has leaves the item too: a logged-out
        // session must drop out of its user's list.
        for (i, (attribute, changed, value)) in listed.into_iter().enumerate() {
            if !changed {
                continue;
            }
            request = request.expression_attribute_names(format!("#l{i}"), attribute);
            match value {
                Some(value) => {
                    expression.set.push(format!("#l{i} = :l{i}"));
                    request = request
                        .expression_attribute_values(format!(":l{i}"), AttributeValue::S(value));
                }
                None => expression.remove.push(format!("#l{i}")),
            }
        }
        let request = expression.apply(request);
        match self.call(Operation::UpdateItem, request.send()).await {
            Ok(_) => Ok(Written::Done),
            Err(e) if is_conditional_check_failed(&e) => Ok(Written::Refused),
            Err(e) => Err(self.dynamodb_error("dynamodb:UpdateItem", e)),
        }
    }

    /// Extends the expiry of session `key`, unless a write of the last
    /// touch window did.
    pub(crate) async fn touch(
        &self,
        session_key: &SessionKey,
        ttl: &CookieDuration,
    ) -> Result<(), StoreError> {
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
                self.update_item(&id)
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
            Err(e) => Err(self.dynamodb_error("dynamodb:UpdateItem", e)),
        }
    }

    pub(crate) async fn delete_session(&self, session_key: &SessionKey) -> Result<(), StoreError> {
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

/// The clauses of an update expression.
#[derive(Default)]
struct Expression {
    set: Vec<String>,
    remove: Vec<String>,
}

impl Expression {
    fn apply(self, request: UpdateItemFluentBuilder) -> UpdateItemFluentBuilder {
        let mut text = format!("SET {}", self.set.join(", "));
        if !self.remove.is_empty() {
            text.push_str(" REMOVE ");
            text.push_str(&self.remove.join(", "));
        }
        request.update_expression(text)
    }
}

/// Sealed fields as the item's `fields` map.
fn fields_map(fields: Vec<crate::changes::Sealed>) -> AttributeValue {
    AttributeValue::M(
        fields
            .into_iter()
            .map(|field| (field.attribute, AttributeValue::B(field.bytes.into())))
            .collect::<HashMap<_, _>>(),
    )
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use actix_session::storage::SessionStore;

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
            .save(SessionState::from([("n".into(), "1".into())]), &ttl)
            .await
            .unwrap();
        let second = store
            .save(SessionState::from([("n".into(), "2".into())]), &ttl)
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
        store.save(SessionState::new(), &ttl).await.unwrap();
        let err = store.save(SessionState::new(), &ttl).await.unwrap_err();
        let SaveError::Other(cause) = err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(cause.downcast_ref(), Some(StoreError::KeyCollisions(3))),
            "{cause}"
        );
    }
}
