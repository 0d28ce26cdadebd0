//! Two-factor sign-in with an authenticator app, on the emulator, which
//! checks the codes (test-support starts it so; the codes are RFC 6238's,
//! computed here).

use auth::{AuthError, AuthFlow, MfaKind, SignIn};
use test_support::emulator::Gap;
use test_support::totp;

use crate::pool::{Pool, tokens};

/// The demo's pool (two-factor sign-in optional, by app) with user `a`.
async fn pool_with_optional_mfa() -> Pool {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    pool
}

#[tokio::test]
async fn an_enrolled_app_is_asked_for_at_sign_in_until_turned_off() {
    let pool = pool_with_optional_mfa().await;
    // The emulator checks passwords with this flow only.
    let cognito = pool.cognito(AuthFlow::Password);
    let signed_in = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());

    let secret = cognito
        .associate_totp(&signed_in.access_token)
        .await
        .unwrap();
    let uri = secret.otpauth_uri("Demo", "a");
    assert!(uri.starts_with("otpauth://totp/Demo:a?secret="), "{uri}");
    let wrong = totp::wrong_code_now(secret.base32()).await;
    assert_eq!(
        cognito
            .verify_totp(&signed_in.access_token, &wrong, "phone")
            .await,
        Err(AuthError::InvalidCode)
    );
    let code = totp::code_now(secret.base32()).await;
    cognito
        .verify_totp(&signed_in.access_token, &code, "phone")
        .await
        .unwrap();
    cognito
        .set_totp_mfa(&signed_in.access_token, true)
        .await
        .unwrap();

    let SignIn::MfaRequired(challenge) = cognito.sign_in("a", "aaaaaa").await.unwrap() else {
        panic!("a code is asked for");
    };
    assert_eq!(
        (challenge.username.as_str(), challenge.kind),
        ("a", MfaKind::Totp)
    );
    assert!(
        !format!("{challenge:?}").contains(&challenge.session),
        "the session is a secret"
    );
    let wrong = totp::wrong_code_now(secret.base32()).await;
    assert_eq!(
        cognito.answer_mfa(&challenge, &wrong).await,
        Err(AuthError::InvalidCode)
    );
    let code = totp::code_now(secret.base32()).await;
    let after_code = tokens(cognito.answer_mfa(&challenge, &code).await.unwrap());
    let claims = cognito
        .verifier()
        .verify(&after_code.access_token, auth::TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(claims.username, "a");

    cognito
        .set_totp_mfa(&after_code.access_token, false)
        .await
        .unwrap();
    assert!(matches!(
        cognito.sign_in("a", "aaaaaa").await.unwrap(),
        SignIn::Tokens(_)
    ));
    let counts = cognito.call_counts();
    let count = |call| counts.iter().find(|c| c.call == call).unwrap().calls;
    assert_eq!(
        (
            count("AssociateSoftwareToken"),
            count("VerifySoftwareToken"),
            count("SetUserMFAPreference")
        ),
        (1, 2, 2)
    );
}

#[tokio::test]
async fn enrolling_needs_a_valid_token() {
    let pool = pool_with_optional_mfa().await;
    let cognito = pool.cognito(AuthFlow::Password);
    let signed_in = tokens(cognito.sign_in("a", "aaaaaa").await.unwrap());
    cognito.sign_out(&signed_in.access_token).await.unwrap();
    let err = cognito
        .associate_totp(&signed_in.access_token)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidToken { .. }), "{err:?}");
}

#[tokio::test]
async fn a_pool_that_requires_an_app_has_it_set_up_at_sign_in() {
    let pool = pool_with_optional_mfa().await;
    if pool.aws.lacks(Gap::MfaSetup) {
        return;
    }
    pool.demo().require_totp().await;
    // The emulator asks for the setup after SRP's password step only.
    let cognito = pool.cognito(AuthFlow::Srp);
    let SignIn::MfaSetupRequired(challenge) = cognito.sign_in("a", "aaaaaa").await.unwrap() else {
        panic!("an app must be set up first");
    };
    assert_eq!(challenge.username, "a");
    assert!(!format!("{challenge:?}").contains(&challenge.session));
    let (secret, challenge) = cognito.begin_mfa_setup(&challenge).await.unwrap();
    let refused = cognito
        .finish_mfa_setup(&challenge, &totp::wrong_code_now(secret.base32()).await)
        .await;
    assert_eq!(refused, Err(AuthError::InvalidCode));
    let code = totp::code_now(secret.base32()).await;
    let signed_in = tokens(cognito.finish_mfa_setup(&challenge, &code).await.unwrap());
    assert!(!signed_in.access_token.is_empty());
    // From now on, the app's code.
    assert!(matches!(
        cognito.sign_in("a", "aaaaaa").await.unwrap(),
        SignIn::MfaRequired(_)
    ));
}

/// SELECT_MFA_TYPE, which the emulator never sends: Cognito's documented
/// answers on the real HTTP path.
#[tokio::test]
async fn a_choice_of_codes_is_answered_with_the_kind_chosen() {
    use test_support::outage::{INITIATE_AUTH, RESPOND_TO_AUTH_CHALLENGE};
    let pool = pool_with_optional_mfa().await;
    let (cognito, outage) = pool.behind_forwarder().await;
    outage.succeed(
        INITIATE_AUTH,
        serde_json::json!({
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": "session-1",
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": "a",
                "MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"
            }
        }),
    );
    let selection = match cognito.sign_in("a", "aaaaaa").await.unwrap() {
        SignIn::MfaSelection(selection) => selection,
        other => panic!("{other:?}"),
    };
    assert_eq!(selection.choices, [MfaKind::Sms, MfaKind::Totp]);

    outage.succeed(
        RESPOND_TO_AUTH_CHALLENGE,
        serde_json::json!({
            "ChallengeName": "SOFTWARE_TOKEN_MFA",
            "Session": "session-2",
            "ChallengeParameters": {}
        }),
    );
    match cognito.select_mfa(&selection, MfaKind::Totp).await.unwrap() {
        SignIn::MfaRequired(challenge) => {
            assert_eq!(challenge.kind, MfaKind::Totp);
            assert_eq!(challenge.session, "session-2");
        }
        other => panic!("{other:?}"),
    }
    let sent = outage.requests(RESPOND_TO_AUTH_CHALLENGE);
    let sent = sent.last().expect("the choice on the wire");
    assert!(
        sent.contains(r#""ChallengeName":"SELECT_MFA_TYPE""#),
        "{sent}"
    );
    assert!(sent.contains(r#""ANSWER":"SOFTWARE_TOKEN_MFA""#), "{sent}");
    assert!(sent.contains(r#""Session":"session-1""#), "{sent}");
}

#[tokio::test]
async fn a_kind_not_offered_is_refused_without_a_call() {
    let pool = pool_with_optional_mfa().await;
    let cognito = pool.cognito(AuthFlow::Password);
    let selection: auth::MfaSelection = serde_json::from_value(serde_json::json!({
        "username": "a", "session": "s", "choices": ["Totp"]
    }))
    .unwrap();
    let calls = |c: &auth::Cognito| c.call_counts().iter().map(|c| c.calls).sum::<u64>();
    let before = calls(&cognito);
    let refused = cognito.select_mfa(&selection, MfaKind::Sms).await;
    assert!(
        matches!(refused, Err(AuthError::UnsupportedChallenge { .. })),
        "{refused:?}"
    );
    assert_eq!(calls(&cognito), before);
}
