//! The sign-in checked on each request: refreshed when due, ended when
//! Cognito refuses the refresh, kept through an outage while the access
//! token holds.

use test_support::outage::Outage;

use crate::app::{ALWAYS_DUE, Options, spawn_app};

#[tokio::test]
async fn tokens_due_are_refreshed_and_the_user_stays_signed_in() {
    let app = spawn_app(Options {
        refresh_margin: ALWAYS_DUE,
        ..Options::default()
    })
    .await;
    app.log_in().await;
    let signed_in = app.calls("InitiateAuth");
    for round in 1..=2 {
        let page = app.browser.get(&app.url("/account")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(
            app.calls("InitiateAuth"),
            signed_in + round,
            "one refresh a request"
        );
    }
}

#[tokio::test]
async fn tokens_not_due_are_checked_without_a_call() {
    let app = spawn_app(Options::default()).await;
    app.log_in().await;
    let calls = app.calls("InitiateAuth");
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 200);
    assert_eq!(app.calls("InitiateAuth"), calls);
}

#[tokio::test]
async fn a_sign_in_revoked_elsewhere_ends_at_the_next_refresh() {
    let app = spawn_app(Options {
        refresh_margin: ALWAYS_DUE,
        ..Options::default()
    })
    .await;
    app.log_in().await;
    app.pool
        .admin
        .admin_user_global_sign_out()
        .user_pool_id(&app.pool.pool_id)
        .username("a")
        .send()
        .await
        .unwrap();
    let page = app.browser.get(&app.url("/account")).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(app.sessions().await, 0, "the ended session is deleted");
}

#[tokio::test]
async fn an_outage_of_cognito_keeps_a_sign_in_whose_token_holds() {
    let aws = test_support::local_aws().await;
    let outage = Outage::forward_to(&aws.endpoint).await;
    let app = spawn_app(Options {
        cognito_endpoint: Some(format!("http://{}", outage.address)),
        refresh_margin: ALWAYS_DUE,
        ..Options::default()
    })
    .await;
    app.log_in().await;
    outage.cut();
    let page = app.browser.get(&app.url("/account")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.sessions().await, 1);
    outage.restore().await;
    let (_, failed) = app.count("InitiateAuth");
    assert!(failed >= 1, "the refresh was tried");
}

/// A client that rotates refresh tokens: the session keeps the new one each
/// refresh brings, and a rotated-out token that Cognito refuses as reused
/// ends the session (Cognito's documented answers, on the real HTTP path).
#[tokio::test]
async fn a_rotated_refresh_token_is_kept_and_its_reuse_ends_the_session() {
    use test_support::outage::GET_TOKENS_FROM_REFRESH_TOKEN;
    let aws = test_support::local_aws().await;
    let outage = Outage::forward_to(&aws.endpoint).await;
    let app = spawn_app(Options {
        cognito_endpoint: Some(format!("http://{}", outage.address)),
        refresh_margin: ALWAYS_DUE,
        rotating: true,
    })
    .await;
    app.log_in().await;
    let answer = rotated_answer(&app).await;
    outage.succeed(GET_TOKENS_FROM_REFRESH_TOKEN, answer("rotated-1"));
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 200);
    outage.succeed(GET_TOKENS_FROM_REFRESH_TOKEN, answer("rotated-2"));
    assert_eq!(app.browser.get(&app.url("/account")).await.status, 200);
    let sent = outage.requests(GET_TOKENS_FROM_REFRESH_TOKEN);
    assert!(
        sent.last().is_some_and(|r| r.contains("rotated-1")),
        "the second refresh sends the token the first brought: {sent:?}"
    );

    outage.answer(
        GET_TOKENS_FROM_REFRESH_TOKEN,
        "RefreshTokenReuseException",
        "Refresh token has been used already.",
    );
    let page = app.browser.get(&app.url("/account")).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(app.sessions().await, 0, "the ended session is deleted");
}

/// Two instances refresh one session at once, each getting another rotated
/// token (Cognito's grace period lets both through): the session keeps
/// one of them, and the next refresh, on either instance, sends it; the
/// user stays signed in.
#[tokio::test]
async fn two_instances_refreshing_one_session_at_once_keep_it_signed_in() {
    use test_support::outage::GET_TOKENS_FROM_REFRESH_TOKEN;
    let aws = test_support::local_aws().await;
    let (to_one, to_two) = (
        Outage::forward_to(&aws.endpoint).await,
        Outage::forward_to(&aws.endpoint).await,
    );
    let options = |outage: &Outage| Options {
        cognito_endpoint: Some(format!("http://{}", outage.address)),
        refresh_margin: ALWAYS_DUE,
        rotating: true,
    };
    let app = spawn_app(options(&to_one)).await;
    let second = app.another_instance(&options(&to_two)).await;
    app.log_in().await;
    let other_tab = app.browser.same_browser_on(&app.base, &second);
    let answer = rotated_answer(&app).await;
    for round in 0..10 {
        let (one, two) = (format!("one-{round}"), format!("two-{round}"));
        to_one.succeed(GET_TOKENS_FROM_REFRESH_TOKEN, answer(&one));
        to_two.succeed(GET_TOKENS_FROM_REFRESH_TOKEN, answer(&two));
        let (on_one, on_two) = (app.url("/account"), format!("{second}/account"));
        let (a, b) = futures::join!(app.browser.get(&on_one), other_tab.get(&on_two));
        assert_eq!((a.status, b.status), (200, 200), "round {round}");
        // The next refresh sends the one the session kept.
        to_one.succeed(GET_TOKENS_FROM_REFRESH_TOKEN, answer("next"));
        let page = app.browser.get(&app.url("/account")).await;
        assert_eq!(page.status, 200, "round {round}: {}", page.body);
        let sent = to_one.requests(GET_TOKENS_FROM_REFRESH_TOKEN);
        let last = sent.last().unwrap();
        assert!(
            last.contains(&format!("\"{one}\"")) || last.contains(&format!("\"{two}\"")),
            "round {round}: {last}"
        );
    }
    assert_eq!(app.sessions().await, 1);
}

/// Cognito's answer to GetTokensFromRefreshToken for a client that rotates
/// refresh tokens, with real tokens of the app's pool and the new refresh
/// token given.
async fn rotated_answer(app: &crate::app::App) -> impl Fn(&str) -> serde_json::Value {
    let real = match app.cognito.sign_in("a", "aaaaaa").await.unwrap() {
        auth::SignIn::Tokens(tokens) => tokens,
        other => panic!("{other:?}"),
    };
    move |refresh: &str| {
        serde_json::json!({"AuthenticationResult": {
            "AccessToken": real.access_token, "IdToken": real.id_token,
            "RefreshToken": refresh, "ExpiresIn": 3600, "TokenType": "Bearer"
        }})
    }
}
