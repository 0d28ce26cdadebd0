//! DynamoDB unreachable or throttling: a clear error in time, and nothing lost.

use std::time::{Duration, Instant};

use actix_session::storage::{LoadError, SessionKey, SessionStore, UpdateError};
use session_store::{DynamoDbSessionStore, Operation};

use crate::common::{TTL, copy, state, without_store_fields};

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
    assert_eq!(without_store_fields(loaded), saved);
}
