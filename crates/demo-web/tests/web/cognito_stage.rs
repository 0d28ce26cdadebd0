//! Stage 2 (`with-dynamodb-cognito`) over HTTP: users in a Cognito user pool
//! on the emulator, sessions in DynamoDB.

use crate::common;

use std::time::Duration;

use auth::Tokens;
use common::{
    Browser, COGNITO, INITIATE_AUTH, Outage, Page, RESPOND_TO_AUTH_CHALLENGE, TestApp,
    cognito_settings, settings, spawn_app,
};
use demo_web::Settings;
use demo_web::settings::{CognitoSettings, Stage};
use test_support::cognito::DemoPool;

async fn stage2_settings(pool: &DemoPool, tweak: impl FnOnce(&mut CognitoSettings)) -> Settings {
    let mut s = settings(Stage::Cognito).await;
    let mut cognito = cognito_settings(pool);
    tweak(&mut cognito);
    s.cognito = Some(cognito);
    s
}

async fn app_with(pool: &DemoPool, tweak: impl FnOnce(&mut CognitoSettings)) -> TestApp {
    spawn_app(stage2_settings(pool, tweak).await).await
}

/// As [`app_with`], reaching AWS through an [`Outage`] the test controls.
async fn app_behind_outage(
    pool: &DemoPool,
    tweak: impl FnOnce(&mut CognitoSettings),
) -> (TestApp, Outage) {
    let mut s = stage2_settings(pool, tweak).await;
    let outage = Outage::forward_to(s.endpoint_url.as_deref().unwrap()).await;
    s.endpoint_url = Some(format!("http://{}", outage.address));
    (spawn_app(s).await, outage)
}

/// An app whose user `c` has a temporary password.
async fn app_with_invited_user() -> (DemoPool, TestApp) {
    let pool = pool_with_demo_users().await;
    pool.invite_user("c", "temporary").await;
    let app = app_with(&pool, |c| c.password_auth = true).await;
    (pool, app)
}

/// As [`app_with_invited_user`], and a browser that signed in as `c`: it
/// is asked for a new password.
async fn at_the_new_password_form() -> (DemoPool, TestApp, Browser) {
    let (pool, app) = app_with_invited_user().await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "c", "temporary").await;
    assert_eq!((page.status, page.location()), (303, Some("/new-password")));
    (pool, app, browser)
}

/// Changes the pending challenge kept in the (only) session item, as
/// Cognito could have sent it.
async fn edit_challenge(app: &TestApp, edit: impl FnOnce(&mut serde_json::Value)) {
    let items = app.items().await;
    assert_eq!(items.len(), 1, "one session");
    let mut challenge: serde_json::Value = serde_json::from_str(
        items[0]["state"].as_m().unwrap()["challenge"]
            .as_s()
            .unwrap(),
    )
    .unwrap();
    edit(&mut challenge);
    app.dynamodb
        .update_item()
        .table_name(&app.settings.table_name)
        .key("id", items[0]["id"].clone())
        .update_expression("SET #s.#c = :c")
        .expression_attribute_names("#s", "state")
        .expression_attribute_names("#c", "challenge")
        .expression_attribute_values(
            ":c",
            aws_sdk_dynamodb::types::AttributeValue::S(challenge.to_string()),
        )
        .send()
        .await
        .unwrap();
}

/// Submits the new-password form at `form`, the password typed twice.
async fn choose_password(browser: &Browser, form: &str, password: &str) -> Page {
    browser
        .submit(
            form,
            form,
            &[("password", password), ("password_again", password)],
        )
        .await
}

/// The challenge answers the app has sent Cognito.
async fn challenge_answers(app: &TestApp) -> f64 {
    let metrics = Browser::new().get(&app.url("/metrics")).await.body;
    common::metric(
        &metrics,
        "cognito_calls_total{operation=\"RespondToAuthChallenge\"}",
    )
}

async fn pool_with_demo_users() -> DemoPool {
    let pool = DemoPool::create(&test_support::local_aws().await).await;
    pool.confirmed_user("a", "aaaaaa").await;
    pool.confirmed_user("b", "bbbbbb").await;
    pool
}

/// The tokens the session item holds for `user`.
async fn stored_tokens(app: &TestApp, user: &str) -> Tokens {
    let items = app.logged_in_items(user).await;
    assert_eq!(items.len(), 1, "one session of {user}");
    let raw = items[0]["state"].as_m().unwrap()["tokens"].as_s().unwrap();
    serde_json::from_str(raw).unwrap()
}

