//! The JWKS cache's fetch discipline: fetched once, refetched at most every
//! ten seconds, a failed fetch never taken for an unknown key. No AWS involved.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::keys;

use crate::verify::{CLIENT, ISSUER, access_claims, pool_keys, sign};
use auth::{AuthError, JwkSet, TokenUse, TokenVerifier};
use jsonwebtoken::Algorithm;
use keys::sign_with;
use serde_json::json;

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
