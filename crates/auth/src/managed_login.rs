//! Cognito's managed login (the hosted sign-in pages): OAuth 2.0's
//! authorization code grant with PKCE (S256), and OpenID Connect's ID token
//! bound to the login by a nonce.
//!
//! The OAuth 2.0 mechanics (the authorization URL, PKCE, the token
//! endpoint) are the `oauth2` crate's; the tokens are checked by this
//! crate's [`TokenVerifier`](crate::TokenVerifier), as after any sign-in.
//!
//! A login is two requests of the browser: [`ManagedLogin::start`] gives the
//! URL to send it to and a [`PendingLogin`] to keep server-side (in the
//! session, never in the browser); the hosted page sends the browser back to
//! the redirect URI with a code, which [`ManagedLogin::finish`] checks
//! against the pending login and exchanges for tokens. A pending login
//! serves once and expires after [`PENDING_LOGIN_LIFETIME`].
//!
//! ```no_run
//! # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
//! use auth::managed_login::{Callback, Endpoints, ManagedLogin};
//! let endpoints = Endpoints::of_domain("https://example.auth.eu-west-1.amazoncognito.com")?;
//! let login = ManagedLogin::new(&cognito, endpoints, "https://app.example.com/auth/callback")?;
//! // GET /auth/start: keep `pending` in the session, redirect to `url`.
//! let (url, pending) = login.start();
//! // GET /auth/callback?code=…&state=…: take `pending` out of the session.
//! let callback = Callback { code: Some("…".into()), state: Some("…".into()), ..Callback::default() };
//! let tokens = login.finish(Some(pending), &callback).await?;
//! # let _ = (url, tokens); Ok(()) }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::{AuthError, Cognito, TokenUse, Tokens};

/// How long a started login may take, from [`ManagedLogin::start`] to
/// [`ManagedLogin::finish`]: long enough to type a password and a code,
/// short enough that a stolen pending login is soon worthless.
///
/// ```
/// assert_eq!(auth::managed_login::PENDING_LOGIN_LIFETIME.as_secs(), 600);
/// ```
pub const PENDING_LOGIN_LIFETIME: Duration = Duration::from_secs(600);

/// The scopes asked for when none are set: an ID token (`openid`), the
/// user's e-mail address, and the access token's right to the user's own
/// Cognito calls (change the password, set up an app, sign out).
///
/// ```
/// assert!(auth::managed_login::DEFAULT_SCOPES.contains(&"openid"));
/// ```
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "aws.cognito.signin.user.admin"];

/// Where a pool's managed login lives: the authorization, token and logout
/// endpoints.
///
/// ```
/// use auth::managed_login::Endpoints;
/// let prefix = Endpoints::of_domain("https://example.auth.eu-west-1.amazoncognito.com").unwrap();
/// assert_eq!(prefix.token.as_str(), "https://example.auth.eu-west-1.amazoncognito.com/oauth2/token");
/// let custom = Endpoints::of_domain("auth.example.com").unwrap();
/// assert_eq!(custom.logout.as_str(), "https://auth.example.com/logout");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// `/oauth2/authorize`, where the browser goes to sign in.
    pub authorization: Url,
    /// `/oauth2/token`, where the app exchanges the code.
    pub token: Url,
    /// `/logout`, where the browser goes to end its managed-login session.
    pub logout: Url,
}

#[derive(Deserialize)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
    end_session_endpoint: Option<String>,
}

impl Endpoints {
    /// The endpoints of the pool's domain: a Cognito prefix domain
    /// (`https://<prefix>.auth.<region>.amazoncognito.com`) or a custom one
    /// (`auth.example.com`; `https://` is assumed when no scheme is given).
    ///
    /// ```
    /// let endpoints = auth::managed_login::Endpoints::of_domain("auth.example.com").unwrap();
    /// assert_eq!(endpoints.authorization.path(), "/oauth2/authorize");
    /// ```
    pub fn of_domain(domain: &str) -> Result<Self, AuthError> {
        let base = if domain.contains("://") {
            domain.to_owned()
        } else {
            format!("https://{domain}")
        };
        let base = Url::parse(&base).map_err(|e| AuthError::Misconfigured {
            reason: format!("the managed login's domain {domain:?}: {e}"),
        })?;
        let at = |path: &str| {
            base.join(path).map_err(|e| AuthError::Misconfigured {
                reason: format!("the managed login's domain {domain:?}: {e}"),
            })
        };
        Ok(Self {
            authorization: at("/oauth2/authorize")?,
            token: at("/oauth2/token")?,
            logout: at("/logout")?,
        })
    }

