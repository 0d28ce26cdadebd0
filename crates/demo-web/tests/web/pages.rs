//! The pages as the original demo has them: views counted, methods, HEAD,
//! the footer, and failures shown as pages.

use demo_web::settings::Stage;

use crate::common::{Browser, settings, spawn_app};
use crate::headers::assert_protected;

#[tokio::test]
async fn home_is_not_logged_and_counts_views() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    let first = browser.get(&app.url("/")).await;
    assert_eq!(first.status, 200);
    first.assert_shows("<h1>Not Logged</h1>");
    first.assert_shows("Quick log in as « a »");
    first.assert_shows("Go to /restricted");
    first.assert_shows("Page views: 1");
    first.assert_shows(r#"<pre id="cookies">undefined</pre>"#);
    let second = browser.get(&app.url("/")).await;
    second.assert_shows("Page views: 2");
    second.assert_shows("&quot;views&quot;: 2"); // the session data as JSON
    second.assert_shows("&quot;session&quot;"); // the request's cookies as JSON
}

#[tokio::test]
async fn a_wrong_method_is_405_naming_the_right_one() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    for path in ["/", "/restricted", "/sessions", "/session.json", "/metrics"] {
        let page = browser.post(&app.url(path), &[]).await;
        assert_eq!(page.status, 405, "POST {path}");
        assert_eq!(page.headers["allow"], "GET, HEAD", "POST {path}");
        page.assert_shows("does not take that kind of request");
    }
    let login = browser.http.delete(app.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), 405);
    assert_eq!(login.headers()["allow"], "GET, HEAD, POST");
    assert_eq!(browser.get(&app.url("/no/such/page")).await.status, 404);
}

#[tokio::test]
async fn head_answers_as_get_without_the_body() {
    // HTTP asks it of every GET resource: `curl -I`, uptime checks.
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    for path in [
        "/",
        "/login",
        "/restricted",
        "/sessions",
        "/session.json",
        "/metrics",
        "/static/style.css",
        "/favicon.ico",
        "/no/such/page",
    ] {
        let get = browser.get(&app.url(path)).await;
        let head = browser.http.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status().as_u16(), get.status, "HEAD {path}");
        assert_eq!(
            head.headers()["content-type"],
            get.headers["content-type"],
            "HEAD {path}"
        );
        assert_eq!(head.bytes().await.unwrap().len(), 0, "HEAD {path}");
    }
    // A HEAD changes nothing a GET would not: still logged in.
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    let logout = browser.http.head(app.url("/logout")).send().await.unwrap();
    assert_eq!(logout.status(), 405);
    assert_eq!(logout.headers()["allow"], "POST");
}

#[tokio::test]
async fn the_footer_never_shows_a_cookie_in_full() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser.get(&app.url("/")).await;
    let cookie = browser.cookie(&app.address, "session").unwrap();
    let page = browser.get(&app.url("/")).await;
    // The HttpOnly cookie is not handed to the page.
    page.assert_lacks(&cookie[..24]);
    // Nor the store's record of what the request loaded: not the app's data.
    page.assert_shows("Page views: 2");
    page.assert_lacks(session_store::LOADED_FIELD);
}

#[tokio::test]
async fn failures_are_pages_without_internals() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    let missing = browser.get(&app.url("/no/such/page")).await;
    assert_eq!(missing.status, 404);
    missing.assert_shows("Not found");
    assert_protected(&missing, "the 404 page", false);

    let huge = "x".repeat(1024 * 1024);
    let page = browser
        .post(
            &app.url("/login"),
            &[("csrf", "x"), ("username", &huge), ("password", "x")],
        )
        .await;
    assert_eq!(page.status, 413);
    page.assert_shows("Request too large");
    assert_protected(&page, "the 413 page", false);

    // A malformed or tampered cookie is a fresh session, not an error.
    let url = app.address.parse().unwrap();
    browser.jar.add_cookie_str("session=%%%garbage", &url);
    assert_eq!(browser.get(&app.url("/")).await.status, 200);

    // DynamoDB failing (here: its table deleted) gives a 503 page.
    app.dynamodb
        .delete_table()
        .table_name(&app.settings.table_name)
        .send()
        .await
        .unwrap();
    let down = browser.get(&app.url("/")).await;
    assert_eq!(down.status, 503);
    assert_eq!(down.headers["retry-after"], "5");
    // Raised inside the session middleware, and protected all the same.
    assert_protected(&down, "the 503 page", false);
    down.assert_shows("The session store (DynamoDB) cannot be reached");
    for leak in [
        "Exception",
        "dynamodb:",
        "ResourceNotFound",
        "stack",
        "panicked",
    ] {
        down.assert_lacks(leak);
    }
}
