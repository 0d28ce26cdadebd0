//! Stage 2's tokens on each request: refreshed when due, and a tampered one
//! is no login.

use std::time::Duration;

use crate::common::Browser;
use crate::stage2::{app_with, pool_with_demo_users, stored_tokens};

#[tokio::test]
async fn expiring_tokens_are_refreshed_and_a_failed_refresh_logs_out() {
    let pool = pool_with_demo_users().await;
    // A margin longer than the emulator's 1 h tokens: every request refreshes.
    let app = app_with(&pool, |c| c.refresh_margin = Duration::from_secs(4000)).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let before = stored_tokens(&app, "a").await;
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    let after = stored_tokens(&app, "a").await;
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
async fn a_tampered_token_in_the_session_is_not_a_login() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    // Someone with write access to the table swaps the user name.
    let item = &app.logged_in_items("a").await[0];
    let id = item["id"].as_s().unwrap().clone();
    app.dynamodb
        .update_item()
        .table_name(&app.settings.table_name)
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S(id))
        .update_expression("SET #s.#u = :u")
        .expression_attribute_names("#s", "state")
        .expression_attribute_names("#u", "user")
        .expression_attribute_values(
            ":u",
            aws_sdk_dynamodb::types::AttributeValue::S("\"b\"".into()),
        )
        .send()
        .await
        .unwrap();
    let page = browser.get(&app.url("/restricted")).await;
    page.assert_lacks("Hello <strong>b</strong>"); // tokens of a do not make b
    page.assert_shows("This is a restricted area");
}