    /// The endpoints the pool's OpenID Connect discovery document names
    /// (`<issuer>/.well-known/openid-configuration`, or next to the endpoint
    /// `cognito`'s SDK configuration overrides, as for its keys). A
    /// document without `end_session_endpoint` (Cognito's has none) gets
    /// `/logout` next to the authorization endpoint.
    ///
    /// ```no_run
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// let endpoints = auth::managed_login::Endpoints::discover(&cognito).await?;
    /// # let _ = endpoints; Ok(()) }
    /// ```
    pub async fn discover(cognito: &Cognito) -> Result<Self, AuthError> {
        let url = cognito
            .verifier()
            .jwks_url()
            .ok_or_else(|| AuthError::Misconfigured {
                reason: "discovery needs the pool's key URL; this verifier has fixed keys".into(),
            })?
            .replace(
                "/.well-known/jwks.json",
                "/.well-known/openid-configuration",
            );
        let unavailable = |e: reqwest::Error| AuthError::ServiceUnavailable {
            reason: format!("the discovery document {url}: {e}"),
        };
        let document: Discovery = http_client()
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        let parse = |what: &str, value: &str| {
            Url::parse(value).map_err(|e| AuthError::Misconfigured {
                reason: format!("{what} {value:?} of {url}: {e}"),
            })
        };
        let authorization = parse("authorization_endpoint", &document.authorization_endpoint)?;
        let logout = match &document.end_session_endpoint {
            Some(logout) => parse("end_session_endpoint", logout)?,
            None => authorization.join("/logout").expect("an absolute path"),
        };
        Ok(Self {
            token: parse("token_endpoint", &document.token_endpoint)?,
            authorization,
            logout,
        })
    }
}

/// What a started login keeps until its callback, server-side: the `state`
/// the callback must bring back, the ID token's `nonce`, the PKCE verifier,
/// and when it started. Serializable, to be kept in a session.
///
/// ```no_run
/// # fn example(login: auth::managed_login::ManagedLogin) {
/// let (url, pending) = login.start();
/// let kept = serde_json::to_string(&pending).unwrap(); // into the session
/// # let _ = (url, kept); }
/// ```
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    state: String,
    nonce: String,
    verifier: String,
    started: u64,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

/// The query of the request the hosted page sends back to the redirect
/// URI: `code` and `state`, or `error` and its description.
///
/// ```
/// let back: auth::managed_login::Callback =
///     serde_json::from_str(r#"{"error": "access_denied"}"#).unwrap();
/// assert_eq!(back.error.as_deref(), Some("access_denied"));
/// ```
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` of the login, as sent.
    pub state: Option<String>,
    /// An OAuth 2.0 error code (`access_denied`, `invalid_request`, …).
    pub error: Option<String>,
    /// The error's description.
    pub error_description: Option<String>,
}

/// The ID token, beside OAuth 2.0's fields of the token endpoint's answer.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct IdToken {
    id_token: Option<String>,
}

impl ExtraTokenFields for IdToken {}

type TokenAnswer = StandardTokenResponse<IdToken, BasicTokenType>;

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Sign-in through the pool's managed login, for the app client of a
/// [`Cognito`] (its secret, when it has one, goes to the token endpoint).
///
/// ```no_run
/// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
/// use auth::managed_login::{Endpoints, ManagedLogin};
/// let endpoints = Endpoints::discover(&cognito).await?;
/// let login = ManagedLogin::new(&cognito, endpoints, "https://app.example.com/auth/callback")?
///     .scopes(["openid", "email"]);
/// let (url, pending) = login.start();
/// # let _ = (url, pending); Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagedLogin {
    client: OAuthClient,
    client_id: String,
    endpoints: Endpoints,
    scopes: Vec<String>,
    cognito: Cognito,
    http: reqwest::Client,
}

impl std::fmt::Debug for ManagedLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedLogin")
            .field("client_id", &self.client_id)
            .field("endpoints", &self.endpoints)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// An HTTP client for the token endpoint: no redirects followed (an
/// endpoint that redirects is refused, not followed elsewhere), bounded.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a TLS backend")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// Whether two secrets are equal, in time that does not depend on where
/// they differ.
fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn refused(reason: impl Into<String>) -> AuthError {
    AuthError::LoginRefused {
        reason: reason.into(),
    }
}

