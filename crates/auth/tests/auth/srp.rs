//! `SrpClient`'s constant-time arithmetic against a plain reading of the
//! JS SDK's formulas with num-bigint (variable time, which is fine in a test),
//! on generated private values, server values, salts, users and passwords.
//! The reference is the client as it was before the constant-time rewrite,
//! when it matched the JS SDK's known answers too.

use auth::srp::{N_HEX, SrpClient, SrpError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const POOL_ID: &str = "eu-west-1_AbCdEf";
const TIMESTAMP: &str = "Mon Feb 10 18:30:12 UTC 2025";

fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

fn pad_hex(x: &BigUint) -> String {
    let mut hex = x.to_str_radix(16);
    if hex.len() % 2 == 1 {
        hex.insert(0, '0');
    } else if hex.as_bytes()[0] >= b'8' {
        hex.insert_str(0, "00");
    }
    hex
}

fn hash_hex_concat(parts: &[&str]) -> BigUint {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(hex::decode(part).unwrap());
    }
    BigUint::from_bytes_be(&hasher.finalize())
}

fn reference_public(a: &[u8]) -> BigUint {
    BigUint::from(2u32).modpow(&BigUint::from_bytes_be(a), &n())
}

/// The signature as the JS SDK computes it; `None` where it would refuse B.
fn reference_signature(
    a: &[u8],
    user: &str,
    password: &str,
    salt_hex: &str,
    b_hex: &str,
    secret_block: &[u8],
) -> Option<String> {
    let (n, g) = (n(), BigUint::from(2u32));
    let k = hash_hex_concat(&[&pad_hex(&n), &pad_hex(&g)]);
    let a = BigUint::from_bytes_be(a);
    let big_a = g.modpow(&a, &n);
    let big_b = BigUint::parse_bytes(b_hex.as_bytes(), 16).unwrap();
    if &big_b % &n == BigUint::ZERO {
        return None;
    }
    let salt = BigUint::parse_bytes(salt_hex.as_bytes(), 16).unwrap();
    let u = hash_hex_concat(&[&pad_hex(&big_a), &pad_hex(&big_b)]);
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let identity = hex::encode(Sha256::digest(format!("{pool_name}{user}:{password}")));
    let x = hash_hex_concat(&[&pad_hex(&salt), &identity]);
    let k_g_x = (&k * g.modpow(&x, &n)) % &n;
    let base = ((&big_b % &n) + &n - k_g_x) % &n;
    let s = base.modpow(&(&a + &u * &x), &n);
    let mut key = [0u8; 16];
    Hkdf::<Sha256>::new(
        Some(&hex::decode(pad_hex(&u)).unwrap()),
        &hex::decode(pad_hex(&s)).unwrap(),
    )
    .expand(b"Caldera Derived Key", &mut key)
    .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(pool_name.as_bytes());
    mac.update(user.as_bytes());
    mac.update(secret_block);
    mac.update(TIMESTAMP.as_bytes());
    Some(BASE64.encode(mac.finalize().into_bytes()))
}

/// Hex of `bytes`, without its first digit when `odd` (the server's values
/// are numbers: Cognito may send an odd number of digits).
fn hex_of(bytes: &[u8], odd: bool) -> String {
    let hex = hex::encode(bytes);
    if odd && hex.len() > 1 {
        hex[1..].to_owned()
    } else {
        hex
    }
}

proptest! {
    // Each case is five 3072-bit powers in both implementations.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_client_computes_what_the_js_sdk_computes(
        a in prop_oneof![
            proptest::collection::vec(any::<u8>(), 128),
            proptest::collection::vec(any::<u8>(), 1..=384),
        ],
        b in proptest::collection::vec(any::<u8>(), 1..=384),
        b_odd in any::<bool>(),
        salt in proptest::collection::vec(any::<u8>(), 1..=32),
        salt_odd in any::<bool>(),
        user in "[a-z0-9-]{1,40}",
        password in "\\PC{0,24}",
        secret_block in proptest::collection::vec(any::<u8>(), 0..=64),
    ) {
        let client = SrpClient::with_private_value(&a).unwrap();
        prop_assert_eq!(client.public_hex(), reference_public(&a).to_str_radix(16));

        let (b_hex, salt_hex) = (hex_of(&b, b_odd), hex_of(&salt, salt_odd));
        let signature = client.password_claim_signature(
            POOL_ID, &user, &password, &salt_hex, &b_hex, &BASE64.encode(&secret_block), TIMESTAMP,
        );
        match reference_signature(&a, &user, &password, &salt_hex, &b_hex, &secret_block) {
            Some(expected) => prop_assert_eq!(signature, Ok(expected)),
            None => prop_assert_eq!(signature, Err(SrpError::BIsZero)),
        }
    }
}

#[test]
fn server_values_just_above_n_are_reduced_as_the_js_sdk_reduces_them() {
    let a = [0x5a; 128];
    let client = SrpClient::with_private_value(&a).unwrap();
    // N + 1 and the largest 3072-bit number: B >= N, still N's size.
    let n_plus_one = (n() + 1u32).to_str_radix(16);
    let all_ones = "f".repeat(768);
    for b_hex in [n_plus_one.as_str(), &all_ones] {
        let expected = reference_signature(&a, "alice", "pw", "0a1b", b_hex, b"block").unwrap();
        let block = BASE64.encode(b"block");
        let signature = client
            .password_claim_signature(POOL_ID, "alice", "pw", "0a1b", b_hex, &block, TIMESTAMP);
        assert_eq!(signature, Ok(expected), "B = {b_hex}");
    }
}
