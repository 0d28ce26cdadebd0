//! What DynamoDB bills, by its published rules, for the items a test
//! reads back, and the sessions of the demo's two stages to price: for
//! `examples/request_cost` (moto reports a flat figure per call) and for
//! the check that ministack, which sizes its figures, reports the same.
//!
//! An item's size is the sum of its attribute names and values; a write
//! costs 1 WCU per started KB of the larger of the old and new item, plus 1
//! per started KB of each index entry it changes (an entry is its
//! attributes plus 100 bytes); a consistent read costs 1 RCU per started
//! 4 KB, an eventually consistent one half that.
//!
//! ```
//! use std::collections::HashMap;
//! use aws_sdk_dynamodb::types::AttributeValue;
//! use test_support::pricing::{item_size, write_units};
//! let item = HashMap::from([("id".to_owned(), AttributeValue::S("x".repeat(1100)))]);
//! assert_eq!(item_size(&item), 1102);
//! assert_eq!(write_units(item_size(&item)), 2.0);
//! ```

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

/// An item as the SDK gives it.
pub type Item = HashMap<String, AttributeValue>;

/// DynamoDB's size of a number: 1 byte per two significant digits, plus 1.
fn number_size(n: &str) -> usize {
    let digits = n
        .trim_start_matches('-')
        .replace('.', "")
        .trim_matches('0')
        .len()
        .max(1);
    digits.div_ceil(2) + 1
}

/// DynamoDB's size of an attribute value.
pub fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| k.len() + value_size(v) + 1)
                .sum::<usize>()
        }
        AttributeValue::L(list) => 3 + list.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        other => panic!("not priced: {other:?}"),
    }
}

/// DynamoDB's size of an item: its attribute names and values.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// The size of the principal index's entry of `item` (the table's and
/// the index's keys, and `projected`), 100 bytes of overhead included.
pub fn index_entry_size(item: &Item, projected: &[&str]) -> usize {
    ["id", "principal"]
        .iter()
        .chain(projected)
        .filter_map(|name| Some(name.len() + value_size(item.get(*name)?)))
        .sum::<usize>()
        + 100
}

/// The write units of a write of `bytes`.
pub fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(1024) as f64
}

/// The read units of a read of `bytes`.
pub fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(4096) as f64;
    if consistent { units } else { units / 2.0 }
}

/// One JWT-shaped token: a header, `claims` bytes of claims and an RS256
/// signature, base64url as Cognito sends them.
fn jwt(claims: &str) -> String {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let header = r#"{"kid":"Ab1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB4c=","alg":"RS256"}"#;
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(claims.as_bytes()),
        crate::random_text(342)
    )
}

/// The state of a logged-in session of the demo's stage 1, or with `tokens`
/// of stage 2, with tokens as large as a real Cognito pool's (a claim set
/// like Cognito's, RS256 signatures, and a JWE refresh token of 1.8 KB).
///
/// ```
/// let stage2 = test_support::pricing::demo_state(true);
/// assert!(stage2["tokens"].len() > 2000);
/// ```
pub fn demo_state(tokens: bool) -> HashMap<String, String> {
    let json = |v: serde_json::Value| v.to_string();
    let mut state = HashMap::from([
        ("user".to_owned(), json("alice".into())),
        ("views".to_owned(), json(12.into())),
        ("device".to_owned(), json("Firefox 133 on Linux".into())),
        ("csrf".to_owned(), json(crate::random_text(43).into())),
    ]);
    if tokens {
        let sub = "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901";
        let iss = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";
        let id = format!(
            r#"{{"sub":"{sub}","email_verified":true,"iss":"{iss}","cognito:username":"alice","origin_jti":"{sub}","aud":"4abcdefghijklmnopqrstuvwxy","event_id":"{sub}","token_use":"id","auth_time":1765000000,"exp":1765003600,"iat":1765000000,"jti":"{sub}","email":"alice@example.com"}}"#
        );
        let access = format!(
            r#"{{"sub":"{sub}","iss":"{iss}","client_id":"4abcdefghijklmnopqrstuvwxy","origin_jti":"{sub}","event_id":"{sub}","token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1765000000,"exp":1765003600,"iat":1765000000,"jti":"{sub}","username":"alice"}}"#
        );
        let refresh = format!(
            "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
            crate::random_text(342),
            crate::random_text(16),
            crate::random_text(1380),
            crate::random_text(22)
        );
        let tokens = serde_json::json!({
            "access_token": jwt(&access),
            "id_token": jwt(&id),
            "refresh_token": refresh,
            "expires_in": 3600,
        });
        state.insert("tokens".to_owned(), tokens.to_string());
    }
    state
}
