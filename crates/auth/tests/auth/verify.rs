//! Token verification with locally generated keys: typed claims, and every
//! rejection. No AWS involved.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::keys;

use auth::{AuthError, JwkSet, TokenUse, TokenVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use keys::{Keys, generate, sign_with};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
pub const CLIENT: &str = "client-1";

pub fn pool_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| generate("k1"))
}

pub fn other_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| generate("k1"))
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn access_claims() -> Value {
    json!({
        "sub": "0000-1111", "iss": ISSUER, "client_id": CLIENT, "token_use": "access",
        "username": "alice", "exp": now() + 600, "iat": now(), "cognito:groups": ["admins"],
    })
}

pub fn id_claims() -> Value {
    json!({
        "sub": "0000-1111", "iss": ISSUER, "aud": CLIENT, "token_use": "id",
        "cognito:username": "alice", "email": "a@example.com", "exp": now() + 600, "iat": now(),
    })
}

pub fn sign(claims: &Value) -> String {
    sign_with(pool_keys(), "k1", Algorithm::RS256, claims)
}

pub fn verifier() -> TokenVerifier {
    let set: JwkSet = serde_json::from_value(pool_keys().jwks.clone()).unwrap();
    TokenVerifier::with_keys(ISSUER, CLIENT, &set).unwrap()
}

pub async fn rejection(token: &str, token_use: TokenUse) -> String {
    match verifier().verify(token, token_use).await {
        Err(AuthError::InvalidToken { reason }) => reason,
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

pub fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

#[tokio::test]
async fn a_valid_access_token_gives_typed_claims() {
    let claims = verifier()
        .verify(&sign(&access_claims()), TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(claims.username, "alice");
    assert_eq!(claims.sub, "0000-1111");
    assert_eq!(claims.groups, ["admins"]);
    assert_eq!(claims.token_use, TokenUse::Access);
    assert!(claims.expires_at > SystemTime::now());
}

#[tokio::test]
async fn a_valid_id_token_gives_typed_claims() {
    let claims = verifier()
        .verify(&sign(&id_claims()), TokenUse::Id)
        .await
        .unwrap();
    assert_eq!(claims.username, "alice");
    assert_eq!(claims.email.as_deref(), Some("a@example.com"));
}

#[tokio::test]
async fn rs384_and_rs512_are_accepted() {
    for alg in [Algorithm::RS384, Algorithm::RS512] {
        let token = sign_with(pool_keys(), "k1", alg, &access_claims());
        verifier().verify(&token, TokenUse::Access).await.unwrap();
    }
}

#[tokio::test]
async fn a_bad_signature_is_rejected() {
    let forged = sign_with(other_keys(), "k1", Algorithm::RS256, &access_claims());
    assert!(
        rejection(&forged, TokenUse::Access)
            .await
            .contains("Signature")
    );
    // A payload changed after signing.
    let token = sign(&access_claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = B64URL
        .encode(serde_json::to_vec(&with(access_claims(), "username", json!("root"))).unwrap());
    rejection(&parts.join("."), TokenUse::Access).await;
}

#[tokio::test]
async fn an_unknown_key_id_is_rejected() {
    let token = sign_with(pool_keys(), "k2", Algorithm::RS256, &access_claims());
    assert!(
        rejection(&token, TokenUse::Access)
            .await
            .contains("unknown key id")
    );
}

#[tokio::test]
async fn a_wrong_issuer_is_rejected() {
    let claims = with(
        access_claims(),
        "iss",
        json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
    );
    rejection(&sign(&claims), TokenUse::Access).await;
}

#[tokio::test]
async fn a_wrong_client_is_rejected() {
    let access = with(access_claims(), "client_id", json!("client-2"));
    assert!(
        rejection(&sign(&access), TokenUse::Access)
            .await
            .contains("client")
    );
    let id = with(id_claims(), "aud", json!("client-2"));
    assert!(rejection(&sign(&id), TokenUse::Id).await.contains("client"));
}

#[tokio::test]
async fn a_wrong_token_use_is_rejected() {
    assert!(
        rejection(&sign(&id_claims()), TokenUse::Access)
            .await
            .contains("token_use")
    );
    assert!(
        rejection(&sign(&access_claims()), TokenUse::Id)
            .await
            .contains("token_use")
    );
}

#[tokio::test]
async fn an_expired_token_is_rejected_beyond_the_leeway() {
    let expired = with(access_claims(), "exp", json!(now() - 60));
    assert!(
        rejection(&sign(&expired), TokenUse::Access)
            .await
            .contains("xpired")
    );
    let just_expired = with(access_claims(), "exp", json!(now() - 2));
    verifier()
        .verify(&sign(&just_expired), TokenUse::Access)
        .await
        .expect("within the 5 s leeway");
    let strict = verifier().leeway(Duration::ZERO);
    assert!(
        strict
            .verify(&sign(&just_expired), TokenUse::Access)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_token_not_yet_valid_is_rejected() {
    let early = with(access_claims(), "nbf", json!(now() + 120));
    assert!(
        rejection(&sign(&early), TokenUse::Access)
            .await
            .contains("ImmatureSignature")
    );
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let header = B64URL.encode(br#"{"alg":"none","kid":"k1","typ":"JWT"}"#);
    let payload = B64URL.encode(serde_json::to_vec(&access_claims()).unwrap());
    rejection(&format!("{header}.{payload}."), TokenUse::Access).await;
}

#[tokio::test]
async fn hs256_keyed_with_the_public_key_is_rejected() {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let key = EncodingKey::from_secret(pool_keys().public_pem.as_bytes());
    let token = jsonwebtoken::encode(&header, &access_claims(), &key).unwrap();
    assert!(
        rejection(&token, TokenUse::Access)
            .await
            .contains("not accepted")
    );
}

#[tokio::test]
async fn garbage_is_rejected_without_panicking() {
    for token in [
        "",
        "x",
        "a.b.c",
        "....",
        "eyJhbGciOiJSUzI1NiJ9.e30.",
        &"A".repeat(100_000),
    ] {
        rejection(token, TokenUse::Access).await;
    }
}
