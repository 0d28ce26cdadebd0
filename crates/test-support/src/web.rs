//! A browser without a screen for the web app's tests: its own cookie jar,
//! no automatic redirects, every HTML page it receives checked to parse
//! without an error; and the reading of a Prometheus text page.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};

/// An answer as a browser sees it.
#[derive(Debug)]
pub struct Page {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, as text.
    pub body: String,
}

impl Page {
    /// The `Location` header.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The (first) `Set-Cookie` header.
    pub fn set_cookie(&self) -> Option<&str> {
        self.header("set-cookie")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Panics, printing the page, unless it shows `text`.
    #[track_caller]
    pub fn assert_shows(&self, text: &str) {
        let body = &self.body;
        assert!(
            body.contains(text),
            "the page does not show {text:?}:\n{body}"
        );
    }

    /// Panics, printing the page, if it shows `text`.
    #[track_caller]
    pub fn assert_lacks(&self, text: &str) {
        let body = &self.body;
        assert!(!body.contains(text), "the page shows {text:?}:\n{body}");
    }

    /// The action of the page's first POST form whose action starts with
    /// `path`, as a browser reads it (the HTML's escapes undone).
    #[track_caller]
    pub fn form_action(&self, path: &str) -> String {
        let html = scraper::Html::parse_document(&self.body);
        let form = scraper::Selector::parse("form[method=post]").expect("a valid selector");
        html.select(&form)
            .filter_map(|f| f.value().attr("action"))
            .find(|action| action.starts_with(path))
            .unwrap_or_else(|| panic!("a form posting to {path}: {}", self.body))
            .to_owned()
    }

    /// The CSRF token of the page's forms.
    #[track_caller]
    pub fn csrf(&self) -> String {
        crate::csrf_of(&self.body)
            .expect("a form with a CSRF token")
            .to_owned()
    }
}

/// A browser: its own cookie jar, no automatic redirects.
///
/// ```no_run
/// # async fn example(base: &str) {
/// let browser = test_support::web::Browser::new();
/// let home = browser.get(&format!("{base}/")).await;
/// home.assert_shows("Not Logged");
/// let login = format!("{base}/login");
/// let answer = browser.submit(&login, &login, &[("username", "a"), ("password", "a")]).await;
/// assert_eq!(answer.location(), Some("/"));
/// # }
/// ```
pub struct Browser {
    /// The cookie jar, for a test that sets a cookie by hand.
    pub jar: Arc<Jar>,
    /// The HTTP client, for a method the helpers below do not send.
    pub http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    /// A browser with no cookie yet.
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
            .timeout(Duration::from_secs(20))
            .build()
            .expect("an HTTP client");
        Self { jar, http }
    }

    /// This browser's cookies for `base` (`http://host:port`), sent to another
    /// address: the same browser talking to another instance of the app.
    pub fn same_browser_on(&self, base: &str, other: &str) -> Self {
        let browser = Self::new();
        if let Some(cookies) = self.jar.cookies(&base.parse().expect("a URL")) {
            for cookie in cookies.to_str().unwrap_or_default().split("; ") {
                browser
                    .jar
                    .add_cookie_str(cookie, &other.parse().expect("a URL"));
            }
        }
        browser
    }

    /// The value of cookie `name` that this browser sends to `base`.
    pub fn cookie(&self, base: &str, name: &str) -> Option<String> {
        let header = self.jar.cookies(&base.parse().ok()?)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
    }

    /// GETs `url`. A transport error fails the test.
    pub async fn get(&self, url: &str) -> Page {
        self.try_get(url).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// GETs `url` with extra headers (`Accept`, ...).
    pub async fn get_with(&self, url: &str, headers: &[(&str, &str)]) -> Page {
        let request = headers.iter().fold(self.http.get(url), |r, (name, value)| {
            r.header(*name, *value)
        });
        page(
            request
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url}: {e}")),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// GETs `url`; a transport error is an `Err`, for load tests that count them.
    pub async fn try_get(&self, url: &str) -> Result<Page, String> {
        let answer = self.http.get(url).send().await;
        page(answer.map_err(|e| format!("GET {url}: {e}"))?).await
    }

    /// POSTs `form` to `url`.
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
        self.try_post_with(url, form, headers)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// As [`Browser::post_with`]; a transport error is an `Err`.
    pub async fn try_post_with(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Result<Page, String> {
        let request = headers
            .iter()
            .fold(self.http.post(url).form(form), |r, (name, value)| {
                r.header(*name, *value)
            });
        page(
            request
                .send()
                .await
                .map_err(|e| format!("POST {url}: {e}"))?,
        )
        .await
    }

    /// POSTs a form of `page_url`'s page to `action`, with its CSRF token.
    pub async fn submit(&self, page_url: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(page_url).await.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }
}

/// Every HTML page a test receives is checked to be valid HTML: a
/// template's mistake (a form inside a `<p>`, a stray end tag) fails
/// whichever test first meets it.
async fn page(response: reqwest::Response) -> Result<Page, String> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.map_err(|e| e.to_string())?;
    let page = Page {
        status,
        headers,
        body,
    };
    let is_html = page
        .header("content-type")
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        assert_valid_html(&page.body);
    }
    Ok(page)
}

/// Panics, printing the page, unless it parses as HTML without an error.
///
/// ```
/// test_support::web::assert_valid_html("<!DOCTYPE html><title>t</title><p>fine</p>");
/// ```
#[track_caller]
pub fn assert_valid_html(html: &str) {
    let errors = scraper::Html::parse_document(html).errors;
    assert!(errors.is_empty(), "not valid HTML: {errors:?}\n{html}");
}

/// The value of the series `name{labels}` in a Prometheus text page (0 when
/// absent).
///
/// ```
/// let page = "# TYPE x counter\nx{op=\"GetItem\"} 3\nx{op=\"PutItem\"} 1\n";
/// assert_eq!(test_support::web::metric(page, "x{op=\"GetItem\"}"), 3.0);
/// assert_eq!(test_support::web::metric(page, "y"), 0.0);
/// ```
pub fn metric(page: &str, series: &str) -> f64 {
    page.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

/// The series of metric `name` by the value of its one label.
///
/// ```
/// let page = "x{op=\"GetItem\"} 3\nx{op=\"PutItem\"} 1\nxy{op=\"A\"} 9\n";
/// let by_op = test_support::web::metric_by_label(page, "x");
/// assert_eq!(by_op.into_iter().collect::<Vec<_>>(), [("GetItem".into(), 3.0), ("PutItem".into(), 1.0)]);
/// ```
pub fn metric_by_label(page: &str, name: &str) -> BTreeMap<String, f64> {
    page.lines()
        .filter_map(|line| line.strip_prefix(name)?.strip_prefix('{'))
        .filter_map(|rest| {
            let (label, value) = rest.split_once("} ")?;
            let (_, label) = label.split_once("=\"")?;
            Some((label.strip_suffix('"')?.to_owned(), value.parse().ok()?))
        })
        .collect()
}
