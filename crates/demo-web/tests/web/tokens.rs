//! Stage 2's tokens on each request: refreshed when due, and a tampered one
//! is no login.

use std::time::Duration;

use crate::common::{self, Browser};
use crate::stage2::{app_with, pool_with_demo_users, stored_tokens};

#[tokio::test]
async fn expiring_tokens_are_refreshed_and_a_failed_refresh_logs_out() {
    let pool = pool_with_demo_users().await;
    // A margin longer than the emulator's 1 h tokens: every request refreshes.
    let app = app_with(&pool, |c| c.refresh_margin = Duration::from_secs(4000)).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let before = stored_tokens(&app, &browser).await;
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    let after = stored_tokens(&app, &browser).await;
    assert_ne!(
        before.access_token, after.access_token,
        "refreshed transparently"
    );
    assert_eq!(before.refresh_token, after.refresh_token);

    // Revoked elsewhere: the refresh fails and the session is logged out.
    pool.admin
        .global_sign_out()
        .access_token(&after.access_token)
        .send()
        .await
        .unwrap();
    let page = browser.get(&app.url("/")).await;
    page.assert_shows("Not Logged");
    assert!(app.logged_in_items("a").await.is_empty());
}

#[tokio::test]
async fn a_user_name_that_the_tokens_do_not_carry_is_not_a_login() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    // A bug that writes the wrong user into the session.
    app.edit_session_state(&browser, |state| {
        state.insert("user".into(), "\"b\"".into());
    })
    .await;
    let page = browser.get(&app.url("/restricted")).await;
    page.assert_lacks("Hello <strong>b</strong>"); // tokens of a do not make b
    page.assert_shows("This is a restricted area");
}

#[tokio::test]
async fn a_state_copied_into_another_session_item_is_no_login() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let (alice, bob) = (Browser::new(), Browser::new());
    app.log_in(&alice, "a", "aaaaaa").await;
    app.log_in(&bob, "b", "bbbbbb").await;
    // Someone with write access to the table copies b's sealed state into
    // a's item, hoping to ride b's login with a's cookie.
    let (item_a, item_b) = (
        app.logged_in_items("a").await.remove(0),
        app.logged_in_items("b").await.remove(0),
    );
    app.dynamodb
        .update_item()
        .table_name(&app.settings.table_name)
        .key("id", item_a["id"].clone())
        .update_expression("SET #s = :s")
        .expression_attribute_names("#s", "fields")
        .expression_attribute_values(":s", item_b["fields"].clone())
        .send()
        .await
        .unwrap();
    // As for a visitor with no session: the state did not open.
    let page = alice.get(&app.url("/restricted")).await;
    assert_eq!(page.status, 401, "{}", page.body);
    page.assert_shows("Not Logged");
    page.assert_lacks("Hello");
    let metrics = Browser::new().get(&app.url("/metrics")).await.body;
    assert_eq!(
        common::metric(
            &metrics,
            "session_states_unreadable_total{operation=\"load\"}"
        ),
        1.0
    );
    bob.get(&app.url("/restricted"))
        .await
        .assert_shows("Hello <strong>b</strong>");
}
