//! The user pool's signing keys, fetched over HTTP and cached.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use tokio::sync::{Mutex, RwLock};

use crate::AuthError;

/// The least time between two fetches caused by an unknown `kid`, so forged
/// tokens cannot make us hammer the JWKS endpoint.
pub(crate) const REFETCH_AFTER: Duration = Duration::from_secs(10);

/// The least time between two attempts after a failed fetch: soon, since
/// every signed-in request waits on the keys, but not once per request.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The last fetch: when, and why it failed if it did.
struct Fetch {
    at: Instant,
    failure: Option<String>,
}

/// A key of the set by its id, or why it cannot be used.
type Keys = HashMap<String, Result<DecodingKey, String>>;

pub(crate) struct Jwks {
    source: Source,
    keys: RwLock<Keys>,
    /// Held while fetching: concurrent misses wait for one fetch.
    last_fetch: Mutex<Option<Fetch>>,
}

enum Source {
    Url {
        url: String,
        /// Why no client could be made (a certificate store with nothing
        /// usable in it) is the answer to every fetch.
        http: Result<reqwest::Client, String>,
    },
    Fixed,
}

impl Jwks {
    pub(crate) fn from_url(url: String, timeout: Duration) -> Self {
        // No idle connections kept: fetches are rare (the keys are cached),
        // and a pooled connection is driven by the runtime of the thread that
        // opened it, which a fetch on another actix worker would wait on.
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| format!("JWKS client: {}", crate::error::chain(&e)));
        Self::new(Source::Url { url, http }, HashMap::new())
    }

    /// A fixed key set that is never fetched (tests, or keys shipped with an
    /// app): an unusable key in it is the caller's error.
    pub(crate) fn fixed(set: &JwkSet) -> Result<Self, AuthError> {
        let keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.as_deref()?;
                Some(decode(kid, jwk).map(|key| (kid.to_owned(), Ok(key))))
            })
            .collect::<Result<Keys, String>>()
            .map_err(AuthError::other)?;
        Ok(Self::new(Source::Fixed, keys))
    }

    fn new(source: Source, keys: Keys) -> Self {
        Self {
            source,
            keys: RwLock::new(keys),
            last_fetch: Mutex::new(None),
        }
    }

    pub(crate) fn url(&self) -> Option<&str> {
        match &self.source {
            Source::Url { url, .. } => Some(url),
            Source::Fixed => None,
        }
    }

    /// The key `kid`, fetching the set when it is unknown: at most once per
    /// [`REFETCH_AFTER`] after a fetch that worked, once per [`RETRY_AFTER`]
    /// after one that failed.
    pub(crate) async fn key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        if let Some(key) = self.keys.read().await.get(kid) {
            return usable(key);
        }
        let Source::Url { url, http } = &self.source else {
            return Err(AuthError::invalid_token(format!("unknown key id {kid:?}")));
        };
        let mut last_fetch = self.last_fetch.lock().await;
        // Another caller may have fetched while we waited for the lock.
        if let Some(key) = self.keys.read().await.get(kid) {
            return usable(key);
        }
        match &*last_fetch {
            // The pool could not be asked: the key may well exist.
            Some(Fetch {
                at,
                failure: Some(reason),
            }) if at.elapsed() < RETRY_AFTER => {
                return Err(AuthError::ServiceUnavailable {
                    reason: reason.clone(),
                });
            }
            Some(Fetch { at, failure: None }) if at.elapsed() < REFETCH_AFTER => {
                return Err(AuthError::invalid_token(format!("unknown key id {kid:?}")));
            }
            _ => {}
        }
        let fetched = fetch(http, url).await;
        *last_fetch = Some(Fetch {
            at: Instant::now(),
            failure: fetched.as_ref().err().cloned(),
        });
        let keys = fetched.map_err(|reason| AuthError::ServiceUnavailable { reason })?;
        let found = keys.get(kid).map(usable);
        *self.keys.write().await = keys;
        found.unwrap_or_else(|| Err(AuthError::invalid_token(format!("unknown key id {kid:?}"))))
    }
}

/// A key this crate cannot use (a key type it does not know, a malformed
/// one) fails the tokens it signed as unavailable: they may be genuine, and
/// refusing them as invalid would log their users out.
fn usable(key: &Result<DecodingKey, String>) -> Result<DecodingKey, AuthError> {
    key.clone()
        .map_err(|reason| AuthError::ServiceUnavailable { reason })
}

/// The key set as served; its keys are read one by one (see [`read_keys`]).
#[derive(serde::Deserialize)]
struct ServedSet {
    keys: Vec<serde_json::Value>,
}

/// The key set, or why it could not be fetched.
async fn fetch(http: &Result<reqwest::Client, String>, url: &str) -> Result<Keys, String> {
    let http = http.as_ref().map_err(Clone::clone)?;
    // reqwest's own message names the URL only; its causes say what failed.
    let unavailable = |e: reqwest::Error| format!("JWKS {url}: {}", crate::error::chain(&e));
    let response = http.get(url).send().await.map_err(unavailable)?;
    let response = response.error_for_status().map_err(unavailable)?;
    tracing::debug!(%url, "fetched the user pool's signing keys");
    let set = response.json::<ServedSet>().await.map_err(unavailable)?;
    Ok(read_keys(set.keys))
}

/// Each key of a served set by its id, read and decoded one by one: a key
/// this crate cannot read (a key type or algorithm it does not know, a
/// malformed one) spoils no other.
fn read_keys(served: Vec<serde_json::Value>) -> Keys {
    served
        .into_iter()
        .filter_map(|value| {
            let kid = value.get("kid")?.as_str()?.to_owned();
            let key = serde_json::from_value::<Jwk>(value)
                .map_err(|e| format!("JWKS key {kid:?} is unusable: {e}"))
                .and_then(|jwk| decode(&kid, &jwk));
            Some((kid, key))
        })
        .collect()
}

fn decode(kid: &str, jwk: &Jwk) -> Result<DecodingKey, String> {
    DecodingKey::from_jwk(jwk).map_err(|e| format!("JWKS key {kid:?} is unusable: {e}"))
}
