//! The client side of Cognito's USER_SRP_AUTH (SRP-6a over the RFC 3526
//! 3072-bit group, as amazon-cognito-identity-js computes it). The password
//! never leaves this process: only `SRP_A` and a signature derived from the
//! shared secret are sent.
//!
//! [`Cognito::sign_in`](crate::Cognito::sign_in) runs the whole exchange; the
//! parts are public for other Cognito clients (see [`SrpClient`]).
//!
//! Written here rather than taken from a crate: RustCrypto's `srp` neither
//! derives Cognito's key (HKDF, "Caldera Derived Key") nor signs its
//! timestamped claim, and the Cognito-specific crates we found compute the
//! powers with num-bigint's `modpow`, whose window table is indexed by the
//! secret exponent; these run in constant time (crypto-bigint's Montgomery
//! form).
//!
//! ```
//! let srp = auth::srp::SrpClient::new();
//! // SRP_A: a fresh 3072-bit public value for each sign-in.
//! assert!(srp.public_hex().len() > 700);
//! assert_ne!(auth::srp::SrpClient::new().public_hex(), srp.public_hex());
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_bigint::modular::ConstMontyForm;
use crypto_bigint::{U256, U512, U3072, U4096};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// N, the prime of the group Cognito's SRP works in: RFC 3526's 3072-bit
/// MODP group, with generator 2.
///
/// ```
/// assert_eq!(auth::srp::N_HEX.len(), 3072 / 4);
/// ```
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
/// N's size: the longest private value and `SRP_B` accepted.
const N_BYTES: usize = 384;
const G: u8 = 2;
const INFO: &[u8] = b"Caldera Derived Key";

mod modulus {
    // A private module: the macro declares a `pub struct`.
    crypto_bigint::const_monty_params!(N, crypto_bigint::U3072, super::N_HEX, "RFC 3526's N.");
}

/// A number modulo N, in Montgomery form. Its products and powers run in the
/// same time and touch the same memory whatever the values: the exponents
/// hold the private value and the password's hash, which a variable-time
/// power (secret-indexed window tables, early exits) leaks to anyone who can
/// time logins or share the CPU's caches.
type ModN = ConstMontyForm<modulus::N, { U3072::LIMBS }>;

/// The generator g, in Montgomery form (computed at compile time).
const GENERATOR: ModN = ModN::new(&U3072::from_u8(G));

/// Why an SRP exchange was aborted (a server value that would break the
/// protocol's guarantees, or an answer that is not what Cognito sends).
///
/// ```
/// use auth::srp::{SrpClient, SrpError};
/// let client = SrpClient::new();
/// // A server that sends B = 0 would make the shared secret predictable.
/// let err = client
///     .password_claim_signature("eu-west-1_AbCdEf", "alice", "pw", "0a", "0", "", "")
///     .unwrap_err();
/// assert_eq!(err, SrpError::BIsZero);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// `SRP_B mod N` is zero: a malicious or broken server.
    #[error("SRP_B is zero modulo N")]
    BIsZero,
    /// `u = H(A || B)` is zero.
    #[error("SRP scrambling parameter u is zero")]
    UIsZero,
    /// A challenge parameter is not valid hex or base64, or `SRP_B` is
    /// longer than N.
    #[error("malformed SRP challenge parameter {0}")]
    Malformed(&'static str),
}

fn without_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A number's big-endian bytes as the JS SDK hashes them (its `padHex`): no
/// leading zeros, but a `00` before a set top bit, so that the value reads as
/// positive; zero is one `00`.
fn padded(bytes: &[u8]) -> Vec<u8> {
    let bytes = without_leading_zeros(bytes);
    let mut out = Vec::with_capacity(bytes.len() + 1);
    if bytes.first().is_none_or(|&b| b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(bytes);
    out
}

/// Hex of any length, odd included, as the JS SDK's `BigInteger(hex, 16)`
/// reads it.
fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    match hex.len() {
        0 => None,
        len if len % 2 == 1 => hex::decode(format!("0{hex}")).ok(),
        _ => hex::decode(hex).ok(),
    }
}

/// A number of at most N's size; `None` when `bytes` is longer.
fn u3072(bytes: &[u8]) -> Option<U3072> {
    let mut buf = [0u8; N_BYTES];
    buf.get_mut(N_BYTES.checked_sub(bytes.len())?..)?
        .copy_from_slice(bytes);
    Some(U3072::from_be_slice(&buf))
}

/// SHA-256 of the concatenated parts, as a number.
fn hash(parts: &[&[u8]]) -> U256 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    U256::from_be_slice(&hasher.finalize())
}

