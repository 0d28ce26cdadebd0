//! Each field of a session as the table holds it: its name hidden behind a
//! keyed hash, its name and value compressed when that pays, then encrypted
//! with a key derived from the session's own key. Depends only on
//! [`crate::state`].
//!
//! The table holds only a hash of the session key (the item id), never the
//! key itself, so a scan, an export or a backup reveals no session's state
//! and cannot be replayed: whoever can decrypt a field already holds the
//! cookie that opens the session.
//!
//! A field is stored in the item's `fields` map under its *attribute*: the
//! first 9 bytes of HMAC-SHA256 of its name, base64url (12 characters). Its
//! value there (binary):
//!
//! | bytes | what                                                        |
//! |-------|-------------------------------------------------------------|
//! | 1     | format, [`FIELD_FORMAT`]                                    |
//! | 1     | codec: 0 = as is, 1 = raw deflate                           |
//! | 12    | random AES-GCM nonce                                        |
//! | rest  | AES-256-GCM of the name as a JSON string, then the value's JSON text, with its tag |
//!
//! The two header bytes, the item id and the attribute are the associated
//! data: a field copied into another item or under another name, or a codec
//! byte flipped, does not open.
//!
//! Items of the layout before (one `state` blob, format 1) are opened with
//! [`Sealer::open_whole`] and written again field by field.

use std::cell::RefCell;
use std::io::Read;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::{Compress, Compression, FlushCompress, Status};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::state::SessionState;

/// The layout of a whole state sealed in one blob (the store before 0.1's
/// field-level writes).
const WHOLE_FORMAT: u8 = 1;
/// The layout of one sealed field.
const FIELD_FORMAT: u8 = 2;
const AS_IS: u8 = 0;
const DEFLATE: u8 = 1;
const HEADER: usize = 2;
const NONCE: usize = 12;
/// Under this many bytes a field is stored uncompressed: DynamoDB bills
/// writes per whole KB, and a small field does not shrink by one.
pub(crate) const COMPRESS_ABOVE: usize = 512;
/// A field that inflates past this is refused: no item holds more than
/// 400 KB, so a larger one is not a field this store wrote.
const MAX_OPENED: u64 = 4 * 1024 * 1024;
/// What the derived keys are for: another use of the same session key gets
/// other keys. The encryption key is the one the whole-state layout used.
const CIPHER_INFO: &[u8] = b"session-store/state/aes-256-gcm/v1";
const NAMES_INFO: &[u8] = b"session-store/fields/hmac-sha256/v1";
/// Bytes of a field's attribute name: 72 bits, so that two names of one
/// session never collide (a keyed hash: nobody can aim for a collision).
const ATTRIBUTE_BYTES: usize = 9;
/// Bytes of the digest by which a write tells a changed value from the one
/// its request loaded.
const DIGEST_BYTES: usize = 12;

/// Bytes of a sealed field beyond its (compressed) name and value.
pub(crate) const OVERHEAD: usize = HEADER + NONCE + 16;

/// Why a stored field or state did not open. Either way the session is
/// treated as absent, and nothing about its content is logged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unreadable {
    #[error("the state is not in a format this store writes")]
    Format,
    #[error("the state does not decrypt with this session's key")]
    Key,
    #[error("the decrypted state is not a session state")]
    Content,
}

/// Seals and opens the fields of one session.
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
    names: Hmac<Sha256>,
}

impl Sealer {
    /// The sealer of the session whose cookie holds `session_key`.
    pub(crate) fn for_session(session_key: &str) -> Self {
        let hkdf = Hkdf::<Sha256>::new(None, session_key.as_bytes());
        let (mut cipher, mut names) = ([0u8; 32], [0u8; 32]);
        hkdf.expand(CIPHER_INFO, &mut cipher)
            .and_then(|()| hkdf.expand(NAMES_INFO, &mut names))
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self {
            cipher: Aes256Gcm::new(&cipher.into()),
            names: <Hmac<Sha256> as Mac>::new_from_slice(&names)
                .expect("HMAC takes a key of any length"),
        }
    }

