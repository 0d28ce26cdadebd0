//! CPU cost of the auth crate's per-request and per-login work, as a table:
//! `cargo bench -p auth --bench cpu`. No AWS involved: tokens are signed with
//! a key generated here, and SRP runs against made-up challenge values (the
//! cost does not depend on them).
//!
//! Stage 2 of the demo verifies the session's access token on every request,
//! so the first row is paid per request; the SRP rows once per login, on
//! tokio's blocking threads (`Cognito::sign_in` keeps them off the worker).

use std::time::{SystemTime, UNIX_EPOCH};

use auth::srp::SrpClient;
use auth::{JwkSet, TokenUse, TokenVerifier};
use jsonwebtoken::Algorithm;
use serde_json::json;
use test_support::bench::{ROUNDS, per_call};

// Shared with the verification tests, which use more of it than the bench does.
#[path = "../tests/auth/keys.rs"]
#[allow(dead_code)]
mod keys;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench";
const CLIENT: &str = "bench-client";

/// A token signed by a fresh 2048-bit key (Cognito's size), and a verifier
/// that trusts that key.
fn signed_token(alg: Algorithm) -> (String, TokenVerifier) {
    let keys = keys::generate("k1");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "sub": "0000-1111", "iss": ISSUER, "client_id": CLIENT, "token_use": "access",
        "username": "alice", "exp": now + 3600, "iat": now, "cognito:groups": ["admins"],
    });
    let token = keys::sign_with(&keys, "k1", alg, &claims);
    let set: JwkSet = serde_json::from_value(keys.jwks).unwrap();
    (
        token,
        TokenVerifier::with_keys(ISSUER, CLIENT, &set).unwrap(),
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let block_on = |f| runtime.block_on(f);
    let mut rows: Vec<(&str, (f64, u64))> = Vec::new();

    let (token, verifier) = signed_token(Algorithm::RS256);
    rows.push((
        "verify an access token (RS256)",
        per_call(|| {
            block_on(verifier.verify(&token, TokenUse::Access)).unwrap();
        }),
    ));
    let (forged, _) = signed_token(Algorithm::RS256); // same kid, another key
    rows.push((
        "reject a forged signature",
        per_call(|| {
            block_on(verifier.verify(&forged, TokenUse::Access)).unwrap_err();
        }),
    ));
    rows.push((
        "reject a malformed token",
        per_call(|| {
            block_on(verifier.verify("not.a.token", TokenUse::Access)).unwrap_err();
        }),
    ));
    let (token, verifier) = signed_token(Algorithm::RS512);
    rows.push((
        "verify an access token (RS512)",
        per_call(|| {
            block_on(verifier.verify(&token, TokenUse::Access)).unwrap();
        }),
    ));
    rows.push((
        "SRP: a new exchange (A = g^a)",
        per_call(|| {
            std::hint::black_box(SrpClient::new());
        }),
    ));
    let srp = SrpClient::new();
    rows.push((
        "SRP: the password claim signature",
        per_call(|| {
            let signature = srp.password_claim_signature(
                "us-east-1_bench",
                "alice",
                "a password",
                "4f2a",
                "e3b0c44298fc1c149afbf4c8996fb924",
                "c2VjcmV0IGJsb2Nr",
                "Mon Feb 10 18:30:12 UTC 2025",
            );
            std::hint::black_box(signature.unwrap());
        }),
    ));
    rows.push((
        "SECRET_HASH (HMAC-SHA256)",
        per_call(|| {
            std::hint::black_box(auth::secret_hash("secret", "alice", CLIENT));
        }),
    ));

    println!("{:<36} {:>10} {:>10}", "operation", "µs/call", "calls");
    for (name, (micros, calls)) in rows {
        println!("{name:<36} {micros:>10.1} {calls:>10}");
    }
    println!(
        "µs/call: the fastest of {ROUNDS} rounds (release build, one thread). A stage 2 \
         request verifies one access token; a login costs one SRP exchange and signature."
    );
}
