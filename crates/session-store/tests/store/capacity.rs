//! The capacity DynamoDB reports is added up per operation (the emulator
//! reports fixed figures; AWS reports what it bills).

use actix_session::storage::SessionStore;
use session_store::Operation;

use crate::common::{TTL, copy, state, store};

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
