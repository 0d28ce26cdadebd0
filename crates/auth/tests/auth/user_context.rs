//! The end user's address reaches Cognito with every call made without a
//! token (the emulator ignores it: the test reads the requests on the wire).

use auth::{AuthFlow, UserContext};
use test_support::outage::Outage;

use crate::pool::Pool;

#[tokio::test]
async fn the_users_address_goes_with_each_call_made_without_a_token() {
    let pool = Pool::new().await;
    pool.confirmed_user("a", "aaaaaa").await;
    let aws = test_support::local_aws().await;
    let wire = Outage::forward_to(&aws.endpoint).await;
    let config = aws
        .config
        .to_builder()
        .endpoint_url(format!("http://{}", wire.address))
        .build();
    let demo = pool.demo();
    let cognito = auth::Cognito::builder(&config, &demo.pool_id, &demo.client_id)
        .auth_flow(AuthFlow::Password)
        .build();
    let user = cognito.for_user(UserContext::from_ip("203.0.113.7".parse().unwrap()));

    let signed_in = match user.sign_in("a", "aaaaaa").await.unwrap() {
        auth::SignIn::Tokens(tokens) => tokens,
        other => panic!("{other:?}"),
    };
    user.sign_up(
        "newcomer",
        "newpass",
        &[("email".into(), "n@example.com".into())],
    )
    .await
    .unwrap();
    let code = test_support::cognito::sign_up_code(&pool.aws, "n@example.com").await;
    user.confirm_sign_up("newcomer", &code).await.unwrap();
    user.forgot_password("a").await.unwrap();
    let code = pool.demo().password_reset_code("a").await;
    user.confirm_forgot_password("a", &code, "anewone")
        .await
        .unwrap();
    user.refresh("a", signed_in.refresh_token.as_deref().unwrap())
        .await
        .unwrap();
    // A call with a token has no context to send.
    user.change_password(&signed_in.access_token, "anewone", "athird")
        .await
        .unwrap();

    // SRP: InitiateAuth, then RespondToAuthChallenge (the emulator checks
    // no SRP proof, so any password goes through both calls).
    let srp = auth::Cognito::builder(&config, &demo.pool_id, &demo.client_id)
        .build()
        .for_user(UserContext::from_ip("203.0.113.7".parse().unwrap()));
    let _ = srp.sign_in("a", "any").await;

    let context = r#""UserContextData":{"IpAddress":"203.0.113.7"}"#;
    for call in [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "SignUp",
        "ConfirmSignUp",
        "ForgotPassword",
        "ConfirmForgotPassword",
    ] {
        let requests = wire.requests(&format!("AWSCognitoIdentityProviderService.{call}"));
        assert!(!requests.is_empty(), "{call} was made");
        for request in requests {
            assert!(
                request.contains(context),
                "{call} without the context: {request}"
            );
        }
    }
    for request in wire.requests("AWSCognitoIdentityProviderService.ChangePassword") {
        assert!(!request.contains("UserContextData"), "{request}");
    }
    // The client it came from sends none.
    cognito.forgot_password("b").await.unwrap();
    let last = wire.requests("ForgotPassword").pop().unwrap();
    assert!(!last.contains("UserContextData"), "{last}");
}
