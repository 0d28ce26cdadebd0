//! Shared set-up of the session-store tests: a fresh table on the emulator.
#![allow(dead_code)]

use std::collections::HashMap;

use actix_session::storage::{SaveError, SessionKey, SessionStore};
use actix_web::cookie::time::Duration as Ttl;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::{
    DynamoDbSessionStore, DynamoDbSessionStoreBuilder, HANDLE_FIELD, LOADED_FIELD, SessionHandle,
    StoreError,
};

pub type Item = HashMap<String, AttributeValue>;

/// A store on a new table, after `configure`, with `ensure_table` run.
pub async fn store_with(
    configure: impl FnOnce(DynamoDbSessionStoreBuilder) -> DynamoDbSessionStoreBuilder,
) -> DynamoDbSessionStore {
    let aws = test_support::local_aws().await;
    let table = test_support::unique_name("sessions");
    let store = configure(DynamoDbSessionStore::builder(&aws.config, table)).build();
    store.ensure_table().await.expect("ensure_table");
    store
}

pub async fn store() -> DynamoDbSessionStore {
    store_with(|b| b).await
}

/// Every item of the store's table (a Scan: tests only).
pub async fn scan(store: &DynamoDbSessionStore) -> Vec<Item> {
    store
        .client()
        .scan()
        .table_name(store.table())
        .consistent_read(true)
        .send()
        .await
        .expect("Scan")
        .items
        .unwrap_or_default()
}

pub fn state(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::to_string(v).unwrap()))
        .collect()
}

pub fn number(item: &Item, name: &str) -> i64 {
    item[name].as_n().expect("a number").parse().unwrap()
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub const TTL: Ttl = Ttl::seconds(60);

/// `SessionKey` is not `Clone`; the middleware hands `update` its own.
pub fn copy(key: &SessionKey) -> SessionKey {
    SessionKey::try_from(key.as_ref().to_owned()).unwrap()
}

pub async fn handle_of(store: &DynamoDbSessionStore, key: &SessionKey) -> SessionHandle {
    SessionHandle::from_state(&store.load(key).await.unwrap().unwrap()).unwrap()
}

pub fn without_store_fields(
    mut state: std::collections::HashMap<String, String>,
) -> std::collections::HashMap<String, String> {
    assert!(
        state.remove(HANDLE_FIELD).is_some(),
        "a loaded state carries its handle"
    );
    assert!(
        state.remove(LOADED_FIELD).is_some(),
        "a loaded state carries the record of its load"
    );
    state
}

/// The store's own error inside a refused save.
pub fn cause_of(err: &SaveError) -> &StoreError {
    let SaveError::Other(cause) = err else {
        panic!("{err:?}")
    };
    cause
        .downcast_ref()
        .unwrap_or_else(|| panic!("not a StoreError: {cause}"))
}

/// The table's one item.
pub async fn only_item(store: &DynamoDbSessionStore) -> Item {
    let mut items = scan(store).await;
    assert_eq!(items.len(), 1, "{items:?}");
    items.remove(0)
}

/// Sets `attribute` of the table's one item behind the store's back, as
/// time or another writer would.
pub async fn set_only_item(store: &DynamoDbSessionStore, attribute: &str, value: AttributeValue) {
    let item = only_item(store).await;
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("id", item["id"].clone())
        .update_expression("SET #a = :v")
        .expression_attribute_names("#a", attribute)
        .expression_attribute_values(":v", value)
        .send()
        .await
        .unwrap();
}

/// The sealed fields of an item, by attribute.
pub fn fields_of(item: &Item) -> HashMap<String, Vec<u8>> {
    item["fields"]
        .as_m()
        .expect("a map of fields")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_b().expect("a sealed field").as_ref().to_vec(),
            )
        })
        .collect()
}
