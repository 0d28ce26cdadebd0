//! Reading a session: one GetItem, every field opened, and the record of
//! what was loaded added to the state (see [`crate::changes`]). An item of
//! an earlier layout is written again in this one, once.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SessionKey};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::changes::Loaded;
use crate::clock::now;
use crate::item::{
    self, EXPIRES, FIELDS, LEGACY_STATE, LEGACY_VERSION, StoredSession, StoredState,
};
use crate::metrics::Operation;
use crate::recent::Seen;
use crate::sealed::{Sealer, Unreadable};
use crate::state::{HANDLE_FIELD, LOADED_FIELD, SessionState, stored_fields};
use crate::store::is_conditional_check_failed;
use crate::{DynamoDbSessionStore, SessionHandle, StoreError};

impl DynamoDbSessionStore {
    pub(crate) async fn load_session(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<SessionState>, LoadError> {
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
        let stored =
            StoredSession::decode(raw).map_err(|e| LoadError::Deserialization(e.into()))?;
        if self.has_ended(&stored) {
            return Ok(None);
        }
        let sealer = Sealer::for_session(session_key.as_ref());
        let opened = match stored.state {
            StoredState::Fields(fields) => open_fields(&sealer, &id, stored.created, &fields)
                .map(|(state, loaded)| Opened::Current(state, loaded)),
            StoredState::Whole(bytes) => sealer.open_whole(&id, &bytes).map(Opened::Earlier),
            StoredState::Plain(state) => Ok(Opened::Earlier(state)),
        };
        let (mut state, loaded) = match opened {
            Ok(Opened::Current(state, loaded)) => (state, loaded),
            Ok(Opened::Earlier(legacy)) => {
                let loaded = self
                    .rewrite_in_fields(&id, &sealer, &legacy, stored.created)
                    .await
                    .map_err(|e| LoadError::Other(e.into()))?;
                (legacy, loaded)
            }
            Err(why) => {
                self.inner.counters.record_unreadable();
                tracing::warn!(table = %self.table(), "a session state does not open ({why}): the session is treated as absent");
                return Ok(None);
            }
        };
        let seen = Seen {
            touched: stored.touched,
            created: stored.created,
        };
        self.inner.recent.remember(&id, seen);
        let handle = SessionHandle::from_hash(hash);
        state.insert(
            HANDLE_FIELD.to_owned(),
            serde_json::Value::String(handle.to_string()).to_string(),
        );
        state.insert(LOADED_FIELD.to_owned(), loaded.to_json());
        Ok(Some(state))
    }

    /// Writes the state of an item of an earlier layout again, field by
    /// field, so that later writes can change one field at a time and the
    /// table holds nothing in the clear. Conditional on the old layout:
    /// when another request did it first, its fields hold the same values.
    async fn rewrite_in_fields(
        &self,
        id: &str,
        sealer: &Sealer,
        state: &SessionState,
        created: i64,
    ) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded::new(created);
        let mut fields = HashMap::new();
        for (name, value) in stored_fields(state) {
            let attribute = sealer.attribute(name);
            let sealed = sealer.seal(id, &attribute, name, value);
            loaded.add(
                attribute.clone(),
                sealer.digest(&attribute, value),
                sealed.len(),
            );
            fields.insert(attribute, AttributeValue::B(sealed.into()));
        }
        let result = self
            .call(
                Operation::UpdateItem,
                self.update_item(id)
                    .update_expression("SET #f = :f REMOVE #s, #v")
                    .condition_expression("attribute_exists(#s) AND #e > :now")
                    .expression_attribute_names("#f", FIELDS)
                    .expression_attribute_names("#s", LEGACY_STATE)
                    .expression_attribute_names("#v", LEGACY_VERSION)
                    .expression_attribute_names("#e", EXPIRES)
                    .expression_attribute_values(":f", AttributeValue::M(fields))
                    .expression_attribute_values(":now", AttributeValue::N(now().to_string()))
                    .send(),
            )
            .await;
        match result {
            Ok(_) => Ok(loaded),
            // Rewritten by another request, or ended: either way nothing to do.
            Err(e) if is_conditional_check_failed(&e) => Ok(loaded),
            Err(e) => Err(self.dynamodb_error("dynamodb:UpdateItem", e)),
        }
    }
}

/// A stored state, opened.
enum Opened {
    /// Of this layout, with the record of its load.
    Current(SessionState, Loaded),
    /// Of an earlier layout: to be written again in this one.
    Earlier(SessionState),
}

/// The state held in `fields`, and the record of its load; `Err` when a
/// field does not open (another key's field copied in, damaged bytes):
/// then the session is absent, as a cookie that matches no item is.
fn open_fields(
    sealer: &Sealer,
    id: &str,
    created: i64,
    fields: &HashMap<String, Vec<u8>>,
) -> Result<(SessionState, Loaded), Unreadable> {
    let mut state = SessionState::with_capacity(fields.len() + 2);
    let mut loaded = Loaded::new(created);
    for (attribute, bytes) in fields {
        let (name, value) = sealer.open(id, attribute, bytes)?;
        loaded.add(
            attribute.clone(),
            sealer.digest(attribute, &value),
            bytes.len(),
        );
        state.insert(name, value);
    }
    Ok((state, loaded))
}

#[cfg(test)]
mod tests {
    use actix_session::storage::SessionStore;
    use actix_web::cookie::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_state_sealed_whole_is_read_and_written_again_in_fields() {
        let aws = test_support::local_aws().await;
        let table = test_support::unique_name("whole");
        let store = DynamoDbSessionStore::builder(&aws.config, table).build();
        store.ensure_table().await.unwrap();
        let state = SessionState::from([("user".into(), "\"alice\"".into())]);
        let key = store
            .save(state.clone(), &Duration::hours(1))
            .await
            .unwrap();
        // The layout before field-level writes: one AES-GCM blob and a version.
        let id = store.id_of(&key);
        let whole = Sealer::for_session(key.as_ref()).seal_whole(&id, &state);
        store
            .client()
            .update_item()
            .table_name(store.table())
            .key("id", AttributeValue::S(id.clone()))
            .update_expression("SET #s = :s, #v = :v REMOVE #f")
            .expression_attribute_names("#s", LEGACY_STATE)
            .expression_attribute_names("#v", LEGACY_VERSION)
            .expression_attribute_names("#f", FIELDS)
            .expression_attribute_values(":s", AttributeValue::B(whole.into()))
            .expression_attribute_values(":v", AttributeValue::N("3".into()))
            .send()
            .await
            .unwrap();
        let before = store.operation_counts();
        let mut loaded = store.load(&key).await.unwrap().unwrap();
        assert_eq!(loaded["user"], "\"alice\"");
        let used = store.operation_counts().since(&before);
        assert_eq!(used.calls(Operation::UpdateItem), 1, "written again once");
        let item = store.read_item(&id, &[]).await.unwrap().unwrap();
        assert!(item[FIELDS].is_m() && !item.contains_key(LEGACY_STATE));
        assert!(!item.contains_key(LEGACY_VERSION));
        // The load's record is that of the fields: a change writes one field.
        loaded.insert("views".into(), "1".into());
        let key = actix_session::storage::SessionKey::try_from(key.as_ref().to_owned()).unwrap();
        store
            .update(key, loaded, &Duration::hours(1))
            .await
            .unwrap();
        let item = store.read_item(&id, &[]).await.unwrap().unwrap();
        assert_eq!(item[FIELDS].as_m().unwrap().len(), 2);
    }
}
