//! CPU cost of the auth crate's per-request and per-login work:
//! `cargo bench -p auth --bench cpu` (divan prints the table). No AWS
//! involved: tokens are signed with a key generated here, and SRP runs
//! against made-up challenge values (the cost does not depend on them).
//!
//! Stage 2 of the demo verifies the session's access token on every
//! request; a login costs one SRP exchange and one signature, on tokio's
//! blocking threads (`Cognito::sign_in` keeps them off the worker).

use std::time::{SystemTime, UNIX_EPOCH};

use auth::{JwkSet, TokenUse, TokenVerifier};
use jsonwebtoken::Algorithm;
use serde_json::json;

// Shared with the verification tests, which use more of it than the bench does.
#[path = "../tests/auth/keys.rs"]
#[allow(dead_code)]
mod keys;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench";
const CLIENT: &str = "bench-client";

fn main() {
    divan::main();
}

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
    let verifier = TokenVerifier::with_keys(ISSUER, CLIENT, &set).unwrap();
    (token, verifier)
}

/// Paid on every stage 2 request.
mod per_request {
    use divan::Bencher;

    use super::*;

    /// `verifier.verify(token)` on a runtime of one thread, as an actix
    /// worker runs it; `Ok` or not as `valid` says.
    fn verify(bencher: Bencher, token: &str, verifier: &TokenVerifier, valid: bool) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        bencher.bench_local(|| {
            let verified = runtime.block_on(verifier.verify(token, TokenUse::Access));
            assert_eq!(verified.is_ok(), valid);
        });
    }

    #[divan::bench]
    fn verify_an_access_token_rs256(bencher: Bencher) {
        let (token, verifier) = signed_token(Algorithm::RS256);
        verify(bencher, &token, &verifier, true);
    }

    #[divan::bench]
    fn verify_an_access_token_rs512(bencher: Bencher) {
        let (token, verifier) = signed_token(Algorithm::RS512);
        verify(bencher, &token, &verifier, true);
    }

    #[divan::bench]
    fn reject_a_forged_signature(bencher: Bencher) {
        let (_, verifier) = signed_token(Algorithm::RS256);
        let (forged, _) = signed_token(Algorithm::RS256); // same kid, another key
        verify(bencher, &forged, &verifier, false);
    }

    #[divan::bench]
    fn reject_a_malformed_token(bencher: Bencher) {
        let (_, verifier) = signed_token(Algorithm::RS256);
        verify(bencher, "not.a.token", &verifier, false);
    }

    #[divan::bench]
    fn secret_hash_hmac_sha256() -> String {
        auth::secret_hash("secret", divan::black_box("alice"), CLIENT)
    }
}

/// Paid once per login.
mod per_login {
    use auth::srp::SrpClient;
    use divan::Bencher;

    #[divan::bench]
    fn srp_a_new_exchange() -> SrpClient {
        SrpClient::new()
    }

    #[divan::bench]
    fn srp_the_password_claim_signature(bencher: Bencher) {
        let srp = SrpClient::new();
        bencher.bench_local(|| {
            srp.password_claim_signature(
                "us-east-1_bench",
                "alice",
                "a password",
                "4f2a",
                "e3b0c44298fc1c149afbf4c8996fb924",
                "c2VjcmV0IGJsb2Nr",
                "Mon Feb 10 18:30:12 UTC 2025",
            )
            .unwrap()
        });
    }
}
