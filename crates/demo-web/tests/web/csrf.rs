//! State changes: only by POST, only with the session's CSRF token, or with
//! the browser's word that an expired session's form is ours.

use demo_web::settings::Stage;

use crate::common::{Browser, settings, spawn_app};

#[tokio::test]
async fn a_get_never_logs_in_or_out() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser.get(&app.url("/")).await;
    assert_eq!(browser.get(&app.url("/quicklogin/a")).await.status, 405);
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
    app.log_in(&browser, "a", "a").await;
    assert_eq!(browser.get(&app.url("/logout")).await.status, 405);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
}

#[tokio::test]
async fn state_changes_need_the_sessions_csrf_token() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser.get(&app.url("/")).await;
    for (path, form) in [
        (
            "/login",
            vec![("csrf", "forged"), ("username", "a"), ("password", "a")],
        ),
        ("/quicklogin/a", vec![("csrf", "forged")]),
        ("/logout", vec![]),
    ] {
        let page = browser.post(&app.url(path), &form).await;
        assert!([400, 403].contains(&page.status), "{path}: {}", page.status);
        page.assert_shows("<html"); // an error page
    }
    // Another browser's token does not work either.
    let other = Browser::new();
    let token = other.get(&app.url("/")).await.csrf();
    assert_eq!(
        browser
            .post(&app.url("/quicklogin/a"), &[("csrf", &token)])
            .await
            .status,
        403
    );
    // Nor does its own token cut short, lengthened, or empty.
    let own = browser.get(&app.url("/")).await.csrf();
    for near in [&own[..own.len() - 1], &format!("{own}x"), ""] {
        let page = browser
            .post(&app.url("/quicklogin/a"), &[("csrf", near)])
            .await;
        assert_eq!(page.status, 403, "{near:?}");
    }
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}

#[tokio::test]
async fn a_form_whose_session_ended_needs_the_browsers_word_that_it_is_ours() {
    let app = spawn_app(settings(Stage::Store).await).await;
    // A login form left open past the session's lifetime: the browser has
    // dropped the cookie, and the form's token belongs to no session.
    let stale = Browser::new().get(&app.url("/login")).await.csrf();
    let browser = Browser::new();
    let form = [
        ("csrf", stale.as_str()),
        ("username", "a"),
        ("password", "a"),
    ];
    for site in [None, Some("cross-site"), Some("same-site"), Some("none")] {
        let headers: Vec<_> = site.map(|s| ("sec-fetch-site", s)).into_iter().collect();
        let page = browser.post_with(&app.url("/login"), &form, &headers).await;
        assert_eq!(page.status, 403, "Sec-Fetch-Site: {site:?}");
    }
    assert!(app.logged_in_items("a").await.is_empty());

    let same_origin = [("sec-fetch-site", "same-origin")];
    let page = browser
        .post_with(&app.url("/login"), &form, &same_origin)
        .await;
    assert_eq!(page.status, 303);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    // A session that has a token needs it, whatever the browser says.
    let page = browser
        .post_with(&app.url("/logout"), &[("csrf", &stale)], &same_origin)
        .await;
    assert_eq!(page.status, 403);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
}
