//! The session state as the table holds it: compressed when that pays,
//! then encrypted with a key derived from the session's own key.
//!
//! The table holds only a hash of the session key (the item id), never the
//! key itself, so a scan, an export or a backup reveals no session's state
//! and cannot be replayed: whoever can decrypt a state already holds the
//! cookie that opens the session.
//!
//! Layout of the `state` attribute (binary):
//!
//! | bytes | what                                                       |
//! |-------|------------------------------------------------------------|
//! | 1     | format, [`FORMAT`]                                         |
//! | 1     | codec: 0 = as is, 1 = raw deflate                          |
//! | 12    | random AES-GCM nonce                                       |
//! | rest  | AES-256-GCM of the state as a JSON object, with its tag    |
//!
//! The first two bytes and the item id are the associated data: a state
//! copied into another item, or a codec byte flipped, does not open.

use std::cell::RefCell;
use std::io::Read;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use flate2::{Compress, Compression, FlushCompress, Status};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::item::{State, is_reserved};

/// The layout version, so that a later one can be told apart.
const FORMAT: u8 = 1;
const AS_IS: u8 = 0;
const DEFLATE: u8 = 1;
const HEADER: usize = 2;
const NONCE: usize = 12;
/// Under this many bytes of JSON a state is stored uncompressed: DynamoDB
/// bills writes per whole KB, and a small state does not shrink by one.
pub(crate) const COMPRESS_ABOVE: usize = 512;
/// A state that inflates past this is refused: no item holds more than
/// 400 KB, so a larger one is not a state this store wrote.
const MAX_OPENED: u64 = 4 * 1024 * 1024;
/// What the derived key is for: another use of the same session key gets
/// another key.
const KEY_INFO: &[u8] = b"session-store/state/aes-256-gcm/v1";

/// Bytes of a sealed state beyond its (compressed) JSON.
pub(crate) const OVERHEAD: usize = HEADER + NONCE + 16;

/// Why a stored state did not open. Either way the session is treated as
/// absent, and nothing about its content is logged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unreadable {
    #[error("the state is not in a format this store writes")]
    Format,
    #[error("the state does not decrypt with this session's key")]
    Key,
    #[error("the decrypted state is not a session state")]
    Content,
}

/// Seals and opens the states of one session.
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    /// The sealer of the session whose cookie holds `session_key`.
    pub(crate) fn for_session(session_key: &str) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, session_key.as_bytes())
            .expand(KEY_INFO, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// `state` (without the store's own fields) as item `id` stores it.
    pub(crate) fn seal(&self, id: &str, state: &State) -> Vec<u8> {
        let fields: std::collections::BTreeMap<_, _> =
            state.iter().filter(|(k, _)| !is_reserved(k)).collect();
        let json = serde_json::to_vec(&fields).expect("a map of strings serializes");
        let (codec, plain) = match compressed(&json) {
            Some(smaller) => (DEFLATE, smaller),
            None => (AS_IS, json),
        };
        let header = [FORMAT, codec];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: &associated(&header, id),
                },
            )
            .expect("AES-GCM encrypts any state an item can hold");
        let mut out = Vec::with_capacity(HEADER + NONCE + sealed.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The state item `id` sealed in `bytes`.
    pub(crate) fn open(&self, id: &str, bytes: &[u8]) -> Result<State, Unreadable> {
        if bytes.len() < OVERHEAD || bytes[0] != FORMAT {
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
                    aad: &associated(header, id),
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
}

fn associated(header: &[u8], id: &str) -> Vec<u8> {
    [header, id.as_bytes()].concat()
}

thread_local! {
    // A compressor's tables are about 300 KB: made once per thread, not per
    // state (which took 47 µs of the 72 that sealing 4 KB of tokens cost).
    static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

/// `json` deflated, if it is long enough to try and comes out smaller.
fn compressed(json: &[u8]) -> Option<Vec<u8>> {
    if json.len() <= COMPRESS_ABOVE {
        return None;
    }
    // The fastest level: tokens are base64, where a higher level gains
    // under 1% (measured on a Cognito session).
    COMPRESSOR.with_borrow_mut(|deflate| {
        deflate.reset();
        // Room for the input's size only: what does not fit is not smaller.
        let mut out = Vec::with_capacity(json.len() - 1);
        match deflate.compress_vec(json, &mut out, FlushCompress::Finish) {
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

    fn state(pairs: &[(&str, &str)]) -> State {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_sealed_state_opens_with_its_session_key_and_item() {
        let sealer = Sealer::for_session("key-a");
        let original = state(&[("user", "\"alice\""), ("n", "1")]);
        let sealed = sealer.seal("id-a", &original);
        assert_eq!(sealer.open("id-a", &sealed).unwrap(), original);
        assert!(matches!(
            Sealer::for_session("key-b").open("id-a", &sealed),
            Err(Unreadable::Key)
        ));
        assert!(matches!(sealer.open("id-b", &sealed), Err(Unreadable::Key)));
    }

    #[test]
    fn the_sealed_bytes_hide_the_state() {
        let sealed = Sealer::for_session("k").seal("id", &state(&[("user", "\"alice\"")]));
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains("alice") && !text.contains("user"), "{text}");
        // A fresh nonce each time: the same state seals differently.
        let again = Sealer::for_session("k").seal("id", &state(&[("user", "\"alice\"")]));
        assert_ne!(sealed, again);
    }

    #[test]
    fn the_store_fields_are_not_sealed() {
        let sealer = Sealer::for_session("k");
        let with_own = state(&[
            ("a", "1"),
            (crate::HANDLE_FIELD, "\"h\""),
            (crate::VERSION_FIELD, "3"),
        ]);
        assert_eq!(
            sealer.open("id", &sealer.seal("id", &with_own)).unwrap(),
            state(&[("a", "1")])
        );
    }

    #[test]
    fn a_large_state_is_compressed_and_a_small_one_is_not() {
        let sealer = Sealer::for_session("k");
        let small = state(&[("a", "1")]);
        assert_eq!(sealer.seal("id", &small)[1], AS_IS);
        let text = format!("\"{}\"", "token.".repeat(300));
        let large = state(&[("tokens", &text)]);
        let sealed = sealer.seal("id", &large);
        assert_eq!(sealed[1], DEFLATE);
        assert!(sealed.len() < text.len() / 4, "{} bytes", sealed.len());
        assert_eq!(sealer.open("id", &sealed).unwrap(), large);
    }

    #[test]
    fn damaged_bytes_do_not_open() {
        let sealer = Sealer::for_session("k");
        let sealed = sealer.seal("id", &state(&[("a", "1")]));
        for at in [0, 1, 2, HEADER + NONCE, sealed.len() - 1] {
            let mut damaged = sealed.clone();
            damaged[at] ^= 1;
            assert!(sealer.open("id", &damaged).is_err(), "byte {at}");
        }
        assert!(matches!(
            sealer.open("id", &sealed[..OVERHEAD - 1]),
            Err(Unreadable::Format)
        ));
        assert!(matches!(sealer.open("id", &[]), Err(Unreadable::Format)));
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        use std::io::Write;
        let sealer = Sealer::for_session("k");
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&vec![b' '; 8 * 1024 * 1024]).unwrap();
        let bomb = encoder.finish().unwrap();
        let header = [FORMAT, DEFLATE];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = sealer
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &bomb,
                    aad: &associated(&header, "id"),
                },
            )
            .unwrap();
        let bytes = [&header[..], &nonce[..], &sealed[..]].concat();
        assert!(matches!(
            sealer.open("id", &bytes),
            Err(Unreadable::Content)
        ));
    }
}
