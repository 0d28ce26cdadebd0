//! Generated bad input against stage 1: malformed, tampered, truncated and
//! oversized cookies; huge and invalid-UTF-8 form fields; odd methods and
//! paths; odd `User-Agent` headers, which a login names its device by. Every answer is a 4xx or a normal page, never a 5xx, and the
//! server is healthy afterwards.

use crate::common;

use common::{Browser, settings, spawn_app};
use demo_web::settings::Stage;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

#[derive(Debug, Clone)]
enum Cookie {
    None,
    Garbage(String),
    Tampered { position: usize, with: char },
    Truncated(usize),
    Oversized(usize),
}

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: String,
    cookie: Cookie,
    body: Vec<u8>,
    form: bool,
    /// `Sec-Fetch-Site: same-origin`, which lets a form of a session that
    /// has no CSRF token past the check: the handlers get the bad input.
    same_origin: bool,
    user_agent: Option<Vec<u8>>,
}

/// `User-Agent` values: text of every printable kind, kilobytes of it, and
/// bytes that are not ASCII (allowed in a header, not valid as a string).
fn user_agent() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        "[ -~]{0,300}".prop_map(|s| Some(s.into_bytes())),
        (1usize..12)
            .prop_map(|kb| Some(format!("Mozilla/5.0 ({})", "x".repeat(kb * 1024)).into_bytes())),
        prop::collection::vec(0x80u8..=0xff, 1..64).prop_map(Some),
    ]
}

fn cookie() -> impl Strategy<Value = Cookie> {
    prop_oneof![
        Just(Cookie::None),
        "[ -~&&[^;]]{0,200}".prop_map(Cookie::Garbage),
        (0usize..200, prop::char::range('!', '~'))
            .prop_map(|(position, with)| Cookie::Tampered { position, with }),
        (0usize..120).prop_map(Cookie::Truncated),
        (4usize..40).prop_map(|kb| Cookie::Oversized(kb * 1024)),
    ]
}

/// Form bodies that parse, with odd values.
fn form_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "csrf=x&username=%ff%fe&password=%c3%28",
            "username=a&password=a",
            "csrf&&&==&",
            "csrf=x&username=a&password=a",
            "csrf=x&username=a%00b&password=%00",
            "csrf=x&username=%E2%80%AE%F0%9F%A6%80&password=%20",
            "csrf=x&handle=..%2f..&password=",
            "csrf=x&handle=0123456789abcdef&csrf=y",
        ])
        .prop_map(|body| body.as_bytes().to_vec()),
        // Long, but under the 16 KiB form limit.
        (1usize..15).prop_map(
            |kb| format!("csrf=x&password=a&username={}", "u".repeat(kb * 1000)).into_bytes()
        ),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop::sample::select(vec![
        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD",
    ]);
    let path = prop_oneof![
        8 => prop::sample::select(vec![
            "/", "/login", "/logout", "/quicklogin/a", "/quicklogin/%00", "/quicklogin/..%2f..", "/restricted",
            "/sessions", "/sessions/revoke", "/sessions/revoke-others", "/new-password", "/session.json",
            "/static/style.css", "/static/../Cargo.toml", "/%ff%fe", "//", "/login?x=%zz",
        ])
        .prop_map(str::to_owned),
        1 => "/[a-z0-9%._~-]{0,64}",
        1 => (1usize..6).prop_map(|n| format!("/{}", "a".repeat(n * 1500))),
    ];
    let body = prop_oneof![
        Just(Vec::new()),
        prop::collection::vec(any::<u8>(), 0..512),
        form_body(),
        (1usize..200).prop_map(|kb| format!(
            "csrf=x&username={}&password=a",
            "u".repeat(kb * 1024)
        )
        .into_bytes()),
    ];
    let anything = (
        method,
        path,
        cookie(),
        body,
        any::<bool>(),
        any::<bool>(),
        user_agent(),
    )
        .prop_map(
            |(method, path, cookie, body, form, same_origin, user_agent)| Case {
                method,
                path,
                cookie,
                body,
                form,
                same_origin,
                user_agent,
            },
        );
    // A form posted to a form's route: from a page of the site whose session
    // has no token (same origin, no or a broken cookie), it passes the CSRF
    // check and the handler gets the odd values.
    let form_post = (
        prop::sample::select(vec![
            "/login",
            "/logout",
            "/quicklogin/a",
            "/quicklogin/b",
            "/quicklogin/%00",
            "/sessions/revoke",
            "/sessions/revoke-others",
            "/new-password",
        ]),
        cookie(),
        form_body(),
        any::<bool>(),
        user_agent(),
    )
        .prop_map(|(path, cookie, body, same_origin, user_agent)| Case {
            method: "POST",
            path: path.to_owned(),
            cookie,
            body,
            form: true,
            same_origin,
            user_agent,
        });
    prop_oneof![2 => anything, 1 => form_post]
}

