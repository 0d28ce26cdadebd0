//! `Cognito::check_tokens`: a session's tokens on each request, against the
//! emulator (its outage cases run end to end in demo-web's outages tests).

use std::time::Duration;

use auth::{AuthFlow, TokenCheck};

use crate::pool::{Pool, tokens};

/// Access tokens live an hour: a margin of two refreshes at once.
const DUE: Duration = Duration::from_secs(2 * 3600);
const NOT_DUE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn tokens_not_due_are_valid_without_a_call() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let calls = |c: &auth::Cognito| c.call_counts().iter().map(|c| c.calls).sum::<u64>();
    let before = calls(&cognito);
    let check = cognito.check_tokens("a", &tokens, NOT_DUE).await.unwrap();
    assert!(
        matches!(&check, TokenCheck::Valid(claims) if claims.username == "a"),
        "{check:?}"
    );
    assert_eq!(calls(&cognito), before, "verified locally");
}

#[tokio::test]
async fn tokens_due_are_refreshed_and_verified() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    match cognito.check_tokens("a", &tokens, DUE).await.unwrap() {
        TokenCheck::Refreshed(fresh, claims) => {
            assert_eq!(claims.username, "a");
            assert_ne!(fresh.access_token, tokens.access_token);
            assert_eq!(
                fresh.refresh_token, tokens.refresh_token,
                "kept unless rotated"
            );
        }
        other => panic!("expected a refresh, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_refused_after_a_sign_out_ends_the_session() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    cognito.sign_out(&tokens.access_token).await.unwrap();
    let check = cognito.check_tokens("a", &tokens, DUE).await.unwrap();
    assert!(matches!(check, TokenCheck::Ended), "{check:?}");
}

#[tokio::test]
async fn tokens_of_another_user_end_the_session() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let check = cognito.check_tokens("b", &tokens, NOT_DUE).await.unwrap();
    assert!(matches!(check, TokenCheck::Ended), "{check:?}");
}

#[tokio::test]
async fn a_token_that_does_not_verify_and_cannot_be_refreshed_ends_the_session() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let mut tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    tokens.access_token.push('x'); // its signature no longer checks out
    tokens.refresh_token = None;
    let check = cognito.check_tokens("a", &tokens, NOT_DUE).await.unwrap();
    assert!(matches!(check, TokenCheck::Ended), "{check:?}");
}
