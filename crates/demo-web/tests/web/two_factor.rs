//! Stage 2's two-factor sign-in: an authenticator app set up on `/mfa`
//! (its secret as a QR code), then asked for at login on `/login/code`;
//! wrong codes, too many of them, an outage, turning it off. The emulator
//! checks the codes, which the tests compute as the app would (RFC 6238).

use demo_web::settings::Stage;
use test_support::emulator::Gap;
use test_support::totp;

use crate::common::{Browser, COGNITO, Outage, Page, TestApp, settings, spawn_app};
use crate::stage2::{app_behind_outage, pool_with_demo_users};

async fn app() -> (TestApp, Outage) {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords with this flow only.
    app_behind_outage(&pool, |c| c.password_auth = true).await
}

fn secret_of(page: &Page) -> String {
    let start = page.body.find(r#"<code id="secret">"#).expect("the secret") + 18;
    page.body[start..].split('<').next().unwrap().to_owned()
}

/// Sets up `browser`'s user's app: its secret.
async fn set_up(app: &TestApp, browser: &Browser) -> String {
    let setup = browser
        .submit(&app.url("/mfa"), &app.url("/mfa/setup"), &[])
        .await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    setup.assert_shows("<svg");
    let secret = secret_of(&setup);
    let refused = browser
        .submit(
            &app.url("/mfa"),
            &app.url("/mfa/verify"),
            &[("code", &totp::wrong_code_now(&secret).await)],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    refused.assert_shows("This code is not the one we sent");
    let code = totp::code_now(&secret).await;
    let on = browser
        .submit(
            &app.url("/mfa"),
            &app.url("/mfa/verify"),
            &[("code", &code)],
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    on.assert_shows("Two-factor sign-in is on");
    secret
}

async fn code(app: &TestApp, browser: &Browser, code: &str) -> Page {
    let url = app.url("/login/code");
    browser.submit(&url, &url, &[("code", code)]).await
}

#[tokio::test]
async fn an_app_set_up_is_asked_for_at_the_next_login_until_turned_off() {
    let (app, _outage) = app().await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    browser
        .get(&app.url("/"))
        .await
        .assert_shows(r#"href="/mfa">Two-factor sign-in</a>"#);
    let secret = set_up(&app, &browser).await;
    // The secret is never shown in full in the footer's session data.
    let mfa = browser.get(&app.url("/mfa")).await;
    mfa.assert_lacks(&secret);

    let phone = Browser::new();
    let login = app.log_in(&phone, "a", "aaaaaa").await;
    assert_eq!((login.status, login.location()), (303, Some("/login/code")));
    phone
        .get(&app.url("/login/code"))
        .await
        .assert_shows("Type the code your authenticator app shows.");
    let refused = code(&app, &phone, &totp::wrong_code_now(&secret).await).await;
    assert_eq!(refused.status, 400);
    refused.assert_shows("This code is not the one we sent");
    let done = code(&app, &phone, &totp::code_now(&secret).await).await;
    assert_eq!(
        (done.status, done.location()),
        (303, Some("/")),
        "{}",
        done.body
    );
    phone
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");

    let off = phone
        .submit(&app.url("/mfa"), &app.url("/mfa/off"), &[])
        .await;
    assert_eq!(off.status, 200);
    off.assert_shows("Two-factor sign-in is off.");
    let login = app.log_in(&Browser::new(), "a", "aaaaaa").await;
    assert_eq!((login.status, login.location()), (303, Some("/")));
}

#[tokio::test]
async fn too_many_wrong_codes_start_the_login_over() {
    let (app, _outage) = app().await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let secret = set_up(&app, &browser).await;
    let phone = Browser::new();
    app.log_in(&phone, "a", "aaaaaa").await;
    for _ in 0..4 {
        assert_eq!(
            code(&app, &phone, &totp::wrong_code_now(&secret).await)
                .await
                .status,
            400
        );
    }
    let over = code(&app, &phone, &totp::wrong_code_now(&secret).await).await;
    assert_eq!(over.status, 401, "{}", over.body);
    over.assert_shows("Too many wrong codes: please sign in again.");
    // The challenge is gone: even the right code needs a new login.
    let late = phone.get(&app.url("/login/code")).await;
    assert_eq!((late.status, late.location()), (303, Some("/login")));
}

#[tokio::test]
async fn an_outage_while_answering_keeps_the_code_form() {
    let (app, outage) = app().await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let secret = set_up(&app, &browser).await;
    let phone = Browser::new();
    app.log_in(&phone, "a", "aaaaaa").await;
    let form = phone.get(&app.url("/login/code")).await;
    let csrf = form.csrf();
    outage.refuse(COGNITO);
    let page = phone
        .post(
            &app.url("/login/code"),
            &[("csrf", &csrf), ("code", &totp::code_now(&secret).await)],
        )
        .await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    page.assert_shows(r#"action="/login/code"#);
    outage.stop_refusing();
    let done = code(&app, &phone, &totp::code_now(&secret).await).await;
    assert_eq!(done.status, 303, "{}", done.body);
}

#[tokio::test]
async fn an_outage_while_setting_up_an_app_is_said_and_changes_nothing() {
    let (app, outage) = app().await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let form = browser.get(&app.url("/mfa")).await;
    let csrf = form.csrf();
    outage.refuse(COGNITO);
    let page = browser
        .post(&app.url("/mfa/setup"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("unavailable");
    outage.stop_refusing();
    // Still a password-only login.
    let login = app.log_in(&Browser::new(), "a", "aaaaaa").await;
    assert_eq!(login.location(), Some("/"));
}

#[tokio::test]
async fn stage_1_has_no_two_factor_sign_in() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    browser.get(&app.url("/")).await.assert_lacks("Two-factor");
    assert_eq!(browser.get(&app.url("/mfa")).await.status, 404);
    let none = browser.get(&app.url("/login/code")).await;
    assert_eq!((none.status, none.location()), (303, Some("/login")));
}

#[tokio::test]
async fn a_pool_that_requires_an_app_has_it_set_up_at_login() {
    let pool = pool_with_demo_users().await;
    if pool.aws.lacks(Gap::MfaSetup) {
        return;
    }
    pool.require_totp().await;
    // SRP: the emulator asks for the setup after its password step only.
    let (app, _outage) = app_behind_outage(&pool, |_| {}).await;
    let browser = Browser::new();
    let login = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!(
        (login.status, login.location()),
        (303, Some("/login/setup"))
    );
    let page = browser.get(&app.url("/login/setup")).await;
    page.assert_shows("<svg");
    let secret = secret_of(&page);
    let url = app.url("/login/setup");
    let refused = browser
        .submit(
            &url,
            &url,
            &[("code", &totp::wrong_code_now(&secret).await)],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let done = browser
        .submit(&url, &url, &[("code", &totp::code_now(&secret).await)])
        .await;
    assert_eq!(
        (done.status, done.location()),
        (303, Some("/")),
        "{}",
        done.body
    );
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    // The next login asks for the app's code.
    let again = app.log_in(&Browser::new(), "a", "aaaaaa").await;
    assert_eq!(again.location(), Some("/login/code"));
}

/// SELECT_MFA_TYPE and SMS_MFA, which the emulator never sends: Cognito's
/// documented answers on the real HTTP path. The tokens that end the
/// sign-in are the emulator's own, from a real sign-in of the user.
#[tokio::test]
async fn a_choice_of_codes_leads_to_the_code_form_and_a_text_message_code_signs_in() {
    use test_support::outage::{INITIATE_AUTH, RESPOND_TO_AUTH_CHALLENGE};
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    let aws = test_support::local_aws().await;
    let cognito = auth::Cognito::builder(&aws.config, &pool.pool_id, &pool.client_id)
        .auth_flow(auth::AuthFlow::Password)
        .build();
    let auth::SignIn::Tokens(tokens) = cognito.sign_in("a", "aaaaaa").await.unwrap() else {
        panic!("a signs in")
    };

    outage.succeed(
        INITIATE_AUTH,
        serde_json::json!({
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": "session-1",
            "ChallengeParameters": {"USER_ID_FOR_SRP": "a", "MFAS_CAN_CHOOSE": "[\"SMS_MFA\"]"}
        }),
    );
    outage.also_succeed(
        RESPOND_TO_AUTH_CHALLENGE,
        serde_json::json!({
            "ChallengeName": "SMS_MFA",
            "Session": "session-2",
            "ChallengeParameters": {"CODE_DELIVERY_DESTINATION": "+*******0100"}
        }),
    );
    let browser = Browser::new();
    let login = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!(login.location(), Some("/login/code"), "{}", login.body);
    let form = browser.get(&app.url("/login/code")).await;
    form.assert_shows("Type the code we sent by text message to +*******0100.");
    let chosen = outage.requests(RESPOND_TO_AUTH_CHALLENGE);
    let chosen = chosen.last().expect("the choice on the wire");
    assert!(chosen.contains(r#""ANSWER":"SMS_MFA""#), "{chosen}");

    outage.succeed(
        RESPOND_TO_AUTH_CHALLENGE,
        serde_json::json!({
            "AuthenticationResult": {
                "AccessToken": tokens.access_token,
                "IdToken": tokens.id_token,
                "RefreshToken": tokens.refresh_token,
                "ExpiresIn": 3600,
                "TokenType": "Bearer"
            },
            "ChallengeParameters": {}
        }),
    );
    let signed_in = code(&app, &browser, "123456").await;
    assert_eq!(signed_in.location(), Some("/"), "{}", signed_in.body);
    let answered = outage.requests(RESPOND_TO_AUTH_CHALLENGE);
    let answered = answered.last().unwrap();
    assert!(
        answered.contains(r#""SMS_MFA_CODE":"123456""#),
        "{answered}"
    );
    assert!(answered.contains(r#""Session":"session-2""#), "{answered}");
    outage.stop_refusing();
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
}
