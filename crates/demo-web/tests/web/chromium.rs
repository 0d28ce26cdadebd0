//! Both stages in a real browser (headless Chromium), with a screenshot of
//! each page under target/screenshots/.

use std::time::Duration;

use demo_web::settings::Stage;
use test_support::browser::Browser as Chromium;
use test_support::cognito::DemoPool;

use crate::common::{self, settings, spawn_app};
use crate::layout::assert_controls_in_one_box;

#[tokio::test]
async fn stage_1_walk_in_a_browser() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let window = Chromium::new().await;
    window.goto(&app.url("/")).await;
    window.expect_text("h1", "Not Logged").await;
    assert_eq!(title(&window).await, "Stage 1: sessions in DynamoDB");
    window.screenshot("stage1-1-home").await;
    assert_controls_in_one_box(&window, "/").await;

    window.click_text("Quick log in as « a »").await;
    window.expect_text("h1", "Hello a").await;
    window.screenshot("stage1-2-logged-in").await;
    assert_controls_in_one_box(&window, "/, logged in").await;

    window.click_text("Go to /restricted").await;
    window
        .expect_text(".alert", "You see some secret things !")
        .await;
    window.screenshot("stage1-3-restricted").await;
    assert_eq!(
        title(&window).await,
        "Restricted area · Stage 1: sessions in DynamoDB",
        "each page's title names it, for tabs, history and screen readers"
    );
    assert_controls_in_one_box(&window, "/restricted").await;

    window.click_text("Log out").await;
    window.expect_text("h1", "Not Logged").await;
    window.goto(&app.url("/restricted")).await;
    window.expect_text("h1", "Not Logged").await;
    window
        .expect_text(".alert", "This is a restricted area")
        .await;
    window.screenshot("stage1-4-restricted-logged-out").await;
    // A login from here comes back here.
    window.click_text("Quick log in as « a »").await;
    window
        .expect_text(".alert", "You see some secret things !")
        .await;
}

#[tokio::test]
async fn stage_1_wrong_password_in_a_browser() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let window = Chromium::new().await;
    window.goto(&app.url("/")).await;
    window.click_text("Log in").await;
    window.expect_text("h1", "Log in").await;
    assert_eq!(
        focused(&window).await,
        "username",
        "a fresh form starts at its first field"
    );
    assert_eq!(
        title(&window).await,
        "Log in · Stage 1: sessions in DynamoDB"
    );
    // Empty fields: the browser asks for them and sends nothing.
    window.click_text("Send").await;
    assert_eq!(
        window
            .script(
                "return [document.querySelector('input[name=username]').validity.valueMissing,
                         document.querySelectorAll('#error').length]"
            )
            .await,
        serde_json::json!([true, 0]),
        "the username reported missing, and no answer from the server"
    );
    window.fill("input[name=username]", "a").await;
    window.fill("input[name=password]", "wrong").await;
    window.click_text("Send").await;
    window.expect_text("#error", "Invalid password").await;
    window.screenshot("stage1-5-wrong-password").await;
    assert_eq!(
        focused(&window).await,
        "password",
        "the name is kept, so the form starts at the password"
    );
    window.fill("input[name=password]", "a").await;
    window.click_text("Send").await;
    window.expect_text("h1", "Hello a").await;
}

/// The page's title, as a tab shows it.
pub async fn title(window: &Chromium) -> String {
    let title = window.script("return document.title").await;
    title.as_str().unwrap_or_default().to_owned()
}

/// The name of the form field that has the keyboard focus.
pub async fn focused(window: &Chromium) -> String {
    let name = window
        .script("return document.activeElement.getAttribute('name')")
        .await;
    name.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_page_left_open_past_the_session_lifetime_still_logs_in() {
    // Stage 1's sessions last 8 s without a request: less than it takes to
    // read the home page, or to type a name and password. The forms of a
    // page whose session has expired meanwhile still work.
    let mut settings = settings(Stage::Store).await;
    settings.session_ttl = Duration::from_secs(2);
    let app = spawn_app(settings).await;
    let window = Chromium::new().await;
    window.goto(&app.url("/")).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    window.click_text("Quick log in as « a »").await;
    window.expect_text("h1", "Hello a").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    window.goto(&app.url("/login")).await;
    window.expect_text("h1", "Log in").await;
    window.fill("input[name=username]", "b").await;
    window.fill("input[name=password]", "b").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    window.click_text("Send").await;
    window.expect_text("h1", "Hello b").await;
}

#[tokio::test]
async fn two_browser_profiles_have_two_sessions() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let (regular, private) = (Chromium::new().await, Chromium::new().await);
    regular.goto(&app.url("/")).await;
    private.goto(&app.url("/")).await;
    regular.click_text("Quick log in as « a »").await;
    private.click_text("Quick log in as « b »").await;
    regular.expect_text("h1", "Hello a").await;
    private.expect_text("h1", "Hello b").await;
    assert_eq!(app.items().await.len(), 2, "one session item per browser");
    private.screenshot("stage1-6-second-profile").await;
}