/// One SRP exchange: the private value `a` and the public `A = g^a mod N`.
///
/// ```
/// use auth::srp::{SrpClient, timestamp};
/// let srp = SrpClient::new();
/// // 1. InitiateAuth(USER_SRP_AUTH) with SRP_A = srp.public_hex().
/// let srp_a = srp.public_hex();
/// // 2. Cognito answers PASSWORD_VERIFIER with USER_ID_FOR_SRP, SALT, SRP_B
/// //    and SECRET_BLOCK; sign them with the password.
/// # let (user_id, salt, srp_b, secret_block) = ("alice", "4f2a", "e3b0c442", "c2VjcmV0");
/// let now = timestamp(chrono::Utc::now());
/// let signature = srp.password_claim_signature(
///     "eu-west-1_AbCdEf", user_id, "the password", salt, srp_b, secret_block, &now,
/// )?;
/// // 3. RespondToAuthChallenge with PASSWORD_CLAIM_SIGNATURE = signature and TIMESTAMP = now.
/// # assert!(!srp_a.is_empty() && !signature.is_empty());
/// # Ok::<(), auth::srp::SrpError>(())
/// ```
pub struct SrpClient {
    a: U3072,
    /// The private value's length in bits (8 per byte given): how many of
    /// `a`'s bits the powers go through, whatever their values.
    a_bits: u32,
    big_a: U3072,
}

impl std::fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrpClient").finish_non_exhaustive()
    }
}

impl SrpClient {
    /// A new exchange with 128 random bytes from the OS's CSPRNG.
    ///
    /// ```
    /// let a = auth::srp::SrpClient::new();
    /// let b = auth::srp::SrpClient::new();
    /// assert_ne!(a.public_hex(), b.public_hex()); // a fresh secret per sign-in
    /// ```
    pub fn new() -> Self {
        loop {
            let mut a = [0u8; 128];
            rand::fill(&mut a);
            if let Some(client) = Self::with_private_value(&a) {
                return client;
            }
        }
    }

    /// An exchange with a given private value (known-answer tests); `None`
    /// when it is longer than N (384 bytes) or gives `A mod N == 0`.
    ///
    /// ```
    /// use auth::srp::SrpClient;
    /// let client = SrpClient::with_private_value(&[1]).unwrap();
    /// assert_eq!(client.public_hex(), "2"); // A = g^1 = 2
    /// assert!(SrpClient::with_private_value(&[0]).is_some()); // A = g^0 = 1
    /// assert!(SrpClient::with_private_value(&[1; 385]).is_none());
    /// ```
    pub fn with_private_value(a: &[u8]) -> Option<Self> {
        let a_bits = u32::try_from(a.len() * 8).ok()?;
        let a = u3072(a)?;
        let big_a = GENERATOR.pow_bounded_exp(&a, a_bits).retrieve();
        (big_a != U3072::ZERO).then_some(Self { a, a_bits, big_a })
    }

