//! The SessionStore semantics, against DynamoDB on the local emulator.

use crate::common;

use std::time::{Duration, Instant};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;
use aws_sdk_dynamodb::types::AttributeValue;
use common::{now, number, scan, state, store, store_with};
use session_store::{
    BillingMode, DynamoDbSessionStore, HANDLE_FIELD, Operation, SessionHandle, StoreError,
};

const TTL: Ttl = Ttl::seconds(60);

/// `SessionKey` is not `Clone`; the middleware hands `update` its own.
fn copy(key: &SessionKey) -> SessionKey {
    SessionKey::try_from(key.as_ref().to_owned()).unwrap()
}

async fn handle_of(store: &DynamoDbSessionStore, key: &SessionKey) -> SessionHandle {
    SessionHandle::from_state(&store.load(key).await.unwrap().unwrap()).unwrap()
}

fn without_handle(
    mut state: std::collections::HashMap<String, String>,
) -> std::collections::HashMap<String, String> {
    assert!(
        state.remove(HANDLE_FIELD).is_some(),
        "a loaded state carries its handle"
    );
    state
}

/// The store's own error inside a refused save.
fn cause_of(err: &SaveError) -> &StoreError {
    let SaveError::Other(cause) = err else {
        panic!("{err:?}")
    };
    cause
        .downcast_ref()
        .unwrap_or_else(|| panic!("not a StoreError: {cause}"))
}

/// Sets `attribute` of the table's one item behind the store's back, as
/// time or another writer would.
async fn set_only_item(store: &DynamoDbSessionStore, attribute: &str, value: AttributeValue) {
    let items = scan(store).await;
    let [item] = items.as_slice() else {
        panic!("{} items", items.len())
    };
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

#[tokio::test]
async fn save_then_load_round_trips_in_a_readable_item() {
    let store = store().await;
    let saved = state(&[("user", "alice"), ("views", "3")]);
    let key = store.save(saved.clone(), &TTL).await.unwrap();
    assert!(key.as_ref().len() >= 22, "at least 128 bits of key");

    let loaded = store.load(&key).await.unwrap().expect("the session");
    assert_eq!(without_handle(loaded), saved);

    let items = scan(&store).await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    let id = item["id"].as_s().unwrap();
    assert_eq!(id.len(), 64, "the id is a SHA-256 of the key, not the key");
    assert!(!id.contains(key.as_ref()));
    let expires = number(item, "expires");
    assert!((now() + 55..=now() + 61).contains(&expires), "{expires}");
    assert_eq!(
        item["state"].as_m().unwrap()["user"].as_s().unwrap(),
        "\"alice\""
    );
    assert_eq!(item["principal"].as_s().unwrap(), "alice");
    assert_eq!(number(item, "created"), number(item, "touched"));
}

#[tokio::test]
async fn load_of_an_unknown_key_is_absent() {
    let store = store().await;
    let key = SessionKey::try_from("no-such-session".to_owned()).unwrap();
    assert_eq!(store.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_item_still_in_the_table_is_absent() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // DynamoDB deletes expired items up to days later (the emulator never).
    set_only_item(
        &store,
        "expires",
        AttributeValue::N((now() - 1).to_string()),
    )
    .await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    assert_eq!(scan(&store).await.len(), 1, "the item is still there");
}

#[tokio::test]
async fn a_malformed_item_is_a_deserialization_error() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    set_only_item(&store, "state", AttributeValue::N("42".into())).await;
    match store.load(&key).await {
        Err(LoadError::Deserialization(e)) => assert!(e.to_string().contains("state"), "{e}"),
        other => panic!("expected a deserialization error, got {other:?}"),
    }
}

#[tokio::test]
async fn update_changes_state_and_extends_expiry() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(10))
        .await
        .unwrap();
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    loaded.insert("views".into(), "2".into());
    let same = store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert_eq!(same.as_ref(), key.as_ref());
    let item = &scan(&store).await[0];
    assert!(number(item, "expires") >= now() + 55);
    assert_eq!(item["state"].as_m().unwrap()["views"].as_s().unwrap(), "2");
    assert!(
        !item["state"].as_m().unwrap().contains_key(HANDLE_FIELD),
        "the handle is never stored"
    );

    // Logging out (principal field removed) drops the indexed attribute.
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    loaded.remove("user");
    store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert!(!scan(&store).await[0].contains_key("principal"));
}