#[tokio::test]
async fn cognito_login_verifies_tokens_and_never_shows_them() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    assert_eq!(app.settings.session_ttl, Duration::from_secs(150));
    let browser = Browser::new();
    let page = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!((page.status, page.location()), (303, Some("/")));
    let home = browser.get(&app.url("/")).await;
    home.assert_shows("Hello <strong>a</strong>");
    let tokens = stored_tokens(&app, "a").await;
    for token in [
        &tokens.access_token,
        &tokens.id_token,
        tokens.refresh_token.as_ref().unwrap(),
    ] {
        home.assert_lacks(&token[..20.min(token.len())]);
    }
    home.assert_shows("access_token"); // the footer shows the session's keys

    let metrics = Browser::new().get(&app.url("/metrics")).await.body;
    assert!(
        common::metric(&metrics, "cognito_calls_total{operation=\"InitiateAuth\"}") >= 1.0,
        "{metrics}"
    );

    // Quick login as b in another browser.
    let other = Browser::new();
    other
        .submit(&app.url("/"), &app.url("/quicklogin/b"), &[])
        .await;
    other
        .get(&app.url("/restricted"))
        .await
        .assert_shows("You see some secret things !");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_message() {
    let pool = pool_with_demo_users().await;
    // The emulator checks passwords only without SRP.
    let app = app_with(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    let wrong = app.log_in(&browser, "a", "wrong!").await;
    let unknown = app.log_in(&browser, "nobody", "aaaaaa").await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, 401);
        page.assert_shows("Incorrect username or password.");
    }
    assert!(app.log_in(&browser, "a", "aaaaaa").await.status == 303);
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
async fn a_new_password_login_returns_to_the_page_that_sent_the_user_there() {
    let (_pool, app) = app_with_invited_user().await;
    let browser = Browser::new();
    // The way back holds a query of its own, `/restricted?x=1&y=2`.
    let login = app.url("/login?next=%2Frestricted%3Fx%3D1%26y%3D2");
    let asked = browser
        .submit(
            &login,
            &login,
            &[("username", "c"), ("password", "temporary")],
        )
        .await;
    let form_path = "/new-password?next=/restricted%3Fx%3D1%26y%3D2";
    assert_eq!(asked.location(), Some(form_path));
    let form_url = app.url(form_path);
    assert_eq!(
        browser.get(&form_url).await.form_action("/new-password"),
        form_path
    );
    // A failed answer keeps it too.
    let weak = choose_password(&browser, &form_url, "ab").await;
    assert_eq!(weak.status, 400);
    assert_eq!(weak.form_action("/new-password"), form_path);
    let done = choose_password(&browser, &form_url, "cccccc").await;
    assert_eq!(done.location(), Some("/restricted?x=1&y=2"));
    browser
        .get(&app.url("/restricted"))
        .await
        .assert_shows("You see some secret things !");
    // With the challenge answered, the form's address leads to the login,
    // which still returns there.
    assert_eq!(
        browser.get(&form_url).await.location(),
        Some("/login?next=/restricted%3Fx%3D1%26y%3D2")
    );
}

