//! RFC 6238 one-time codes, as an authenticator app computes them, for the
//! tests of two-factor sign-in (the emulator checks them when run with
//! `scripts/lib/moto_env.py`; ministack always does).
//!
//! Twenty lines over `hmac` and `sha1` rather than a crate: the tests need
//! only RFC 6238's default (SHA-1, 6 digits, 30 s) at a chosen time, which
//! the RFC's own test vector checks (the example of [`code_at`]).

use hmac::{Hmac, Mac};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The code of `secret` (base32, as Cognito gives it) at `unix_seconds`:
/// 6 digits, 30-second steps, HMAC-SHA1.
///
/// ```
/// // RFC 6238's test vector: the secret "12345678901234567890" at 59 s.
/// let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// assert_eq!(test_support::totp::code_at(secret, 59), "287082");
/// ```
pub fn code_at(secret: &str, unix_seconds: u64) -> String {
    let key = base32(secret);
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&(unix_seconds / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let number = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

/// The code of `secret` now, after waiting out the last seconds of a step:
/// the emulator accepts only the current step's code, so one computed just
/// before a boundary could be stale on arrival.
///
/// ```no_run
/// # async fn example() {
/// let code = test_support::totp::code_now("JBSWY3DPEHPK3PXP").await;
/// assert_eq!(code.len(), 6);
/// # }
/// ```
pub async fn code_now(secret: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let into_step = now.as_secs() % 30;
    if into_step >= 27 {
        tokio::time::sleep(Duration::from_secs(30 - into_step)).await;
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    code_at(secret, now.as_secs())
}

/// RFC 4648 base32, without padding, any case.
fn base32(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').chars() {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            other => panic!("not base32: {other:?}"),
        };
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// A well-formed code of `secret` that is not the current one (the current
/// one plus one): what a user who mistyped sends.
///
/// ```no_run
/// # async fn example() {
/// let wrong = test_support::totp::wrong_code_now("JBSWY3DPEHPK3PXP").await;
/// assert_eq!(wrong.len(), 6);
/// # }
/// ```
pub async fn wrong_code_now(secret: &str) -> String {
    let right: u32 = code_now(secret).await.parse().expect("six digits");
    format!("{:06}", (right + 1) % 1_000_000)
}
