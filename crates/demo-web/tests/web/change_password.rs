//! Stage 2's `/password`: a signed-in user changes their password, the
//! current one required; their other sessions end with it.

use demo_web::settings::Stage;

use crate::common::{Browser, COGNITO, Page, TestApp, settings, spawn_app};
use crate::stage2::{app_behind_outage, app_with, pool_with_demo_users};

/// Posts the form of `/password`.
async fn change(app: &TestApp, browser: &Browser, current: &str, new: &str, again: &str) -> Page {
    let url = app.url("/password");
    browser
        .submit(
            &url,
            &url,
            &[
                ("current", current),
                ("password", new),
                ("password_again", again),
            ],
        )
        .await
}

#[tokio::test]
async fn a_changed_password_signs_the_other_sessions_out() {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords with this flow only.
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    laptop
        .get(&app.url("/"))
        .await
        .assert_shows(r#"href="/password">Change password</a>"#);

    let done = change(&app, &laptop, "aaaaaa", "anewone", "anewone").await;
    assert_eq!(done.status, 200, "{}", done.body);
    done.assert_shows("Your password is changed, and your other session is signed out.");
    phone.get(&app.url("/")).await.assert_shows("Not Logged");
    laptop
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 401);
    assert_eq!(
        app.log_in(&Browser::new(), "a", "anewone").await.status,
        303
    );
}

#[tokio::test]
async fn a_refused_change_keeps_the_form_and_the_sessions() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    for (current, new, again, message) in [
        (
            "notmine",
            "anewone",
            "anewone",
            "The current password is not right.",
        ),
        ("aaaaaa", "anewone", "another", "The two passwords differ."),
        ("", "anewone", "anewone", "Input missing"),
        // The pool asks for a lowercase letter (its policy, read at start).
        (
            "aaaaaa",
            "ABCDEFG",
            "ABCDEFG",
            "The password needs a lowercase letter.",
        ),
    ] {
        let page = change(&app, &laptop, current, new, again).await;
        assert_eq!(page.status, 400, "{message}: {}", page.body);
        page.assert_shows(message);
        page.assert_shows(r#"<form method="post" action="/password">"#);
    }
    assert_nothing_changed(&app, &phone).await;
}

#[tokio::test]
async fn a_cognito_outage_changes_nothing_and_says_so() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    let form = laptop.get(&app.url("/password")).await;
    let csrf = form.csrf();
    outage.refuse(COGNITO);
    let page = laptop
        .post(
            &app.url("/password"),
            &[
                ("csrf", &csrf),
                ("current", "aaaaaa"),
                ("password", "anewone"),
                ("password_again", "anewone"),
            ],
        )
        .await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    outage.stop_refusing();
    assert_nothing_changed(&app, &phone).await;
}

#[tokio::test]
async fn the_page_needs_a_login_and_stage_1_has_none() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let page = Browser::new().get(&app.url("/password")).await;
    assert_eq!(page.status, 303);
    assert!(
        page.location().unwrap().starts_with("/login"),
        "{:?}",
        page.location()
    );

    let stage1 = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    stage1.log_in(&browser, "a", "a").await;
    browser
        .get(&stage1.url("/"))
        .await
        .assert_lacks("Change password");
    assert_eq!(browser.get(&stage1.url("/password")).await.status, 404);
}

#[tokio::test]
async fn a_change_without_the_sessions_csrf_token_is_refused() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let page = browser
        .post(
            &app.url("/password"),
            &[
                ("csrf", "forged"),
                ("current", "aaaaaa"),
                ("password", "anewone"),
                ("password_again", "anewone"),
            ],
        )
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 303);
}

/// The other session of `a` still signed in, and the old password still good.
async fn assert_nothing_changed(app: &TestApp, phone: &Browser) {
    phone
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 303);
}