    /// `SRP_A` for InitiateAuth: `A` in hex.
    ///
    /// ```
    /// let client = auth::srp::SrpClient::with_private_value(&[10]).unwrap();
    /// assert_eq!(client.public_hex(), "400"); // 2^10
    /// ```
    pub fn public_hex(&self) -> String {
        let hex = hex::encode(without_leading_zeros(&self.big_a.to_be_bytes()));
        hex.strip_prefix('0').map(str::to_owned).unwrap_or(hex)
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for the PASSWORD_VERIFIER challenge.
    ///
    /// `user_id_for_srp`, `salt_hex`, `b_hex` and `secret_block` are the
    /// challenge's parameters; `timestamp` is [`timestamp`] of now, and must
    /// be sent as `TIMESTAMP` too.
    ///
    /// ```
    /// use auth::srp::SrpClient;
    /// let client = SrpClient::with_private_value(&[7; 128]).unwrap();
    /// let sign = |timestamp| {
    ///     client.password_claim_signature(
    ///         "eu-west-1_AbCdEf", "alice", "the password", "4f2a", "e3b0c442", "c2VjcmV0", timestamp,
    ///     )
    /// };
    /// let signature = sign("Mon Feb 10 18:30:12 UTC 2025").unwrap();
    /// assert_eq!(signature.len(), 44); // base64 of an HMAC-SHA256
    /// assert_eq!(sign("Mon Feb 10 18:30:12 UTC 2025").unwrap(), signature);
    /// assert_ne!(sign("Mon Feb 10 18:30:13 UTC 2025").unwrap(), signature);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn password_claim_signature(
        &self,
        pool_id: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> Result<String, SrpError> {
        let b_bytes = parse_hex(b_hex).ok_or(SrpError::Malformed("SRP_B"))?;
        let b = u3072(without_leading_zeros(&b_bytes)).ok_or(SrpError::Malformed("SRP_B"))?;
        let b = ModN::new(&b);
        if b.retrieve() == U3072::ZERO {
            return Err(SrpError::BIsZero);
        }
        let salt = parse_hex(salt_hex).ok_or(SrpError::Malformed("SALT"))?;
        let secret_block = lenient_base64(secret_block);

        let u = hash(&[&padded(&self.big_a.to_be_bytes()), &padded(&b_bytes)]);
        if u == U256::ZERO {
            return Err(SrpError::UIsZero);
        }
        let pool_name = pool_id.split_once('_').map_or(pool_id, |(_, name)| name);
        let identity = Sha256::digest(format!("{pool_name}{user_id_for_srp}:{password}"));
        let x = hash(&[&padded(&salt), &identity]);

        // S = (B - k * g^x)^(a + u * x) mod N
        let k = hash(&[&padded(&ModN::MODULUS.to_be_bytes()), &padded(&[G])]);
        let base = b.sub(&ModN::new(&k.resize()).mul(&GENERATOR.pow_bounded_exp(&x, U256::BITS)));
        let u_x: U512 = u.concatenating_mul(&x);
        let exponent = self
            .a
            .resize::<{ U4096::LIMBS }>()
            .wrapping_add(&u_x.resize());
        let exponent_bits = self.a_bits.max(U512::BITS) + 1;
        let s = base.pow_bounded_exp(&exponent, exponent_bits).retrieve();

        let mut key = [0u8; 16];
        Hkdf::<Sha256>::new(Some(&padded(&u.to_be_bytes())), &padded(&s.to_be_bytes()))
            .expand(INFO, &mut key)
            .expect("16 bytes is a valid HKDF length");

        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(pool_name.as_bytes());
        mac.update(user_id_for_srp.as_bytes());
        mac.update(&secret_block);
        mac.update(timestamp.as_bytes());
        Ok(BASE64.encode(mac.finalize().into_bytes()))
    }
}

impl Default for SrpClient {
    fn default() -> Self {
        Self::new()
    }
}

/// Decodes base64 as Node's `Buffer.from(s, "base64")` does, as the JS SDK
/// decodes SECRET_BLOCK: URL-safe characters accepted, other characters
/// skipped, stop at padding, trailing bits ignored. Never fails, so we sign
/// exactly what the reference client signs for any server value.
fn lenient_base64(text: &str) -> Vec<u8> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let mut clean: String = text
        .chars()
        .take_while(|&c| c != '=')
        .filter_map(|c| match c {
            '-' => Some('+'),
            '_' => Some('/'),
            c if c.is_ascii_alphanumeric() || c == '+' || c == '/' => Some(c),
            _ => None,
        })
        .collect();
    if clean.len() % 4 == 1 {
        clean.pop(); // six bits make no byte
    }
    LENIENT
        .decode(clean)
        .expect("only alphabet characters, in a decodable length")
}

