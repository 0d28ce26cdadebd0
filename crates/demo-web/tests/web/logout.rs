//! Logging out: this browser's session on stage 1; at Cognito, and in every
//! browser, on stage 2.

use demo_web::settings::Stage;

use crate::common::{Browser, settings, spawn_app};
use crate::stage2::{app_behind_outage, app_with, pool_with_demo_users, stored_tokens};

#[tokio::test]
async fn logout_ends_this_browsers_session_only() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "a").await;
    app.log_in(&phone, "a", "a").await;
    laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    laptop.get(&app.url("/")).await.assert_shows("Not Logged");
    // Stage 1 has nothing to revoke elsewhere.
    phone
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    assert_eq!(app.logged_in_items("a").await.len(), 1);
}

#[tokio::test]
async fn logout_signs_out_at_cognito() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let tokens = stored_tokens(&app, &browser).await;
    browser
        .submit(&app.url("/"), &app.url("/logout"), &[])
        .await;
    assert!(app.items().await.is_empty());
    let get_user = pool
        .admin
        .get_user()
        .access_token(&tokens.access_token)
        .send()
        .await;
    assert!(get_user.is_err(), "the access token is revoked at Cognito");
}

#[tokio::test]
async fn logout_ends_the_users_sessions_in_every_browser() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let (laptop, phone, other) = (Browser::new(), Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    app.log_in(&other, "b", "bbbbbb").await;
    assert_eq!(app.logged_in_items("a").await.len(), 2);

    laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    // GlobalSignOut revoked the phone's tokens too: its session ends now,
    // not at its next refresh.
    let page = phone.get(&app.url("/restricted")).await;
    page.assert_shows("This is a restricted area");
    assert!(app.logged_in_items("a").await.is_empty());
    // Another user's session is untouched.
    other
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>b</strong>");
}

#[tokio::test]
async fn logout_ends_this_session_even_when_the_others_cannot_be_listed() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |_| {}).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;

    // The query of the user's sessions fails; reads and deletes still work.
    outage.refuse("DynamoDB_20120810.Query");
    let page = laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    laptop.get(&app.url("/")).await.assert_shows("Not Logged");
    // The phone's session is left to end at its next refresh.
    assert_eq!(app.logged_in_items("a").await.len(), 1);
}