#[tokio::test]
async fn update_after_delete_writes_nothing() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let loaded = store.load(&key).await.unwrap().unwrap();
    store.delete(&key).await.unwrap();
    let before = store.operation_counts();
    store
        .update(copy(&key), loaded, &TTL)
        .await
        .expect("dropped, not an error");
    assert!(
        scan(&store).await.is_empty(),
        "no session under the old key nor a new one"
    );
    assert_eq!(store.load(&key).await.unwrap(), None);
    let spent = store.operation_counts().since(&before);
    assert_eq!(spent.calls(Operation::UpdateItem), 1);
    assert_eq!(spent.calls(Operation::PutItem), 0);
    assert_eq!(spent.refused(Operation::UpdateItem), 1);
    assert_eq!(
        spent.failures(Operation::UpdateItem),
        0,
        "a refused condition is not a failure"
    );
}

#[tokio::test]
async fn update_of_an_expired_session_writes_nothing() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(0))
        .await
        .unwrap();
    store
        .update(copy(&key), state(&[("user", "mallory")]), &TTL)
        .await
        .unwrap();
    let item = &scan(&store).await[0];
    assert_eq!(item["principal"].as_s().unwrap(), "alice", "not revived");
    assert_eq!(store.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn update_ttl_after_delete_leaves_no_ghost_item() {
    let store = store_with(|b| b.touch_interval(Duration::ZERO)).await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    store.load(&key).await.unwrap().unwrap();
    store.delete(&key).await.unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    assert!(scan(&store).await.is_empty());
}

#[tokio::test]
async fn update_ttl_writes_at_most_once_per_touch_interval() {
    // Default interval (30 s): a fresh session needs no touch.
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let before = store.operation_counts();
    for _ in 0..3 {
        store.load(&key).await.unwrap().unwrap();
        store.update_ttl(&key, &TTL).await.unwrap();
    }
    let spent = store.operation_counts().since(&before);
    assert_eq!(spent.calls(Operation::GetItem), 3);
    assert_eq!(spent.writes(), 0, "no write while the last touch is recent");

    // Requests on one session that interleave (both load, then both touch)
    // skip the touch too.
    let before = store.operation_counts();
    store.load(&key).await.unwrap().unwrap();
    store.load(&key).await.unwrap().unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    let spent = store.operation_counts().since(&before);
    assert_eq!((spent.calls(Operation::GetItem), spent.writes()), (2, 0));

    // An interval of zero: every request extends the expiry with one write.
    let store = store_with(|b| b.touch_interval(Duration::ZERO)).await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(5))
        .await
        .unwrap();
    let before = store.operation_counts();
    store.load(&key).await.unwrap().unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    let spent = store.operation_counts().since(&before);
    assert_eq!((spent.calls(Operation::GetItem), spent.writes()), (1, 1));
    assert!(number(&scan(&store).await[0], "expires") >= now() + 55);
}

#[tokio::test]
async fn a_short_lived_session_is_touched_once_half_its_lifetime_has_passed() {
    // Lifetime 8 s under the default 30 s interval: the touch is due 4 s after
    // the last write, or a session that is only read would expire in use.
    let ttl = Ttl::seconds(8);
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &ttl).await.unwrap();
    let touch = |age: i64, ttl: Ttl| {
        let (store, key) = (&store, &key);
        async move {
            set_only_item(
                store,
                "touched",
                AttributeValue::N((now() - age).to_string()),
            )
            .await;
            let before = store.operation_counts();
            store.load(key).await.unwrap().expect("the session");
            store.update_ttl(key, &ttl).await.unwrap();
            store.operation_counts().since(&before).writes()
        }
    };
    // Written a second ago: not due (for 3 s more).
    assert_eq!(touch(1, ttl).await, 0);
    // Written 5 s ago, so 3 s left: due, and extended to a whole lifetime.
    set_only_item(
        &store,
        "expires",
        AttributeValue::N((now() + 3).to_string()),
    )
    .await;
    assert_eq!(touch(5, ttl).await, 1);
    let item = &scan(&store).await[0];
    assert!(number(item, "expires") >= now() + 5, "{item:?}");
    assert!(number(item, "touched") >= now() - 3, "{item:?}");
    // Under a lifetime of an hour, 5 s is well within the 30 s interval.
    assert_eq!(touch(5, Ttl::hours(1)).await, 0);
}

