//! NEW_PASSWORD_REQUIRED: a user with a temporary password chooses one.

use test_support::cognito::{APP_CLIENT_MISMATCHES, DemoPool};
use test_support::emulator::Gap;

use crate::common::{self, Browser, Page, RESPOND_TO_AUTH_CHALLENGE, TestApp};
use crate::stage2::{app_behind_outage, app_with, pool_with_demo_users};

/// An app whose user `c` has a temporary password.
pub async fn app_with_invited_user() -> (DemoPool, TestApp) {
    let pool = pool_with_demo_users().await;
    pool.invite_user("c", "temporary").await;
    let app = app_with(&pool, |c| c.password_auth = true).await;
    (pool, app)
}

/// As [`app_with_invited_user`], and a browser that signed in as `c`: it
/// is asked for a new password.
pub async fn at_the_new_password_form() -> (DemoPool, TestApp, Browser) {
    let (pool, app) = app_with_invited_user().await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "c", "temporary").await;
    assert_eq!((page.status, page.location()), (303, Some("/new-password")));
    (pool, app, browser)
}

/// Changes the pending challenge kept in `browser`'s session, as Cognito
/// could have sent it.
pub async fn edit_challenge(
    app: &TestApp,
    browser: &Browser,
    edit: impl FnOnce(&mut serde_json::Value),
) {
    app.edit_session_state(browser, |state| {
        let mut challenge: serde_json::Value = serde_json::from_str(&state["challenge"]).unwrap();
        edit(&mut challenge);
        state.insert("challenge".into(), challenge.to_string());
    })
    .await;
}

/// Submits the new-password form at `form`, the password typed twice.
pub async fn choose_password(browser: &Browser, form: &str, password: &str) -> Page {
    browser
        .submit(
            form,
            form,
            &[("password", password), ("password_again", password)],
        )
        .await
}

/// The challenge answers the app has sent Cognito.
pub async fn challenge_answers(app: &TestApp) -> f64 {
    let metrics = Browser::new().get(&app.url("/metrics")).await.body;
    common::metric(
        &metrics,
        "cognito_calls_total{operation=\"RespondToAuthChallenge\"}",
    )
}

