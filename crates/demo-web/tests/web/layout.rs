//! The pages' layout in Chromium: controls together, nothing wider than a
//! phone's screen.

use demo_web::settings::Stage;
use test_support::browser::Browser as Chromium;
use test_support::cognito::DemoPool;

use crate::common::{cognito_settings, settings, spawn_app};

/// Asserts that the page's buttons and forms sit together in the `.actions`
/// box, as the template writes them, not scattered by the HTML parser.
pub async fn assert_controls_in_one_box(window: &Chromium, page: &str) {
    let outside = window
        .script(
            "return [...document.querySelectorAll('main form, main a.button')]
                .filter(control => !control.parentElement.classList.contains('actions'))
                .map(control => control.textContent.trim())",
        )
        .await;
    assert_eq!(
        outside,
        serde_json::json!([]),
        "controls outside .actions on {page}"
    );
}

/// How far the page is wider than the window (the whole page would scroll sideways).
async fn sideways_overflow(window: &Chromium) -> i64 {
    window
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .await
        .as_i64()
        .expect("a width")
}

#[tokio::test]
async fn the_pages_fit_a_phone_screen() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let (phone, laptop) = (Chromium::new().await, Chromium::new().await);
    phone.resize(390, 844).await;
    phone.goto(&app.url("/login")).await;
    phone.expect_text("h1", "Log in").await;
    assert_eq!(sideways_overflow(&phone).await, 0, "/login");
    laptop.goto(&app.url("/")).await;
    laptop.click_text("Quick log in as « a »").await;
    laptop.expect_text("h1", "Hello a").await;
    phone.goto(&app.url("/")).await;
    phone.click_text("Quick log in as « a »").await;
    phone.expect_text("h1", "Hello a").await;
    assert_eq!(sideways_overflow(&phone).await, 0, "/");
    phone.click_text("My sessions").await;
    phone.expect_text("h1", "Sessions of a").await;
    assert_eq!(
        phone
            .script("return document.querySelectorAll('tbody tr').length")
            .await,
        2,
        "the phone's session and the laptop's"
    );
    phone.screenshot("stage1-7-sessions-on-a-phone").await;
    assert_eq!(sideways_overflow(&phone).await, 0, "/sessions");
    // Nor does the table scroll in its box: the laptop's Revoke button is on screen.
    assert_eq!(
        phone
            .script(
                "const box = document.querySelector('.table-scroll');
                 const button = document.querySelector('tbody button').getBoundingClientRect();
                 return [box.scrollWidth - box.clientWidth, button.left >= 0
                     && button.right <= document.documentElement.clientWidth]"
            )
            .await,
        serde_json::json!([0, true]),
        "sideways scroll in the table's box, and the Revoke button within the window"
    );
    phone.click_text("Revoke").await;
    phone.goto(&app.url("/sessions")).await;
    assert_eq!(
        phone
            .script("return document.querySelectorAll('tbody tr').length")
            .await,
        1,
        "the phone's session only"
    );
    laptop.goto(&app.url("/")).await;
    laptop.expect_text("h1", "Not Logged").await;
    phone.goto(&app.url("/restricted")).await;
    phone
        .expect_text(".alert", "You see some secret things !")
        .await;
    assert_eq!(sideways_overflow(&phone).await, 0, "/restricted");
    phone.goto(&app.url("/no/such/page")).await;
    phone.expect_text("h1", "Not found").await;
    assert_eq!(sideways_overflow(&phone).await, 0, "an error page");
}

#[tokio::test]
async fn a_long_user_name_fits_a_phone_screen() {
    // Cognito user names run to 128 characters, without a space.
    let name = "alexandra.konstantinopoulou-vanderbilt-of-example-company";
    let pool = DemoPool::create(&test_support::local_aws().await).await;
    pool.confirmed_user(name, "secret1").await;
    let mut s = settings(Stage::Cognito).await;
    s.cognito = Some(cognito_settings(&pool));
    let app = spawn_app(s).await;
    let phone = Chromium::new().await;
    phone.resize(390, 844).await;
    phone.goto(&app.url("/login")).await;
    phone.fill("input[name=username]", name).await;
    phone.fill("input[name=password]", "secret1").await;
    phone.click_text("Send").await;
    phone.expect_text("h1", &format!("Hello {name}")).await;
    for path in ["/", "/sessions"] {
        phone.goto(&app.url(path)).await;
        assert_eq!(sideways_overflow(&phone).await, 0, "{path}");
    }
}
