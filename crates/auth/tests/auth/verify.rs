//! Token verification with locally generated keys: every rejection the
//! issue lists, and the JWKS cache's fetch discipline. No AWS involved.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::keys;

use auth::{AuthError, JwkSet, TokenUse, TokenVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use keys::{Keys, generate, sign_with};
use serde_json::{Value, json};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
const CLIENT: &str = "client-1";

fn pool_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| generate("k1"))
}

fn other_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| generate("k1"))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn access_claims() -> Value {
    json!({
        "sub": "0000-1111", "iss": ISSUER, "client_id": CLIENT, "token_use": "access",
        "username": "alice", "exp": now() + 600, "iat": now(), "cognito:groups": ["admins"],
    })
}

fn id_claims() -> Value {
    json!({
        "sub": "0000-1111", "iss": ISSUER, "aud": CLIENT, "token_use": "id",
        "cognito:username": "alice", "email": "a@example.com", "exp": now() + 600, "iat": now(),
    })
}

fn sign(claims: &Value) -> String {
    sign_with(pool_keys(), "k1", Algorithm::RS256, claims)
}

fn verifier() -> TokenVerifier {
    let set: JwkSet = serde_json::from_value(pool_keys().jwks.clone()).unwrap();
    TokenVerifier::with_keys(ISSUER, CLIENT, &set).unwrap()
}

async fn rejection(token: &str, token_use: TokenUse) -> String {
    match verifier().verify(token, token_use).await {
        Err(AuthError::InvalidToken { reason }) => reason,
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
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

/// A one-thread HTTP server answering every request with `body`, slowly
/// enough that concurrent misses overlap; counts requests.
fn serve_jwks(body: String) -> (String, Arc<AtomicUsize>) {
    serve_jwks_after_failures(body, 0)
}

/// As [`serve_jwks`], but the first `failures` requests get a 503.
fn serve_jwks_after_failures(body: String, failures: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/pool/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let hit = counter.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100));
            if hit < failures {
                let _ = write!(
                    stream,
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                continue;
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, hits)
}

#[tokio::test]
async fn keys_are_fetched_once_cached_and_concurrent_misses_coalesce() {
    let (url, hits) = serve_jwks(pool_keys().jwks.to_string());
    let verifier = Arc::new(TokenVerifier::new(
        ISSUER,
        CLIENT,
        url,
        Duration::from_secs(5),
    ));
    let token = sign(&access_claims());
    let checks = (0..20).map(|_| {
        let (verifier, token) = (verifier.clone(), token.clone());
        tokio::spawn(async move { verifier.verify(&token, TokenUse::Access).await })
    });
    for check in futures::future::join_all(checks).await {
        check.unwrap().unwrap();
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "twenty concurrent misses, one fetch"
    );
    verifier.verify(&token, TokenUse::Access).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1, "then served from the cache");
}

#[tokio::test]
async fn an_unknown_key_id_refetches_at_most_once_per_ten_seconds() {
    let (url, hits) = serve_jwks(pool_keys().jwks.to_string());
    let verifier = TokenVerifier::new(ISSUER, CLIENT, url, Duration::from_secs(5));
    let stranger = sign_with(pool_keys(), "rotated", Algorithm::RS256, &access_claims());
    for _ in 0..5 {
        assert!(verifier.verify(&stranger, TokenUse::Access).await.is_err());
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Known keys keep working meanwhile.
    verifier
        .verify(&sign(&access_claims()), TokenUse::Access)
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_jwks_endpoint_is_service_unavailable() {
    let verifier = TokenVerifier::new(
        ISSUER,
        CLIENT,
        format!("{}/jwks.json", test_support::unreachable_endpoint()),
        Duration::from_secs(1),
    );
    let err = verifier
        .verify(&sign(&access_claims()), TokenUse::Access)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::ServiceUnavailable { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_fetch_is_retried_soon_and_never_taken_for_an_unknown_key() {
    let (url, hits) = serve_jwks_after_failures(pool_keys().jwks.to_string(), 1);
    let verifier = TokenVerifier::new(ISSUER, CLIENT, url, Duration::from_secs(5));
    let token = sign(&access_claims());
    for _ in 0..3 {
        // Not "invalid token", which would log the user out: the keys are
        // unknown because the pool could not be asked.
        let err = verifier.verify(&token, TokenUse::Access).await.unwrap_err();
        assert!(
            matches!(err, AuthError::ServiceUnavailable { .. }),
            "{err:?}"
        );
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "no fetch per request while it fails"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    verifier.verify(&token, TokenUse::Access).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_key_this_crate_cannot_read_spoils_neither_the_others_nor_the_sessions() {
    let mut jwks = pool_keys().jwks.clone();
    let keys = jwks["keys"].as_array_mut().unwrap();
    // A malformed RSA key, and a key of a type and algorithm unknown here.
    keys.push(json!({"kty": "RSA", "kid": "malformed", "alg": "RS256", "n": "!!", "e": "AQAB"}));
    keys.push(json!({"kty": "AKP", "kid": "future", "alg": "ML-DSA-65", "pub": "AAAA"}));
    let (url, hits) = serve_jwks(jwks.to_string());
    let verifier = TokenVerifier::new(ISSUER, CLIENT, url, Duration::from_secs(5));
    verifier
        .verify(&sign(&access_claims()), TokenUse::Access)
        .await
        .expect("the pool's usable key still verifies");
    for kid in ["malformed", "future"] {
        let token = sign_with(pool_keys(), kid, Algorithm::RS256, &access_claims());
        for _ in 0..2 {
            // Not "invalid token", which would log the user out: the token
            // may be genuine, and this crate cannot check it.
            match verifier.verify(&token, TokenUse::Access).await {
                Err(AuthError::ServiceUnavailable { reason }) => {
                    assert!(reason.contains(kid), "{reason}")
                }
                other => panic!("{kid}: {other:?}"),
            }
        }
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one fetch for all of it");
}

#[test]
fn a_fixed_set_with_an_unusable_key_is_refused_when_built() {
    let mut jwks = pool_keys().jwks.clone();
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kty": "RSA", "kid": "malformed", "alg": "RS256", "n": "!!", "e": "AQAB"}));
    let set: JwkSet = serde_json::from_value(jwks).unwrap();
    let err = TokenVerifier::with_keys(ISSUER, CLIENT, &set).unwrap_err();
    assert!(
        matches!(&err, AuthError::Other { reason } if reason.contains("malformed")),
        "{err:?}"
    );
}
