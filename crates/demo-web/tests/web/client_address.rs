//! Stage 2 tells Cognito's threat protection who signs in: the peer, or the
//! client a trusted proxy names; a forged X-Forwarded-For changes nothing.

use crate::common::{Browser, Outage, TestApp};
use crate::stage2::pool_with_demo_users;

/// Logs in through the form, sending `forwarded_for` as a proxy would.
async fn log_in_forwarded(app: &TestApp, browser: &Browser, forwarded_for: &str) {
    let csrf = browser.get(&app.url("/login")).await.csrf();
    let page = browser
        .post_with(
            &app.url("/login"),
            &[("csrf", &csrf), ("username", "a"), ("password", "aaaaaa")],
            &[("X-Forwarded-For", forwarded_for)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

/// The addresses in the app's InitiateAuth calls.
fn addresses_sent(outage: &Outage) -> Vec<String> {
    outage
        .requests("AWSCognitoIdentityProviderService.InitiateAuth")
        .iter()
        .filter_map(|request| {
            let at = request.find(r#""IpAddress":""#)? + r#""IpAddress":""#.len();
            Some(request[at..].split('"').next()?.to_owned())
        })
        .collect()
}

async fn app(trusted: &[&str]) -> (TestApp, Outage) {
    let pool = pool_with_demo_users().await;
    let mut settings = crate::stage2::stage2_settings(&pool, |_| {}).await;
    settings.trusted_proxies = trusted.iter().map(|n| n.parse().unwrap()).collect();
    let outage = Outage::forward_to(settings.endpoint_url.as_deref().unwrap()).await;
    settings.endpoint_url = Some(format!("http://{}", outage.address));
    (crate::common::spawn_app(settings).await, outage)
}

#[tokio::test]
async fn the_peer_is_the_user_and_a_forged_header_is_ignored() {
    let (app, outage) = app(&[]).await;
    log_in_forwarded(&app, &Browser::new(), "198.51.100.9").await;
    assert_eq!(addresses_sent(&outage), ["127.0.0.1"]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_its_client_is_the_user() {
    let (app, outage) = app(&["127.0.0.1/32"]).await;
    // The user forged an entry; the proxy appended the address it saw.
    log_in_forwarded(&app, &Browser::new(), "6.6.6.6, 198.51.100.9").await;
    assert_eq!(addresses_sent(&outage), ["198.51.100.9"]);
}
