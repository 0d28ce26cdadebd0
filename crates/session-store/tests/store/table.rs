//! The table: made ready at start-up, its billing, its key names, and a
//! table of another layout named as such.

use actix_session::storage::SessionStore;
use session_store::{BillingMode, DynamoDbSessionStore, StoreError};

use crate::common::{TTL, scan, state, store, store_with};

#[tokio::test]
async fn ensure_table_twice_creates_once_and_turns_ttl_on() {
    let store = store().await; // the first ensure_table ran there
    let report = store.ensure_table().await.unwrap();
    assert!(!report.created);
    assert!(report.ttl_enabled);
    assert!(report.principal_index);
    assert!(report.labels_listed);
    assert!(!report.index_written_on_touch);
    let ttl = store
        .client()
        .describe_time_to_live()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let description = ttl.time_to_live_description().unwrap();
    assert_eq!(description.attribute_name(), Some("expires"));
    assert_eq!(
        description.time_to_live_status().map(|s| s.as_str()),
        Some("ENABLED")
    );
}

#[tokio::test]
async fn the_index_holds_only_what_never_changes() {
    let store = store().await;
    let table = store
        .client()
        .describe_table()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let index = &table.table().unwrap().global_secondary_indexes()[0];
    let projection = index.projection().unwrap();
    let mut projected = projection.non_key_attributes().to_vec();
    projected.sort();
    // Neither `touched` nor `expires`: a touch writes the table alone, and
    // the big `state` is never copied.
    assert_eq!(projected, ["created", "label"]);
}

#[tokio::test]
async fn tables_are_on_demand_by_default_or_provisioned() {
    let on_demand = store().await;
    let provisioned =
        store_with(|b| b.billing_mode(BillingMode::Provisioned { read: 2, write: 2 })).await;
    let describe = |store: DynamoDbSessionStore| async move {
        store
            .client()
            .describe_table()
            .table_name(store.table())
            .send()
            .await
            .unwrap()
            .table
            .unwrap()
    };
    let table = describe(on_demand).await;
    assert_eq!(
        table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str()),
        Some("PAY_PER_REQUEST")
    );
    let table = describe(provisioned).await;
    let throughput = table.provisioned_throughput().unwrap();
    assert_eq!(
        (
            throughput.read_capacity_units(),
            throughput.write_capacity_units()
        ),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn ensure_table_without_creation_reports_the_missing_table() {
    let aws = test_support::local_aws().await;
    let store = DynamoDbSessionStore::builder(&aws.config, test_support::unique_name("absent"))
        .create_table_if_missing(false)
        .build();
    let err = store.ensure_table().await.unwrap_err();
    assert!(matches!(err, StoreError::TableMissing { .. }), "{err}");
}

#[tokio::test]
async fn key_prefix_and_attribute_are_honoured() {
    let store = store_with(|b| b.key_attribute("sid").key_prefix("app1:")).await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    assert!(store.load(&key).await.unwrap().is_some());
    let item = &scan(&store).await[0];
    assert!(item["sid"].as_s().unwrap().starts_with("app1:"));
    // The handle never includes the prefix, and revocation still finds the item.
    let handle = store.list_sessions("alice").await.unwrap()[0]
        .handle
        .clone();
    assert!(store.revoke_session("alice", &handle).await.unwrap());
    assert_eq!(store.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_table_keyed_otherwise_is_named_at_start_up() {
    // A table made by another tool (another session library), with its own key.
    let sid_table = store_with(|b| b.key_attribute("sid")).await;
    let aws = test_support::local_aws().await;
    let builder = || DynamoDbSessionStore::builder(&aws.config, sid_table.table());
    let err = builder().build().ensure_table().await.unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::KeySchemaMismatch { expected, found, .. }
                if expected == "id" && found == "sid (HASH)"
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("key_attribute"), "{err}");
    builder()
        .key_attribute("sid")
        .build()
        .ensure_table()
        .await
        .unwrap();

    // A sort key cannot be given by the store either.
    let table = test_support::unique_name("sessions");
    let key = |name: &str, kind| {
        aws_sdk_dynamodb::types::KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    };
    let attribute = |name: &str| {
        aws_sdk_dynamodb::types::AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    sid_table
        .client()
        .create_table()
        .table_name(&table)
        .key_schema(key("id", aws_sdk_dynamodb::types::KeyType::Hash))
        .key_schema(key("kind", aws_sdk_dynamodb::types::KeyType::Range))
        .attribute_definitions(attribute("id"))
        .attribute_definitions(attribute("kind"))
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let err = DynamoDbSessionStore::builder(&aws.config, &table)
        .build()
        .ensure_table()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::KeySchemaMismatch { found, .. } if found == "id (HASH), kind (RANGE)"),
        "{err:?}"
    );
}