#[tokio::test]
async fn what_a_browser_fetches_besides_a_page_costs_no_dynamodb_call() {
    // The stylesheet and the icon a browser asks for on its own stay outside
    // the session middleware: a first visit stores its session, and reads none.
    let app = spawn_app(settings(Stage::Store).await).await;
    let calls = async || {
        let metrics = reqwest::get(app.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        ["GetItem", "PutItem", "UpdateItem"].map(|operation| {
            common::metric(
                &metrics,
                &format!("dynamodb_operations_total{{operation=\"{operation}\"}}"),
            )
        })
    };
    let window = Chromium::new().await;
    window.goto(&app.url("/")).await;
    window.expect_text("h1", "Not Logged").await;
    // Let the requests that follow the page (the icon) arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        calls().await,
        [0.0, 1.0, 0.0],
        "GetItem, PutItem, UpdateItem"
    );
}

#[tokio::test]
async fn stage_2_walk_in_a_browser() {
    let pool = DemoPool::create(&test_support::local_aws().await).await;
    pool.confirmed_user("a", "aaaaaa").await;
    pool.invite_user("c", "temporary").await;
    // SRP, as on AWS, where the emulator checks its proof (ministack);
    // moto checks passwords only without SRP.
    let moto = pool.aws.emulator == test_support::emulator::Emulator::Moto;
    let app = crate::stage2::app_with(&pool, |c| c.password_auth = moto).await;
    let window = Chromium::new().await;

    window.goto(&app.url("/login")).await;
    window.expect_text("h1", "Log in").await;
    window.fill("input[name=username]", "a").await;
    window.fill("input[name=password]", "nope!!").await;
    window.click_text("Send").await;
    window
        .expect_text("#error", "Incorrect username or password.")
        .await;
    window.screenshot("stage2-1-wrong-password").await;

    window.fill("input[name=password]", "aaaaaa").await;
    window.click_text("Send").await;
    window.expect_text("h1", "Hello a").await;
    let footer = window.text("#session").await;
    assert!(
        footer.contains("access_token") && footer.contains('…'),
        "tokens shortened: {footer}"
    );
    window.screenshot("stage2-2-logged-in").await;
    window.click_text("My sessions").await;
    window.expect_text("h1", "Sessions of a").await;
    assert!(window.text("table").await.contains("(this one)"));
    window.screenshot("stage2-3-sessions").await;
    assert_eq!(
        title(&window).await,
        "Your sessions · Stage 2: sessions in DynamoDB, users in Cognito"
    );
    window.click_text("Go to /").await;
    window.click_text("Log out").await;
    window.expect_text("h1", "Not Logged").await;

    // A user with a temporary password.
    window.click_text("Log in").await;
    window.expect_text("h1", "Log in").await;
    window.fill("input[name=username]", "c").await;
    window.fill("input[name=password]", "temporary").await;
    window.click_text("Send").await;
    window.expect_text("h1", "Choose a new password").await;
    window.screenshot("stage2-4-new-password").await;
    assert_eq!(
        window
            .script(
                "return [...document.querySelectorAll('form input:not([type=hidden])')]
                    .every(input => input.required)"
            )
            .await,
        true,
        "every field of the new-password form is required"
    );
    assert_eq!(focused(&window).await, "password");
    assert!(title(&window).await.starts_with("Choose a new password · "));
    window.fill("input[name=password]", "cccccc").await;
    window.fill("input[name=password_again]", "cccccc").await;
    window.click_text("Set password and log in").await;
    window.expect_text("h1", "Hello c").await;
    window.screenshot("stage2-5-new-password-done").await;
}

/// Cognito's managed login in a real browser: from a guarded page to the
/// hosted page (ministack's, which checks the password and PKCE), back
/// signed in on the page it came from, and out through the hosted logout.
#[tokio::test]
async fn stage_2_hosted_page_walk_in_a_browser() {
    let pool = crate::stage2::pool_with_demo_users().await;
    if pool.aws.lacks(test_support::emulator::Gap::ManagedLogin) {
        return;
    }
    let app = crate::hosted_login::app_with_hosted_login(&pool, true).await;
    let window = Chromium::new().await;
    window.goto(&app.url("/restricted")).await;
    window.click_text("Log in").await;
    window.expect_text("h1", "Log in").await;
    window.screenshot("hosted-1-login").await;
    window.click_text("Sign in with the hosted page").await;
    window.expect_text("h1", "Sign in").await;
    window.screenshot("hosted-2-hosted-page").await;
    window.fill("#username", "a").await;
    window.fill("#password", "wrong!").await;
    window.click_text("Sign in").await;
    window
        .expect_text(".error", "Incorrect username or password.")
        .await;
    window.fill("#username", "a").await;
    window.fill("#password", "aaaaaa").await;
    window.click_text("Sign in").await;
    window.expect_text("h1", "Hello a").await;
    assert!(
        window.url().await.ends_with("/restricted"),
        "{}",
        window.url().await
    );
    window.screenshot("hosted-3-back-signed-in").await;
    window.click_text("Log out").await;
    window.expect_text("h1", "Not Logged").await;
    assert!(app.logged_in_items("a").await.is_empty());
}
