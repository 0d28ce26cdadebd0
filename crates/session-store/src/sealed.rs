//! Each field of a session as the table holds it: its name hidden behind a
//! keyed hash, its name and value compressed when that pays, then encrypted
//! with keys derived from the session's own key. Depends only on
//! [`crate::state`].
//!
//! The table holds only a hash of the session key (the item id), never the
//! key itself, so a scan, an export or a backup reveals no session's state
//! and cannot be replayed: whoever can decrypt a field already holds the
//! cookie that opens the session.
//!
//! A field is stored in the item's `fields` map under its *attribute*: the
//! first 8 bytes of HMAC-SHA256 of its name, base64url (11 characters). Its
//! value there (binary):
//!
//! | bytes | what                                                        |
//! |-------|-------------------------------------------------------------|
//! | 1     | format and codec: [`FIELD_AS_IS`] or [`FIELD_DEFLATE`] (raw deflate) |
//! | 16    | the synthetic IV of AES-SIV (RFC 5297), which authenticates the rest |
//! | rest  | AES-256-SIV of the name as a JSON string, then the value's JSON text |
//!
//! The header byte, the item id and the attribute are the associated data:
//! a field copied into another item or under another name, or a codec byte
//! flipped, does not open. AES-SIV needs no nonce (16 bytes per field fewer
//! than AES-GCM's nonce and tag, so that a session of several fields costs
//! no more write units than one sealed blob did); being deterministic, it
//! shows only whether a field of one session was rewritten with the same
//! value, which its writes show anyway.
//!
//! Items of the layout before (one `state` blob, format 1) are opened with
//! [`Sealer::open_whole`] and written again field by field.

use std::cell::RefCell;
use std::io::Read;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use aes_siv::siv::Aes256Siv;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::{Compress, Compression, FlushCompress, Status};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::state::SessionState;

/// The layout of a whole state sealed in one blob (the store before
/// field-level writes): a format byte, a codec byte, a 12-byte AES-GCM nonce,
/// then the state with its 16-byte tag.
const WHOLE_FORMAT: u8 = 1;
const AS_IS: u8 = 0;
const DEFLATE: u8 = 1;
const WHOLE_HEADER: usize = 2;
const NONCE: usize = 12;
const WHOLE_OVERHEAD: usize = WHOLE_HEADER + NONCE + 16;
/// A sealed field's header byte: format 2, as is.
const FIELD_AS_IS: u8 = 0x20;
/// A sealed field's header byte: format 2, raw deflate.
const FIELD_DEFLATE: u8 = 0x21;
const SIV: usize = 16;
/// Under this many bytes a field is stored uncompressed: DynamoDB bills
/// writes per whole KB, and a small field does not shrink by one.
pub(crate) const COMPRESS_ABOVE: usize = 512;
/// A field that inflates past this is refused: no item holds more than
/// 400 KB, so a larger one is not a field this store wrote.
const MAX_OPENED: u64 = 4 * 1024 * 1024;
/// What the derived keys are for: another use of the same session key gets
/// other keys. The whole-state layout's key is what it always was.
const WHOLE_INFO: &[u8] = b"session-store/state/aes-256-gcm/v1";
const FIELDS_INFO: &[u8] = b"session-store/fields/aes-256-siv/v1";
const NAMES_INFO: &[u8] = b"session-store/fields/hmac-sha256/v1";
/// Bytes of a field's attribute name: 64 bits, so that two names of one
/// session do not collide (for 20 fields, a chance of 1 in 10^17; a keyed
/// hash: nobody can aim for a collision).
const ATTRIBUTE_BYTES: usize = 8;
/// Bytes of the digest by which a write tells a changed value from the one
/// its request loaded.
const DIGEST_BYTES: usize = 12;

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
    /// The key of AES-256-SIV: two AES-256 keys.
    fields: [u8; 64],
    names: Hmac<Sha256>,
    hkdf: Hkdf<Sha256>,
}

impl Sealer {
    /// The sealer of the session whose cookie holds `session_key`.
    pub(crate) fn for_session(session_key: &str) -> Self {
        let hkdf = Hkdf::<Sha256>::new(None, session_key.as_bytes());
        let (mut fields, mut names) = ([0u8; 64], [0u8; 32]);
        hkdf.expand(FIELDS_INFO, &mut fields)
            .and_then(|()| hkdf.expand(NAMES_INFO, &mut names))
            .expect("64 and 32 bytes are valid HKDF-SHA256 output lengths");
        Self {
            fields,
            names: <Hmac<Sha256> as Mac>::new_from_slice(&names)
                .expect("HMAC takes a key of any length"),
            hkdf,
        }
    }

    fn siv(&self) -> Aes256Siv {
        Aes256Siv::new(&self.fields.into())
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
        let (header, plain) = match compressed(&plain) {
            Some(smaller) => (FIELD_DEFLATE, smaller),
            None => (FIELD_AS_IS, plain),
        };
        let sealed = self
            .siv()
            .encrypt(associated(header, id, attribute), &plain)
            .expect("AES-SIV seals any field an item can hold");
        [&[header][..], &sealed].concat()
    }