    fn keyed_hash(&self, parts: &[&[u8]], bytes: usize) -> String {
        let mut mac = self.names.clone();
        for part in parts {
            // Length-prefixed, so that no two splits of one text hash alike.
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..bytes])
    }

    /// The attribute under which field `name` is stored.
    pub(crate) fn attribute(&self, name: &str) -> String {
        self.keyed_hash(&[b"name", name.as_bytes()], ATTRIBUTE_BYTES)
    }

    /// A digest of `value` stored under `attribute`: equal digests, equal
    /// values.
    pub(crate) fn digest(&self, attribute: &str, value: &str) -> String {
        self.keyed_hash(
            &[b"value", attribute.as_bytes(), value.as_bytes()],
            DIGEST_BYTES,
        )
    }

    /// Field `name` with `value`, as item `id` stores it under `attribute`.
    pub(crate) fn seal(&self, id: &str, attribute: &str, name: &str, value: &str) -> Vec<u8> {
        let mut plain = serde_json::to_vec(name).expect("a string serializes");
        plain.extend_from_slice(value.as_bytes());
        let (codec, plain) = match compressed(&plain) {
            Some(smaller) => (DEFLATE, smaller),
            None => (AS_IS, plain),
        };
        let header = [FIELD_FORMAT, codec];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = field_associated(&header, id, attribute);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .expect("AES-GCM encrypts any field an item can hold");
        [&header[..], &nonce[..], &sealed[..]].concat()
    }

    /// The name and value that item `id` sealed in `bytes` under `attribute`.
    pub(crate) fn open(
        &self,
        id: &str,
        attribute: &str,
        bytes: &[u8],
    ) -> Result<(String, String), Unreadable> {
        let plain = self.decrypt(FIELD_FORMAT, bytes, |header| {
            field_associated(header, id, attribute)
        })?;
        let mut stream = serde_json::Deserializer::from_slice(&plain).into_iter::<String>();
        let name = match stream.next() {
            Some(Ok(name)) => name,
            _ => return Err(Unreadable::Content),
        };
        let value = std::str::from_utf8(&plain[stream.byte_offset()..])
            .map_err(|_| Unreadable::Content)?
            .to_owned();
        // Sealed under another name's attribute: the AAD already refuses a
        // move; this refuses a field that was sealed wrongly to begin with.
        if self.attribute(&name) != attribute {
            return Err(Unreadable::Content);
        }
        Ok((name, value))
    }

    /// The whole state that item `id` sealed in one blob, in the layout
    /// before field-level writes.
    pub(crate) fn open_whole(&self, id: &str, bytes: &[u8]) -> Result<SessionState, Unreadable> {
        let json = self.decrypt(WHOLE_FORMAT, bytes, |header| {
            [header, id.as_bytes()].concat()
        })?;
        serde_json::from_slice(&json).map_err(|_| Unreadable::Content)
    }

    /// The plain (inflated) bytes of a sealed blob of `format`.
    fn decrypt(
        &self,
        format: u8,
        bytes: &[u8],
        associated: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Result<Vec<u8>, Unreadable> {
        if bytes.len() < OVERHEAD || bytes[0] != format {
            return Err(Unreadable::Format);
        }
        let (header, rest) = bytes.split_at(HEADER);
        let (nonce, sealed) = rest.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().expect("split at NONCE");
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &associated(header),
                },
            )
            .map_err(|_| Unreadable::Key)?;
        match header[1] {
            AS_IS => Ok(plain),
            DEFLATE => inflated(&plain).ok_or(Unreadable::Content),
            _ => Err(Unreadable::Format),
        }
    }

    /// `state` sealed in one blob as the layout before field-level writes
    /// did: for the tests of reading such items.
    #[cfg(test)]
    pub(crate) fn seal_whole(&self, id: &str, state: &SessionState) -> Vec<u8> {
        let json = serde_json::to_vec(state).expect("a map of strings serializes");
        let header = [WHOLE_FORMAT, AS_IS];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = [&header[..], id.as_bytes()].concat();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &json,
                    aad: &aad,
                },
            )
            .unwrap();
        [&header[..], &nonce[..], &sealed[..]].concat()
    }
}

fn field_associated(header: &[u8], id: &str, attribute: &str) -> Vec<u8> {
    // The id has no NUL (a hex hash after the prefix the app chose, which
    // DynamoDB keys allow but no sane prefix holds); the separator keeps
    // id and attribute apart anyway.
    [header, id.as_bytes(), b"\0", attribute.as_bytes()].concat()
}

