//! A real browser for tests: Debian's headless Chromium driven through
//! ChromeDriver's W3C WebDriver API. One chromedriver per test binary; each
//! [`Browser`] is a separate profile (its own cookies).
//!
//! ```no_run
//! # async fn example() {
//! let browser = test_support::browser::Browser::new().await;
//! browser.goto("http://127.0.0.1:3000/").await;
//! browser.click("button[type=submit]").await;
//! assert!(browser.text("h1").await.contains("Hello"));
//! browser.screenshot("home").await;
//! # }
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn chromedriver() -> &'static str {
    static DRIVER: OnceLock<(String, crate::process::Process)> = OnceLock::new();
    &DRIVER
        .get_or_init(|| {
            for path in [CHROMIUM, CHROMEDRIVER] {
                assert!(
                    Path::new(path).exists(),
                    "{path} is missing: browser tests need Debian's chromium and chromium-driver \
                 (scripts/test installs them; by hand: apt-get install chromium chromium-driver)"
                );
            }
            let port = crate::process::free_port().unwrap_or_else(|e| panic!("{e}"));
            let args = [format!("--port={port}")];
            let process = crate::process::Process::start(
                Path::new(CHROMEDRIVER),
                &args,
                &[],
                "chromedriver",
                port,
                "/status",
            )
            .unwrap_or_else(|e| panic!("{e}"));
            (format!("http://127.0.0.1:{port}"), process)
        })
        .0
}

/// One browser window with its own profile.
///
/// ```
/// # async fn example(url: &str) {
/// use test_support::browser::Browser;
/// // Two windows, two profiles: two users at once.
/// let (alice, bob) = (Browser::new().await, Browser::new().await);
/// alice.goto(url).await;
/// bob.goto(url).await;
/// # }
/// ```
pub struct Browser {
    http: reqwest::Client,
    session: String,
    /// Removed when the browser is dropped, after its window closed.
    _profile: tempfile::TempDir,
}

/// Where screenshots go: `target/screenshots/`.
///
/// ```
/// assert!(test_support::browser::screenshot_dir().ends_with("target/screenshots"));
/// ```
pub fn screenshot_dir() -> PathBuf {
    crate::workspace_root().join("target/screenshots")
}

impl Browser {
    /// A new headless Chromium window with an empty profile.
    ///
    /// ```
    /// # async fn example() {
    /// let browser = test_support::browser::Browser::new().await;
    /// # let _ = browser;
    /// # }
    /// ```
    pub async fn new() -> Self {
        let base = chromedriver();
        let profile = tempfile::Builder::new()
            .prefix("chromium-profile")
            .tempdir()
            .expect("a profile directory");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        // Flags of a headless Chromium on a machine with no network but loopback.
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1000,900",
        ];
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let answer: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("a JSON answer");
        let session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {answer}"))
            .to_owned();
        Self {
            http,
            session,
            _profile: profile,
        }
    }

    async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", chromedriver(), self.session);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("JSON");
        match answer["value"].get("error") {
            Some(_) => Err(answer["value"].clone()),
            None => Ok(answer["value"].clone()),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .await
            .unwrap_or_else(|error| panic!("WebDriver {path}: {error}"))
    }

    /// Opens `url` and waits for the page to load.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.goto("http://127.0.0.1:3000/login").await;
    /// # }
    /// ```
    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    /// The current URL.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.click("form.login button").await;
    /// assert!(browser.url().await.ends_with('/'), "redirected home");
    /// # }
    /// ```
    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn find(&self, css: &str) -> String {
        let value = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        value[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    /// Clicks the first element matching `css`. The click may return before
    /// the page it leads to has loaded: check with [`Browser::expect_text`].
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.click("form.logout button[type=submit]").await;
    /// browser.expect_text("h1", "Not Logged").await;
    /// # }
    /// ```
    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Clicks the button or link whose text is `text` (see [`Browser::click`]).
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.click_text("Log in").await;
    /// # }
    /// ```
    pub async fn click_text(&self, text: &str) {
        let value = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "xpath", "value": format!("//*[(self::button or self::a) and normalize-space(.)='{text}']")})),
            )
            .await;
        let id = value[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no button or link {text:?}"))
            .to_owned();
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Types `text` into the first field matching `css`.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.fill("input[name=username]", "a").await;
    /// browser.fill("input[name=password]", "a").await;
    /// browser.click("button[type=submit]").await;
    /// # }
    /// ```
    pub async fn fill(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    /// Waits until the first element matching `css` reads `expected`
    /// (pages load after a click returns); panics with what it read last
    /// after 10 s.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.expect_text("h1", "Hello a").await;
    /// # }
    /// ```
    pub async fn expect_text(&self, css: &str, expected: &str) {
        let mut last = String::new();
        for _ in 0..200 {
            let found = self
                .try_call(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            if let Some(id) = found
                .ok()
                .and_then(|v| v[ELEMENT].as_str().map(str::to_owned))
                && let Ok(Value::String(text)) = self
                    .try_call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
                    .await
            {
                if text == expected {
                    return;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{css} reads {last:?}, expected {expected:?} (page {})",
            self.url().await
        );
    }

    /// The visible text of the first element matching `css`.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// assert!(browser.text("body").await.contains("views"));
    /// # }
    /// ```
    pub async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Resizes the window to `width` × `height` CSS pixels (e.g. a phone's 390 × 844).
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.resize(390, 844).await;
    /// # }
    /// ```
    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// let title = browser.script("return document.title").await;
    /// assert!(title.as_str().is_some());
    /// # }
    /// ```
    pub async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Saves a PNG of the window as `target/screenshots/<name>.png` and returns its path.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// let png = browser.screenshot("after-login").await;
    /// assert!(png.exists());
    /// # }
    /// ```
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Best effort: the window closes with chromedriver at exit anyway.
        let url = format!("{}/session/{}", chromedriver(), self.session);
        let _ = std::thread::spawn(move || {
            let _ = reqwest::blocking::Client::new()
                .delete(url)
                .timeout(Duration::from_secs(5))
                .send();
        })
        .join();
    }
}
