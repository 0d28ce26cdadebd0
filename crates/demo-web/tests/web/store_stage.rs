//! Stage 1 (`with-dynamodb-store`) over HTTP, against DynamoDB on the emulator.

use crate::common;

use std::time::{Duration, Instant};

use common::{Browser, Outage, Page, settings, spawn_app};
use demo_web::settings::Stage;

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
        .session_cookie(&app)
        .expect("a session before login");

    let login = app.log_in(&browser, "a", "a").await;
    assert_eq!((login.status, login.location()), (303, Some("/")));
    let after = browser.session_cookie(&app).unwrap();
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

#[tokio::test]
async fn the_footer_never_shows_a_cookie_in_full() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser.get(&app.url("/")).await;
    let cookie = browser.session_cookie(&app).unwrap();
    let page = browser.get(&app.url("/")).await;
    // The HttpOnly cookie is not handed to the page.
    page.assert_lacks(&cookie[..24]);
}

/// Asserts the headers that keep a page out of frames, caches and MIME
/// sniffing; `cached` is for the stylesheet, the one answer a cache may keep.
fn assert_protected(page: &common::Page, what: &str, cached: bool) {
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

/// GETs `url`, which must be the 503 page, answered within the DynamoDB
/// operation timeout (with room to spare).
async fn unavailable_within_the_timeout(browser: &Browser, url: &str) -> common::Page {
    let started = Instant::now();
    let page = browser.get(url).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded by the operation timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(page.status, 503);
    assert_eq!(page.headers["retry-after"], "5", "an outage is temporary");
    page
}

#[tokio::test]
async fn dynamodb_going_away_is_a_503_within_the_timeout_then_the_app_recovers() {
    let mut s = settings(Stage::Store).await;
    let outage = Outage::forward_to(s.endpoint_url.as_deref().unwrap()).await;
    s.endpoint_url = Some(format!("http://{}", outage.address));
    let app = spawn_app(s).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;

    outage.cut();
    let down = unavailable_within_the_timeout(&browser, &app.url("/")).await;
    down.assert_shows("The session store (DynamoDB) cannot be reached");

    outage.restore().await;
    let back = browser.get(&app.url("/")).await;
    assert_eq!(back.status, 200);
    // The login survived the outage.
    back.assert_shows("Hello <strong>a</strong>");
}

#[tokio::test]
async fn a_throttled_table_is_a_503_and_the_session_survives_it() {
    let mut s = settings(Stage::Store).await;
    let proxy = test_support::proxy::DynamoDbProxy::start(s.endpoint_url.as_deref().unwrap());
    s.endpoint_url = Some(proxy.url().to_owned());
    let app = spawn_app(s).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let views = |page: &str| -> u32 {
        let at = page.find("Page views: ").expect("a views counter") + "Page views: ".len();
        page[at..].split('<').next().unwrap().parse().unwrap()
    };
    let before = views(&browser.get(&app.url("/")).await.body);

    proxy.set_throttling(true);
    let throttled = unavailable_within_the_timeout(&browser, &app.url("/")).await;
    throttled.assert_shows("Please try again in a moment");
    throttled.assert_lacks("Throttling");
    assert!(proxy.throttled_calls() >= 2, "the SDK retried");

    proxy.set_throttling(false);
    let back = browser.get(&app.url("/")).await;
    assert_eq!(back.status, 200);
    back.assert_shows("Hello <strong>a</strong>"); // still logged in
    assert_eq!(
        views(&back.body),
        before + 1,
        "the refused request changed nothing"
    );
}

#[tokio::test]
async fn start_up_without_dynamodb_names_the_failed_call() {
    let mut s = settings(Stage::Store).await;
    s.endpoint_url = Some(test_support::unreachable_endpoint());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = demo_web::startup::Application::build_on(s, listener)
        .await
        .err()
        .expect("no DynamoDB, no start");
    assert!(err.to_string().contains("dynamodb:DescribeTable"), "{err}");
}

#[tokio::test]
async fn the_sessions_page_lists_and_revokes() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let (laptop, phone) = (
        // A client that does not name itself (no User-Agent).
        Browser::new(),
        Browser::with_user_agent(
            "Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0",
        ),
    );
    assert_eq!(
        laptop.get(&app.url("/sessions")).await.location(),
        Some("/login?next=/sessions")
    );
    app.log_in(&laptop, "a", "a").await;
    app.log_in(&phone, "a", "a").await;
    let mut listing = laptop.get(&app.url("/sessions")).await;
    for _ in 0..20 {
        // The index is eventually consistent on real DynamoDB.
        if listing.body.matches("<tr").count() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        listing = laptop.get(&app.url("/sessions")).await;
    }
    assert_eq!(
        listing.body.matches("<tr").count(),
        3,
        "header and two sessions: {}",
        listing.body
    );
    assert_eq!(listing.body.matches("(this one)").count(), 1);
    // Each session says where it was opened.
    listing.assert_shows(r#"<td data-label="Device">Firefox on Android</td>"#);
    listing.assert_shows(r#"<td data-label="Device">Unknown device</td>"#);
    // A screen reader says which session a Revoke button ends: the other one.
    let labels: Vec<_> = listing
        .body
        .split("aria-label=\"Revoke session ")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let [label] = labels[..] else {
        panic!("one labelled Revoke button: {labels:?}")
    };
    let other = label
        .strip_suffix(" (Firefox on Android)")
        .unwrap_or_else(|| panic!("the label names the phone: {label}"));
    assert!(
        listing.body.contains(&format!("<code>{other}</code></td>")),
        "{other} is the phone's session: {}",
        listing.body
    );
    listing.assert_shows("Revoke all other sessions");
    let page = laptop
        .submit(
            &app.url("/sessions"),
            &app.url("/sessions/revoke-others"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    // The phone is logged out.
    phone.get(&app.url("/")).await.assert_shows("Not Logged");
    laptop
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    // Only this one is left: nothing else to revoke.
    let alone = laptop.get(&app.url("/sessions")).await;
    assert_eq!(alone.body.matches("<tr").count(), 2, "{}", alone.body);
    alone.assert_lacks("Revoke all other sessions");
}

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

#[tokio::test]
async fn concurrent_scrapes_count_each_dynamodb_call_once() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let scrape = Browser::new();
    let get_items =
        |page: &str| common::metric(page, "dynamodb_operations_total{operation=\"GetItem\"}");
    let mut last = get_items(&scrape.get(&app.url("/metrics")).await.body);
    for _ in 0..10 {
        // One GetItem, then scrapes racing on the new total.
        browser.get(&app.url("/session.json")).await;
        let pages = futures::future::join_all(
            (0..8).map(|_| async { scrape.get(&app.url("/metrics")).await.body }),
        )
        .await;
        for page in &pages {
            assert_eq!(get_items(page), last + 1.0, "{page}");
        }
        last += 1.0;
    }
}

#[tokio::test]
async fn a_read_only_request_costs_one_get_item_and_no_write() {
    let mut settings = settings(Stage::Store).await;
    // Long enough that the touch is skipped for the whole 30 s interval, not
    // only half of stage 1's 8 s lifetime.
    settings.session_ttl = std::time::Duration::from_secs(600);
    let app = spawn_app(settings).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let scrape = Browser::new();
    let ops = |page: &str, op: &str| {
        common::metric(
            page,
            &format!("dynamodb_operations_total{{operation=\"{op}\"}}"),
        )
    };
    let before = scrape.get(&app.url("/metrics")).await.body;
    for _ in 0..5 {
        let json = browser.get(&app.url("/session.json")).await;
        assert_eq!(json.status, 200);
        json.assert_shows("\"user\":\"a\"");
    }
    let after = scrape.get(&app.url("/metrics")).await.body;
    assert_eq!(ops(&after, "GetItem") - ops(&before, "GetItem"), 5.0);
    for write in ["PutItem", "UpdateItem", "DeleteItem"] {
        assert_eq!(ops(&after, write), ops(&before, write), "{write}");
    }
    // A page view changes the session: one read, one write.
    browser.get(&app.url("/")).await;
    let last = scrape.get(&app.url("/metrics")).await.body;
    assert_eq!(ops(&last, "GetItem") - ops(&after, "GetItem"), 1.0);
    assert_eq!(ops(&last, "UpdateItem") - ops(&after, "UpdateItem"), 1.0);

    assert!(
        common::metric(
            &last,
            "http_requests_total{route=\"/session.json\",status=\"200\"}"
        ) >= 5.0,
        "{last}"
    );
    assert!(last.contains("http_request_duration_seconds_bucket{route=\"/\""));
    // The app's own latency: every request, less than the whole (each of
    // these requests waited on DynamoDB).
    let total = |prefix: &str| -> f64 {
        last.lines()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert_eq!(
        total("http_request_app_seconds_count"),
        total("http_request_duration_seconds_count")
    );
    assert!(
        total("http_request_app_seconds_sum") < total("http_request_duration_seconds_sum"),
        "{last}"
    );
    // The stylesheet, the icon and /metrics need no session: no DynamoDB call.
    for path in ["/static/style.css", "/static/favicon.svg", "/favicon.ico"] {
        assert_eq!(browser.get(&app.url(path)).await.status, 200, "{path}");
    }
    let page = scrape.get(&app.url("/metrics")).await.body;
    for op in ["GetItem", "PutItem", "UpdateItem", "DeleteItem"] {
        assert_eq!(ops(&page, op), ops(&last, op), "{op}");
    }
    // Unknown paths share one label.
    browser.get(&app.url("/random/junk/123")).await;
    let page = scrape.get(&app.url("/metrics")).await.body;
    assert!(page.contains("route=\"unmatched\",status=\"404\"") && !page.contains("junk"));
}

#[tokio::test]
async fn a_sessions_form_posted_without_a_login_goes_to_the_login_and_back_to_the_page() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    for action in ["/sessions/revoke", "/sessions/revoke-others"] {
        let answer = browser
            .submit(&app.url("/"), &app.url(action), &[("handle", "x")])
            .await;
        // Back to the page the form was on, not to an address only a post reaches.
        assert_eq!(answer.status, 303, "{action}");
        assert_eq!(answer.location(), Some("/login?next=/sessions"), "{action}");
    }
}
