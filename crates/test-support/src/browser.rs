//! A real browser for tests: Debian's headless Chromium driven through
//! ChromeDriver by [fantoccini]'s WebDriver client. One chromedriver per
//! test binary; each [`Browser`] is a separate profile (its own cookies).
//! The methods panic with what went wrong, as a test wants.
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

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

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
    client: Client,
    /// The WebDriver session, which [`Drop`] ends.
    session: Option<String>,
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
        let profile = tempfile::Builder::new()
            .prefix("chromium-profile")
            .tempdir()
            .expect("a profile directory");
        // Flags of a headless Chromium on a machine with no network but loopback.
        let mut args = [
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
        ]
        .map(String::from)
        .to_vec();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        // Plain HTTP to chromedriver on loopback: no TLS to build.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(chromedriver())
            .await
            .unwrap_or_else(|e| panic!("no browser session: {e}"));
        let session = client.session_id().await.ok().flatten();
        Self {
            client,
            session,
            _profile: profile,
        }
    }

    /// Opens `url` and waits for the page to load.
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.goto("http://127.0.0.1:3000/login").await;
    /// # }
    /// ```
    pub async fn goto(&self, url: &str) {
        let opened = self.client.goto(url).await;
        opened.unwrap_or_else(|e| panic!("open {url}: {e}"));
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
        let url = self.client.current_url().await;
        url.unwrap_or_else(|e| panic!("the current URL: {e}"))
            .into()
    }

    async fn find(&self, locator: Locator<'_>) -> Element {
        let found = self.client.find(locator).await;
        found.unwrap_or_else(|e| panic!("no element {locator:?}: {e}"))
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
        let clicked = self.find(Locator::Css(css)).await.click().await;
        clicked.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the button or link whose text is `text` (see [`Browser::click`]).
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.click_text("Log in").await;
    /// # }
    /// ```
    pub async fn click_text(&self, text: &str) {
        let xpath = format!("//*[(self::button or self::a) and normalize-space(.)='{text}']");
        let clicked = self.find(Locator::XPath(&xpath)).await.click().await;
        clicked.unwrap_or_else(|e| panic!("click {text:?}: {e}"));
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
        let typed = self.find(Locator::Css(css)).await.send_keys(text).await;
        typed.unwrap_or_else(|e| panic!("type into {css}: {e}"));
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
            // A page being replaced has no element, or a stale one: try again.
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
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
        let text = self.find(Locator::Css(css)).await.text().await;
        text.unwrap_or_else(|e| panic!("the text of {css}: {e}"))
    }

    /// Resizes the window to `width` × `height` CSS pixels (e.g. a phone's 390 × 844).
    ///
    /// ```
    /// # async fn example(browser: test_support::browser::Browser) {
    /// browser.resize(390, 844).await;
    /// # }
    /// ```
    pub async fn resize(&self, width: u32, height: u32) {
        let resized = self.client.set_window_size(width, height).await;
        resized.unwrap_or_else(|e| panic!("resize to {width}×{height}: {e}"));
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
        let result = self.client.execute(script, Vec::new()).await;
        result.unwrap_or_else(|e| panic!("script {script:?}: {e}"))
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
        let png = self.client.screenshot().await;
        let png = png.unwrap_or_else(|e| panic!("screenshot: {e}"));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    /// Ends the session with a request of its own, which closes the
    /// window: fantoccini's own shutdown runs on the test's runtime, which
    /// is gone once the test returns, and Chromium would outlive
    /// chromedriver.
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let url = format!("{}/session/{session}", chromedriver());
        let _ = std::thread::spawn(move || {
            let _ = reqwest::blocking::Client::new()
                .delete(url)
                .timeout(Duration::from_secs(5))
                .send();
        })
        .join();
    }
}
