//! Stage 2's `/signup`: an account made, confirmed by its code, then used;
//! each refusal keeps the form, and Cognito's outage is said as such.
//! (The emulator takes any code and lacks ResendConfirmationCode: Cognito's
//! answers for those go over the wire through the forwarder.)

use demo_web::settings::Stage;

use crate::common::{Browser, COGNITO, Outage, Page, TestApp, settings, spawn_app};
use crate::stage2::{app_behind_outage, pool_with_demo_users};

const CONFIRM_SIGN_UP: &str = "AWSCognitoIdentityProviderService.ConfirmSignUp";
const RESEND: &str = "AWSCognitoIdentityProviderService.ResendConfirmationCode";

async fn app() -> (TestApp, Outage) {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords with this flow only.
    app_behind_outage(&pool, |c| c.password_auth = true).await
}

async fn sign_up(app: &TestApp, browser: &Browser, fields: [(&str, &str); 4]) -> Page {
    let url = app.url("/signup");
    browser.submit(&url, &url, &fields).await
}

fn newcomer(password: &str, again: &'static str) -> [(&'static str, String); 4] {
    [
        ("username", "newcomer".into()),
        ("email", "new@example.com".into()),
        ("password", password.into()),
        ("password_again", again.into()),
    ]
}

async fn submit_code(app: &TestApp, browser: &Browser, code: &str) -> Page {
    let url = app.url("/signup/confirm");
    browser.submit(&url, &url, &[("code", code)]).await
}

fn fields<'a>(owned: &'a [(&'static str, String); 4]) -> [(&'static str, &'a str); 4] {
    owned.each_ref().map(|(k, v)| (*k, v.as_str()))
}

#[tokio::test]
async fn a_new_account_is_confirmed_then_logs_in() {
    let (app, _outage) = app().await;
    let browser = Browser::new();
    browser
        .get(&app.url("/login"))
        .await
        .assert_shows(r#"<a href="/signup">Create an account</a>"#);
    let page = sign_up(&app, &browser, fields(&newcomer("newpass", "newpass"))).await;
    assert_eq!(
        (page.status, page.location()),
        (303, Some("/signup/confirm"))
    );
    let form = browser.get(&app.url("/signup/confirm")).await;
    form.assert_shows("Confirm the account <strong>newcomer</strong>");
    // Not confirmed yet: a login leads back to the code, not a dead end.
    let login = app.log_in(&Browser::new(), "newcomer", "newpass").await;
    assert_eq!(
        (login.status, login.location()),
        (303, Some("/signup/confirm"))
    );

    let done = submit_code(&app, &browser, "123456").await;
    assert_eq!(done.status, 200, "{}", done.body);
    done.assert_shows("Your account is confirmed: log in.");
    done.assert_shows(r#"value="newcomer""#);
    let login = app.log_in(&browser, "newcomer", "newpass").await;
    assert_eq!((login.status, login.location()), (303, Some("/")));
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>newcomer</strong>");
}

#[tokio::test]
async fn a_refused_sign_up_keeps_the_form_with_the_reason() {
    let (app, _outage) = app().await;
    let browser = Browser::new();
    let taken = [
        ("username", "a"),
        ("email", "x@example.com"),
        ("password", "another"),
        ("password_again", "another"),
    ];
    for (fields, message) in [
        (taken, "This user name is taken"),
        (
            fields(&newcomer("newpass", "newpasz")),
            "The two passwords differ.",
        ),
        (fields(&newcomer("", "")), "Input missing"),
        // The pool asks for a lowercase letter (its policy, read at start).
        (
            fields(&newcomer("ABCDEFG", "ABCDEFG")),
            "The password needs a lowercase letter.",
        ),
    ] {
        let page = sign_up(&app, &browser, fields).await;
        assert_eq!(page.status, 400, "{message}: {}", page.body);
        page.assert_shows(message);
        page.assert_shows(&format!(r#"value="{}""#, fields[1].1));
    }
    // Nothing was created by them.
    let login = app.log_in(&Browser::new(), "newcomer", "newpass").await;
    assert_eq!(login.status, 401);
}

#[tokio::test]
async fn a_wrong_or_expired_code_is_said_and_a_new_one_can_be_asked_for() {
    let (app, outage) = app().await;
    let browser = Browser::new();
    sign_up(&app, &browser, fields(&newcomer("newpass", "newpass"))).await;
    outage.answer(
        CONFIRM_SIGN_UP,
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    let wrong = submit_code(&app, &browser, "000000").await;
    assert_eq!(wrong.status, 400);
    wrong.assert_shows("This code is not the one we sent");
    outage.answer(
        CONFIRM_SIGN_UP,
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );
    let expired = submit_code(&app, &browser, "111111").await;
    assert_eq!(expired.status, 400);
    expired.assert_shows("This code has expired, please ask for a new one.");

    outage.succeed(
        RESEND,
        serde_json::json!({"CodeDeliveryDetails": {
            "AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "n***@e***"
        }}),
    );
    let url = app.url("/signup/confirm");
    let resent = browser.submit(&url, &app.url("/signup/resend"), &[]).await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    resent.assert_shows("A new code was sent to n***@e***.");
    outage.answer(
        RESEND,
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    let limited = browser.submit(&url, &app.url("/signup/resend"), &[]).await;
    assert_eq!(limited.status, 400);
    limited.assert_shows("Too many attempts");
    outage.stop_refusing();
    let aws = test_support::local_aws().await;
    let code = test_support::cognito::sign_up_code(&aws, "new@example.com").await;
    assert_eq!(submit_code(&app, &browser, &code).await.status, 200);
}

#[tokio::test]
async fn an_outage_during_sign_up_is_a_503_and_makes_nothing() {
    let (app, outage) = app().await;
    let browser = Browser::new();
    browser.get(&app.url("/signup")).await;
    outage.refuse(COGNITO);
    let page = sign_up(&app, &browser, fields(&newcomer("newpass", "newpass"))).await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    page.assert_shows(r#"value="newcomer""#);
    outage.stop_refusing();
    assert_eq!(
        app.log_in(&Browser::new(), "newcomer", "newpass")
            .await
            .status,
        401
    );

    // And while confirming: the code form again, the account still waiting.
    sign_up(&app, &browser, fields(&newcomer("newpass", "newpass"))).await;
    outage.refuse(COGNITO);
    let page = submit_code(&app, &browser, "123456").await;
    assert_eq!(page.status, 503);
    page.assert_shows("Confirm the account <strong>newcomer</strong>");
    // And when asking for a new code.
    let url = app.url("/signup/confirm");
    let page = browser.submit(&url, &app.url("/signup/resend"), &[]).await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    outage.stop_refusing();
    assert_eq!(submit_code(&app, &browser, "123456").await.status, 200);
}

#[tokio::test]
async fn stage_1_has_no_sign_up() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    browser
        .get(&app.url("/login"))
        .await
        .assert_lacks("Create an account");
    assert_eq!(browser.get(&app.url("/signup")).await.status, 404);
    assert_eq!(browser.get(&app.url("/signup/confirm")).await.status, 404);
}
