//! Stage 2's `/forgot`: a code to the account's address, then a new
//! password, then the login; an unknown user gets the same answer.

use demo_web::settings::Stage;

use crate::common::{Browser, COGNITO, INITIATE_AUTH, Outage, Page, TestApp, settings, spawn_app};
use crate::stage2::{app_behind_outage, pool_with_demo_users};
use test_support::cognito::DemoPool;
use test_support::emulator::Emulator;

async fn app() -> (DemoPool, TestApp, Outage) {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords with this flow only.
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    (pool, app, outage)
}

async fn ask(app: &TestApp, browser: &Browser, username: &str) -> Page {
    let url = app.url("/forgot");
    browser.submit(&url, &url, &[("username", username)]).await
}

async fn reset(app: &TestApp, browser: &Browser, code: &str, new: &str, again: &str) -> Page {
    let url = app.url("/forgot/reset");
    browser
        .submit(
            &url,
            &url,
            &[("code", code), ("password", new), ("password_again", again)],
        )
        .await
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    let (pool, app, _outage) = app().await;
    let browser = Browser::new();
    browser
        .get(&app.url("/login"))
        .await
        .assert_shows(r#"<a href="/forgot">Forgot your password?</a>"#);
    let asked = ask(&app, &browser, "a").await;
    assert_eq!(
        (asked.status, asked.location()),
        (303, Some("/forgot/reset"))
    );
    browser
        .get(&app.url("/forgot/reset"))
        .await
        .assert_shows("If this account exists, a code is on its way");
    // The code the e-mail would carry (the emulator hands it to tests).
    let code = pool.password_reset_code("a").await;
    let done = reset(&app, &browser, &code, "anewone", "anewone").await;
    assert_eq!(done.status, 200, "{}", done.body);
    done.assert_shows("Your password is reset: log in.");
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 401);
    assert_eq!(
        app.log_in(&Browser::new(), "a", "anewone").await.status,
        303
    );
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer() {
    let (_pool, app, _outage) = app().await;
    let (known, unknown) = (Browser::new(), Browser::new());
    let a = ask(&app, &known, "a").await;
    let nobody = ask(&app, &unknown, "nobody").await;
    assert_eq!((a.status, a.location()), (nobody.status, nobody.location()));
    let a = known.get(&app.url("/forgot/reset")).await;
    let nobody = unknown.get(&app.url("/forgot/reset")).await;
    assert_eq!(a.status, nobody.status);
    let notice = |page: &Page| {
        page.body
            .split("id=\"notice\">")
            .nth(1)
            .map(|s| s[..60].to_owned())
    };
    assert_eq!(notice(&a), notice(&nobody));
}

#[tokio::test]
async fn a_wrong_code_or_a_typo_keeps_the_form_and_the_old_password() {
    let (pool, app, _outage) = app().await;
    let browser = Browser::new();
    ask(&app, &browser, "a").await;
    // Cognito's answer to a wrong code is CodeMismatchException, moto's
    // ExpiredCodeException (for a code of its own form only).
    let wrong_code_message = match pool.aws.emulator {
        Emulator::Moto => "This code has expired",
        Emulator::Ministack => "This code is not the one we sent",
    };
    for (code, new, again, message) in [
        (
            "moto-confirmation-code:000000",
            "anewone",
            "anewone",
            wrong_code_message,
        ),
        ("123456", "anewone", "another", "The two passwords differ."),
        ("", "anewone", "anewone", "Input missing"),
    ] {
        let page = reset(&app, &browser, code, new, again).await;
        assert_eq!(page.status, 400, "{message}: {}", page.body);
        page.assert_shows(message);
        page.assert_shows(r#"<form method="post" action="/forgot/reset">"#);
    }
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 303);
}

#[tokio::test]
async fn an_outage_is_a_503_and_changes_nothing() {
    let (pool, app, outage) = app().await;
    let browser = Browser::new();
    browser.get(&app.url("/forgot")).await;
    outage.refuse(COGNITO);
    let page = ask(&app, &browser, "a").await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    outage.stop_refusing();
    ask(&app, &browser, "a").await;
    let code = pool.password_reset_code("a").await;
    outage.refuse(COGNITO);
    let page = reset(&app, &browser, &code, "anewone", "anewone").await;
    assert_eq!(page.status, 503);
    page.assert_shows("Set a new password for <strong>a</strong>");
    outage.stop_refusing();
    assert_eq!(app.log_in(&Browser::new(), "a", "aaaaaa").await.status, 303);
}

#[tokio::test]
async fn a_reset_required_at_login_leads_to_the_code() {
    let (_pool, app, outage) = app().await;
    // Cognito's answer once an administrator asked for a reset (the
    // emulator makes it only for users with a verified address).
    outage.answer(
        INITIATE_AUTH,
        "PasswordResetRequiredException",
        "Password reset required for the user",
    );
    let page = app.log_in(&Browser::new(), "b", "bbbbbb").await;
    assert_eq!(page.status, 401, "{}", page.body);
    page.assert_shows("A password reset is required for this account");
    page.assert_shows(r#"<form method="post" action="/forgot">"#);
    page.assert_shows(r#"value="b""#);
}

#[tokio::test]
async fn stage_1_has_no_reset() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser
        .get(&app.url("/login"))
        .await
        .assert_lacks("Forgot your password?");
    assert_eq!(browser.get(&app.url("/forgot")).await.status, 404);
}
