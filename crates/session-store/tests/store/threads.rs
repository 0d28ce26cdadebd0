//! actix-web runs one single-threaded runtime per worker thread, and the
//! workers share the store. A call on one thread must never depend on another
//! thread's runtime: a worker busy in a long handler must not stall the
//! DynamoDB calls of the others.

use crate::common;

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::cookie::time::Duration as Ttl;
use common::state;
use session_store::DynamoDbSessionStore;
use test_support::threads::{runtime, while_the_other_waits};

#[test]
fn a_call_never_waits_on_another_threads_runtime() {
    // Set-up calls on this thread: a connection to DynamoDB, driven by
    // `here`, and kept alive (as AWS endpoints do) by the proxy.
    let here = runtime();
    let aws = here.block_on(test_support::local_aws());
    let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
    let config = aws.config.to_builder().endpoint_url(proxy.url()).build();
    let store =
        DynamoDbSessionStore::builder(&config, test_support::unique_name("threads")).build();
    here.block_on(store.ensure_table()).unwrap();
    let key = here
        .block_on(store.save(state(&[("user", "alice")]), &Ttl::seconds(60)))
        .unwrap();
    let key = key.as_ref().to_owned();

    let (there, here) = while_the_other_waits(&here, move || {
        let (store, key) = (store.clone(), key.clone());
        async move {
            let key = SessionKey::try_from(key).unwrap();
            match store.load(&key).await {
                Ok(session) => Ok(session.is_some()),
                Err(e) => Err(format!("{e}: {:?}", std::error::Error::source(&e))),
            }
        }
    });
    assert_eq!(there, Ok(true), "a call on another thread");
    assert_eq!(
        here,
        Ok(true),
        "a call here, while the other thread is busy"
    );
}
