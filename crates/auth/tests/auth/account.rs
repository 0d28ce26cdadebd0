//! The account's life on the emulator: sign-up and confirmation, a
//! forgotten password, a change of password. (The emulator accepts any
//! sign-up code and lacks ResendConfirmationCode: those answers are mapped
//! in the crate's unit tests.)

use auth::{AuthError, AuthFlow, SignIn};

use crate::pool::{Pool, tokens};

fn email(address: &str) -> Vec<(String, String)> {
    vec![("email".to_owned(), address.to_owned())]
}

#[tokio::test]
async fn a_new_account_signs_in_once_confirmed() {
    let pool = Pool::new().await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let signed_up = cognito
        .sign_up("newcomer", "newpass", &email("new@example.com"))
        .await
        .unwrap();
    assert!(!signed_up.confirmed);
    let err = cognito.sign_in("newcomer", "newpass").await.unwrap_err();
    assert_eq!(err, AuthError::UserNotConfirmed);
    cognito.confirm_sign_up("newcomer", "123456").await.unwrap();
    let signed_in = tokens(cognito.sign_in("newcomer", "newpass").await.unwrap());
    let claims = cognito
        .verifier()
        .verify(&signed_in.access_token, auth::TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(claims.username, "newcomer");
    let counts = cognito.call_counts();
    let count = |call| counts.iter().find(|c| c.call == call).unwrap().calls;
    assert_eq!((count("SignUp"), count("ConfirmSignUp")), (1, 1));
}

#[tokio::test]
async fn a_taken_name_and_a_weak_password_are_said_as_such() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    let taken = cognito
        .sign_up("a", "another", &email("x@example.com"))
        .await
        .unwrap_err();
    assert_eq!(taken, AuthError::UsernameExists);
    assert_eq!(
        taken.to_string(),
        "This user name is taken, please choose another."
    );
    // The original's pool: at least 6 characters, lowercase.
    let weak = cognito
        .sign_up("other", "ABC", &email("x@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(weak, AuthError::InvalidPassword(_)), "{weak:?}");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_code() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    // The emulator checks passwords only there, not in SRP.
    let cognito = pool.cognito(AuthFlow::Password);
    cognito.forgot_password("a").await.unwrap();
    // The code the e-mail would carry.
    let code = pool.demo().password_reset_code("a").await;
    let wrong = cognito
        .confirm_forgot_password("a", "moto-confirmation-code:000000", "anewone")
        .await
        .unwrap_err();
    // Cognito says a wrong code is wrong; moto says it is expired.
    assert!(
        matches!(wrong, AuthError::InvalidCode | AuthError::ExpiredCode),
        "{wrong:?}"
    );
    cognito
        .confirm_forgot_password("a", &code, "anewone")
        .await
        .unwrap();
    assert_password_is(&cognito, "a", "anewone", "aaaaaa").await;
    // A code serves once.
    let again = cognito
        .confirm_forgot_password("a", &code, "yetanother")
        .await
        .unwrap_err();
    assert_eq!(again, AuthError::ExpiredCode);
}

#[tokio::test]
async fn a_password_reset_answers_alike_for_an_unknown_user() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Srp);
    assert_eq!(cognito.forgot_password("a").await, Ok(()));
    assert_eq!(cognito.forgot_password("nobody").await, Ok(()));
}

#[tokio::test]
async fn a_signed_in_user_changes_their_password() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let cognito = pool.cognito(AuthFlow::Password);
    let signed_in = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    let wrong = cognito
        .change_password(&signed_in.access_token, "notmine", "anewone")
        .await
        .unwrap_err();
    assert_eq!(wrong, AuthError::InvalidCredentials);
    cognito
        .change_password(&signed_in.access_token, "aaaaaa", "anewone")
        .await
        .unwrap();
    assert_password_is(&cognito, "a", "anewone", "aaaaaa").await;
    // (A revoked token: the emulator's answer names the token instead of
    // Cognito's "Access Token has been revoked"; mapped in the unit tests.)
}

const RESEND: &str = "AWSCognitoIdentityProviderService.ResendConfirmationCode";
const CONFIRM_SIGN_UP: &str = "AWSCognitoIdentityProviderService.ConfirmSignUp";

