//! Sign-in, challenges, refresh, sign-out and verification against Cognito
//! on the local emulator. (The emulator does not check SRP signatures: SRP
//! itself is proven by the known answers in src/srp.rs; wrong passwords are
//! proven here with USER_PASSWORD_AUTH, which the emulator does check.)

use std::time::Duration;

use crate::pool::{Pool, tokens};
use auth::{AuthError, AuthFlow, Cognito, SignIn, TokenUse};
use test_support::emulator::Gap;

#[tokio::test]
async fn srp_sign_in_gives_tokens_that_verify() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    assert!(tokens.refresh_token.is_some());
    let access = cognito
        .verifier()
        .verify(&tokens.access_token, TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(access.username, "a");
    let id = cognito
        .verifier()
        .verify(&tokens.id_token, TokenUse::Id)
        .await
        .unwrap();
    assert_eq!(id.sub, access.sub);
    assert_eq!(
        cognito.verifier().issuer(),
        format!("https://cognito-idp.us-east-1.amazonaws.com/{}", pool.id)
    );
    // An ID token is no access token, and another client's verifier refuses both.
    assert!(
        cognito
            .verifier()
            .verify(&tokens.id_token, TokenUse::Access)
            .await
            .is_err()
    );
    let other = pool.cognito_with_secret(AuthFlow::Srp);
    assert!(matches!(
        other
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await,
        Err(AuthError::InvalidToken { .. })
    ));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_read_alike() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Password);
    tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let wrong = cognito.sign_in("a", "wrong-password").await.unwrap_err();
    let unknown = cognito.sign_in("nobody", "aaaaaa").await.unwrap_err();
    assert_eq!(wrong, AuthError::InvalidCredentials);
    assert_eq!(unknown, AuthError::InvalidCredentials);
    assert_eq!(wrong.to_string(), "Incorrect username or password.");
    // Through SRP an unknown user reads the same.
    let srp = pool
        .cognito(AuthFlow::Srp)
        .sign_in("nobody", "x")
        .await
        .unwrap_err();
    assert_eq!(srp, AuthError::InvalidCredentials);
}

#[tokio::test]
async fn new_password_required_round_trip() {
    let pool = Pool::new().await;
    pool.invited_user("c", "temporary").await;
    for flow in [AuthFlow::Srp, AuthFlow::Password] {
        let cognito = pool.cognito(flow);
        let SignIn::NewPasswordRequired(challenge) =
            cognito.sign_in("c", "temporary").await.unwrap()
        else {
            panic!("expected NEW_PASSWORD_REQUIRED");
        };
        assert_eq!(challenge.username, "c");
        assert!(
            !format!("{challenge:?}").contains(&challenge.session),
            "Debug hides the session"
        );
        if flow == AuthFlow::Password {
            let tokens = tokens(
                cognito
                    .answer_new_password(&challenge, "cccccc", &[])
                    .await
                    .unwrap(),
            );
            let claims = cognito
                .verifier()
                .verify(&tokens.access_token, TokenUse::Access)
                .await
                .unwrap();
            assert_eq!(claims.username, "c");
        }
    }
    // The new password is now the password; the temporary one is not.
    let cognito = pool.cognito(AuthFlow::Password);
    tokens(cognito.sign_in("c", "cccccc").await.unwrap());
    assert_eq!(
        cognito.sign_in("c", "temporary").await.unwrap_err(),
        AuthError::InvalidCredentials
    );
}

#[tokio::test]
async fn refresh_gives_new_verified_tokens() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let first = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let counts = cognito.call_counts();
    let count = |call| counts.iter().find(|c| c.call == call).unwrap().calls;
    assert_eq!(
        (count("InitiateAuth"), count("RespondToAuthChallenge")),
        (1, 1),
        "SRP: two calls"
    );
    let refresh_token = first.refresh_token.clone().unwrap();
    let refreshed = cognito.refresh("a", &refresh_token).await.unwrap();
    let claims = cognito
        .verifier()
        .verify(&refreshed.access_token, TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(claims.username, "a");
    cognito
        .verifier()
        .verify(&refreshed.id_token, TokenUse::Id)
        .await
        .unwrap();
    assert_eq!(
        refreshed.refresh_token.as_deref(),
        Some(refresh_token.as_str())
    );
    let err = cognito
        .refresh("a", "not-a-refresh-token")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidToken { .. }), "{err:?}");
}