/// Cognito's `TIMESTAMP` format: `Mon Feb 3 08:05:09 UTC 2025` (day not padded).
///
/// ```
/// use chrono::TimeZone;
/// let at = chrono::Utc.with_ymd_and_hms(2025, 2, 3, 8, 5, 9).unwrap();
/// assert_eq!(auth::srp::timestamp(at), "Mon Feb 3 08:05:09 UTC 2025");
/// ```
pub fn timestamp(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%a %b %-d %H:%M:%S UTC %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers: shared/reference/srp-vectors.md.
    const A_HEX: &str = "b1ce118779e27c1c015d7a226ecae2ea1fcd017049e4f5c6f9908c686d496dce12a1c017a7523d43e2f3a6bb7e75e266bab0471e0720030edb64d8b5aef428356bc72198d41d319cf36eb0c4b4063fb99f90bc3b25b0d1196f84836bc05be0dfe1e6d1e21ba4c77098f6e6119127981395b0f4da67e26f63ecbfb2ded5d9c091c9850c08f0c372e5101df27967250254d6748a75c9be2f59324d31241f950d79224af0d5ff1c169af541b04a063bd0d4f79216a9da1e1874bc041b97ca2d456310f0b29f3644eca4d0e0c21660cbc5774a7319746bf53024a3bbb9c1251002854d1e6fac951d3a160771cdaf681a95e8cd51eb0630c825cd6227f22edefd35b3789df41dfca6cbd4d90e90ec7e38d3cbdf2b5f3534b016267f6a42190690d4225131811c6ea3b8265cff2fc44497887995eb95357747c3db40dab7199af3b9cbaba28a75d800d809421c5da1b0a24ec3120b3738750dcd42a61d1e9d272118ec2e6db632c241ab33558502dc9bbac1f4a34b3243082b89dcc0620a626d83a483";
    const SECRET_BLOCK: &str = "9ae77ec7154c14dcc487b47707fee4b4920cb96d8a8c045e4c8df879a7b375524aa736acdec6c9ad4ea606774d00621b";
    const TIMESTAMP: &str = "Mon Feb 10 18:30:12 UTC 2025";

    fn client() -> SrpClient {
        SrpClient::with_private_value(&[1u8; 128]).unwrap()
    }

    fn sign(salt_and_b: &str) -> Result<String, SrpError> {
        client().password_claim_signature(
            "us-west-2_abc",
            "user_id",
            "password",
            salt_and_b,
            salt_and_b,
            SECRET_BLOCK,
            TIMESTAMP,
        )
    }

    #[test]
    fn public_value_matches_the_known_answer() {
        assert_eq!(client().public_hex(), A_HEX);
    }

    #[test]
    fn signature_matches_the_known_answer() {
        assert_eq!(
            sign("36ef01c6dde9fe503da333b1acc758ba").unwrap(),
            "apNSb5GZpJciVc6cVNkDf4elCMoWUZcH4aukLlMPiFA="
        );
    }

    #[test]
    fn signature_with_odd_length_hex_matches_the_known_answer() {
        assert_eq!(
            sign("36ef01c").unwrap(),
            "bVzjSe43mY37A6ZuzEVU5cr6QY1WeV3BPfdVJo0c2/8="
        );
    }

    #[test]
    fn b_that_is_zero_modulo_n_is_refused() {
        assert_eq!(sign("0"), Err(SrpError::BIsZero));
        assert_eq!(sign(&N_HEX.to_lowercase()), Err(SrpError::BIsZero));
        assert_eq!(sign(&format!("000000{N_HEX}")), Err(SrpError::BIsZero));
        // A B longer than N (2^3072 here, 2N too) is refused: Cognito never sends one.
        let two_to_the_3072 = format!("1{}", "0".repeat(N_HEX.len()));
        assert_eq!(sign(&two_to_the_3072), Err(SrpError::Malformed("SRP_B")));
    }

    #[test]
    fn private_values_are_random() {
        let fresh = SrpClient::new();
        assert_ne!(fresh.big_a, U3072::ZERO);
        assert_ne!(fresh.public_hex(), SrpClient::new().public_hex());
        assert_ne!(fresh.public_hex(), client().public_hex());
    }

    #[test]
    fn malformed_parameters_are_errors_not_panics() {
        let c = client();
        let sig = |salt: &str, b: &str, block: &str| {
            c.password_claim_signature("us-west-2_abc", "u", "p", salt, b, block, TIMESTAMP)
        };
        assert_eq!(
            sig("zz", "36ef", SECRET_BLOCK),
            Err(SrpError::Malformed("SALT"))
        );
        assert_eq!(
            sig("36ef", "not hex", SECRET_BLOCK),
            Err(SrpError::Malformed("SRP_B"))
        );
    }

    #[test]
    fn secret_block_decodes_as_node_does() {
        // Buffer.from(s, "base64") in Node for each input.
        assert_eq!(lenient_base64("aGVsbG8="), b"hello");
        assert_eq!(lenient_base64("aGVsbG8"), b"hello");
        assert_eq!(lenient_base64("aGV sbG8\n"), b"hello");
        assert_eq!(lenient_base64("-_-_"), [0xfb, 0xff, 0xbf]);
        assert_eq!(lenient_base64("aGVsbG8=trailing"), b"hello");
        assert_eq!(lenient_base64("a"), b"");
        assert_eq!(lenient_base64("%%%"), b"");
    }

    #[test]
    fn padding_follows_the_js_sdk() {
        assert_eq!(padded(&[0x7f]), [0x7f]);
        assert_eq!(padded(&[0x80]), [0x00, 0x80]);
        assert_eq!(padded(&[0x00, 0x0f, 0xff]), [0x0f, 0xff]);
        assert_eq!(padded(&[0x00, 0x00, 0x90]), [0x00, 0x90]);
        assert_eq!(padded(&[]), [0x00]);
        assert_eq!(padded(&[0x00, 0x00]), [0x00]);
    }

    #[test]
    fn hex_of_any_length_reads_as_a_number() {
        assert_eq!(parse_hex("36ef01c"), Some(vec![0x03, 0x6e, 0xf0, 0x1c]));
        assert_eq!(parse_hex("00ff"), Some(vec![0x00, 0xff]));
        assert_eq!(parse_hex(""), None);
        assert_eq!(parse_hex("0x12"), None);
    }

    #[test]
    fn timestamp_does_not_pad_the_day() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2025, 2, 3, 8, 5, 9).unwrap();
        assert_eq!(timestamp(t), "Mon Feb 3 08:05:09 UTC 2025");
        let t = chrono::Utc
            .with_ymd_and_hms(2025, 2, 10, 18, 30, 12)
            .unwrap();
        assert_eq!(timestamp(t), TIMESTAMP);
    }
}