#[tokio::test]
async fn a_new_code_is_sent_where_cognito_says() {
    let pool = Pool::new().await;
    let (cognito, outage) = pool.behind_forwarder().await;
    // Cognito's documented answer.
    outage.succeed(
        RESEND,
        serde_json::json!({"CodeDeliveryDetails": {
            "AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "n***@e***"
        }}),
    );
    let sent = cognito.resend_confirmation_code("newcomer").await.unwrap();
    let sent = sent.expect("where the code went");
    assert_eq!(
        (sent.medium.as_str(), sent.destination.as_str()),
        ("EMAIL", "n***@e***")
    );
    outage.answer(
        RESEND,
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    let err = cognito
        .resend_confirmation_code("newcomer")
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::TooManyAttempts);
}

#[tokio::test]
async fn a_wrong_or_expired_sign_up_code_is_said_as_such() {
    let pool = Pool::new().await;
    let (cognito, outage) = pool.behind_forwarder().await;
    cognito
        .sign_up("newcomer", "newpass", &email("new@example.com"))
        .await
        .unwrap();
    outage.answer(
        CONFIRM_SIGN_UP,
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    assert_eq!(
        cognito.confirm_sign_up("newcomer", "000000").await,
        Err(AuthError::InvalidCode)
    );
    outage.answer(
        CONFIRM_SIGN_UP,
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );
    assert_eq!(
        cognito.confirm_sign_up("newcomer", "111111").await,
        Err(AuthError::ExpiredCode)
    );
    // And through to the emulator again, which confirms it.
    outage.stop_refusing();
    let code = test_support::cognito::sign_up_code(&pool.aws, "new@example.com").await;
    cognito.confirm_sign_up("newcomer", &code).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_cognito_fails_each_account_call_as_unavailable() {
    let pool = Pool::new().await;
    let (cognito, outage) = pool.behind_forwarder().await;
    outage.refuse(test_support::outage::COGNITO);
    let unavailable = |r: Result<(), AuthError>| {
        assert!(
            matches!(r, Err(AuthError::ServiceUnavailable { .. })),
            "{r:?}"
        )
    };
    unavailable(
        cognito
            .sign_up("x", "xxxxxx", &email("x@example.com"))
            .await
            .map(drop),
    );
    unavailable(cognito.confirm_sign_up("x", "1").await);
    unavailable(cognito.resend_confirmation_code("x").await.map(drop));
    unavailable(cognito.forgot_password("x").await);
    unavailable(cognito.confirm_forgot_password("x", "1", "xxxxxx").await);
    unavailable(cognito.change_password("token", "a", "b").await);
}

#[tokio::test]
async fn the_pools_password_policy_is_read_as_provision_made_it() {
    let pool = Pool::new().await;
    let policy = pool.cognito(AuthFlow::Srp).password_policy().await.unwrap();
    // provision's pool: 6 characters, a lowercase letter.
    assert_eq!(policy, auth::PasswordPolicy::new(6).require_lowercase(true));
    assert_eq!(policy.unmet("ABCDEF"), [auth::PasswordRule::Lowercase]);
}

#[tokio::test]
async fn credentials_that_may_not_read_the_policy_are_a_misconfiguration() {
    let pool = Pool::new().await;
    let (cognito, outage) = pool.behind_forwarder().await;
    outage.answer(
        "AWSCognitoIdentityProviderService.DescribeUserPool",
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/app is not authorized to perform: cognito-idp:DescribeUserPool",
    );
    let refused = cognito.password_policy().await;
    assert!(
        matches!(refused, Err(AuthError::Misconfigured { .. })),
        "{refused:?}"
    );
}

/// `user` signs in with `password`, and no longer with `old`.
async fn assert_password_is(cognito: &auth::Cognito, user: &str, password: &str, old: &str) {
    assert!(matches!(
        cognito.sign_in(user, old).await,
        Err(AuthError::InvalidCredentials)
    ));
    assert!(matches!(
        cognito.sign_in(user, password).await,
        Ok(SignIn::Tokens(_))
    ));
}
