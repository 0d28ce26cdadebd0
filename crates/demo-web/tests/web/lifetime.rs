//! SESSION_MAX_LIFETIME: a login ends that long after it began, however
//! active the user is.

use std::time::{Duration, Instant};

use demo_web::settings::Stage;

use crate::common::{Browser, settings, spawn_app};

#[tokio::test]
async fn a_login_ends_at_the_max_lifetime_however_active() {
    let mut settings = settings(Stage::Store).await;
    settings.session_ttl = Duration::from_secs(60);
    settings.touch_interval = Duration::ZERO;
    settings.session_max_lifetime = Some(Duration::from_secs(3));
    let app = spawn_app(settings).await;
    let browser = Browser::new();
    let started = Instant::now();
    app.log_in(&browser, "a", "a").await;
    // A page every half second: the idle lifetime (60 s) is never reached.
    while started.elapsed() < Duration::from_secs(2) {
        browser.get(&app.url("/")).await.assert_shows("Hello");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Whole seconds: the session ends within a second after 3 s.
    tokio::time::sleep(
        Duration::from_secs(3).saturating_sub(started.elapsed()) + Duration::from_secs(1),
    )
    .await;
    browser.get(&app.url("/")).await.assert_shows("Not Logged");
}
