//! The user pool's signing keys, fetched over HTTP and cached.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
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

pub(crate) struct Jwks {
    source: Source,
    keys: RwLock<HashMap<String, DecodingKey>>,
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

    /// A fixed key set that is never fetched (tests, or keys shipped with an app).
    pub(crate) fn fixed(set: &JwkSet) -> Result<Self, AuthError> {
        Ok(Self::new(Source::Fixed, decode_set(set)?))
    }

    fn new(source: Source, keys: HashMap<String, DecodingKey>) -> Self {
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
            return Ok(key.clone());
        }
        let Source::Url { url, http } = &self.source else {
            return Err(AuthError::invalid_token(format!("unknown key id {kid:?}")));
        };
        let mut last_fetch = self.last_fetch.lock().await;
        // Another caller may have fetched while we waited for the lock.
        if let Some(key) = self.keys.read().await.get(kid) {
            return Ok(key.clone());
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
        let set = fetched.map_err(|reason| AuthError::ServiceUnavailable { reason })?;
        let keys = decode_set(&set)?;
        let found = keys.get(kid).cloned();
        *self.keys.write().await = keys;
        found.ok_or_else(|| AuthError::invalid_token(format!("unknown key id {kid:?}")))
    }
}

/// The key set, or why it could not be fetched.
async fn fetch(http: &Result<reqwest::Client, String>, url: &str) -> Result<JwkSet, String> {
    let http = http.as_ref().map_err(Clone::clone)?;
    // reqwest's own message names the URL only; its causes say what failed.
    let unavailable = |e: reqwest::Error| format!("JWKS {url}: {}", crate::error::chain(&e));
    let response = http.get(url).send().await.map_err(unavailable)?;
    let response = response.error_for_status().map_err(unavailable)?;
    tracing::debug!(%url, "fetched the user pool's signing keys");
    response.json::<JwkSet>().await.map_err(unavailable)
}

fn decode_set(set: &JwkSet) -> Result<HashMap<String, DecodingKey>, AuthError> {
    set.keys
        .iter()
        .filter_map(|jwk| Some((jwk.common.key_id.clone()?, jwk)))
        .map(|(kid, jwk)| {
            DecodingKey::from_jwk(jwk)
                .map(|key| (kid, key))
                .map_err(|e| AuthError::other(format!("unusable JWK: {e}")))
        })
        .collect()
}