#[tokio::test]
async fn a_temporary_password_leads_through_choosing_a_new_one() {
    let (_pool, app, browser) = at_the_new_password_form().await;
    let form = browser.get(&app.url("/new-password")).await;
    form.assert_shows("Choose a new password");
    form.assert_shows("<strong>c</strong>");
    form.assert_shows(r#"name="password_again" type="password""#);
    // Typed twice, differently: refused before Cognito sees it.
    let url = app.url("/new-password");
    let differ = browser
        .submit(
            &url,
            &url,
            &[("password", "cccccc"), ("password_again", "cccccx")],
        )
        .await;
    assert_eq!(differ.status, 400, "{}", differ.body);
    differ.assert_shows("The two passwords differ.");
    let once = browser.submit(&url, &url, &[("password", "cccccc")]).await;
    assert_eq!(once.status, 400, "{}", once.body);
    once.assert_shows("Input missing");
    assert_eq!(challenge_answers(&app).await, 0.0);

    let weak = choose_password(&browser, &app.url("/new-password"), "ab").await;
    assert_eq!(
        weak.status, 400,
        "the pool's policy refuses it: {}",
        weak.body
    );
    let done = choose_password(&browser, &app.url("/new-password"), "cccccc").await;
    assert_eq!((done.status, done.location()), (303, Some("/")));
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>c</strong>");
    // The new password is the password now.
    let again = Browser::new();
    assert_eq!(app.log_in(&again, "c", "cccccc").await.status, 303);
}

#[tokio::test]
async fn attributes_the_pool_requires_are_asked_for_with_the_new_password() {
    let (_pool, app, browser) = at_the_new_password_form().await;
    // Cognito names the required attributes the user lacks in its challenge;
    // the emulator never does, so the test puts them there.
    edit_challenge(&app, &browser, |challenge| {
        challenge["required_attributes"] = serde_json::json!(["name", "email"]);
    })
    .await;
    let url = app.url("/new-password");
    let form = browser.get(&url).await;
    form.assert_shows(r#"name="attribute.name" type="text""#);
    form.assert_shows(r#"name="attribute.email" type="email""#);
    // The browser asks for each before sending (the server checks all the same).
    assert_eq!(
        form.body.matches(r#"value="" required>"#).count(),
        2,
        "{}",
        form.body
    );

    let missing = browser
        .submit(
            &url,
            &url,
            &[
                ("password", "cccccc"),
                ("password_again", "cccccc"),
                ("attribute.name", "Carol"),
            ],
        )
        .await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    missing.assert_shows("Input missing");
    missing.assert_shows(r#"value="Carol""#); // kept, not typed again

    let done = browser
        .submit(
            &url,
            &url,
            &[
                ("password", "cccccc"),
                ("password_again", "cccccc"),
                ("attribute.name", "Carol"),
                ("attribute.email", "c@c.com"),
            ],
        )
        .await;
    assert_eq!((done.status, done.location()), (303, Some("/")));
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>c</strong>");
}

#[tokio::test]
async fn an_expired_new_password_challenge_leads_back_to_the_login() {
    let (pool, app, browser) = at_the_new_password_form().await;
    if pool.aws.lacks(Gap::ChallengeSession) {
        return;
    }
    // Cognito forgets the challenge's session after a few minutes.
    edit_challenge(&app, &browser, |challenge| {
        challenge["session"] = "expired".into()
    })
    .await;

    let page = choose_password(&browser, &app.url("/new-password"), "cccccc").await;
    assert_eq!(page.status, 401, "{}", page.body);
    page.assert_shows("<form method=\"post\" action=\"/login\">");
    page.assert_shows("This sign-in took too long, please sign in again.");
    assert_eq!(
        browser.get(&app.url("/new-password")).await.location(),
        Some("/login"),
        "the dead challenge is dropped"
    );
    // Signing in again starts a new challenge, which goes through.
    let page = app.log_in(&browser, "c", "temporary").await;
    assert_eq!(page.location(), Some("/new-password"));
    let done = choose_password(&browser, &app.url("/new-password"), "cccccc").await;
    assert_eq!(done.location(), Some("/"));
}

#[tokio::test]
async fn a_new_password_sent_after_the_session_ended_leads_back_to_the_login() {
    let (_pool, app, browser) = at_the_new_password_form().await;
    let csrf = browser.get(&app.url("/new-password")).await.csrf();
    // The session expires while the user thinks of a password.
    for item in app.items().await {
        app.dynamodb
            .delete_item()
            .table_name(&app.settings.table_name)
            .key("id", item["id"].clone())
            .send()
            .await
            .unwrap();
    }
    let page = browser
        .post_with(
            &app.url("/new-password"),
            &[
                ("csrf", &csrf),
                ("password", "cccccc"),
                ("password_again", "cccccc"),
            ],
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(page.status, 401, "{}", page.body);
    page.assert_shows("<form method=\"post\" action=\"/login\">");
    page.assert_shows("Please sign in again.");
}

#[tokio::test]
async fn a_new_password_refused_for_an_attribute_or_the_apps_settings_keeps_the_form() {
    let pool = pool_with_demo_users().await;
    pool.invite_user("c", "temporary").await;
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "c", "temporary").await;
    assert_eq!((page.status, page.location()), (303, Some("/new-password")));
    edit_challenge(&app, &browser, |challenge| {
        challenge["required_attributes"] = serde_json::json!(["email"]);
    })
    .await;
    let url = app.url("/new-password");
    let fields = [
        ("password", "cccccc"),
        ("password_again", "cccccc"),
        ("attribute.email", "c@c"),
    ];

    // Cognito checks the attributes' formats; the emulator takes anything.
    outage.answer(
        RESPOND_TO_AUTH_CHALLENGE,
        "InvalidParameterException",
        "Invalid email address format.",
    );
    let refused = browser.submit(&url, &url, &fields).await;
    // Was "Sign-in failed.", which left the user guessing.
    assert_eq!(refused.status, 400, "{}", refused.body);
    refused.assert_shows("Invalid email address format.");
    refused.assert_shows(r#"value="c@c""#); // kept, to be corrected
    assert_eq!(browser.get(&url).await.status, 200, "the challenge is kept");

    // The app's settings at fault: said so, and the form kept for when they
    // are fixed within the challenge's minutes (was: back to the login).
    let (code, message) = APP_CLIENT_MISMATCHES[0];
    outage.answer(RESPOND_TO_AUTH_CHALLENGE, code, message);
    let refused = browser.submit(&url, &url, &fields).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    refused.assert_shows("Cognito settings are fixed.");
    refused.assert_shows(r#"value="c@c""#);

    outage.stop_refusing();
    let done = browser.submit(&url, &url, &fields).await;
    assert_eq!((done.status, done.location()), (303, Some("/")));
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>c</strong>");
}