#[tokio::test]
async fn attributes_the_pool_requires_are_asked_for_with_the_new_password() {
    let (_pool, app, browser) = at_the_new_password_form().await;
    // Cognito names the required attributes the user lacks in its challenge;
    // the emulator never does, so the test puts them there.
    edit_challenge(&app, |challenge| {
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
    let (_pool, app, browser) = at_the_new_password_form().await;
    // Cognito forgets the challenge's session after a few minutes.
    edit_challenge(&app, |challenge| challenge["session"] = "expired".into()).await;

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
async fn logout_signs_out_at_cognito() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let tokens = stored_tokens(&app, "a").await;
    browser
        .submit(&app.url("/"), &app.url("/logout"), &[])
        .await;
    assert!(app.items().await.is_empty());
    let get_user = pool
        .admin
        .get_user()
        .access_token(&tokens.access_token)
        .send()
        .await;
    assert!(get_user.is_err(), "the access token is revoked at Cognito");
}

#[tokio::test]
async fn logout_ends_the_users_sessions_in_every_browser() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let (laptop, phone, other) = (Browser::new(), Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;
    app.log_in(&other, "b", "bbbbbb").await;
    assert_eq!(app.logged_in_items("a").await.len(), 2);

    laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    // GlobalSignOut revoked the phone's tokens too: its session ends now,
    // not at its next refresh.
    let page = phone.get(&app.url("/restricted")).await;
    page.assert_shows("This is a restricted area");
    assert!(app.logged_in_items("a").await.is_empty());
    // Another user's session is untouched.
    other
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>b</strong>");
}

#[tokio::test]
async fn logout_ends_this_session_even_when_the_others_cannot_be_listed() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |_| {}).await;
    let (laptop, phone) = (Browser::new(), Browser::new());
    app.log_in(&laptop, "a", "aaaaaa").await;
    app.log_in(&phone, "a", "aaaaaa").await;

    // The query of the user's sessions fails; reads and deletes still work.
    outage.refuse("DynamoDB_20120810.Query");
    let page = laptop.submit(&app.url("/"), &app.url("/logout"), &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    laptop.get(&app.url("/")).await.assert_shows("Not Logged");
    // The phone's session is left to end at its next refresh.
    assert_eq!(app.logged_in_items("a").await.len(), 1);
}

#[tokio::test]
async fn expiring_tokens_are_refreshed_and_a_failed_refresh_logs_out() {
    let pool = pool_with_demo_users().await;
    // A margin longer than the emulator's 1 h tokens: every request refreshes.
    let app = app_with(&pool, |c| c.refresh_margin = Duration::from_secs(4000)).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    let before = stored_tokens(&app, "a").await;
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    let after = stored_tokens(&app, "a").await;
    assert_ne!(
        before.access_token, after.access_token,
        "refreshed transparently"
    );
    assert_eq!(before.refresh_token, after.refresh_token);

    // Revoked elsewhere: the refresh fails and the session is logged out.
    pool.admin
        .global_sign_out()
        .access_token(&after.access_token)
        .send()
        .await
        .unwrap();
    let page = browser.get(&app.url("/")).await;
    page.assert_shows("Not Logged");
    assert!(app.logged_in_items("a").await.is_empty());
}

#[tokio::test]
async fn a_tampered_token_in_the_session_is_not_a_login() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |_| {}).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "aaaaaa").await;
    // Someone with write access to the table swaps the user name.
    let item = &app.logged_in_items("a").await[0];
    let id = item["id"].as_s().unwrap().clone();
    app.dynamodb
        .update_item()
        .table_name(&app.settings.table_name)
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S(id))
        .update_expression("SET #s.#u = :u")
        .expression_attribute_names("#s", "state")
        .expression_attribute_names("#u", "user")
        .expression_attribute_values(
            ":u",
            aws_sdk_dynamodb::types::AttributeValue::S("\"b\"".into()),
        )
        .send()
        .await
        .unwrap();
    let page = browser.get(&app.url("/restricted")).await;
    page.assert_lacks("Hello <strong>b</strong>"); // tokens of a do not make b
    page.assert_shows("This is a restricted area");
}

#[tokio::test]
async fn an_app_client_unknown_or_of_another_pool_is_said_as_the_sites_fault() {
    let pool = pool_with_demo_users().await;
    let app = app_with(&pool, |cognito| cognito.client_id = "deleted-client".into()).await;
    let page = app.log_in(&Browser::new(), "a", "aaaaaa").await;
    // Not "Incorrect username or password.": no password would do.
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows(
        "Sign-in is not available until this site&#x27;s Cognito settings are fixed.",
    );
    page.assert_shows("<form method=\"post\" action=\"/login\">");

    // An app client of another pool than POOL_ID's: Cognito signs the user
    // in, and its tokens name the other pool.
    let other = pool_with_demo_users().await;
    let app = app_with(&pool, |cognito| cognito.client_id = other.client_id.clone()).await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("Cognito settings are fixed.");
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}

/// Cognito's answers to an app client used against its settings. The
/// emulator words a wrong secret otherwise and never checks auth flows, so
/// the forwarder gives them as Cognito does.
const APP_CLIENT_MISMATCHES: [(&str, &str); 3] = [
    (
        "NotAuthorizedException",
        "Unable to verify secret hash for client 6npouauc8jt1fioujvblmvpise",
    ),
    (
        "NotAuthorizedException",
        "Client 6g164jiups96hiec2e43tv0nt6 is configured with secret but SECRET_HASH was not received",
    ),
    (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    ),
];

#[tokio::test]
async fn a_client_secret_or_auth_flow_cognito_refuses_is_said_as_the_sites_fault() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |_| {}).await;
    for (code, message) in APP_CLIENT_MISMATCHES {
        outage.answer(INITIATE_AUTH, code, message);
        let page = app.log_in(&Browser::new(), "a", "aaaaaa").await;
        // Was "Incorrect username or password." or "Sign-in failed.".
        assert_eq!(page.status, 503, "{code}: {}", page.body);
        page.assert_shows("Cognito settings are fixed.");
        page.assert_lacks(message);
        page.assert_shows("<form method=\"post\" action=\"/login\">");
    }
}

#[tokio::test]
async fn a_new_password_refused_for_an_attribute_or_the_apps_settings_keeps_the_form() {
    let pool = pool_with_demo_users().await;
    pool.invite_user("c", "temporary").await;
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "c", "temporary").await;
    assert_eq!((page.status, page.location()), (303, Some("/new-password")));
    edit_challenge(&app, |challenge| {
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
    let during = stored_tokens(app, "a").await;
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
    let before = stored_tokens(&app, "a").await;

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
    let after = stored_tokens(&app, "a").await;
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