#[tokio::test]
async fn delete_is_idempotent() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    store.delete(&key).await.unwrap();
    store.delete(&key).await.unwrap();
    assert!(scan(&store).await.is_empty());
}

#[tokio::test]
async fn a_session_too_large_for_an_item_is_refused_and_nothing_is_written() {
    let store = store().await;
    let huge = "x".repeat(450 * 1024);
    let err = store
        .save(state(&[("blob", &huge)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(cause_of(&err), StoreError::TooLarge { .. }));
    assert!(scan(&store).await.is_empty());

    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let err = store
        .update(copy(&key), state(&[("blob", &huge)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(err, UpdateError::Other(_)), "{err:?}");
    assert!(err.to_string().contains("updating"), "{err}");
    let kept = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        kept.get("user").map(String::as_str),
        Some("\"alice\""),
        "the item is unchanged"
    );
}

#[tokio::test]
async fn ensure_table_twice_creates_once_and_turns_ttl_on() {
    let store = store().await; // the first ensure_table ran there
    let report = store.ensure_table().await.unwrap();
    assert!(!report.created);
    assert!(report.ttl_enabled);
    assert!(report.principal_index);
    assert!(report.labels_listed);
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
async fn apps_sharing_a_table_list_and_revoke_only_their_own_sessions() {
    // Three apps on one table, each with a user named alice: two with a
    // prefix, one without.
    let shop = store_with(|b| b.key_prefix("shop#")).await;
    let aws = test_support::local_aws().await;
    let on_the_same_table = |prefix: &str| {
        DynamoDbSessionStore::builder(&aws.config, shop.table())
            .key_prefix(prefix)
            .build()
    };
    let (admin, plain) = (on_the_same_table("admin#"), on_the_same_table(""));
    let alice = state(&[("user", "alice")]);
    let shop_keys = [
        shop.save(alice.clone(), &TTL).await.unwrap(),
        shop.save(alice.clone(), &TTL).await.unwrap(),
    ];
    let admin_key = admin.save(alice.clone(), &TTL).await.unwrap();
    let plain_key = plain.save(alice.clone(), &TTL).await.unwrap();

    for (app, store, key, count) in [
        ("shop", &shop, &shop_keys[0], 2),
        ("admin", &admin, &admin_key, 1),
        ("plain", &plain, &plain_key, 1),
    ] {
        let listed = store.list_sessions("alice").await.unwrap();
        assert_eq!(listed.len(), count, "{app}: {listed:?}");
        let own = handle_of(store, key).await;
        assert!(listed.iter().any(|s| s.handle == own));
        // Every listed handle is a real one, that revocation can take.
        for s in &listed {
            assert_eq!(
                s.handle.to_string().parse::<SessionHandle>().ok(),
                Some(s.handle.clone())
            );
        }
    }

    // "Log out everywhere else" in the shop ends the shop's other session only.
    let current = handle_of(&shop, &shop_keys[0]).await;
    assert_eq!(
        shop.revoke_other_sessions("alice", &current).await.unwrap(),
        1
    );
    assert!(shop.load(&shop_keys[0]).await.unwrap().is_some());
    assert_eq!(shop.load(&shop_keys[1]).await.unwrap(), None);
    assert!(admin.load(&admin_key).await.unwrap().is_some());
    assert!(plain.load(&plain_key).await.unwrap().is_some());
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

#[tokio::test]
async fn per_user_sessions_list_and_revoke() {
    let store = store().await;
    let alice_1 = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let alice_2 = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let alice_3 = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let bob = store.save(state(&[("user", "bob")]), &TTL).await.unwrap();
    let anonymous = store.save(state(&[("views", "1")]), &TTL).await.unwrap();
    // An expired session of alice is not listed.
    store
        .save(state(&[("user", "alice")]), &Ttl::seconds(0))
        .await
        .unwrap();

    let before = store.operation_counts();
    let sessions = store.list_sessions("alice").await.unwrap();
    assert_eq!(
        store
            .operation_counts()
            .since(&before)
            .calls(Operation::Query),
        1
    );
    assert_eq!(sessions.len(), 3);
    let current = handle_of(&store, &alice_1).await;
    assert!(sessions.iter().any(|s| s.handle == current));
    for s in &sessions {
        assert!(s.created <= s.last_touched && s.last_touched < s.expires);
        // Handles are hashes: no session key ever appears in a listing.
        for key in [&alice_1, &alice_2, &alice_3] {
            assert!(!s.handle.to_string().contains(key.as_ref()));
        }
    }

    // Bob cannot revoke alice's session, even knowing its handle.
    assert!(!store.revoke_session("bob", &current).await.unwrap());
    assert!(store.load(&alice_1).await.unwrap().is_some());

    let second = handle_of(&store, &alice_2).await;
    assert!(store.revoke_session("alice", &second).await.unwrap());
    assert_eq!(store.load(&alice_2).await.unwrap(), None);

    assert_eq!(
        store
            .revoke_other_sessions("alice", &current)
            .await
            .unwrap(),
        1
    );
    assert!(store.load(&alice_1).await.unwrap().is_some());
    assert_eq!(store.load(&alice_3).await.unwrap(), None);
    assert!(store.load(&bob).await.unwrap().is_some());
    assert!(store.load(&anonymous).await.unwrap().is_some());
}

#[tokio::test]
async fn listed_sessions_carry_their_labels() {
    let store = store().await;
    let phone = store
        .save(
            state(&[("user", "alice"), ("device", "Firefox on Android")]),
            &TTL,
        )
        .await
        .unwrap();
    let laptop = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let (phone_handle, laptop_handle) = (
        handle_of(&store, &phone).await,
        handle_of(&store, &laptop).await,
    );
    let labels = || async {
        let listed = store.list_sessions("alice").await.unwrap();
        let label_of = |handle: &SessionHandle| {
            listed
                .iter()
                .find(|s| &s.handle == handle)
                .expect("listed")
                .label
                .clone()
        };
        (label_of(&phone_handle), label_of(&laptop_handle))
    };
    assert_eq!(labels().await, (Some("Firefox on Android".into()), None));

    // A label given later is listed; one the state drops leaves the item.
    store
        .update(
            copy(&laptop),
            state(&[("user", "alice"), ("device", "Chrome on Linux")]),
            &TTL,
        )
        .await
        .unwrap();
    store
        .update(copy(&phone), state(&[("user", "alice")]), &TTL)
        .await
        .unwrap();
    assert_eq!(labels().await, (None, Some("Chrome on Linux".into())));
    let labelled = scan(&store)
        .await
        .iter()
        .filter(|item| item.contains_key("label"))
        .count();
    assert_eq!(labelled, 1);

    // Another field, or none.
    let browser = store_with(|b| b.label_field(Some("browser"))).await;
    browser
        .save(
            state(&[("user", "bob"), ("browser", "Safari on iOS")]),
            &TTL,
        )
        .await
        .unwrap();
    let listed = browser.list_sessions("bob").await.unwrap();
    assert_eq!(listed[0].label.as_deref(), Some("Safari on iOS"));
    let unlabelled = store_with(|b| b.label_field(None)).await;
    unlabelled
        .save(state(&[("user", "bob"), ("device", "Safari on iOS")]), &TTL)
        .await
        .unwrap();
    assert_eq!(
        unlabelled.list_sessions("bob").await.unwrap()[0].label,
        None
    );
    assert!(!scan(&unlabelled).await[0].contains_key("label"));
}

#[tokio::test]
async fn an_index_made_before_labels_is_reported() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType,
    };
    let aws = test_support::local_aws().await;
    let table = test_support::unique_name("old-index");
    let hash = |name: &str| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(KeyType::Hash)
            .build()
            .unwrap()
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    // The index as this crate made it before labels.
    let index = GlobalSecondaryIndex::builder()
        .index_name("principal-index")
        .key_schema(hash("principal"))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes("created")
                .non_key_attributes("touched")
                .non_key_attributes("expires")
                .build(),
        )
        .build()
        .unwrap();
    aws_sdk_dynamodb::Client::new(&aws.config)
        .create_table()
        .table_name(&table)
        .key_schema(hash("id"))
        .attribute_definitions(string("id"))
        .attribute_definitions(string("principal"))
        .global_secondary_indexes(index)
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let store = DynamoDbSessionStore::builder(&aws.config, &table).build();
    let report = store.ensure_table().await.unwrap();
    assert!(report.principal_index);
    assert!(!report.labels_listed);
    // Sessions are stored and listed all the same.
    store
        .save(state(&[("user", "alice"), ("device", "x")]), &TTL)
        .await
        .unwrap();
    assert_eq!(store.list_sessions("alice").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_principal_too_long_for_the_index_is_refused_and_nothing_is_written() {
    // DynamoDB refuses an index key over 2048 bytes; the store says so before
    // any call, on update too (which the emulator would let through).
    let store = store().await;
    let long = "u".repeat(2049);
    let err = store
        .save(state(&[("user", &long)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(
        cause_of(&err),
        StoreError::PrincipalTooLong { bytes: 2049 }
    ));
    assert!(scan(&store).await.is_empty());

    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let before = store.operation_counts();
    let err = store
        .update(copy(&key), state(&[("user", &long)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(err, UpdateError::Other(_)), "{err:?}");
    assert_eq!(store.operation_counts().since(&before).total_calls(), 0);
    let kept = store.load(&key).await.unwrap().unwrap();
    assert_eq!(kept["user"], "\"alice\"", "the item is unchanged");

    // No session can have such a principal, or an empty one: nothing to list.
    let before = store.operation_counts();
    assert!(store.list_sessions(&long).await.unwrap().is_empty());
    assert!(store.list_sessions("").await.unwrap().is_empty());
    assert_eq!(store.operation_counts().since(&before).total_calls(), 0);

    // The longest principal the index takes is stored and listed.
    let longest = "u".repeat(2048);
    store
        .save(state(&[("user", &longest)]), &TTL)
        .await
        .unwrap();
    assert_eq!(store.list_sessions(&longest).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_longest_lifetime_saturates_instead_of_overflowing() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::MAX)
        .await
        .unwrap();
    assert!(store.load(&key).await.unwrap().is_some());
    store
        .update(copy(&key), state(&[("user", "bob")]), &Ttl::MAX)
        .await
        .unwrap();
    let items = scan(&store).await;
    assert_eq!(number(&items[0], "expires"), i64::MAX);
    let sessions = store.list_sessions("bob").await.unwrap();
    assert_eq!(sessions.len(), 1);
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_within_the_operation_timeout() {
    // A port nothing listens on, and one that accepts but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    for endpoint in [
        test_support::unreachable_endpoint(),
        format!("http://{}", silent.local_addr().unwrap()),
    ] {
        let config = test_support::sdk_config(&endpoint).await;
        let store = DynamoDbSessionStore::builder(&config, "unreachable")
            .operation_timeout(Duration::from_millis(800))
            .build();
        let key = SessionKey::try_from("k".repeat(64)).unwrap();
        let started = Instant::now();
        let err = store.load(&key).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(err, LoadError::Other(_)), "{err:?}");
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(cause.contains("GetItem"), "{cause}");
        let counts = store.operation_counts();
        assert_eq!(counts.failures(Operation::GetItem), 1);
        assert!(
            store
                .ensure_table()
                .await
                .unwrap_err()
                .to_string()
                .contains("dynamodb:DescribeTable")
        );
    }
    drop(silent);
}

#[tokio::test]
async fn a_throttled_table_is_a_clear_error_and_loses_nothing() {
    let aws = test_support::local_aws().await;
    let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
    let config = aws.config.to_builder().endpoint_url(proxy.url()).build();
    // Room for the SDK's retries and their backoff, so that the throttling
    // itself, not the timeout, is what the caller sees.
    let store = DynamoDbSessionStore::builder(&config, test_support::unique_name("throttled"))
        .operation_timeout(Duration::from_secs(10))
        .build();
    store.ensure_table().await.unwrap();
    let saved = state(&[("user", "alice"), ("views", "1")]);
    let key = store.save(saved.clone(), &TTL).await.unwrap();

    proxy.set_throttling(true);
    let err = store.load(&key).await.unwrap_err();
    assert!(matches!(err, LoadError::Other(_)), "{err:?}");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(
        cause.contains("dynamodb:GetItem") && cause.contains("ThrottlingException"),
        "{cause}"
    );
    assert_eq!(proxy.throttled_calls(), 3, "the SDK tried three times");
    let changed = state(&[("user", "alice"), ("views", "2")]);
    let err = store.update(copy(&key), changed, &TTL).await.unwrap_err();
    assert!(matches!(err, UpdateError::Other(_)), "{err:?}");
    let counts = store.operation_counts();
    assert_eq!(
        (
            counts.failures(Operation::GetItem),
            counts.failures(Operation::UpdateItem)
        ),
        (1, 1)
    );

    // Over: the session is there, as it was before the refused change.
    proxy.set_throttling(false);
    let loaded = store
        .load(&key)
        .await
        .unwrap()
        .expect("the session survives");
    assert_eq!(without_handle(loaded), saved);
}
