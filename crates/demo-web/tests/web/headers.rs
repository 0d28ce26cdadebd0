//! The cookie's attributes and the security headers on every answer.

use demo_web::settings::Stage;

use crate::common::{self, Browser, settings, spawn_app};

#[tokio::test]
async fn the_cookie_is_http_only_lax_and_secure_by_setting() {
    let mut s = settings(Stage::Store).await;
    let app = spawn_app(s.clone()).await;
    let cookie = Browser::new()
        .get(&app.url("/"))
        .await
        .set_cookie()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Max-Age=8"),
        "stage 1 sessions live 8 s: {cookie}"
    );
    assert!(!cookie.contains("Secure"));
    s.cookie_secure = true;
    let secure = spawn_app(s).await;
    let cookie = Browser::new()
        .get(&secure.url("/"))
        .await
        .set_cookie()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}

/// Asserts the headers that keep a page out of frames, caches and MIME
/// sniffing; `cached` is for the stylesheet, the one answer a cache may keep.
pub fn assert_protected(page: &common::Page, what: &str, cached: bool) {
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    let cache = header("cache-control");
    assert_eq!(cache.contains("no-store"), !cached, "{what}: {cache}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    assert_protected(&browser.get(&app.url("/")).await, "home", false);
    assert_protected(&browser.get(&app.url("/login")).await, "login form", false);
    let logged_in = app.log_in(&browser, "a", "a").await;
    assert_protected(&logged_in, "the redirect after login", false);
    for path in [
        "/restricted",
        "/sessions",
        "/session.json",
        "/metrics",
        "/nope",
    ] {
        assert_protected(&browser.get(&app.url(path)).await, path, false);
    }
    let refused = browser
        .post(&app.url("/logout"), &[("csrf", "wrong")])
        .await;
    assert_eq!(refused.status, 403);
    assert_protected(&refused, "a refused form", false);
    for path in ["/static/style.css", "/favicon.ico"] {
        assert_protected(&browser.get(&app.url(path)).await, path, true);
    }
    // Error pages too: see failures_are_pages_without_internals.
}