/// After GlobalSignOut, Cognito refuses the access token (GetUser) and the
/// refresh token: the app ends the session at its next refresh at the latest.
/// (ministack checks revocation with `AUTH=true`, as test-support starts it.)
#[tokio::test]
async fn sign_out_revokes_access_and_refresh_tokens_at_cognito() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    assert_eq!(
        cognito.current_user(&tokens.access_token).await.unwrap(),
        "a"
    );
    cognito.sign_out(&tokens.access_token).await.unwrap();
    let get_user = cognito
        .current_user(&tokens.access_token)
        .await
        .unwrap_err();
    assert!(
        matches!(get_user, AuthError::InvalidToken { .. }),
        "{get_user:?}"
    );
    let refresh = cognito
        .refresh("a", tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(refresh, AuthError::InvalidToken { .. }),
        "{refresh:?}"
    );
}

#[tokio::test]
async fn a_client_with_a_secret_sends_secret_hash() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    for flow in [AuthFlow::Srp, AuthFlow::Password] {
        let cognito = pool.cognito_with_secret(flow);
        let tokens = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
        let claims = cognito
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await
            .unwrap();
        cognito
            .refresh(&claims.username, tokens.refresh_token.as_deref().unwrap())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_password_against_the_policy_gets_cognitos_message() {
    let pool = Pool::new().await;
    if pool.aws.lacks(Gap::PolicyOnNewPassword) {
        return;
    }
    pool.invited_user("d", "temporary").await;
    let cognito = pool.cognito(AuthFlow::Password);
    let SignIn::NewPasswordRequired(challenge) = cognito.sign_in("d", "temporary").await.unwrap()
    else {
        panic!("expected NEW_PASSWORD_REQUIRED");
    };
    let err = cognito
        .answer_new_password(&challenge, "abc", &[])
        .await
        .unwrap_err();
    let AuthError::InvalidPassword(message) = &err else {
        panic!("{err:?}")
    };
    assert!(!message.is_empty());
}

#[tokio::test]
async fn an_unknown_app_client_is_a_configuration_error_not_a_wrong_password() {
    let pool = Pool::new().await;
    pool.confirmed_user("alice", "correct-horse").await;
    let cognito = Cognito::builder(&pool.aws.config, &pool.id, "no-such-client")
        .auth_flow(AuthFlow::Password)
        .build();
    let err = cognito.sign_in("alice", "correct-horse").await.unwrap_err();
    assert!(
        matches!(&err, AuthError::Misconfigured { reason } if reason.contains("ResourceNotFound")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("no-such-client"), "{err}");
}

#[tokio::test]
async fn an_unreachable_cognito_is_service_unavailable_within_the_timeout() {
    let config = test_support::sdk_config(&test_support::unreachable_endpoint()).await;
    let cognito = Cognito::builder(&config, "us-east-1_nothing", "client")
        .timeout(Duration::from_secs(1))
        .build();
    let started = std::time::Instant::now();
    let err = cognito.sign_in("a", "aaaaaa").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, AuthError::ServiceUnavailable { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "The sign-in service is unavailable, please try again later."
    );
}

/// RevokeToken ends one sign-in: its refresh token is refused, and another
/// sign-in of the same user still refreshes.
#[tokio::test]
async fn revoking_one_sign_in_leaves_the_others_working() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let laptop = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let phone = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let laptop_refresh = laptop.refresh_token.as_deref().unwrap();
    if pool.aws.lacks(Gap::RevokeToken) {
        // What CognitoLogin::sign_out falls back from.
        assert!(cognito.revoke_refresh_token(laptop_refresh).await.is_err());
        return;
    }
    cognito.revoke_refresh_token(laptop_refresh).await.unwrap();
    let refused = cognito.refresh("a", laptop_refresh).await.unwrap_err();
    assert!(
        matches!(refused, AuthError::InvalidToken { .. }),
        "{refused:?}"
    );
    let refreshed = cognito
        .refresh("a", phone.refresh_token.as_deref().unwrap())
        .await
        .unwrap();
    cognito
        .verifier()
        .verify(&refreshed.access_token, TokenUse::Access)
        .await
        .unwrap();
}

/// A client that rotates refresh tokens refreshes with
/// GetTokensFromRefreshToken (ministack answers without rotating).
#[tokio::test]
async fn a_rotating_client_refreshes_with_get_tokens_from_refresh_token() {
    let pool = Pool::new().await;
    if pool.aws.lacks(Gap::GetTokensFromRefreshToken) {
        return;
    }
    pool.confirmed_user("a", "aaaaaa").await;
    let demo = pool.demo();
    let cognito = Cognito::builder(&pool.aws.config, &demo.pool_id, &demo.client_id)
        .rotating_refresh_tokens(true)
        .build();
    let signed_in = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let refresh = signed_in.refresh_token.as_deref().unwrap();
    let fresh = cognito.refresh("a", refresh).await.unwrap();
    cognito
        .verifier()
        .verify(&fresh.access_token, TokenUse::Access)
        .await
        .unwrap();
    let count = |call| {
        cognito
            .call_counts()
            .into_iter()
            .find(|c| c.call == call)
            .unwrap()
            .calls
    };
    assert_eq!(count("GetTokensFromRefreshToken"), 1);
    assert_eq!(count("InitiateAuth"), 1, "the sign-in only");
    let refused = cognito
        .refresh("a", "not-a-refresh-token")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AuthError::InvalidToken { .. }),
        "{refused:?}"
    );
}