    /// The name and value that item `id` sealed in `bytes` under `attribute`.
    pub(crate) fn open(
        &self,
        id: &str,
        attribute: &str,
        bytes: &[u8],
    ) -> Result<(String, String), Unreadable> {
        let Some((&header, sealed)) = bytes.split_first() else {
            return Err(Unreadable::Format);
        };
        if !matches!(header, FIELD_AS_IS | FIELD_DEFLATE) || sealed.len() < SIV {
            return Err(Unreadable::Format);
        }
        let plain = self
            .siv()
            .decrypt(associated(header, id, attribute), sealed)
            .map_err(|_| Unreadable::Key)?;
        let plain = match header {
            FIELD_DEFLATE => inflated(&plain).ok_or(Unreadable::Content)?,
            _ => plain,
        };
        let mut stream = serde_json::Deserializer::from_slice(&plain).into_iter::<String>();
        let name = match stream.next() {
            Some(Ok(name)) => name,
            _ => return Err(Unreadable::Content),
        };
        let value = std::str::from_utf8(&plain[stream.byte_offset()..])
            .map_err(|_| Unreadable::Content)?
            .to_owned();
        // Sealed under another name's attribute: the associated data already
        // refuses a move; this refuses a field sealed wrongly to begin with.
        if self.attribute(&name) != attribute {
            return Err(Unreadable::Content);
        }
        Ok((name, value))
    }

    /// The whole state that item `id` sealed in one blob, in the layout
    /// before field-level writes (AES-256-GCM).
    pub(crate) fn open_whole(&self, id: &str, bytes: &[u8]) -> Result<SessionState, Unreadable> {
        if bytes.len() < WHOLE_OVERHEAD || bytes[0] != WHOLE_FORMAT {
            return Err(Unreadable::Format);
        }
        let (header, rest) = bytes.split_at(WHOLE_HEADER);
        let (nonce, sealed) = rest.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().expect("split at NONCE");
        let plain = self
            .whole()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &[header, id.as_bytes()].concat(),
                },
            )
            .map_err(|_| Unreadable::Key)?;
        let json = match header[1] {
            AS_IS => plain,
            DEFLATE => inflated(&plain).ok_or(Unreadable::Content)?,
            _ => return Err(Unreadable::Format),
        };
        serde_json::from_slice(&json).map_err(|_| Unreadable::Content)
    }

    /// The cipher of the whole-state layout.
    fn whole(&self) -> Aes256Gcm {
        let mut key = [0u8; 32];
        self.hkdf
            .expand(WHOLE_INFO, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Aes256Gcm::new(&key.into())
    }

    /// `state` sealed in one blob as the layout before field-level writes
    /// did: for the tests of reading such items.
    #[cfg(test)]
    pub(crate) fn seal_whole(&self, id: &str, state: &SessionState) -> Vec<u8> {
        use aes_gcm::aead::{AeadCore, OsRng};
        let json = serde_json::to_vec(state).expect("a map of strings serializes");
        let header = [WHOLE_FORMAT, AS_IS];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = [&header[..], id.as_bytes()].concat();
        let sealed = self
            .whole()
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

/// A field's associated data: its header byte, its item and its attribute
/// (separate strings to AES-SIV, so no separator is needed).
fn associated<'a>(header: u8, id: &'a str, attribute: &'a str) -> [&'a [u8]; 3] {
    let header: &'static [u8] = match header {
        FIELD_DEFLATE => &[FIELD_DEFLATE],
        _ => &[FIELD_AS_IS],
    };
    [header, id.as_bytes(), attribute.as_bytes()]
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
        // Deterministic within one item and field; apart elsewhere.
        assert_eq!(sealed, sealer.seal("id", &attribute, "user", "\"alice\""));
        assert_ne!(sealed, sealer.seal("id2", &attribute, "user", "\"alice\""));
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
        assert_eq!(sealer.seal("id", &a, "a", "1")[0], FIELD_AS_IS);
        let text = format!("\"{}\"", "token.".repeat(300));
        let sealed = sealer.seal("id", &a, "a", &text);
        assert_eq!(sealed[0], FIELD_DEFLATE);
        assert!(sealed.len() < text.len() / 4, "{} bytes", sealed.len());
        assert_eq!(sealer.open("id", &a, &sealed).unwrap().1, text);
    }

    #[test]
    fn damaged_bytes_do_not_open() {
        let sealer = Sealer::for_session("k");
        let (attribute, sealed) = sealed_user(&sealer);
        for at in [0, 1, SIV, sealed.len() - 1] {
            let mut damaged = sealed.clone();
            damaged[at] ^= 1;
            assert!(
                sealer.open("id-a", &attribute, &damaged).is_err(),
                "byte {at}"
            );
        }
        assert!(matches!(
            sealer.open("id-a", &attribute, &sealed[..SIV]),
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
        let attribute = sealer.attribute("a");
        let sealed = sealer
            .siv()
            .encrypt(associated(FIELD_DEFLATE, "id", &attribute), &bomb)
            .unwrap();
        let bytes = [&[FIELD_DEFLATE][..], &sealed].concat();
        assert!(matches!(
            sealer.open("id", &attribute, &bytes),
            Err(Unreadable::Content)
        ));
    }
}
