//! Logging in, on both stages: errors on the form, a new session id,
//! verified tokens that are never shown, one message for every refusal.

use std::time::Duration;

use demo_web::settings::Stage;

use crate::common::{self, Browser, settings, spawn_app};
use crate::stage2::{app_with, pool_with_demo_users, stored_tokens};

#[tokio::test]
async fn login_errors_are_shown_on_the_form() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    for (user, password, message, status) in [
        ("", "a", "Input missing", 400),
        ("a", "", "Input missing", 400),
        ("zed", "zed", "Invalid user", 401),
        ("a", "b", "Invalid password", 401),
    ] {
        let page = app.log_in(&browser, user, password).await;
        assert_eq!(page.status, status, "{user}/{password}");
        page.assert_shows(message);
        page.assert_shows("<form method=\"post\" action=\"/login\">");
        // Phone keyboards capitalize a field's first letter: "A" is not user a.
        page.assert_shows("autocapitalize=\"none\"");
    }
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}

#[tokio::test]
async fn login_renews_the_session_id_and_opens_restricted() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    let restricted = browser.get(&app.url("/restricted")).await;
    assert_eq!(restricted.status, 401);
    restricted.assert_shows("This is a restricted area");
    restricted.assert_lacks("secret");
    let before = browser
        .cookie(&app.address, "session")
        .expect("a session before login");

    let login = app.log_in(&browser, "a", "a").await;
    assert_eq!((login.status, login.location()), (303, Some("/")));
    let after = browser.cookie(&app.address, "session").unwrap();
    assert_ne!(before, after, "a new session id at login");
    assert_eq!(
        app.items().await.len(),
        1,
        "the pre-login session item is gone"
    );

    let home = browser.get(&app.url("/")).await;
    home.assert_shows("Hello <strong>a</strong>");
    let restricted = browser.get(&app.url("/restricted")).await;
    assert_eq!(restricted.status, 200);
    restricted.assert_shows("You see some secret things !");
}

#[tokio::test]
async fn quick_login_and_logout_purge_the_session() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    let page = browser
        .submit(&app.url("/"), &app.url("/quicklogin/b"), &[])
        .await;
    assert_eq!(page.status, 303);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>b</strong>");
    assert_eq!(app.logged_in_items("b").await.len(), 1);

    let logout = browser
        .submit(&app.url("/"), &app.url("/logout"), &[])
        .await;
    assert_eq!((logout.status, logout.location()), (303, Some("/")));
    assert!(
        logout.set_cookie().unwrap().contains("session=;"),
        "cookie removed"
    );
    assert!(app.items().await.is_empty(), "the session item is deleted");
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
    assert_eq!(
        browser
            .submit(&app.url("/"), &app.url("/quicklogin/zed"), &[])
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn cognito_login_verifies_tokens_and_never_shows_them() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    assert_eq!(app.settings.session_ttl, Duration::from_secs(150));
    let browser = Browser::new();
    let page = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!((page.status, page.location()), (303, Some("/")));
    let home = browser.get(&app.url("/")).await;
    home.assert_shows("Hello <strong>a</strong>");
    let tokens = stored_tokens(&app, &browser).await;
    for token in [
        &tokens.access_token,
        &tokens.id_token,
        tokens.refresh_token.as_ref().unwrap(),
    ] {
        home.assert_lacks(&token[..20.min(token.len())]);
    }
    home.assert_shows("access_token"); // the footer shows the session's keys

    let metrics = Browser::new().get(&app.url("/metrics")).await.body;
    assert!(
        common::metric(&metrics, "cognito_calls_total{operation=\"InitiateAuth\"}") >= 1.0,
        "{metrics}"
    );

    // Quick login as b in another browser.
    let other = Browser::new();
    other
        .submit(&app.url("/"), &app.url("/quicklogin/b"), &[])
        .await;
    other
        .get(&app.url("/restricted"))
        .await
        .assert_shows("You see some secret things !");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_message() {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords only without SRP.
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    let wrong = app.log_in(&browser, "a", "wrong!").await;
    let unknown = app.log_in(&browser, "nobody", "aaaaaa").await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, 401);
        page.assert_shows("Incorrect username or password.");
    }
    assert!(app.log_in(&browser, "a", "aaaaaa").await.status == 303);
}

#[tokio::test]
async fn two_instances_share_logins() {
    let s = settings(Stage::Store).await;
    let (one, two) = (spawn_app(s.clone()).await, spawn_app(s).await);
    let browser = Browser::new();
    one.log_in(&browser, "a", "a").await;
    // Cookies are per host, not per port: the same browser visits the other instance.
    let page = browser.get(&two.url("/restricted")).await;
    page.assert_shows("You see some secret things !");
    browser
        .submit(&two.url("/"), &two.url("/logout"), &[])
        .await;
    browser.get(&one.url("/")).await.assert_shows("Not Logged");
}
