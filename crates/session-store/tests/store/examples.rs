//! The crate's examples, run against the emulator.

use test_support::web::Browser;

#[path = "../../examples/counter.rs"]
#[allow(dead_code)] // its `main`
mod counter;

#[tokio::test]
async fn the_counter_example_counts_logs_in_and_out() {
    let store = crate::common::store().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let key = actix_web::cookie::Key::generate();
    tokio::spawn(counter::serve(listener, store.clone(), key).unwrap());

    let browser = Browser::new();
    assert_eq!(browser.get(&base).await.body, "anonymous: 1 views");
    assert_eq!(browser.get(&base).await.body, "anonymous: 2 views");
    let before = browser.cookie(&base, "id").expect("a session cookie");

    let login = browser
        .post(&format!("{base}/login"), &[("user", "alice")])
        .await;
    assert_eq!((login.status, login.location()), (303, Some("/")));
    assert_ne!(
        browser.cookie(&base, "id").unwrap(),
        before,
        "a new id at login"
    );
    assert_eq!(browser.get(&base).await.body, "alice: 3 views");
    assert_eq!(
        crate::common::scan(&store).await.len(),
        1,
        "the old session is gone"
    );

    browser.post(&format!("{base}/logout"), &[]).await;
    assert!(
        crate::common::scan(&store).await.is_empty(),
        "deleted at logout"
    );
    assert_eq!(browser.get(&base).await.body, "anonymous: 1 views");
}
