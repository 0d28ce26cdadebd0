//! Logging out: this browser's session; on stage 2 also its tokens at
//! Cognito.

use std::time::Duration;

use demo_web::settings::Stage;
use test_support::emulator::Gap;

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

/// Logout revokes this session's refresh token at Cognito (RevokeToken):
/// the user's session in another browser goes on, and refreshes. Where
/// Cognito cannot revoke one token (moto), the logout signs the user out
/// everywhere instead, and ends their other sessions at once.
#[tokio::test]
async fn logout_revokes_this_sessions_token_and_the_others_go_on() {
    let pool = pool_with_demo_users().await;
    // Every request refreshes: the phone's session shows its token works.
    let app = app_with(&pool, |c| c.refresh_margin = Duration::from_secs(2 * 3600)).await;
    let (laptop, phone, other) = (Browser::new(), Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    app.log_in(&other, "b", "bbbbbb").await;
    assert_eq!(app.logged_in_items("a").await.len(), 2);
    let laptop_tokens = stored_tokens(&app, &laptop).await;

    laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    laptop.get(&app.url("/")).await.assert_shows("Not Logged");
    let cognito = auth::Cognito::builder(&pool.aws.config, &pool.pool_id, &pool.client_id).build();
    let refused = cognito
        .refresh("a", laptop_tokens.refresh_token.as_deref().unwrap())
        .await;
    assert!(
        refused.is_err(),
        "the ended session's refresh token is refused"
    );
    if pool.aws.lacks(Gap::RevokeToken) {
        // Signed out everywhere: the phone's session ended with the logout.
        let page = phone.get(&app.url("/restricted")).await;
        page.assert_shows("This is a restricted area");
        assert!(app.logged_in_items("a").await.is_empty());
    } else {
        phone
            .get(&app.url("/restricted"))
            .await
            .assert_shows("Hello <strong>a</strong>");
        assert_eq!(app.logged_in_items("a").await.len(), 1);
    }
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
