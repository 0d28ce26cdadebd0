//! The binary's log at its most verbose (`RUST_LOG=trace`) holds no secret:
//! not the cookie key, not the session cookie or the key inside it, not the
//! session's state (the AWS SDK prints DynamoDB items at TRACE).

use crate::common;

use actix_web::cookie::{Cookie, CookieJar, Key};
use common::{Backend, Client, Instance};
use test_support::csrf_of;

#[tokio::test]
async fn trace_logs_hold_no_secret() {
    let backend = Backend::new(test_support::endpoint());
    let app = Instance::start_logging(&backend, "trace");
    let browser = Client::new(&app.base);
    let (status, _) = browser.post("/quicklogin/a").await.unwrap();
    assert_eq!(status, 303);
    // Each of these reads the session item, its state in the answer.
    let (_, home) = browser.get("/").await.unwrap();
    assert!(home.contains("Hello"), "{home}");
    let csrf = csrf_of(&home).unwrap().to_owned();
    let (status, _) = browser.get("/session.json").await.unwrap();
    assert_eq!(status, 200);
    let cookie = browser.cookie("session").expect("a session cookie");
    let session_key = CookieJar::new()
        .private(&Key::from(backend.secret.as_bytes()))
        .decrypt(Cookie::parse_encoded(format!("session={cookie}")).unwrap())
        .expect("the cookie decrypts with SESSION_SECRET")
        .value()
        .to_owned();
    app.assert_healthy();

    let log = app.log();
    // The SDK logged each call at TRACE: the check saw its most verbose output.
    assert!(
        log.contains("TRACE") && log.contains("DynamoDB.GetItem"),
        "no TRACE lines from the SDK:\n{log}"
    );
    for (what, secret) in [
        ("SESSION_SECRET", backend.secret.as_str()),
        ("the session cookie", &cookie),
        ("the session key", &session_key),
        ("the CSRF token", &csrf),
    ] {
        assert!(
            secret.len() >= 20 && !log.contains(secret),
            "{what} is in the log ({})",
            app.base
        );
    }
}

#[tokio::test]
async fn each_request_is_one_line_without_its_query() {
    let backend = Backend::new(test_support::endpoint());
    let app = Instance::start_logging(&backend, "info");
    let browser = Client::new(&app.base);
    // Anonymous on /restricted: 401.
    let (status, _) = browser.get("/restricted?next=private").await.unwrap();
    assert_eq!(status, 401);
    assert_eq!(browser.get("/nowhere").await.unwrap().0, 404);
    app.assert_healthy();

    let log = app.log();
    let lines: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split_once("demo_web::middleware::request_log: request "))
        .map(|(_, fields)| fields)
        .collect();
    // Before them, the start-up's readiness probe of the stylesheet.
    assert!(lines.len() >= 2, "{log}");
    let ours = &lines[lines.len() - 2..];
    assert!(
        ours[0].starts_with("method=GET path=/restricted status=401 elapsed_ms=")
            && ours[1].starts_with("method=GET path=/nowhere status=404 elapsed_ms="),
        "{log}"
    );
    for line in lines {
        let (_, ms) = line
            .rsplit_once(" elapsed_ms=")
            .unwrap_or_else(|| panic!("{line}"));
        let (whole, micros) = ms.split_once('.').unwrap_or_else(|| panic!("{line}"));
        assert!(
            whole.parse::<u64>().is_ok() && micros.len() == 3 && micros.parse::<u16>().is_ok(),
            "milliseconds to the microsecond: {line}"
        );
    }
    assert!(!log.contains("private"), "{log}");
}

#[tokio::test]
async fn a_short_session_secret_draws_a_warning() {
    let backend = Backend {
        secret: "correct horse".into(),
        ..Backend::new(test_support::endpoint())
    };
    let app = Instance::start(&backend);
    let browser = Client::new(&app.base);
    // It works (the secret is stretched), and the log says to use a longer one.
    assert_eq!(browser.post("/quicklogin/a").await.unwrap().0, 303);
    assert!(browser.get("/").await.unwrap().1.contains("Hello"));
    let log = app.log();
    assert!(
        log.contains("WARN") && log.contains("SESSION_SECRET is short") && log.contains("bytes=13"),
        "{log}"
    );
    assert!(!log.contains("correct horse"), "{log}");
}
