//! SRP sign-in against a server that checks the proof: ministack verifies
//! the password verifier of USER_SRP_AUTH (moto accepts any), and signs each
//! pool's tokens with a key of its own, served at the pool's JWKS address.
//! What users run by default, end to end: the right password signs in, a
//! wrong one does not.

use auth::{AuthError, AuthFlow, MfaKind, SignIn, TokenUse};
use test_support::ministack::ministack;
use test_support::totp;

use crate::pool::{Pool, tokens};

/// Signs `user` in with SRP and checks both tokens; the access token's user.
async fn signed_in_as(cognito: &auth::Cognito, user: &str, password: &str) -> String {
    let tokens = tokens(cognito.sign_in(user, password).await.unwrap());
    let verifier = cognito.verifier();
    let access = verifier
        .verify(&tokens.access_token, TokenUse::Access)
        .await;
    let id = verifier.verify(&tokens.id_token, TokenUse::Id).await;
    let (access, id) = (access.unwrap(), id.unwrap());
    assert_eq!(id.sub, access.sub);
    access.username
}

async fn pool() -> Pool {
    let pool = Pool::on(ministack().await).await;
    pool.confirmed_user("a", "aaaaaa").await;
    pool
}

#[tokio::test]
async fn the_right_password_signs_in_with_srp_and_its_tokens_verify() {
    let pool = pool().await;
    let cognito = pool.cognito(AuthFlow::Srp);
    assert_eq!(signed_in_as(&cognito, "a", "aaaaaa").await, "a");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_are_refused_alike_with_srp() {
    let pool = pool().await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let wrong = cognito.sign_in("a", "aaaaab").await.unwrap_err();
    let unknown = cognito.sign_in("nobody", "aaaaaa").await.unwrap_err();
    assert_eq!(wrong, AuthError::InvalidCredentials);
    assert_eq!(unknown, AuthError::InvalidCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());
}

#[tokio::test]
async fn an_email_alias_signs_in_with_srp_as_its_user() {
    // USER_ID_FOR_SRP (the user name) differs from what was typed: the proof
    // must be computed for the former.
    let pool = pool().await;
    let cognito = pool.cognito(AuthFlow::Srp);
    // As on AWS, an e-mail address is an alias once verified only.
    assert_eq!(
        cognito.sign_in("a@a.com", "aaaaaa").await.unwrap_err(),
        AuthError::InvalidCredentials
    );
    pool.demo()
        .admin
        .admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("a")
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in_as(&cognito, "a@a.com", "aaaaaa").await, "a");
    assert!(cognito.sign_in("a@a.com", "wrong!").await.is_err());
}

#[tokio::test]
async fn a_client_with_a_secret_signs_in_with_srp() {
    let pool = pool().await;
    let cognito = pool.cognito_with_secret(AuthFlow::Srp);
    assert_eq!(signed_in_as(&cognito, "a", "aaaaaa").await, "a");
    assert_eq!(
        cognito.sign_in("a", "aaaaab").await.unwrap_err(),
        AuthError::InvalidCredentials
    );
}

#[tokio::test]
async fn an_invited_user_chooses_a_password_after_srp() {
    let pool = pool().await;
    pool.invited_user("c", "temporary").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let SignIn::NewPasswordRequired(challenge) = cognito.sign_in("c", "temporary").await.unwrap()
    else {
        panic!("a temporary password asks for a new one")
    };
    tokens(
        cognito
            .answer_new_password(&challenge, "cccccc", &[])
            .await
            .unwrap(),
    );
    tokens(cognito.sign_in("c", "cccccc").await.unwrap());
    assert!(cognito.sign_in("c", "temporary").await.is_err());
}

#[tokio::test]
async fn tokens_of_another_pool_fail_its_key() {
    let (one, two) = (pool().await, pool().await);
    let theirs = tokens(
        two.cognito(AuthFlow::Srp)
            .sign_in("a", "aaaaaa")
            .await
            .unwrap(),
    );
    // Each pool signs with its own key: the first pool's verifier, which
    // fetches its own pool's JWKS, refuses the second's token.
    let refused = one
        .cognito(AuthFlow::Srp)
        .verifier()
        .verify(&theirs.access_token, TokenUse::Access)
        .await;
    assert!(
        matches!(refused, Err(AuthError::InvalidToken { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_enrolled_app_is_asked_for_after_srp() {
    let pool = pool().await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let signed_in = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let secret = cognito
        .associate_totp(&signed_in.access_token)
        .await
        .unwrap();
    let code = totp::code_now(secret.base32()).await;
    cognito
        .verify_totp(&signed_in.access_token, &code, "phone")
        .await
        .unwrap();
    cognito
        .set_totp_mfa(&signed_in.access_token, true)
        .await
        .unwrap();

    // The password proof first (a wrong one is refused before any code),
    // then SOFTWARE_TOKEN_MFA.
    assert_eq!(
        cognito.sign_in("a", "aaaaab").await.unwrap_err(),
        AuthError::InvalidCredentials
    );
    let SignIn::MfaRequired(challenge) = cognito.sign_in("a", "aaaaaa").await.unwrap() else {
        panic!("a code is asked for after the password proof");
    };
    assert_eq!(challenge.kind, MfaKind::Totp);
    let wrong = totp::wrong_code_now(secret.base32()).await;
    assert_eq!(
        cognito.answer_mfa(&challenge, &wrong).await,
        Err(AuthError::InvalidCode)
    );
    let right = totp::code_now(secret.base32()).await;
    let after_code = tokens(cognito.answer_mfa(&challenge, &right).await.unwrap());
    let claims = cognito
        .verifier()
        .verify(&after_code.access_token, TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(claims.username, "a");
}

#[tokio::test]
async fn tokens_of_another_client_of_the_pool_are_refused() {
    let pool = pool().await;
    // The pool's second app client (the one with a secret) signs the user in.
    let theirs = tokens(
        pool.cognito_with_secret(AuthFlow::Srp)
            .sign_in("a", "aaaaaa")
            .await
            .unwrap(),
    );
    // The same key signed them; the first client's verifier checks the
    // audience (ID token) and the client id (access token).
    let ours = pool.cognito(AuthFlow::Srp);
    let verifier = ours.verifier();
    for (token, kind) in [
        (&theirs.id_token, TokenUse::Id),
        (&theirs.access_token, TokenUse::Access),
    ] {
        let refused = verifier.verify(token, kind).await;
        assert!(
            matches!(refused, Err(AuthError::InvalidToken { .. })),
            "{kind:?}: {refused:?}"
        );
    }
}
