//! Signing in and out through the integration: the session id renewed, the
//! way back followed, the guard's answers, GlobalSignOut and the session
//! deleted at logout.

use crate::app::{Options, spawn_app};
use test_support::emulator::Gap;

#[tokio::test]
async fn the_guard_sends_a_visitor_to_the_login_which_comes_back() {
    let app = spawn_app(Options::default()).await;
    let page = app.browser.get(&app.url("/account?tab=2")).await;
    assert_eq!(page.status, 303);
    let login = page.location().unwrap().to_owned();
    assert_eq!(login, "/login?next=/account%3Ftab%3D2");

    let form = app.browser.get(&app.url(&login)).await;
    assert_eq!(form.status, 200);
    form.assert_shows(r#"action="/login?next=/account%3Ftab%3D2""#);
    let fields = [("username", "a"), ("password", "aaaaaa")];
    let signed_in = app.browser.post(&app.url(&login), &fields).await;
    assert_eq!(
        (signed_in.status, signed_in.location()),
        (303, Some("/account?tab=2"))
    );

    let account = app.browser.get(&app.url("/account?tab=2")).await;
    assert_eq!(account.status, 200);
    assert_eq!(account.body, "a's account; groups: []");
    app.browser.get(&app.base).await.assert_shows("Hello, a");
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session_id_and_the_old_one_is_deleted() {
    let app = spawn_app(Options::default()).await;
    app.log_in().await;
    let before = app.browser.cookie(&app.base, "id").expect("a session");
    app.log_in().await;
    let after = app.browser.cookie(&app.base, "id").expect("a session");
    assert_ne!(before, after, "a planted id would be worthless");
    assert_eq!(app.sessions().await, 1);
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 200);
}

#[tokio::test]
async fn a_way_back_to_another_site_is_not_followed() {
    let app = spawn_app(Options::default()).await;
    let fields = [("username", "a"), ("password", "aaaaaa")];
    let page = app
        .browser
        .post(&app.url("/login?next=//evil.example/"), &fields)
        .await;
    assert_eq!((page.status, page.location()), (303, Some("/")));
}

#[tokio::test]
async fn a_json_client_gets_a_401_that_names_the_login() {
    let app = spawn_app(Options::default()).await;
    let accept = [("accept", "application/json")];
    let page = app.browser.get_with(&app.url("/account"), &accept).await;
    assert_eq!(page.status, 401);
    assert!(page.location().is_none());
    let body: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": "sign_in_required", "login": "/login?next=/account"})
    );
}

#[tokio::test]
async fn a_wrong_password_keeps_the_visitor_anonymous() {
    let app = spawn_app(Options::default()).await;
    let fields = [("username", "a"), ("password", "wrong!")];
    let page = app.browser.post(&app.url("/login"), &fields).await;
    assert_eq!(page.status, 401);
    page.assert_shows("Incorrect username or password.");
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 303);
}

#[tokio::test]
async fn sign_out_revokes_the_tokens_and_deletes_the_session() {
    let app = spawn_app(Options::default()).await;
    app.log_in().await;
    assert_eq!(app.sessions().await, 1);
    assert_eq!(app.calls("RevokeToken") + app.calls("GlobalSignOut"), 0);

    let page = app.browser.post(&app.url("/logout"), &[]).await;
    assert_eq!((page.status, page.location()), (303, Some("/")));
    // This session's token revoked; where Cognito cannot (moto), every one.
    let aws = test_support::local_aws().await;
    let expected = if aws.lacks(Gap::RevokeToken) {
        ((1, 1), 1)
    } else {
        ((1, 0), 0)
    };
    assert_eq!(
        (app.count("RevokeToken"), app.calls("GlobalSignOut")),
        expected,
        "revoked at Cognito"
    );
    assert_eq!(app.sessions().await, 0, "deleted from the table");
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 303);
}

#[tokio::test]
async fn a_challenge_the_app_does_not_answer_is_a_501_and_signs_no_one_in() {
    let app = spawn_app(Options::default()).await;
    app.pool.invite_user("invited", "temporary1").await;
    let fields = [("username", "invited"), ("password", "temporary1")];
    let page = app.browser.post(&app.url("/login"), &fields).await;
    assert_eq!(page.status, 501, "{}", page.body);
    page.assert_shows("a sign-in step this site does not offer");
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 303);
}

#[tokio::test]
async fn cognito_down_at_sign_in_is_a_503_and_the_form_says_so() {
    let aws = test_support::local_aws().await;
    let outage = test_support::outage::Outage::forward_to(&aws.endpoint).await;
    let app = spawn_app(Options {
        cognito_endpoint: Some(format!("http://{}", outage.address)),
        ..Options::default()
    })
    .await;
    outage.cut();
    let fields = [("username", "a"), ("password", "aaaaaa")];
    let page = app.browser.post(&app.url("/login"), &fields).await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("The sign-in service is unavailable, please try again later.");
    outage.restore().await;
    app.log_in().await;
}
