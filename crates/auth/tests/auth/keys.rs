//! RSA keys made on the spot, their JWKS, and tokens signed with them: shared
//! by the verification tests and the CPU bench (`#[path]`-included there).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// A 2048-bit RSA key pair (Cognito's size), with its public half as a JWKS.
pub struct Keys {
    pub private_der: Vec<u8>,
    pub public_pem: String,
    pub jwks: Value,
}

/// A fresh key pair, published under key id `kid`.
pub fn generate(kid: &str) -> Keys {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let public = key.to_public_key();
    Keys {
        private_der: key.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        public_pem: public.to_pkcs1_pem(Default::default()).unwrap(),
        jwks: json!({"keys": [{
            "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": B64URL.encode(public.n().to_bytes_be()),
            "e": B64URL.encode(public.e().to_bytes_be()),
        }]}),
    }
}

/// A JWT of `claims`, signed by `keys` with `alg`, naming key `kid`.
pub fn sign_with(keys: &Keys, kid: &str, alg: Algorithm, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_der(&keys.private_der),
    )
    .unwrap()
}
