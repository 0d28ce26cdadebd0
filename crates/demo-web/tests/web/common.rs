//! `spawn_app()`: a demo app on port 0 against the emulator, and a browser-like client.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use demo_web::settings::{CognitoSettings, Settings, Stage};
use demo_web::startup::Application;
use reqwest::cookie::{CookieStore, Jar};

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
        credentials: Some(("local".into(), "local".into())),
        endpoint_url: Some(aws.endpoint.clone()),
        table_name: test_support::unique_name("web"),
        session_secret: Some("a test secret, stretched by the KDF".into()),
        cookie_secure: false,
        session_ttl: stage.default_session_ttl(),
        touch_interval: Duration::from_secs(30),
        dynamodb_timeout: Duration::from_secs(2),
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
    }
}

/// Starts the app on a free port and returns once it accepts requests.
pub async fn spawn_app(settings: Settings) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
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

/// A browser: its own cookie jar, no automatic redirects.
pub struct Browser {
    pub jar: Arc<Jar>,
    pub http: reqwest::Client,
}

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn set_cookie(&self) -> Option<&str> {
        self.headers.get("set-cookie").and_then(|v| v.to_str().ok())
    }

    /// Panics, printing the page, unless it shows `text`.
    #[track_caller]
    pub fn assert_shows(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "the page does not show {text:?}:\n{}",
            self.body
        );
    }

    /// Panics, printing the page, if it shows `text`.
    #[track_caller]
    pub fn assert_lacks(&self, text: &str) {
        assert!(
            !self.body.contains(text),
            "the page shows {text:?}:\n{}",
            self.body
        );
    }

    /// The action of the page's first POST form whose action starts with
    /// `path`, as a browser reads it (the HTML's escapes undone).
    #[track_caller]
    pub fn form_action(&self, path: &str) -> String {
        let html = scraper::Html::parse_document(&self.body);
        let form = scraper::Selector::parse("form[method=post]").unwrap();
        html.select(&form)
            .filter_map(|f| f.value().attr("action"))
            .find(|action| action.starts_with(path))
            .unwrap_or_else(|| panic!("a form posting to {path}: {}", self.body))
            .to_owned()
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> String {
        test_support::csrf_of(&self.body)
            .expect("a form with a CSRF token")
            .to_owned()
    }
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Self::built(reqwest::Client::builder())
    }

    /// A browser that names itself in a `User-Agent` header, as real ones do.
    pub fn with_user_agent(user_agent: &str) -> Self {
        Self::built(reqwest::Client::builder().user_agent(user_agent))
    }

    fn built(builder: reqwest::ClientBuilder) -> Self {
        let jar = Arc::new(Jar::default());
        let http = builder
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        Self { jar, http }
    }

    /// Every HTML page a test receives is checked to be valid HTML: a
    /// template's mistake (a form inside a `<p>`, a stray end tag) is a
    /// failure of whichever test first meets it.
    async fn page(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let page = Page {
            status,
            headers,
            body: response.text().await.unwrap(),
        };
        let is_html = page
            .headers
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if is_html {
            assert_valid_html(&page.body);
        }
        page
    }

    pub async fn get(&self, url: &str) -> Page {
        Self::page(self.http.get(url).send().await.unwrap()).await
    }

    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(url, form, &[]).await
    }

    /// A POST with extra headers, such as those a browser adds itself.
    pub async fn post_with(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let request = headers
            .iter()
            .fold(self.http.post(url).form(form), |r, (name, value)| {
                r.header(*name, *value)
            });
        Self::page(request.send().await.unwrap()).await
    }

    /// The value of the session cookie this browser holds for `app`.
    pub fn session_cookie(&self, app: &TestApp) -> Option<String> {
        let url = app.address.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("session=").map(str::to_owned))
    }

    /// POSTs a form of `page_url`'s page, with its CSRF token.
    pub async fn submit(&self, page_url: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(page_url).await.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
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

/// A TCP forwarder to the emulator that a test can cut and restore, whole or
/// for one service, to make it unreachable for an app while the test keeps
/// using the emulator directly.
pub struct Outage {
    pub address: std::net::SocketAddr,
    target: std::net::SocketAddr,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    /// Requests whose head contains this text are dropped or answered.
    refused: Arc<std::sync::Mutex<Option<(&'static str, Refusal)>>>,
}

/// What [`Outage`] does with the requests it singles out.
#[derive(Clone)]
enum Refusal {
    /// No answer: the connection is closed.
    Drop,
    /// An error answer of Cognito's, as the service sends it.
    Answer(Vec<u8>),
}

/// Cognito's answer `code: message` (HTTP 400), as the service sends it.
fn cognito_error(code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "__type": code, "message": message }).to_string();
    format!(
        "HTTP/1.1 400 Bad Request\r\n\
         content-type: application/x-amz-json-1.1\r\n\
         content-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The marker of Cognito user-pool requests (their X-Amz-Target).
pub const COGNITO: &str = "AWSCognitoIdentityProviderService";
/// The marker of Cognito's InitiateAuth (sign-in and refresh) requests.
pub const INITIATE_AUTH: &str = "AWSCognitoIdentityProviderService.InitiateAuth";
/// The marker of Cognito's RespondToAuthChallenge requests.
pub const RESPOND_TO_AUTH_CHALLENGE: &str =
    "AWSCognitoIdentityProviderService.RespondToAuthChallenge";

impl Outage {
    pub async fn forward_to(target: &str) -> Self {
        let target = target.trim_start_matches("http://").parse().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let outage = Self {
            address,
            target,
            tasks: Default::default(),
            refused: Default::default(),
        };
        outage.serve(listener);
        outage
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (target, tasks, refused) = (self.target, self.tasks.clone(), self.refused.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let refused = refused.clone();
                let task = tokio::spawn(async move {
                    // The emulator closes each connection after one answer,
                    // so the first request's head names the service.
                    let mut head = vec![0u8; 8192];
                    let Ok(n) = inbound.read(&mut head).await else {
                        return;
                    };
                    head.truncate(n);
                    let refusal = refused.lock().unwrap().clone();
                    match refusal {
                        Some((marker, refusal))
                            if String::from_utf8_lossy(&head).contains(marker) =>
                        {
                            if let Refusal::Answer(answer) = refusal {
                                let _ = inbound.write_all(&answer).await;
                            }
                            return;
                        }
                        _ => {}
                    }
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await
                        && outbound.write_all(&head).await.is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(task);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Closes the port and every open connection.
    pub fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Opens the same port again.
    pub async fn restore(&self) {
        let listener = tokio::net::TcpListener::bind(self.address).await.unwrap();
        self.serve(listener);
    }

    /// Drops every request whose head contains `marker` (e.g. [`COGNITO`]).
    pub fn refuse(&self, marker: &'static str) {
        *self.refused.lock().unwrap() = Some((marker, Refusal::Drop));
    }

    /// Answers every request whose head contains `marker` (e.g.
    /// [`INITIATE_AUTH`]) with Cognito's error `code: message`: its answers
    /// that the emulator never gives.
    pub fn answer(&self, marker: &'static str, code: &str, message: &str) {
        *self.refused.lock().unwrap() =
            Some((marker, Refusal::Answer(cognito_error(code, message))));
    }

    /// Forwards every request again, after [`Outage::refuse`] or [`Outage::answer`].
    pub fn stop_refusing(&self) {
        *self.refused.lock().unwrap() = None;
    }
}

/// The value of a metric line `name{labels}` in a Prometheus text page (0 when absent).
pub fn metric(page: &str, series: &str) -> f64 {
    page.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

/// Panics, printing the page, unless it parses as HTML without an error.
#[track_caller]
pub fn assert_valid_html(html: &str) {
    let errors = scraper::Html::parse_document(html).errors;
    assert!(errors.is_empty(), "not valid HTML: {errors:?}\n{html}");
}