impl ManagedLogin {
    /// Managed login for `cognito`'s app client at `endpoints`, coming back
    /// to `redirect_uri` (one of the app client's callback URLs), asking for
    /// [`DEFAULT_SCOPES`].
    ///
    /// ```
    /// # fn example(cognito: auth::Cognito) {
    /// use auth::managed_login::{Endpoints, ManagedLogin};
    /// let endpoints = Endpoints::of_domain("auth.example.com").unwrap();
    /// assert!(ManagedLogin::new(&cognito, endpoints.clone(), "https://app.example.com/cb").is_ok());
    /// assert!(ManagedLogin::new(&cognito, endpoints, "not a url").is_err());
    /// # }
    /// ```
    pub fn new(
        cognito: &Cognito,
        endpoints: Endpoints,
        redirect_uri: &str,
    ) -> Result<Self, AuthError> {
        let misconfigured = |what: &str, e: url::ParseError| AuthError::Misconfigured {
            reason: format!("the managed login's {what}: {e}"),
        };
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| misconfigured("redirect URI", e))?;
        let mut client = oauth2::Client::new(ClientId::new(cognito.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(endpoints.authorization.clone()))
            .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
            .set_redirect_uri(redirect);
        if let Some(secret) = &cognito.client_secret {
            // client_secret_basic, which Cognito's token endpoint takes.
            client = client.set_client_secret(ClientSecret::new(secret.clone()));
        }
        Ok(Self {
            client,
            client_id: cognito.client_id.clone(),
            endpoints,
            scopes: DEFAULT_SCOPES.map(str::to_owned).to_vec(),
            cognito: cognito.clone(),
            http: http_client(),
        })
    }

