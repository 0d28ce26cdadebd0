//! DynamoDB or Cognito unreachable, throttling or refusing: a page that
//! says so, nothing half-done, and the app serves again once they are back.

use std::time::{Duration, Instant};

use auth::Tokens;
use demo_web::Settings;
use demo_web::settings::Stage;
use test_support::cognito::APP_CLIENT_MISMATCHES;

use crate::common::{self, Browser, COGNITO, Outage, TestApp, settings, spawn_app};
use crate::stage2::{app_behind_outage, pool_with_demo_users, stage2_settings, stored_tokens};

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
async fn an_unreachable_cognito_is_said_on_the_login_page() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |_| {}).await;
    let browser = Browser::new();
    assert_eq!(app.log_in(&browser, "a", "aaaaaa").await.status, 303);

    // Cognito goes away; DynamoDB stays.
    outage.refuse(COGNITO);
    let page = app.log_in(&Browser::new(), "b", "bbbbbb").await;
    assert_eq!(page.status, 503);
    assert_eq!(page.headers["retry-after"], "5");
    page.assert_shows("The sign-in service is unavailable, please try again later.");
    page.assert_shows("<form method=\"post\" action=\"/login\">"); // the login page, not a crash
    // A logged-in user is still served (tokens are verified locally).
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
}

/// `browser`'s next page is `a`'s, with the access token of `before`.
async fn served_without_a_refresh(app: &TestApp, browser: &Browser, before: &Tokens) {
    let page = browser.get(&app.url("/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.assert_shows("Hello <strong>a</strong>");
    let during = stored_tokens(app, browser).await;
    assert_eq!(
        during.access_token, before.access_token,
        "no refresh happened"
    );
}

#[tokio::test]
async fn a_refresh_that_fails_at_cognito_waits_while_the_token_holds() {
    let pool = pool_with_demo_users().await;
    // A margin longer than the emulator's 1 h tokens: every request refreshes.
    let (app, outage) =
        app_behind_outage(&pool, |c| c.refresh_margin = Duration::from_secs(4000)).await;
    let browser = Browser::new();
    assert_eq!(app.log_in(&browser, "a", "aaaaaa").await.status, 303);
    let before = stored_tokens(&app, &browser).await;

    // Cognito unreachable, answering TooManyRequestsException (its refresh
    // quota is per account), or refusing the app's client secret or auth
    // flow: not the user's doing. The refresh fails, but the access token
    // still verifies, so the user stays logged in.
    outage.refuse(COGNITO);
    served_without_a_refresh(&app, &browser, &before).await;
    let throttled = ("TooManyRequestsException", "Rate exceeded");
    for (code, message) in std::iter::once(throttled).chain(APP_CLIENT_MISMATCHES) {
        outage.answer(COGNITO, code, message);
        served_without_a_refresh(&app, &browser, &before).await;
    }

    // Cognito is back: the next request refreshes.
    outage.stop_refusing();
    let page = browser.get(&app.url("/")).await;
    page.assert_shows("Hello <strong>a</strong>");
    let after = stored_tokens(&app, &browser).await;
    assert_ne!(after.access_token, before.access_token, "refreshed");
}

#[tokio::test]
async fn a_failed_key_fetch_never_logs_anyone_out() {
    let pool = pool_with_demo_users().await;
    let s = stage2_settings(&pool, |_| {}).await;
    let one = spawn_app(s.clone()).await;
    // A second instance, whose cache of the pool's keys is still empty, and
    // whose fetch of them fails while Cognito itself answers.
    let outage = Outage::forward_to(s.endpoint_url.as_deref().unwrap()).await;
    let two = spawn_app(Settings {
        endpoint_url: Some(format!("http://{}", outage.address)),
        ..s
    })
    .await;
    let browser = Browser::new();
    assert_eq!(one.log_in(&browser, "a", "aaaaaa").await.status, 303);

    outage.refuse("/.well-known/jwks.json");
    for _ in 0..3 {
        let page = browser.get(&two.url("/")).await;
        assert_eq!(page.status, 503, "{}", page.body);
    }
    outage.stop_refusing();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = browser.get(&two.url("/")).await;
    page.assert_shows("Hello <strong>a</strong>"); // still logged in
}
