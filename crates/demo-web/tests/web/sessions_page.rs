//! `/sessions`: a user's sessions, listed and revoked.

use demo_web::settings::Stage;

use crate::common::{Browser, settings, spawn_app};

#[tokio::test]
async fn the_sessions_page_lists_and_revokes() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let (laptop, phone) = (
        // A client that does not name itself (no User-Agent).
        Browser::new(),
        Browser::with_user_agent(
            "Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0",
        ),
    );
    assert_eq!(
        laptop.get(&app.url("/sessions")).await.location(),
        Some("/login?next=/sessions")
    );
    app.log_in(&laptop, "a", "a").await;
    app.log_in(&phone, "a", "a").await;
    let mut listing = laptop.get(&app.url("/sessions")).await;
    for _ in 0..20 {
        // The index is eventually consistent on real DynamoDB.
        if listing.body.matches("<tr").count() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        listing = laptop.get(&app.url("/sessions")).await;
    }
    assert_eq!(
        listing.body.matches("<tr").count(),
        3,
        "header and two sessions: {}",
        listing.body
    );
    assert_eq!(listing.body.matches("(this one)").count(), 1);
    // Each session says where it was opened.
    listing.assert_shows(r#"<td data-label="Device">Firefox on Android</td>"#);
    listing.assert_shows(r#"<td data-label="Device">Unknown device</td>"#);
    // A screen reader says which session a Revoke button ends: the other one.
    let labels: Vec<_> = listing
        .body
        .split("aria-label=\"Revoke session ")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let [label] = labels[..] else {
        panic!("one labelled Revoke button: {labels:?}")
    };
    let other = label
        .strip_suffix(" (Firefox on Android)")
        .unwrap_or_else(|| panic!("the label names the phone: {label}"));
    assert!(
        listing.body.contains(&format!("<code>{other}</code></td>")),
        "{other} is the phone's session: {}",
        listing.body
    );
    listing.assert_shows("Revoke all other sessions");
    let page = laptop
        .submit(
            &app.url("/sessions"),
            &app.url("/sessions/revoke-others"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    // The phone is logged out.
    phone.get(&app.url("/")).await.assert_shows("Not Logged");
    laptop
        .get(&app.url("/"))
        .await
        .assert_shows("Hello <strong>a</strong>");
    // Only this one is left: nothing else to revoke.
    let alone = laptop.get(&app.url("/sessions")).await;
    assert_eq!(alone.body.matches("<tr").count(), 2, "{}", alone.body);
    alone.assert_lacks("Revoke all other sessions");
}

#[tokio::test]
async fn a_sessions_form_posted_without_a_login_goes_to_the_login_and_back_to_the_page() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    for action in ["/sessions/revoke", "/sessions/revoke-others"] {
        let answer = browser
            .submit(&app.url("/"), &app.url(action), &[("handle", "x")])
            .await;
        // Back to the page the form was on, not to an address only a post reaches.
        assert_eq!(answer.status, 303, "{action}");
        assert_eq!(answer.location(), Some("/login?next=/sessions"), "{action}");
    }
}
