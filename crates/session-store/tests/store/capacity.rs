//! The capacity DynamoDB reports is added up per operation, and is what
//! DynamoDB's rules price (moto reports flat figures; ministack sizes them,
//! as AWS bills).

use actix_session::storage::SessionStore;
use session_store::{Operation, OperationCounts};
use test_support::emulator::Gap;
use test_support::pricing::{demo_state, index_entry_size, item_size, write_units};

use crate::common::{TTL, copy, only_item, state, store};

#[tokio::test]
async fn the_capacity_each_call_consumed_is_added_up() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let saved = store.operation_counts();
    assert!(saved.capacity_units(Operation::PutItem) > 0.0);
    assert_eq!(
        (saved.read_units(), saved.write_units()),
        (0.0, saved.capacity_units(Operation::PutItem))
    );

    let mut loaded = store.load(&key).await.unwrap().unwrap();
    let after_load = store.operation_counts().since(&saved);
    assert!(after_load.read_units() > 0.0);
    assert_eq!(after_load.write_units(), 0.0);

    loaded.insert("views".into(), "1".into());
    let before = store.operation_counts();
    store.update(copy(&key), loaded, &TTL).await.unwrap();
    let after_update = store.operation_counts().since(&before);
    assert!(after_update.capacity_units(Operation::UpdateItem) > 0.0);
    assert_eq!(after_update.read_units(), 0.0);

    store.list_sessions("alice").await.unwrap();
    store.delete(&key).await.unwrap();
    let all = store.operation_counts();
    for op in [Operation::Query, Operation::DeleteItem] {
        assert!(all.capacity_units(op) > 0.0, "{op:?}");
    }
}

/// The write units the store reports for the demo's sessions, as the
/// emulator sized them, against DynamoDB's published rules applied to the
/// items read back (`examples/request_cost` prices them so).
#[tokio::test]
async fn the_write_capacity_reported_is_what_dynamodbs_rules_price() {
    let aws = test_support::local_aws().await;
    if aws.lacks(Gap::SizedCapacity) {
        return;
    }
    for tokens in [false, true] {
        let store = store().await;
        let units = |before: &OperationCounts, op| {
            store.operation_counts().since(before).capacity_units(op)
        };
        let state = demo_state(tokens);
        let before = store.operation_counts();
        let key = store.save(state, &TTL).await.unwrap();
        let created = only_item(&store).await;
        // A new item: the item and its entry in the principal index.
        let index = index_entry_size(&created, &["created", "label"]);
        let priced = write_units(item_size(&created)) + write_units(index);
        assert_eq!(
            units(&before, Operation::PutItem),
            priced,
            "save, tokens: {tokens}"
        );

        // A page view: one field changed; the index's attributes are not.
        let mut loaded = store.load(&key).await.unwrap().unwrap();
        loaded.insert("views".into(), "13".into());
        let before = store.operation_counts();
        store.update(copy(&key), loaded, &TTL).await.unwrap();
        let changed = only_item(&store).await;
        let priced = write_units(item_size(&created).max(item_size(&changed)));
        assert_eq!(
            units(&before, Operation::UpdateItem),
            priced,
            "page view, tokens: {tokens}"
        );
    }
}
