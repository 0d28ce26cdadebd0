//! A user's sessions: listed with their labels, revoked one or all others,
//! and only an app's own when apps share a table.

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;
use session_store::{DynamoDbSessionStore, Operation, SessionHandle};

use crate::common::{TTL, copy, handle_of, scan, state, store, store_with};

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
    let used = store.operation_counts().since(&before);
    // One Query, then the times of each of the four, the expired one included.
    assert_eq!(
        (used.calls(Operation::Query), used.calls(Operation::GetItem)),
        (1, 4)
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
    assert!(report.index_written_on_touch);
    // Sessions are stored and listed all the same.
    store
        .save(state(&[("user", "alice"), ("device", "x")]), &TTL)
        .await
        .unwrap();
    assert_eq!(store.list_sessions("alice").await.unwrap().len(), 1);
}
