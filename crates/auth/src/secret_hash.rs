use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `SECRET_HASH` for an app client with a secret:
/// base64(HMAC-SHA256(client secret, username || client id)).
///
/// ```
/// let hash = auth::secret_hash("secret", "alice", "client");
/// assert_eq!(hash.len(), 44);
/// ```
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_a_known_answer() {
        // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'secret', b'aliceclient', hashlib.sha256).digest()).decode())"
        assert_eq!(
            super::secret_hash("secret", "alice", "client"),
            "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
        );
    }
}