    /// The scopes to ask for (they must be allowed for the app client;
    /// `openid` is needed for the ID token, and added when missing).
    ///
    /// ```
    /// # fn example(login: auth::managed_login::ManagedLogin) {
    /// let login = login.scopes(["email"]); // asks for "openid email"
    /// # let _ = login; }
    /// ```
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        if !self.scopes.iter().any(|s| s == "openid") {
            self.scopes.insert(0, "openid".to_owned());
        }
        self
    }

    /// The endpoints in use.
    ///
    /// ```
    /// # fn example(login: auth::managed_login::ManagedLogin) {
    /// println!("signing in at {}", login.endpoints().authorization);
    /// # }
    /// ```
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Starts a login: the URL of the hosted page to send the browser to,
    /// and what to keep server-side until the callback. Each call draws a
    /// new `state`, `nonce` and PKCE verifier.
    ///
    /// ```no_run
    /// # fn example(login: auth::managed_login::ManagedLogin) {
    /// let (url, pending) = login.start();
    /// assert!(url.as_str().contains("code_challenge_method=S256"));
    /// # let _ = pending; }
    /// ```
    pub fn start(&self) -> (Url, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .add_extra_param("nonce", nonce.secret())
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingLogin {
            state: state.into_secret(),
            nonce: nonce.into_secret(),
            verifier: verifier.into_secret(),
            started: now(),
        };
        (url, pending)
    }

    /// Finishes the login that `pending` started (taken out of the session:
    /// `None` when there was none, or it was used) with the `callback`'s
    /// query: the state checked, the code exchanged with the PKCE verifier,
    /// and both tokens verified, the ID token's nonce included.
    ///
    /// Errors: [`AuthError::LoginRefused`] for a callback that is not the
    /// answer to this login (no pending login, a wrong or missing state, an
    /// expired login, an `error` from the hosted page, a code the token
    /// endpoint refuses); [`AuthError::InvalidToken`] for tokens that do
    /// not verify or carry another nonce; [`AuthError::ServiceUnavailable`]
    /// when the token endpoint cannot be reached.
    ///
    /// ```no_run
    /// # async fn example(login: auth::managed_login::ManagedLogin, pending: auth::managed_login::PendingLogin, query: auth::managed_login::Callback) -> Result<(), auth::AuthError> {
    /// let tokens = login.finish(Some(pending), &query).await?;
    /// # let _ = tokens; Ok(()) }
    /// ```
    pub async fn finish(
        &self,
        pending: Option<PendingLogin>,
        callback: &Callback,
    ) -> Result<Tokens, AuthError> {
        if let Some(error) = &callback.error {
            return Err(refused(format!(
                "the hosted page answered {error}: {}",
                callback.error_description.as_deref().unwrap_or("")
            )));
        }
        let pending = pending.ok_or_else(|| refused("no login was started, or it was used"))?;
        let state = callback.state.as_deref().unwrap_or_default();
        if !same_secret(state, &pending.state) {
            return Err(refused("the state is not this login's"));
        }
        if now().saturating_sub(pending.started) > PENDING_LOGIN_LIFETIME.as_secs() {
            return Err(refused("the login took too long"));
        }
        let code = callback
            .code
            .as_deref()
            .filter(|code| !code.is_empty())
            .ok_or_else(|| refused("no code"))?;
        let answer = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(token_endpoint_error)?;
        let tokens = self.checked(answer, None).await?;
        let claims = self
            .cognito
            .verifier()
            .verify(&tokens.id_token, TokenUse::Id)
            .await?;
        match claims.nonce.as_deref() {
            Some(nonce) if same_secret(nonce, &pending.nonce) => Ok(tokens),
            _ => Err(AuthError::invalid_token(
                "the ID token's nonce is not this login's",
            )),
        }
    }

    /// New tokens for `refresh_token`, from the token endpoint (the same
    /// refresh token is kept: Cognito sends a new one only to clients that
    /// rotate them).
    ///
    /// ```no_run
    /// # async fn example(login: auth::managed_login::ManagedLogin, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// let fresh = login.refresh(tokens.refresh_token.as_deref().unwrap()).await?;
    /// # let _ = fresh; Ok(()) }
    /// ```
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, AuthError> {
        let token = RefreshToken::new(refresh_token.to_owned());
        let answer = self
            .client
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(|e| match token_endpoint_error(e) {
                AuthError::LoginRefused { reason } => AuthError::InvalidToken { reason },
                other => other,
            })?;
        self.checked(answer, Some(refresh_token)).await
    }

    /// Where to send the browser to end its managed-login session, which
    /// then comes back to `logout_uri` (one of the app client's sign-out
    /// URLs).
    ///
    /// ```
    /// # fn example(login: auth::managed_login::ManagedLogin) {
    /// let url = login.logout_url("https://app.example.com/");
    /// assert!(url.query().unwrap().contains("logout_uri="));
    /// # }
    /// ```
    pub fn logout_url(&self, logout_uri: &str) -> Url {
        let mut url = self.endpoints.logout.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("logout_uri", logout_uri);
        url
    }

    /// The tokens of a token endpoint's `answer`, the access token verified
    /// (the ID token is checked by the caller, who knows the nonce).
    async fn checked(
        &self,
        answer: TokenAnswer,
        kept_refresh: Option<&str>,
    ) -> Result<Tokens, AuthError> {
        let id_token =
            answer
                .extra_fields()
                .id_token
                .clone()
                .ok_or_else(|| AuthError::Misconfigured {
                    reason: "the token endpoint sent no ID token: is `openid` an allowed scope?"
                        .into(),
                })?;
        let tokens = Tokens {
            access_token: answer.access_token().secret().clone(),
            id_token,
            refresh_token: answer
                .refresh_token()
                .map(|t| t.secret().clone())
                .or(kept_refresh.map(str::to_owned)),
            expires_in: answer
                .expires_in()
                .map_or(3600, |d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX)),
        };
        self.cognito
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await?;
        if kept_refresh.is_some() {
            self.cognito
                .verifier()
                .verify(&tokens.id_token, TokenUse::Id)
                .await?;
        }
        Ok(tokens)
    }
}

/// The token endpoint's refusal as an [`AuthError`]: an OAuth 2.0 error
/// answer refuses the login; no answer is an outage.
fn token_endpoint_error<RE: std::error::Error + 'static>(
    e: RequestTokenError<RE, BasicErrorResponse>,
) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(answer) => refused(format!(
            "the token endpoint answered {}: {}",
            answer.error(),
            answer.error_description().map_or("", String::as_str)
        )),
        RequestTokenError::Request(e) => AuthError::ServiceUnavailable {
            reason: format!("the token endpoint: {e}"),
        },
        RequestTokenError::Parse(e, _) => {
            AuthError::other(format!("the token endpoint's answer: {e}"))
        }
        RequestTokenError::Other(e) => AuthError::other(format!("the token endpoint: {e}")),
    }
}