thread_local! {
    // A compressor's tables are about 300 KB: made once per thread, not per
    // field (which took 47 µs of the 72 that sealing 4 KB of tokens cost).
    static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

/// `plain` deflated, if it is long enough to try and comes out smaller.
fn compressed(plain: &[u8]) -> Option<Vec<u8>> {
    if plain.len() <= COMPRESS_ABOVE {
        return None;
    }
    // The fastest level: tokens are base64, where a higher level gains
    // under 1% (measured on a Cognito session).
    COMPRESSOR.with_borrow_mut(|deflate| {
        deflate.reset();
        // Room for the input's size only: what does not fit is not smaller.
        let mut out = Vec::with_capacity(plain.len() - 1);
        match deflate.compress_vec(plain, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => Some(out),
            _ => None,
        }
    })
}

fn inflated(deflated: &[u8]) -> Option<Vec<u8>> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(deflated)
        .take(MAX_OPENED + 1)
        .read_to_end(&mut json)
        .ok()?;
    (json.len() as u64 <= MAX_OPENED).then_some(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed_user(sealer: &Sealer) -> (String, Vec<u8>) {
        let attribute = sealer.attribute("user");
        let sealed = sealer.seal("id-a", &attribute, "user", "\"alice\"");
        (attribute, sealed)
    }

    #[test]
    fn a_sealed_field_opens_with_its_session_key_item_and_attribute() {
        let sealer = Sealer::for_session("key-a");
        let (attribute, sealed) = sealed_user(&sealer);
        assert_eq!(
            sealer.open("id-a", &attribute, &sealed).unwrap(),
            ("user".to_owned(), "\"alice\"".to_owned())
        );
        let other_key = Sealer::for_session("key-b");
        assert!(matches!(
            other_key.open("id-a", &attribute, &sealed),
            Err(Unreadable::Key)
        ));
        assert!(matches!(
            sealer.open("id-b", &attribute, &sealed),
            Err(Unreadable::Key)
        ));
        let elsewhere = sealer.attribute("role");
        assert!(matches!(
            sealer.open("id-a", &elsewhere, &sealed),
            Err(Unreadable::Key)
        ));
    }

    #[test]
    fn names_are_hidden_and_stable_per_session() {
        let sealer = Sealer::for_session("k");
        let attribute = sealer.attribute("user");
        assert_eq!(attribute, Sealer::for_session("k").attribute("user"));
        assert_eq!(attribute.len(), (ATTRIBUTE_BYTES * 4).div_ceil(3));
        assert_ne!(attribute, Sealer::for_session("other").attribute("user"));
        assert_ne!(attribute, sealer.attribute("users"));
        let sealed = sealer.seal("id", &attribute, "user", "\"alice\"");
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains("alice") && !text.contains("user"), "{text}");
        // A fresh nonce each time: the same field seals differently.
        assert_ne!(sealed, sealer.seal("id", &attribute, "user", "\"alice\""));
    }

    #[test]
    fn digests_tell_values_apart() {
        let sealer = Sealer::for_session("k");
        let a = sealer.attribute("a");
        assert_eq!(sealer.digest(&a, "1"), sealer.digest(&a, "1"));
        assert_ne!(sealer.digest(&a, "1"), sealer.digest(&a, "2"));
        assert_ne!(
            sealer.digest(&a, "1"),
            sealer.digest(&sealer.attribute("b"), "1")
        );
    }

    #[test]
    fn names_with_quotes_and_odd_characters_come_back_as_they_were() {
        let sealer = Sealer::for_session("k");
        for name in ["", "a\"b", "\0", "ünï\ncode", "{\"x\":1}"] {
            let attribute = sealer.attribute(name);
            let sealed = sealer.seal("id", &attribute, name, "[1,\"x\"]");
            assert_eq!(
                sealer.open("id", &attribute, &sealed).unwrap(),
                (name.to_owned(), "[1,\"x\"]".to_owned())
            );
        }
    }

    #[test]
    fn a_large_field_is_compressed_and_a_small_one_is_not() {
        let sealer = Sealer::for_session("k");
        let a = sealer.attribute("a");
        assert_eq!(sealer.seal("id", &a, "a", "1")[1], AS_IS);
        let text = format!("\"{}\"", "token.".repeat(300));
        let sealed = sealer.seal("id", &a, "a", &text);
        assert_eq!(sealed[1], DEFLATE);
        assert!(sealed.len() < text.len() / 4, "{} bytes", sealed.len());
        assert_eq!(sealer.open("id", &a, &sealed).unwrap().1, text);
    }

    #[test]
    fn damaged_bytes_do_not_open() {
        let sealer = Sealer::for_session("k");
        let (attribute, sealed) = sealed_user(&sealer);
        for at in [0, 1, 2, HEADER + NONCE, sealed.len() - 1] {
            let mut damaged = sealed.clone();
            damaged[at] ^= 1;
            assert!(
                sealer.open("id-a", &attribute, &damaged).is_err(),
                "byte {at}"
            );
        }
        assert!(matches!(
            sealer.open("id-a", &attribute, &sealed[..OVERHEAD - 1]),
            Err(Unreadable::Format)
        ));
        assert!(matches!(
            sealer.open("id-a", &attribute, &[]),
            Err(Unreadable::Format)
        ));
    }

    #[test]
    fn a_whole_state_of_the_layout_before_opens() {
        let sealer = Sealer::for_session("k");
        let state = SessionState::from([("a".into(), "1".into())]);
        let sealed = sealer.seal_whole("id", &state);
        assert_eq!(sealer.open_whole("id", &sealed).unwrap(), state);
        assert!(sealer.open_whole("other", &sealed).is_err());
        // A field is no whole state, and a whole state no field.
        let (attribute, field) = sealed_user(&sealer);
        assert!(matches!(
            sealer.open_whole("id-a", &field),
            Err(Unreadable::Format)
        ));
        assert!(matches!(
            sealer.open("id", &attribute, &sealed),
            Err(Unreadable::Format)
        ));
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        use std::io::Write;
        let sealer = Sealer::for_session("k");
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(b"\"a\"").unwrap();
        encoder.write_all(&vec![b' '; 8 * 1024 * 1024]).unwrap();
        let bomb = encoder.finish().unwrap();
        let header = [FIELD_FORMAT, DEFLATE];
        let attribute = sealer.attribute("a");
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = field_associated(&header, "id", &attribute);
        let sealed = sealer
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &bomb,
                    aad: &aad,
                },
            )
            .unwrap();
        let bytes = [&header[..], &nonce[..], &sealed[..]].concat();
        assert!(matches!(
            sealer.open("id", &attribute, &bytes),
            Err(Unreadable::Content)
        ));
    }
}
