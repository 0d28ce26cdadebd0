//! Verification of Cognito access and ID tokens, with the checks of AWS's
//! own verifier (aws-jwt-verify).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use crate::AuthError;
use crate::jwks::Jwks;

/// Which of the user pool's tokens.
///
/// ```
/// # async fn example(verifier: auth::TokenVerifier, id_token: &str) -> Result<(), auth::AuthError> {
/// use auth::TokenUse;
/// let claims = verifier.verify(id_token, TokenUse::Id).await?;
/// assert_eq!(claims.token_use, TokenUse::Id);
/// // An ID token is refused where an access token is expected.
/// assert!(verifier.verify(id_token, TokenUse::Access).await.is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenUse {
    /// An access token (`token_use: access`, audience in `client_id`).
    Access,
    /// An ID token (`token_use: id`, audience in `aud`).
    Id,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

/// The verified claims of a token.
///
/// ```
/// # async fn example(verifier: auth::TokenVerifier, id_token: &str) -> Result<(), auth::AuthError> {
/// let claims = verifier.verify(id_token, auth::TokenUse::Id).await?;
/// let admin = claims.groups.iter().any(|group| group == "admin");
/// println!("{} <{}>, admin: {admin}", claims.username, claims.email.as_deref().unwrap_or("-"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// The user's immutable id.
    pub sub: String,
    /// The user name (`username`, or `cognito:username` in ID tokens).
    pub username: String,
    /// Access or ID token.
    pub token_use: TokenUse,
    /// When the token expires.
    pub expires_at: SystemTime,
    /// The user's groups (`cognito:groups`).
    pub groups: Vec<String>,
    /// The e-mail address (ID tokens).
    pub email: Option<String>,
    /// The `nonce` of the managed login that asked for it (ID tokens of a
    /// managed login; see [`crate::managed_login`]).
    pub nonce: Option<String>,
}

#[derive(Deserialize)]
struct RawClaims {
    sub: String,
    token_use: String,
    exp: u64,
    client_id: Option<String>,
    aud: Option<String>,
    username: Option<String>,
    #[serde(rename = "cognito:username")]
    cognito_username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
    scope: Option<String>,
    email: Option<String>,
    nonce: Option<String>,
}

/// Verifies a user pool's tokens against its JWKS.
///
/// ```no_run
/// # async fn example(token: &str) -> Result<(), auth::AuthError> {
/// use std::time::Duration;
/// let verifier = auth::TokenVerifier::new(
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
///     "client-id",
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json",
///     Duration::from_secs(5),
/// );
/// let claims = verifier.verify(token, auth::TokenUse::Access).await?;
/// println!("{} ({})", claims.username, claims.sub);
/// # Ok(()) }
/// ```
pub struct TokenVerifier {
    issuer: String,
    /// The app clients whose tokens are accepted: the first is the one given
    /// at construction.
    client_ids: Vec<String>,
    /// Access tokens must carry at least one of these (none: no check).
    scopes: Vec<String>,
    /// Tokens must name at least one of these groups (none: no check).
    groups: Vec<String>,
    leeway: Duration,
    jwks: Jwks,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.issuer)
            .field("client_ids", &self.client_ids)
            .field("scopes", &self.scopes)
            .field("groups", &self.groups)
            .field("jwks", &self.jwks.url())
            .finish()
    }
}

/// The default tolerance on `exp` and `nbf` for clock skew.
///
/// ```
/// assert_eq!(auth::DEFAULT_LEEWAY, std::time::Duration::from_secs(5));
/// ```
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);

