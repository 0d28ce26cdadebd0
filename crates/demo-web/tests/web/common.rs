//! `spawn_app()`: a demo app on port 0 against the emulator, and a browser-like client.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::time::Duration;

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::cookie::{Cookie, CookieJar};
use aws_sdk_dynamodb::types::AttributeValue;
use demo_web::settings::{CognitoSettings, Settings, Stage};
use demo_web::startup::Application;

pub use test_support::outage::{COGNITO, INITIATE_AUTH, Outage, RESPOND_TO_AUTH_CHALLENGE};
pub use test_support::web::{Browser, Page, metric};

pub type Item = HashMap<String, AttributeValue>;

pub struct TestApp {
    pub address: String,
    pub settings: Settings,
    pub dynamodb: aws_sdk_dynamodb::Client,
}

/// Settings for `stage` on the emulator, with a fresh table.
pub async fn settings(stage: Stage) -> Settings {
    let aws = test_support::local_aws().await;
    Settings {
        stage,
        port: 0,
        host: "127.0.0.1".into(),
        aws_region: test_support::REGION.into(),
        credentials: Some(("test".into(), "test".into())),
        endpoint_url: Some(aws.endpoint.clone()),
        table_name: test_support::unique_name("web"),
        session_secret: Some("a test secret, stretched by the KDF".into()),
        cookie_secure: false,
        session_ttl: stage.default_session_ttl(),
        session_max_lifetime: None,
        touch_interval: Duration::from_secs(30),
        dynamodb_timeout: Duration::from_secs(2),
        trusted_proxies: Vec::new(),
        cognito: None,
    }
}

pub fn cognito_settings(pool: &test_support::cognito::DemoPool) -> CognitoSettings {
    CognitoSettings {
        pool_id: pool.pool_id.clone(),
        client_id: pool.client_id.clone(),
        client_secret: None,
        region: None,
        password_auth: false,
        refresh_margin: Duration::from_secs(60),
        form_login: true,
        hosted_login: false,
        app_url: "http://127.0.0.1:0".into(),
    }
}

/// Starts the app on a free port and returns once it accepts requests.
pub async fn spawn_app(settings: Settings) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    spawn_app_on(settings, listener).await
}

/// As [`spawn_app`], on `listener` (for settings that name the app's address).
pub async fn spawn_app_on(settings: Settings, listener: TcpListener) -> TestApp {
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let app = Application::build_on(settings.clone(), listener)
        .await
        .expect("the app starts");
    tokio::spawn(app.run_until_stopped());
    let aws = test_support::local_aws().await;
    TestApp {
        address,
        settings,
        dynamodb: aws_sdk_dynamodb::Client::new(&aws.config),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn items(&self) -> Vec<Item> {
        self.dynamodb
            .scan()
            .table_name(&self.settings.table_name)
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .items
            .unwrap_or_default()
    }

    pub async fn logged_in_items(&self, user: &str) -> Vec<Item> {
        self.items()
            .await
            .into_iter()
            .filter(|i| {
                i.get("principal")
                    .and_then(|p| p.as_s().ok())
                    .map(String::as_str)
                    == Some(user)
            })
            .collect()
    }

    /// The session key in `browser`'s session cookie, which only the app's
    /// cookie key decrypts.
    pub fn session_key(&self, browser: &Browser) -> SessionKey {
        let cookie = browser
            .cookie(&self.address, "session")
            .expect("a session cookie");
        let secret = self.settings.session_secret.as_ref().map(|s| {
            use secrecy::ExposeSecret;
            s.expose_secret().to_owned()
        });
        let key = demo_web::startup::cookie_key(secret.as_deref());
        let mut jar = CookieJar::new();
        // Sent percent-encoded (the value is base64, with '+', '/' and '=').
        let cookie = percent_encoding::percent_decode_str(&cookie).decode_utf8_lossy();
        jar.add_original(Cookie::new("session", cookie.into_owned()));
        let plain = jar
            .private(&key)
            .get("session")
            .expect("the cookie decrypts");
        SessionKey::try_from(plain.value().to_owned()).unwrap()
    }

    /// A session store on the app's table: the one way to read the state it
    /// seals.
    pub async fn session_store(&self) -> session_store::DynamoDbSessionStore {
        let aws = test_support::local_aws().await;
        session_store::DynamoDbSessionStore::builder(&aws.config, &self.settings.table_name).build()
    }

    /// The state of `browser`'s session, as the app loads it.
    pub async fn session_state(&self, browser: &Browser) -> HashMap<String, String> {
        let store = self.session_store().await;
        store
            .load(&self.session_key(browser))
            .await
            .unwrap()
            .expect("a live session")
    }

    /// Changes the state of `browser`'s session, as a request of the app would.
    pub async fn edit_session_state(
        &self,
        browser: &Browser,
        edit: impl FnOnce(&mut HashMap<String, String>),
    ) {
        let store = self.session_store().await;
        let key = self.session_key(browser);
        let mut state = store.load(&key).await.unwrap().expect("a live session");
        edit(&mut state);
        let ttl =
            actix_web::cookie::time::Duration::seconds(self.settings.session_ttl.as_secs() as i64);
        store.update(key, state, &ttl).await.unwrap();
    }

    /// Logs `browser` in with the login form.
    pub async fn log_in(&self, browser: &Browser, user: &str, password: &str) -> Page {
        browser
            .submit(
                &self.url("/login"),
                &self.url("/login"),
                &[("username", user), ("password", password)],
            )
            .await
    }
}
