//! Shared set-up of the session-store tests: a fresh table on the emulator.
#![allow(dead_code)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use session_store::{DynamoDbSessionStore, DynamoDbSessionStoreBuilder};

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