impl TokenVerifier {
    /// A verifier for tokens of `issuer` (`https://cognito-idp.<region>.amazonaws.com/<pool id>`)
    /// and app client `client_id`, with keys fetched from `jwks_url` (each
    /// fetch bounded by `timeout`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
    /// let verifier = auth::TokenVerifier::new(
    ///     pool,
    ///     "client-id",
    ///     format!("{pool}/.well-known/jwks.json"),
    ///     Duration::from_secs(5),
    /// );
    /// assert_eq!(verifier.issuer(), pool);
    /// ```
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        jwks_url: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            client_ids: vec![client_id.into()],
            scopes: Vec::new(),
            groups: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            jwks: Jwks::from_url(jwks_url.into(), timeout),
        }
    }

    /// A verifier with a fixed key set, never fetched.
    ///
    /// ```
    /// use auth::{AuthError, JwkSet, TokenUse, TokenVerifier};
    /// // E.g. keys shipped with the app, for hosts that cannot reach Cognito.
    /// let keys: JwkSet = serde_json::from_str(r#"{"keys": []}"#).unwrap();
    /// let verifier = TokenVerifier::with_keys(
    ///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf",
    ///     "client-id",
    ///     &keys,
    /// )?;
    /// let refused = futures::executor::block_on(verifier.verify("not-a-jwt", TokenUse::Access));
    /// assert!(matches!(refused, Err(AuthError::InvalidToken { .. })));
    /// # Ok::<(), AuthError>(())
    /// ```
    pub fn with_keys(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        keys: &JwkSet,
    ) -> Result<Self, AuthError> {
        Ok(Self {
            issuer: issuer.into(),
            client_ids: vec![client_id.into()],
            scopes: Vec::new(),
            groups: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            jwks: Jwks::fixed(keys)?,
        })
    }

    /// The tolerance on `exp` and `nbf` (default [`DEFAULT_LEEWAY`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
    /// let verifier = auth::TokenVerifier::new(pool, "client-id", format!("{pool}/.well-known/jwks.json"), Duration::from_secs(5))
    ///     .leeway(Duration::from_secs(30));
    /// ```
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts the tokens of another app client of the pool too (e.g. a
    /// mobile app's beside the web app's).
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
    /// let verifier = auth::TokenVerifier::new(pool, "web-client", format!("{pool}/.well-known/jwks.json"), Duration::from_secs(5))
    ///     .also_client("mobile-client");
    /// ```
    #[must_use]
    pub fn also_client(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.push(client_id.into());
        self
    }

    /// Requires access tokens to carry at least one of `scopes` (their
    /// `scope` claim), as aws-jwt-verify's `scope` option does. ID tokens
    /// carry no scope: with this set, they are refused.
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
    /// let verifier = auth::TokenVerifier::new(pool, "client-id", format!("{pool}/.well-known/jwks.json"), Duration::from_secs(5))
    ///     .require_any_scope(["orders/read", "orders/write"]);
    /// ```
    #[must_use]
    pub fn require_any_scope<S: Into<String>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Requires tokens to name at least one of `groups` in `cognito:groups`,
    /// as aws-jwt-verify's `groups` option does.
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
    /// // An admin area: only members of `admins` get in.
    /// let admins = auth::TokenVerifier::new(pool, "client-id", format!("{pool}/.well-known/jwks.json"), Duration::from_secs(5))
    ///     .require_any_group(["admins"]);
    /// ```
    #[must_use]
    pub fn require_any_group<S: Into<String>>(
        mut self,
        groups: impl IntoIterator<Item = S>,
    ) -> Self {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Where the keys are fetched from (none for fixed keys).
    pub(crate) fn jwks_url(&self) -> Option<&str> {
        self.jwks.url()
    }

    /// The expected issuer.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) {
    /// println!("accepting tokens of {}", cognito.verifier().issuer());
    /// # }
    /// ```
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Verifies `token` as a token of kind `token_use`: an RS256/384/512
    /// signature by a key of the pool's JWKS, issuer, `token_use`, audience
    /// (`client_id` for access tokens, `aud` for ID tokens), `exp` and `nbf`.
    ///
    /// ```
    /// # async fn example(verifier: auth::TokenVerifier, token: &str) {
    /// match verifier.verify(token, auth::TokenUse::Access).await {
    ///     Ok(claims) => println!("{} ({})", claims.username, claims.sub),
    ///     // Forged, expired, another pool's or another client's: the reason is for logs.
    ///     Err(auth::AuthError::InvalidToken { reason }) => eprintln!("refused: {reason}"),
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn verify(&self, token: &str, token_use: TokenUse) -> Result<Claims, AuthError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| AuthError::invalid_token(format!("header: {e}")))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
        ) {
            return Err(AuthError::invalid_token(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| AuthError::invalid_token("no key id"))?;
        let key = self.jwks.key(&kid).await?;

        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway.as_secs();
        validation.validate_nbf = true;
        validation.validate_aud = false; // access tokens carry client_id instead; checked below
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let data = jsonwebtoken::decode::<RawClaims>(token, &key, &validation)
            .map_err(|e| AuthError::invalid_token(e.to_string()))?;
        let raw = data.claims;

        if raw.token_use != token_use.as_str() {
            return Err(AuthError::invalid_token(format!(
                "token_use is {:?}, expected {:?}",
                raw.token_use,
                token_use.as_str()
            )));
        }
        let audience = match token_use {
            TokenUse::Access => raw.client_id.as_deref(),
            TokenUse::Id => raw.aud.as_deref(),
        };
        if !audience.is_some_and(|a| self.client_ids.iter().any(|c| c == a)) {
            return Err(AuthError::invalid_token(format!(
                "issued to client {audience:?}"
            )));
        }
        if !self.scopes.is_empty() {
            let scope = raw.scope.as_deref().unwrap_or_default();
            if !scope.split(' ').any(|s| self.scopes.iter().any(|r| r == s)) {
                return Err(AuthError::invalid_token(format!(
                    "scope {scope:?} has none of {:?}",
                    self.scopes
                )));
            }
        }
        if !self.groups.is_empty() && !raw.groups.iter().any(|g| self.groups.contains(g)) {
            return Err(AuthError::invalid_token(format!(
                "groups {:?} have none of {:?}",
                raw.groups, self.groups
            )));
        }
        let username = match token_use {
            TokenUse::Access => raw.username,
            TokenUse::Id => raw.cognito_username,
        }
        .ok_or_else(|| AuthError::invalid_token("no user name claim"))?;
        Ok(Claims {
            sub: raw.sub,
            username,
            token_use,
            expires_at: UNIX_EPOCH + Duration::from_secs(raw.exp),
            groups: raw.groups,
            email: raw.email,
            nonce: raw.nonce,
        })
    }
}
