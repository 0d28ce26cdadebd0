//! Stage 2's sign-in through Cognito's managed login (the hosted page),
//! beside the form or instead of it (`COGNITO_LOGIN`), on ministack, which
//! serves the page; moto has none, and the app refuses to start with it.

use std::net::TcpListener;

use demo_web::settings::Stage;
use demo_web::startup::Application;
use test_support::cognito::DemoPool;
use test_support::emulator::Gap;

use crate::common::{Browser, Page, TestApp, cognito_settings, settings, spawn_app_on};
use crate::stage2::pool_with_demo_users;

/// Stage 2 on `pool`, with an app client of its own set up for managed
/// login, the hosted page offered (and the form with `form`).
pub(crate) async fn app_with_hosted_login(pool: &DemoPool, form: bool) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (client_id, _) = pool
        .managed_login_client(&format!("{base}/auth/callback"), &format!("{base}/"), false)
        .await;
    let mut s = settings(Stage::Cognito).await;
    let mut cognito = cognito_settings(pool);
    cognito.client_id = client_id;
    cognito.hosted_login = true;
    cognito.form_login = form;
    cognito.app_url = base;
    s.cognito = Some(cognito);
    spawn_app_on(s, listener).await
}

/// `browser` through `/auth/start` (from `path`) and the hosted page as
/// `a`: the app's answer to the callback.
async fn through_hosted_page(app: &TestApp, browser: &Browser, start: &str) -> Page {
    let to_hosted = browser.get(&app.url(start)).await;
    let hosted = to_hosted.location().expect("to the hosted page").to_owned();
    let back = test_support::hosted_page::sign_in(&hosted, "a", "aaaaaa")
        .await
        .unwrap();
    browser.get(&back).await
}

#[tokio::test]
async fn the_hosted_page_signs_in_beside_the_form_and_logout_ends_its_session_too() {
    let pool = pool_with_demo_users().await;
    if pool.aws.lacks(Gap::ManagedLogin) {
        // The app will not start with a hosted page the pool cannot serve.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut s = settings(Stage::Cognito).await;
        let mut cognito = cognito_settings(&pool);
        cognito.hosted_login = true;
        s.cognito = Some(cognito);
        let Err(err) = Application::build_on(s, listener).await else {
            panic!("started without the hosted page's endpoints");
        };
        assert!(err.to_string().contains("COGNITO_LOGIN"), "{err}");
        return;
    }
    let app = app_with_hosted_login(&pool, true).await;
    let browser = Browser::new();
    let login = browser.get(&app.url("/login?next=/restricted")).await;
    login.assert_shows(r#"<form method="post" action="/login?next=&#x2F;restricted">"#);
    login.assert_shows(
        r#"href="/auth/start?next=&#x2F;restricted">Sign in with the hosted page</a>"#,
    );
    let before = browser.cookie(&app.address, "session").unwrap();

    let landed = through_hosted_page(&app, &browser, "/auth/start?next=/restricted").await;
    assert_eq!(landed.location(), Some("/restricted"), "{}", landed.body);
    assert_ne!(
        browser.cookie(&app.address, "session").unwrap(),
        before,
        "a new session id"
    );
    let page = browser.get(&app.url("/restricted")).await;
    page.assert_shows("Hello <strong>a</strong>");
    assert_eq!(app.logged_in_items("a").await.len(), 1);

    // Logout: this session, then Cognito's session of the browser, which
    // comes back to the home page.
    let out = browser
        .submit(&app.url("/"), &app.url("/logout"), &[])
        .await;
    let to = out.location().expect("to the hosted logout").to_owned();
    assert!(to.contains("/logout?client_id="), "{to}");
    assert!(app.logged_in_items("a").await.is_empty());
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}

#[tokio::test]
async fn with_the_form_off_only_the_hosted_page_signs_in() {
    let pool = pool_with_demo_users().await;
    if pool.aws.lacks(Gap::ManagedLogin) {
        return;
    }
    let app = app_with_hosted_login(&pool, false).await;
    let browser = Browser::new();
    let login = browser.get(&app.url("/login")).await;
    login.assert_lacks("<form method=\"post\" action=\"/login");
    login.assert_shows("Sign in with the hosted page");
    browser
        .get(&app.url("/"))
        .await
        .assert_lacks("Quick log in");
    // The session's token, from a form that is still there.
    let csrf = browser.get(&app.url("/signup")).await.csrf();
    for path in ["/login", "/quicklogin/a"] {
        let refused = browser
            .post(
                &app.url(path),
                &[("csrf", &csrf), ("username", "a"), ("password", "aaaaaa")],
            )
            .await;
        assert_eq!(refused.status, 404, "{path}: {}", refused.body);
    }
    assert!(app.logged_in_items("a").await.is_empty());
    let landed = through_hosted_page(&app, &browser, "/auth/start").await;
    assert_eq!(landed.location(), Some("/"), "{}", landed.body);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
}

#[tokio::test]
async fn a_callback_not_of_this_sessions_login_is_the_login_page_with_a_400() {
    let pool = pool_with_demo_users().await;
    if pool.aws.lacks(Gap::ManagedLogin) {
        return;
    }
    let app = app_with_hosted_login(&pool, true).await;
    let browser = Browser::new();
    let to_hosted = browser.get(&app.url("/auth/start")).await;
    let back = test_support::hosted_page::sign_in(to_hosted.location().unwrap(), "a", "aaaaaa")
        .await
        .unwrap();
    let refused = |page: Page| {
        assert_eq!(page.status, 400, "{}", page.body);
        page.assert_shows("This sign-in could not be completed, please sign in again.");
        page.assert_shows("Sign in with the hosted page");
    };
    // Another browser with this one's code; the hosted page's error.
    refused(Browser::new().get(&back).await);
    refused(
        browser
            .get(&app.url("/auth/callback?error=access_denied"))
            .await,
    );
    // The error used the login up: the code comes too late.
    refused(browser.get(&back).await);
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
    assert!(app.logged_in_items("a").await.is_empty());
}
