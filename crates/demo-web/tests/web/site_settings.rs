//! Cognito refusing the site's own settings (app client, secret, auth
//! flow): said as the site's fault, never as a wrong password.

use test_support::cognito::APP_CLIENT_MISMATCHES;
use test_support::emulator::Emulator;

use crate::common::{Browser, INITIATE_AUTH};
use crate::stage2::{app_behind_outage, app_with, pool_with_demo_users};

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

    // An app client of another pool than POOL_ID's: with the password flow
    // Cognito signs the user in, and its tokens name the other pool.
    let other = pool_with_demo_users().await;
    let app = app_with(&pool, |cognito| {
        cognito.client_id = other.client_id.clone();
        cognito.password_auth = true;
    })
    .await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "a", "aaaaaa").await;
    assert_eq!(page.status, 503, "{}", page.body);
    page.assert_shows("Cognito settings are fixed.");
    browser.get(&app.url("/")).await.assert_shows("Not Logged");

    // With SRP the password proof is computed for POOL_ID: a server that
    // checks it (Cognito, ministack) refuses it as a wrong password; moto
    // checks none and signs in as above. Nobody is signed in either way.
    let app = app_with(&pool, |cognito| cognito.client_id = other.client_id.clone()).await;
    let browser = Browser::new();
    let page = app.log_in(&browser, "a", "aaaaaa").await;
    let expected = match pool.aws.emulator {
        Emulator::Moto => 503,
        Emulator::Ministack => 401,
    };
    assert_eq!(page.status, expected, "{}", page.body);
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}

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
