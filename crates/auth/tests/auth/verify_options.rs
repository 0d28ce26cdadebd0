//! The verification options aws-jwt-verify has: several app clients,
//! required scopes, required groups; each accepted and refused.

use auth::{AuthError, TokenUse};
use serde_json::json;

use crate::verify::{access_claims, id_claims, sign, verifier, with};

async fn refusal(verifier: &auth::TokenVerifier, token: &str, token_use: TokenUse) -> String {
    match verifier.verify(token, token_use).await {
        Err(AuthError::InvalidToken { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn tokens_of_each_accepted_client_verify_and_no_other() {
    let both = verifier().also_client("client-2");
    let second = with(access_claims(), "client_id", json!("client-2"));
    assert!(
        both.verify(&sign(&access_claims()), TokenUse::Access)
            .await
            .is_ok()
    );
    assert!(both.verify(&sign(&second), TokenUse::Access).await.is_ok());
    let id = with(id_claims(), "aud", json!("client-2"));
    assert!(both.verify(&sign(&id), TokenUse::Id).await.is_ok());
    let third = with(access_claims(), "client_id", json!("client-3"));
    assert!(
        refusal(&both, &sign(&third), TokenUse::Access)
            .await
            .contains("client-3")
    );
}

#[tokio::test]
async fn a_required_scope_is_one_of_the_tokens_scopes() {
    let orders = verifier().require_any_scope(["orders/read", "orders/write"]);
    let scoped = with(access_claims(), "scope", json!("openid orders/write"));
    assert!(
        orders
            .verify(&sign(&scoped), TokenUse::Access)
            .await
            .is_ok()
    );
    let other = with(access_claims(), "scope", json!("openid profile"));
    assert!(
        refusal(&orders, &sign(&other), TokenUse::Access)
            .await
            .contains("scope")
    );
    // A scope that merely starts like a required one is not it.
    let prefix = with(access_claims(), "scope", json!("orders/readonly"));
    refusal(&orders, &sign(&prefix), TokenUse::Access).await;
    // No scope claim at all, as in ID tokens.
    refusal(&orders, &sign(&access_claims()), TokenUse::Access).await;
    refusal(&orders, &sign(&id_claims()), TokenUse::Id).await;
}

#[tokio::test]
async fn a_required_group_is_one_of_the_users_groups() {
    // access_claims() names the group "admins".
    let admins = verifier().require_any_group(["admins", "owners"]);
    assert!(
        admins
            .verify(&sign(&access_claims()), TokenUse::Access)
            .await
            .is_ok()
    );
    let editors = with(access_claims(), "cognito:groups", json!(["editors"]));
    assert!(
        refusal(&admins, &sign(&editors), TokenUse::Access)
            .await
            .contains("groups")
    );
    // A user in no group.
    refusal(&admins, &sign(&id_claims()), TokenUse::Id).await;
    // Without the option, groups do not matter.
    assert!(
        verifier()
            .verify(&sign(&editors), TokenUse::Access)
            .await
            .is_ok()
    );
}