fn cookie_header(cookie: &Cookie, real: &str) -> Option<String> {
    let value = match cookie {
        Cookie::None => return None,
        Cookie::Garbage(s) => s.clone(),
        Cookie::Tampered { position, with } => {
            let mut chars: Vec<char> = real.chars().collect();
            let i = position % chars.len().max(1);
            if let Some(c) = chars.get_mut(i) {
                *c = *with;
            }
            chars.into_iter().filter(|c| *c != ';').collect()
        }
        Cookie::Truncated(n) => real.chars().take(*n).collect(),
        Cookie::Oversized(n) => "x".repeat(*n),
    };
    Some(format!("session={value}"))
}

#[tokio::test]
async fn generated_bad_input_never_gets_a_5xx() {
    let app = spawn_app(settings(Stage::Store).await).await;
    // A real logged-in cookie to tamper with.
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let real = browser
        .cookie(&app.address, "session")
        .expect("a session cookie");

    let mut runner = TestRunner::deterministic();
    let strategy = case();
    let cases: Vec<Case> = (0..300)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut statuses = std::collections::BTreeMap::new();
    let mut logins_with_odd_agents = 0;
    for case in &cases {
        let mut request = http
            .request(case.method.parse().unwrap(), app.url(&case.path))
            .body(case.body.clone());
        if case.form {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        if case.same_origin {
            request = request.header("sec-fetch-site", "same-origin");
        }
        if let Some(cookie) = cookie_header(&case.cookie, &real) {
            request = request.header("cookie", cookie);
        }
        if let Some(agent) = &case.user_agent {
            let value = reqwest::header::HeaderValue::from_bytes(agent).unwrap();
            request = request.header("user-agent", value);
        }
        let status = match request.send().await {
            Ok(response) => response.status().as_u16(),
            // The server may close the connection on a request it refuses to read.
            Err(e) if e.is_request() || e.is_body() => 0,
            Err(e) => panic!("{case:?}: {e}"),
        };
        assert!(status < 500, "{case:?} got {status}");
        *statuses.entry(status).or_insert(0) += 1;
        if status == 303 && case.path.starts_with("/quicklogin/") && case.user_agent.is_some() {
            logins_with_odd_agents += 1;
        }
    }
    println!(
        "statuses: {statuses:?}; quick logins with an odd User-Agent: {logins_with_odd_agents}"
    );
    assert!(
        statuses.keys().filter(|s| **s >= 400).count() >= 3,
        "the cases reach several refusals: {statuses:?}"
    );
    assert!(statuses.contains_key(&200), "{statuses:?}");
    assert!(
        logins_with_odd_agents >= 5,
        "logins name their device from odd agents: {logins_with_odd_agents}"
    );

    // Healthy afterwards, and the real session is intact.
    let home = browser.get(&app.url("/")).await;
    assert_eq!(home.status, 200);
    home.assert_shows("Hello <strong>a</strong>");
}
