//! A login comes back to the page that sent the user to it.

use demo_web::settings::Stage;

use crate::common::{Browser, Page, settings, spawn_app};
use crate::new_password::{app_with_invited_user, choose_password};

/// The targets of a page's "Log in" link and quick-login forms, in order.
fn account_links(page: &Page) -> Vec<String> {
    let html = scraper::Html::parse_document(&page.body);
    let links = scraper::Selector::parse(".actions a[href^='/login'], .actions form").unwrap();
    html.select(&links)
        .filter_map(|e| e.value().attr("href").or(e.value().attr("action")))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_login_returns_to_the_page_that_sent_the_user_there() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    let bounced = browser.get(&app.url("/sessions")).await;
    assert_eq!(bounced.location(), Some("/login?next=/sessions"));
    let form_url = app.url("/login?next=/sessions");
    let action = browser.get(&form_url).await.form_action("/login");
    assert_eq!(action, "/login?next=/sessions");

    // A failed attempt keeps the way back.
    let wrong = browser
        .submit(
            &form_url,
            &app.url(&action),
            &[("username", "a"), ("password", "b")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.form_action("/login"), "/login?next=/sessions");
    let done = browser
        .submit(
            &form_url,
            &app.url(&action),
            &[("username", "a"), ("password", "a")],
        )
        .await;
    assert_eq!(done.location(), Some("/sessions"));

    // From /restricted, both ways of logging in come back to it; from /, to /.
    let other = Browser::new();
    let restricted = other.get(&app.url("/restricted")).await;
    assert_eq!(
        account_links(&restricted),
        [
            "/login?next=/restricted",
            "/quicklogin/a?next=/restricted",
            "/quicklogin/b?next=/restricted"
        ]
    );
    let home = other.get(&app.url("/")).await;
    assert_eq!(
        account_links(&home),
        ["/login", "/quicklogin/a", "/quicklogin/b"]
    );
    let quick = other
        .submit(
            &app.url("/restricted"),
            &app.url("/quicklogin/a?next=/restricted"),
            &[],
        )
        .await;
    assert_eq!(quick.location(), Some("/restricted"));

    // Never to another site, however the way back is spelled.
    for next in [
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
    ] {
        let other = Browser::new();
        let url = app.url(&format!("/login?next={next}"));
        assert_eq!(
            other.get(&url).await.form_action("/login"),
            "/login",
            "{next}"
        );
        let page = other
            .submit(&url, &url, &[("username", "a"), ("password", "a")])
            .await;
        assert_eq!(page.location(), Some("/"), "{next}");
    }
}

#[tokio::test]
async fn a_new_password_login_returns_to_the_page_that_sent_the_user_there() {
    let (_pool, app) = app_with_invited_user().await;
    let browser = Browser::new();
    // The way back holds a query of its own, `/restricted?x=1&y=2`.
    let login = app.url("/login?next=%2Frestricted%3Fx%3D1%26y%3D2");
    let asked = browser
        .submit(
            &login,
            &login,
            &[("username", "c"), ("password", "temporary")],
        )
        .await;
    let form_path = "/new-password?next=/restricted%3Fx%3D1%26y%3D2";
    assert_eq!(asked.location(), Some(form_path));
    let form_url = app.url(form_path);
    assert_eq!(
        browser.get(&form_url).await.form_action("/new-password"),
        form_path
    );
    // A failed answer keeps it too.
    let weak = choose_password(&browser, &form_url, "ab").await;
    assert_eq!(weak.status, 400);
    assert_eq!(weak.form_action("/new-password"), form_path);
    let done = choose_password(&browser, &form_url, "cccccc").await;
    assert_eq!(done.location(), Some("/restricted?x=1&y=2"));
    browser
        .get(&app.url("/restricted"))
        .await
        .assert_shows("You see some secret things !");
    // With the challenge answered, the form's address leads to the login,
    // which still returns there.
    assert_eq!(
        browser.get(&form_url).await.location(),
        Some("/login?next=/restricted%3Fx%3D1%26y%3D2")
    );
}
