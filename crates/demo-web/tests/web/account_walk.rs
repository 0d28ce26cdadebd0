//! The account's whole life on stage 2, in headless Chromium, with a
//! screenshot of each step under target/screenshots/: sign up, confirm,
//! log in, set up an authenticator app, log out, log in with its code,
//! forget the password, reset it, log in with the new one.

use test_support::browser::Browser as Chromium;
use test_support::cognito::DemoPool;
use test_support::totp;

use crate::stage2::app_with;

async fn log_in(window: &Chromium, password: &str) {
    window.fill("input[name=username]", "walker").await;
    window.fill("input[name=password]", password).await;
    window.click_text("Send").await;
}

#[tokio::test]
async fn an_account_from_sign_up_to_password_reset_in_a_browser() {
    let pool = DemoPool::create(&test_support::local_aws().await).await;
    // Passwords are checked by the emulator only without SRP.
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let window = Chromium::new().await;

    // Sign up, and confirm with the code (the emulator takes any).
    window.goto(&app.url("/login")).await;
    window.click_text("Create an account").await;
    window.expect_text("h1", "Create an account").await;
    window.fill("input[name=username]", "walker").await;
    window.fill("input[name=email]", "walker@example.com").await;
    window.fill("input[name=password]", "walkerpass").await;
    window
        .fill("input[name=password_again]", "walkerpass")
        .await;
    window.screenshot("account-1-sign-up").await;
    window.click_text("Create the account").await;
    window.expect_text("h1", "Confirm the account walker").await;
    window.fill("input[name=code]", "123456").await;
    window.screenshot("account-2-confirm").await;
    window.click_text("Confirm").await;
    window
        .expect_text("#notice", "Your account is confirmed: log in.")
        .await;

    // Log in, and set up an authenticator app.
    window.fill("input[name=password]", "walkerpass").await;
    window.click_text("Send").await;
    window.expect_text("h1", "Hello walker").await;
    window.click_text("Two-factor sign-in").await;
    window.click_text("Set up an authenticator app").await;
    window
        .expect_text("h1", "Set up an authenticator app")
        .await;
    let secret = window.text("#secret").await;
    window.screenshot("account-3-authenticator-app").await;
    window
        .fill("input[name=code]", &totp::code_now(&secret).await)
        .await;
    window.click_text("Turn it on").await;
    window
        .expect_text(
            "#notice",
            "Two-factor sign-in is on: the next login asks for a code of your app.",
        )
        .await;

    // Log out; the next login asks for the app's code.
    window.goto(&app.url("/")).await;
    window.click_text("Log out").await;
    window.expect_text("h1", "Not Logged").await;
    window.click_text("Log in").await;
    log_in(&window, "walkerpass").await;
    window.expect_text("h1", "Log in as walker").await;
    window
        .fill("input[name=code]", &totp::code_now(&secret).await)
        .await;
    window.screenshot("account-4-code").await;
    window.click_text("Log in").await;
    window.expect_text("h1", "Hello walker").await;
    window.click_text("Log out").await;
    // The logout's page first: a navigation started now would race it.
    window.expect_text("h1", "Not Logged").await;

    // Forgot the password: the code the e-mail would carry, a new password.
    window.goto(&app.url("/login")).await;
    window.click_text("Forgot your password?").await;
    window.fill("input[name=username]", "walker").await;
    window.click_text("Send a code").await;
    window
        .expect_text(
            "#notice",
            "If this account exists, a code is on its way to its address.",
        )
        .await;
    let code = pool.password_reset_code("walker").await;
    window.fill("input[name=code]", &code).await;
    window.fill("input[name=password]", "anewwalk").await;
    window.fill("input[name=password_again]", "anewwalk").await;
    window.screenshot("account-5-reset").await;
    window.click_text("Set the password").await;
    window
        .expect_text("#notice", "Your password is reset: log in.")
        .await;

    // The new password (and the app's code) let the user in.
    window.fill("input[name=password]", "anewwalk").await;
    window.click_text("Send").await;
    window.expect_text("h1", "Log in as walker").await;
    window
        .fill("input[name=code]", &totp::code_now(&secret).await)
        .await;
    window.click_text("Log in").await;
    window.expect_text("h1", "Hello walker").await;
    window.screenshot("account-6-logged-in").await;
}
