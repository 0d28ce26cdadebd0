//! Stage 2 shows the pool's password policy where a new password is typed,
//! and refuses a password that breaks it before Cognito sees it; where the
//! app may not read the policy, Cognito's own check is all there is.

use crate::common::{Browser, Outage, TestApp, spawn_app};
use crate::stage2::{app_behind_outage, pool_with_demo_users, stage2_settings};

const SIGN_UP: &str = "AWSCognitoIdentityProviderService.SignUp";
const DESCRIBE_USER_POOL: &str = "AWSCognitoIdentityProviderService.DescribeUserPool";
/// provision's pool, in the words of the forms.
const SHOWN: &str = "A password needs at least 6 characters, with a lowercase letter.";

async fn sign_up(app: &TestApp, browser: &Browser, password: &str) -> crate::common::Page {
    let url = app.url("/signup");
    let fields = [
        ("username", "newcomer"),
        ("email", "new@example.com"),
        ("password", password),
        ("password_again", password),
    ];
    browser.submit(&url, &url, &fields).await
}

#[tokio::test]
async fn the_policy_is_shown_and_a_password_against_it_never_reaches_cognito() {
    let pool = pool_with_demo_users().await;
    let (app, outage) = app_behind_outage(&pool, |c| c.password_auth = true).await;
    let browser = Browser::new();
    browser.get(&app.url("/signup")).await.assert_shows(SHOWN);

    let refused = sign_up(&app, &browser, "ABC").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    refused.assert_shows("The password needs at least 6 characters and a lowercase letter.");
    refused.assert_shows(r#"value="newcomer""#);
    assert!(outage.requests(SIGN_UP).is_empty(), "Cognito never saw it");

    // Shown on the other forms of a new password too (their refusals are
    // in change_password.rs, forgot_password.rs...).
    app.log_in(&browser, "a", "aaaaaa").await;
    browser.get(&app.url("/password")).await.assert_shows(SHOWN);
}

#[tokio::test]
async fn without_leave_to_read_the_policy_cognito_alone_checks_the_password() {
    let pool = pool_with_demo_users().await;
    let mut settings = stage2_settings(&pool, |c| c.password_auth = true).await;
    let outage = Outage::forward_to(settings.endpoint_url.as_deref().unwrap()).await;
    settings.endpoint_url = Some(format!("http://{}", outage.address));
    outage.answer(
        DESCRIBE_USER_POOL,
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/app is not authorized to perform: cognito-idp:DescribeUserPool",
    );
    let app = spawn_app(settings).await;
    outage.stop_refusing();
    let browser = Browser::new();
    browser
        .get(&app.url("/signup"))
        .await
        .assert_lacks("A password needs");

    let refused = sign_up(&app, &browser, "ABCDEFG").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    // Cognito's own words ("Password did not conform with policy: …", or
    // moto's "… password policy …"), and the policy is not asked for again.
    refused.assert_shows("policy");
    assert_eq!(outage.requests(DESCRIBE_USER_POOL).len(), 1);
}
