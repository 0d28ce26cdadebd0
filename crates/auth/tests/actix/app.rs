//! The example app on port 0, its pool, its session table and a browser.

use std::time::Duration;

use auth::actix::CognitoLogin;
use auth::{AuthFlow, Cognito};
use session_store::DynamoDbSessionStore;
use test_support::cognito::DemoPool;
use test_support::web::Browser;

#[path = "../../examples/actix_login.rs"]
#[allow(dead_code)] // its `main`
mod actix_login;

/// The running example.
pub struct App {
    pub base: String,
    pub browser: Browser,
    pub pool: DemoPool,
    pub store: DynamoDbSessionStore,
    /// The app's Cognito client (its call counts are the app's).
    pub cognito: Cognito,
    key: actix_web::cookie::Key,
}

/// How the app reaches Cognito, and when it refreshes.
pub struct Options {
    /// Through a forwarder at this address instead of straight to the emulator.
    pub cognito_endpoint: Option<String>,
    pub refresh_margin: Duration,
    /// The app client rotates refresh tokens.
    pub rotating: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cognito_endpoint: None,
            refresh_margin: Duration::from_secs(60),
            rotating: false,
        }
    }
}

/// Access tokens live an hour: a margin that makes every request refresh.
pub const ALWAYS_DUE: Duration = Duration::from_secs(2 * 3600);

pub async fn spawn_app(options: Options) -> App {
    let aws = test_support::local_aws().await;
    let pool = DemoPool::create(&aws).await;
    pool.confirmed_user("a", "aaaaaa").await;
    let store =
        DynamoDbSessionStore::builder(&aws.config, test_support::unique_name("login")).build();
    store.ensure_table().await.expect("ensure_table");
    let key = actix_web::cookie::Key::generate();
    let (base, cognito) = serve(&pool, &store, &key, &options).await;
    App {
        base,
        browser: Browser::new(),
        pool,
        store,
        cognito,
        key,
    }
}

/// The example on a free port over `pool`, `store` and `key`: its address
/// and its Cognito client.
async fn serve(
    pool: &DemoPool,
    store: &DynamoDbSessionStore,
    key: &actix_web::cookie::Key,
    options: &Options,
) -> (String, Cognito) {
    let aws = test_support::local_aws().await;
    let config = match &options.cognito_endpoint {
        Some(endpoint) => aws.config.to_builder().endpoint_url(endpoint).build(),
        None => aws.config.clone(),
    };
    // The emulator checks passwords with USER_PASSWORD_AUTH only.
    let cognito = Cognito::builder(&config, &pool.pool_id, &pool.client_id)
        .auth_flow(AuthFlow::Password)
        .rotating_refresh_tokens(options.rotating)
        .build();
    let login = CognitoLogin::new(cognito.clone()).refresh_margin(options.refresh_margin);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(actix_login::serve(listener, login, store.clone(), key.clone()).unwrap());
    (base, cognito)
}

impl App {
    /// A second instance of the app: the same pool, session table and
    /// cookie key, its own Cognito client (`options`). Its address.
    pub async fn another_instance(&self, options: &Options) -> String {
        serve(&self.pool, &self.store, &self.key, options).await.0
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Logs `a` in from the home page's form.
    pub async fn log_in(&self) {
        let page = self
            .browser
            .post(
                &self.url("/login"),
                &[("username", "a"), ("password", "aaaaaa")],
            )
            .await;
        assert_eq!(
            (page.status, page.location()),
            (303, Some("/")),
            "{}",
            page.body
        );
    }

    /// How many sessions the table holds.
    pub async fn sessions(&self) -> usize {
        let scan = self.store.client().scan().table_name(self.store.table());
        let items = scan.consistent_read(true).send().await.expect("Scan").items;
        items.unwrap_or_default().len()
    }

    /// How many calls of `name` the app made to Cognito.
    pub fn calls(&self, name: &str) -> u64 {
        self.count(name).0
    }

    /// How many calls of `name` the app made to Cognito, and how many failed.
    pub fn count(&self, name: &str) -> (u64, u64) {
        let counts = self.cognito.call_counts();
        let count = counts.iter().find(|c| c.call == name);
        count.map_or((0, 0), |c| (c.calls, c.failures))
    }
}
