//! Sign-in through Cognito's managed login (the hosted page), OAuth 2.0's
//! code grant with PKCE, on ministack, which serves the page and checks
//! the PKCE verifier; moto has no managed login.

use auth::managed_login::{Callback, Endpoints, ManagedLogin, PendingLogin};
use auth::{AuthError, Cognito, TokenUse};
use test_support::emulator::Gap;

use crate::pool::Pool;

const CALLBACK: &str = "http://127.0.0.1:9/auth/callback";
const SIGNED_OUT: &str = "http://127.0.0.1:9/";

/// A pool with user `a`, an app client with managed login (with a secret
/// or not), and its login through the pool's discovered endpoints; `None`
/// on an emulator without managed login.
async fn managed_login(with_secret: bool) -> Option<(Cognito, ManagedLogin)> {
    let pool = Pool::new().await;
    if pool.aws.lacks(Gap::ManagedLogin) {
        return None;
    }
    pool.confirmed_user("a", "aaaaaa").await;
    let (client_id, secret) = pool
        .demo()
        .managed_login_client(CALLBACK, SIGNED_OUT, with_secret)
        .await;
    let cognito = Cognito::builder(&pool.aws.config, &pool.id, &client_id)
        .client_secret(secret)
        .build();
    let endpoints = Endpoints::discover(&cognito).await.unwrap();
    let login = ManagedLogin::new(&cognito, endpoints, CALLBACK).unwrap();
    Some((cognito, login))
}

/// The callback's query, as the hosted page sent it back.
fn callback_of(location: &str) -> Callback {
    let url = url::Url::parse(location).unwrap();
    assert_eq!(url.path(), "/auth/callback", "{location}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    Callback {
        code: query.get("code").cloned(),
        state: query.get("state").cloned(),
        error: query.get("error").cloned(),
        error_description: query.get("error_description").cloned(),
    }
}

/// `pending` with one of its fields changed, as a tampered session would hold it.
fn altered(pending: &PendingLogin, field: &str, value: serde_json::Value) -> PendingLogin {
    let mut json = serde_json::to_value(pending).unwrap();
    json[field] = value;
    serde_json::from_value(json).unwrap()
}

#[tokio::test]
async fn the_hosted_page_signs_in_with_pkce_and_the_tokens_verify() {
    for with_secret in [false, true] {
        let Some((cognito, login)) = managed_login(with_secret).await else {
            return;
        };
        let (url, pending) = login.start();
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge_method"], "S256");
        assert!(query["scope"].split(' ').any(|s| s == "openid"));
        assert!(!query.contains_key("code_verifier"));

        let back = test_support::hosted_page::sign_in(url.as_str(), "a", "aaaaaa")
            .await
            .unwrap();
        let tokens = login
            .finish(Some(pending), &callback_of(&back))
            .await
            .unwrap();
        let claims = cognito
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await
            .unwrap();
        assert_eq!(claims.username, "a", "with a secret: {with_secret}");

        // Refreshed through the same token endpoint; the refresh token kept.
        let refresh_token = tokens.refresh_token.clone().expect("a refresh token");
        let fresh = login.refresh(&refresh_token).await.unwrap();
        assert_eq!(fresh.refresh_token.as_deref(), Some(refresh_token.as_str()));
        let refused = login.refresh("not-a-refresh-token").await.unwrap_err();
        assert!(
            matches!(refused, AuthError::InvalidToken { .. }),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_on_the_hosted_page_gives_no_code() {
    let Some((_, login)) = managed_login(false).await else {
        return;
    };
    let (url, _) = login.start();
    // The page shows its form again with the error: no redirect, no code.
    let page = test_support::hosted_page::sign_in(url.as_str(), "a", "wrong!")
        .await
        .unwrap_err();
    assert!(page.contains("Incorrect username or password."), "{page}");
}

#[tokio::test]
async fn a_callback_that_is_not_this_logins_answer_is_refused() {
    let Some((_, login)) = managed_login(false).await else {
        return;
    };
    let (url, pending) = login.start();
    let back = callback_of(
        &test_support::hosted_page::sign_in(url.as_str(), "a", "aaaaaa")
            .await
            .unwrap(),
    );
    let refused = |result: Result<auth::Tokens, AuthError>| {
        let err = result.unwrap_err();
        assert!(matches!(err, AuthError::LoginRefused { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "This sign-in could not be completed, please sign in again."
        );
    };
    // No login started in this session (or it was used).
    refused(login.finish(None, &back).await);
    // A state of another login, or none.
    let wrong_state = Callback {
        state: Some("another".into()),
        ..back.clone()
    };
    refused(login.finish(Some(pending.clone()), &wrong_state).await);
    let no_state = Callback {
        state: None,
        ..back.clone()
    };
    refused(login.finish(Some(pending.clone()), &no_state).await);
    // Started more than ten minutes ago.
    let old = altered(&pending, "started", 0.into());
    refused(login.finish(Some(old), &back).await);
    // The hosted page's error, whatever else the query holds.
    let denied = Callback {
        error: Some("access_denied".into()),
        ..back.clone()
    };
    refused(login.finish(Some(pending.clone()), &denied).await);
    // Another PKCE verifier: the token endpoint refuses the code.
    let other_verifier = altered(&pending, "verifier", "x".repeat(43).into());
    refused(login.finish(Some(other_verifier), &back).await);

    // The right answer goes through, once: the code serves once.
    login.finish(Some(pending.clone()), &back).await.unwrap();
    refused(login.finish(Some(pending), &back).await);
}

#[tokio::test]
async fn an_id_token_for_another_nonce_is_refused() {
    let Some((_, login)) = managed_login(false).await else {
        return;
    };
    let (url, pending) = login.start();
    let back = callback_of(
        &test_support::hosted_page::sign_in(url.as_str(), "a", "aaaaaa")
            .await
            .unwrap(),
    );
    let other_nonce = altered(&pending, "nonce", "another".into());
    let err = login.finish(Some(other_nonce), &back).await.unwrap_err();
    assert!(matches!(err, AuthError::InvalidToken { .. }), "{err:?}");
}

#[test]
fn the_endpoints_of_a_domain_are_cognitos_paths() {
    let prefix = Endpoints::of_domain("https://example.auth.eu-west-1.amazoncognito.com").unwrap();
    assert_eq!(
        prefix.authorization.as_str(),
        "https://example.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    );
    let custom = Endpoints::of_domain("auth.example.com").unwrap();
    assert_eq!(
        custom.token.as_str(),
        "https://auth.example.com/oauth2/token"
    );
    assert_eq!(custom.logout.as_str(), "https://auth.example.com/logout");
    assert!(matches!(
        Endpoints::of_domain("https://"),
        Err(AuthError::Misconfigured { .. })
    ));
}
