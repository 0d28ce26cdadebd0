//! Stage 2's apps for the tests: the emulator's pool, and an app behind a
//! forwarder the test controls.

use auth::Tokens;
use demo_web::Settings;
use demo_web::settings::{CognitoSettings, Stage};
use test_support::cognito::DemoPool;

use crate::common::{Browser, Outage, TestApp, cognito_settings, settings, spawn_app};

pub async fn stage2_settings(
    pool: &DemoPool,
    tweak: impl FnOnce(&mut CognitoSettings),
) -> Settings {
    let mut s = settings(Stage::Cognito).await;
    let mut cognito = cognito_settings(pool);
    tweak(&mut cognito);
    s.cognito = Some(cognito);
    s
}

pub async fn app_with(pool: &DemoPool, tweak: impl FnOnce(&mut CognitoSettings)) -> TestApp {
    spawn_app(stage2_settings(pool, tweak).await).await
}

/// As [`app_with`], reaching AWS through an [`Outage`] the test controls.
pub async fn app_behind_outage(
    pool: &DemoPool,
    tweak: impl FnOnce(&mut CognitoSettings),
) -> (TestApp, Outage) {
    let mut s = stage2_settings(pool, tweak).await;
    let outage = Outage::forward_to(s.endpoint_url.as_deref().unwrap()).await;
    s.endpoint_url = Some(format!("http://{}", outage.address));
    (spawn_app(s).await, outage)
}

pub async fn pool_with_demo_users() -> DemoPool {
    let pool = DemoPool::create(&test_support::local_aws().await).await;
    pool.confirmed_user("a", "aaaaaa").await;
    pool.confirmed_user("b", "bbbbbb").await;
    pool
}

/// The tokens `browser`'s session holds.
pub async fn stored_tokens(app: &TestApp, browser: &Browser) -> Tokens {
    let state = app.session_state(browser).await;
    serde_json::from_str(&state["tokens"]).unwrap()
}
