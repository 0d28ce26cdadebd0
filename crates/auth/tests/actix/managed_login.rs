//! The crate's `actix_managed_login` example on ministack, which serves the
//! hosted page: a browser (this test's, with a cookie jar) sent there by
//! the guard, signed in on the page, and back where it started.

use auth::Cognito;
use auth::actix::CognitoLogin;
use auth::managed_login::{Endpoints, ManagedLogin};
use session_store::DynamoDbSessionStore;
use test_support::cognito::DemoPool;
use test_support::emulator::Gap;
use test_support::web::{Browser, Page};

#[path = "../../examples/actix_managed_login.rs"]
#[allow(dead_code)] // its `main`
mod actix_managed_login;

struct App {
    base: String,
    store: DynamoDbSessionStore,
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn sessions(&self) -> usize {
        let scan = self.store.client().scan().table_name(self.store.table());
        let items = scan.consistent_read(true).send().await.expect("Scan").items;
        items.unwrap_or_default().len()
    }

    /// `browser` sent from `path` to the hosted page, signed in there as
    /// `a` (with `password`): where the hosted page sends it back.
    async fn through_hosted_page(
        &self,
        browser: &Browser,
        path: &str,
        password: &str,
    ) -> Result<String, String> {
        let start = browser.get(&self.url(path)).await;
        let hosted = start
            .location()
            .expect("sent to the hosted page")
            .to_owned();
        assert!(hosted.contains("/oauth2/authorize?"), "{hosted}");
        test_support::hosted_page::sign_in(&hosted, "a", password).await
    }
}

/// The example with a pool of its own; `None` without managed login.
async fn spawn_app() -> Option<App> {
    let aws = test_support::local_aws().await;
    if aws.lacks(Gap::ManagedLogin) {
        return None;
    }
    let pool = DemoPool::create(&aws).await;
    pool.confirmed_user("a", "aaaaaa").await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (client_id, secret) = pool
        .managed_login_client(&format!("{base}/auth/callback"), &format!("{base}/"), true)
        .await;
    let cognito = Cognito::builder(&aws.config, &pool.pool_id, &client_id)
        .client_secret(secret)
        .build();
    let endpoints = Endpoints::discover(&cognito).await.unwrap();
    let hosted = ManagedLogin::new(&cognito, endpoints, &format!("{base}/auth/callback")).unwrap();
    let login = CognitoLogin::new(cognito)
        .login_path("/auth/start")
        .managed_login(hosted, format!("{base}/"));
    let store =
        DynamoDbSessionStore::builder(&aws.config, test_support::unique_name("hosted")).build();
    store.ensure_table().await.expect("ensure_table");
    let key = actix_web::cookie::Key::generate();
    tokio::spawn(actix_managed_login::serve(listener, login, store.clone(), key).unwrap());
    Some(App { base, store })
}

/// The app's path and query of a URL on it.
fn local(app: &App, url: &str) -> String {
    url.strip_prefix(&app.base)
        .expect("a URL of the app")
        .to_owned()
}

fn assert_refused(page: &Page) {
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_shows("This sign-in could not be completed, please sign in again.");
}

#[tokio::test]
async fn the_hosted_page_signs_in_and_comes_back_to_the_page_asked_for() {
    let Some(app) = spawn_app().await else { return };
    let browser = Browser::new();
    let guarded = browser.get(&app.url("/account")).await;
    assert_eq!(guarded.location(), Some("/auth/start?next=/account"));

    let start = browser.get(&app.url("/auth/start?next=/account")).await;
    let before = browser
        .cookie(&app.base, "id")
        .expect("the session of the login");
    let hosted = start.location().unwrap().to_owned();
    let back = test_support::hosted_page::sign_in(&hosted, "a", "aaaaaa")
        .await
        .unwrap();
    let landed = browser.get(&back).await;
    assert_eq!(
        (landed.status, landed.location()),
        (303, Some("/account")),
        "{}",
        landed.body
    );
    let after = browser.cookie(&app.base, "id").unwrap();
    assert_ne!(before, after, "the session id is renewed at sign-in");
    browser
        .get(&app.url("/account"))
        .await
        .assert_shows("a's account");
    assert_eq!(app.sessions().await, 1);

    // Replayed, the callback finds no login started: nothing changes.
    assert_refused(&browser.get(&back).await);
    browser
        .get(&app.url("/account"))
        .await
        .assert_shows("a's account");

    // Logout: the session ends here, then at the hosted page's /logout.
    let out = browser.post(&app.url("/auth/logout"), &[]).await;
    let to = out
        .location()
        .expect("to the hosted page's logout")
        .to_owned();
    assert!(to.contains("/logout?client_id="), "{to}");
    assert!(
        to.contains(&format!(
            "logout_uri={}",
            percent(&format!("{}/", app.base))
        )),
        "{to}"
    );
    assert_eq!(app.sessions().await, 0);
    let home = browser.get(&app.url("/")).await;
    home.assert_shows("Hello, stranger");
}

fn percent(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_way_back_to_another_site_goes_home_instead() {
    let Some(app) = spawn_app().await else { return };
    let browser = Browser::new();
    let back = app
        .through_hosted_page(&browser, "/auth/start?next=//evil.example", "aaaaaa")
        .await
        .unwrap();
    let landed = browser.get(&back).await;
    assert_eq!(landed.location(), Some("/"), "{}", landed.body);
}

#[tokio::test]
async fn a_callback_that_is_not_this_sessions_login_signs_no_one_in() {
    let Some(app) = spawn_app().await else { return };
    let browser = Browser::new();
    let back = app
        .through_hosted_page(&browser, "/auth/start", "aaaaaa")
        .await
        .unwrap();

    // Another browser, which started no login, brings the code: refused.
    let stranger = Browser::new();
    assert_refused(&stranger.get(&back).await);
    assert_eq!(app.sessions().await, 1, "only the pending login's session");

    // The same browser with the state changed, or none: refused; the
    // login it started is used up by the attempt.
    let wrong_state = format!("{}&state=x", back.split("&state=").next().unwrap());
    assert_refused(&browser.get(&wrong_state).await);
    assert_refused(&browser.get(&back).await);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello, stranger");

    // The hosted page's own error.
    app.through_hosted_page(&browser, "/auth/start", "aaaaaa")
        .await
        .unwrap();
    let denied = browser
        .get(&app.url("/auth/callback?error=access_denied&error_description=no"))
        .await;
    assert_refused(&denied);
    // An unreadable query.
    assert_refused(&browser.get(&app.url("/auth/callback?code=%ZZ")).await);
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello, stranger");
    let _ = local(&app, &app.url("/"));
}

#[tokio::test]
async fn a_wrong_password_on_the_hosted_page_leaves_the_browser_signed_out() {
    let Some(app) = spawn_app().await else { return };
    let browser = Browser::new();
    let page = app
        .through_hosted_page(&browser, "/auth/start", "wrong!")
        .await
        .unwrap_err();
    assert!(page.contains("Incorrect username or password."), "{page}");
    browser
        .get(&app.url("/"))
        .await
        .assert_shows("Hello, stranger");
}