/// Cognito's answers that no emulator gives, on the real HTTP path: a
/// rotated refresh token, the reuse of a rotated-out one, and
/// REFRESH_TOKEN_AUTH refused to a client that rotates.
#[tokio::test]
async fn a_rotated_refresh_token_is_kept_and_a_reused_one_is_refused() {
    use test_support::outage::{GET_TOKENS_FROM_REFRESH_TOKEN, INITIATE_AUTH, Outage};
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let real = tokens(
        pool.cognito(AuthFlow::Password)
            .sign_in("a", "aaaaaa")
            .await
            .unwrap(),
    );
    let outage = Outage::forward_to(&pool.aws.endpoint).await;
    let config = pool
        .aws
        .config
        .to_builder()
        .endpoint_url(format!("http://{}", outage.address))
        .build();
    let demo = pool.demo();
    let rotating = Cognito::builder(&config, &demo.pool_id, &demo.client_id)
        .rotating_refresh_tokens(true)
        .build();
    outage.succeed(
        GET_TOKENS_FROM_REFRESH_TOKEN,
        serde_json::json!({"AuthenticationResult": {
            "AccessToken": real.access_token, "IdToken": real.id_token,
            "RefreshToken": "rotated-refresh-token", "ExpiresIn": 3600, "TokenType": "Bearer"
        }}),
    );
    let fresh = rotating.refresh("a", "old-refresh-token").await.unwrap();
    assert_eq!(
        fresh.refresh_token.as_deref(),
        Some("rotated-refresh-token")
    );
    let sent = outage.requests(GET_TOKENS_FROM_REFRESH_TOKEN);
    assert!(
        sent.iter().any(|r| r.contains("old-refresh-token")),
        "{sent:?}"
    );

    outage.answer(
        GET_TOKENS_FROM_REFRESH_TOKEN,
        "RefreshTokenReuseException",
        "Refresh token has been used already.",
    );
    let reused = rotating
        .refresh("a", "old-refresh-token")
        .await
        .unwrap_err();
    assert!(
        matches!(reused, AuthError::InvalidToken { .. }),
        "{reused:?}"
    );

    // The same client built without the option: its REFRESH_TOKEN_AUTH is
    // refused for the client's setting, not for the token.
    let not_rotating = Cognito::builder(&config, &demo.pool_id, &demo.client_id).build();
    outage.answer(
        INITIATE_AUTH,
        "NotAuthorizedException",
        "Refresh token rotation is enabled for this client; use GetTokensFromRefreshToken.",
    );
    let refused = not_rotating
        .refresh("a", "old-refresh-token")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, AuthError::Misconfigured { reason } if reason.contains("rotating_refresh_tokens")),
        "{refused:?}"
    );
}
