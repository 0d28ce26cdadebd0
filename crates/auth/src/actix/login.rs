//! The app's settings of the integration, and the sign-in, check and
//! sign-out of a session.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_session::SessionExt;
use actix_web::{HttpMessage, HttpRequest, web};
use ipnet::IpNet;

use super::{AuthRejection, SignedInUser, TOKENS_KEY, USER_KEY, client_address, return_to};
use crate::managed_login::ManagedLogin;
use crate::{AuthError, Cognito, TokenCheck, TokenUse, Tokens, UserContext};

/// How an app signs users in with Cognito: registered once with
/// `App::app_data(web::Data::new(login))`, found there by [`SignedInUser`]
/// and [`require_sign_in`](super::require_sign_in).
///
/// ```no_run
/// # async fn example() {
/// use std::time::Duration;
/// use auth::{Cognito, actix::CognitoLogin};
/// let aws = aws_config::load_from_env().await;
/// let cognito = Cognito::builder(&aws, "eu-west-1_AbCdEf", "app-client-id").build();
/// let login = CognitoLogin::new(cognito)
///     .login_path("/sign-in")
///     .refresh_margin(Duration::from_secs(120))
///     .trusted_proxies(["10.0.0.0/8".parse().unwrap()]);
/// let data = actix_web::web::Data::new(login); // App::new().app_data(data.clone())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct CognitoLogin {
    cognito: Cognito,
    login_path: String,
    refresh_margin: Duration,
    trusted_proxies: Arc<[IpNet]>,
    hosted: Option<Arc<Hosted>>,
}

/// The managed login of [`CognitoLogin::managed_login`].
#[derive(Debug)]
pub(super) struct Hosted {
    pub(super) login: ManagedLogin,
    /// Where Cognito's `/logout` sends the browser back to.
    pub(super) signed_out: String,
}

/// Who [`CognitoLogin::sign_out`] signed out, and how far.
///
/// ```
/// # fn example(out: auth::actix::SignedOut) {
/// if out.everywhere {
///     // Revocation of this session's token was not possible: every
///     // sign-in of the user ended; end their other sessions now too.
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedOut {
    /// The user who was signed in.
    pub username: String,
    /// Whether every sign-in of the user ended (GlobalSignOut), not only
    /// this session's.
    pub everywhere: bool,
}

/// What [`CognitoLogin::current_user`] found for a request, kept in its
/// extensions so that the guard and extractors check the session once.
#[derive(Clone)]
struct Checked(Option<SignedInUser>);

impl CognitoLogin {
    /// Sign-ins with `cognito`'s pool and app client. The login page is
    /// `/login`, tokens are refreshed a minute before they expire, and no
    /// proxy is trusted.
    pub fn new(cognito: Cognito) -> Self {
        Self {
            cognito,
            login_path: "/login".to_owned(),
            refresh_margin: Duration::from_secs(60),
            trusted_proxies: Arc::new([]),
            hosted: None,
        }
    }

    /// Signs users in through Cognito's managed login too, with the routes
    /// of [`managed_login::routes`](super::managed_login::routes);
    /// `signed_out` is the app client's sign-out URL, where the browser
    /// lands after logging out.
    ///
    /// ```no_run
    /// # fn example(cognito: auth::Cognito, hosted: auth::managed_login::ManagedLogin) {
    /// let login = auth::actix::CognitoLogin::new(cognito)
    ///     .managed_login(hosted, "https://app.example.com/");
    /// # let _ = login; }
    /// ```
    pub fn managed_login(mut self, login: ManagedLogin, signed_out: impl Into<String>) -> Self {
        self.hosted = Some(Arc::new(Hosted {
            login,
            signed_out: signed_out.into(),
        }));
        self
    }

    pub(super) fn hosted(&self) -> Option<&Hosted> {
        self.hosted.as_deref()
    }

    /// Where [`require_sign_in`](super::require_sign_in) sends anonymous
    /// visitors (with `?next=` the page they asked for).
    pub fn login_path(mut self, path: impl Into<String>) -> Self {
        self.login_path = path.into();
        self
    }

    /// Refresh the tokens when the access token expires within `margin`
    /// (so that a request's calls on the user's behalf do not meet an
    /// expired token).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Proxies whose `X-Forwarded-For` is believed about the user's
    /// address (see [`client_address`]).
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = IpNet>) -> Self {
        self.trusted_proxies = proxies.into_iter().collect();
        self
    }

    /// The Cognito client.
    pub fn cognito(&self) -> &Cognito {
        &self.cognito
    }

    /// The Cognito client for calls on behalf of `req`'s user: its address
    /// goes to Cognito's threat protection ([`Cognito::for_user`]).
    pub fn cognito_for(&self, req: &HttpRequest) -> Cognito {
        match self.client_address(req) {
            Some(ip) => self.cognito.for_user(UserContext::from_ip(ip)),
            None => self.cognito.clone(),
        }
    }

    /// The address of `req`'s user, behind the trusted proxies.
    pub fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        client_address(req, &self.trusted_proxies)
    }

    /// The login that comes back to `req`'s page (see
    /// [`return_to::login_for`]).
    pub fn login_for(&self, req: &HttpRequest) -> String {
        return_to::login_for(req, &self.login_path)
    }

    /// Starts the session of the user `tokens` belong to (from
    /// [`SignIn::Tokens`](crate::SignIn::Tokens)): verifies them, renews
    /// the session id, and keeps the user name and tokens in the session.
    ///
    /// A token that does not verify, fresh from Cognito, means the app
    /// client is not of the pool: [`AuthError::Misconfigured`].
    ///
    /// ```no_run
    /// # async fn example(req: actix_web::HttpRequest, login: auth::actix::CognitoLogin) -> actix_web::Result<()> {
    /// if let Ok(auth::SignIn::Tokens(tokens)) = login.cognito_for(&req).sign_in("alice", "pw").await {
    ///     let user = login.sign_in(&req, tokens).await?;
    ///     assert_eq!(user.username(), "alice");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sign_in(
        &self,
        req: &HttpRequest,
        tokens: Tokens,
    ) -> Result<SignedInUser, AuthRejection> {
        let claims = self
            .cognito
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await
            .map_err(|err| match err {
                AuthError::InvalidToken { reason } => AuthError::Misconfigured {
                    reason: format!("a new access token does not verify: {reason}"),
                },
                other => other,
            })
            .map_err(AuthRejection::Cognito)?;
        let session = req.get_session();
        session.renew();
        let stored = session
            .insert(USER_KEY, &claims.username)
            .and_then(|()| session.insert(TOKENS_KEY, &tokens));
        if let Err(err) = stored {
            // Nothing half-signed-in stays behind.
            session.purge();
            return Err(AuthRejection::Session(err.to_string()));
        }
        let user = SignedInUser::new(claims, tokens);
        req.extensions_mut().insert(Checked(Some(user.clone())));
        Ok(user)
    }

    /// The user signed in on `req`'s session, its tokens checked (verified,
    /// refreshed when due): `None` for an anonymous session, and for one
    /// whose sign-in ended, which is purged. Checked once per request.
    ///
    /// Errors: [`AuthRejection::Cognito`] when the tokens are due and can
    /// neither be refreshed nor still be trusted (Cognito down, throttling,
    /// misconfigured); the session is kept for a later request.
    ///
    /// ```no_run
    /// # async fn example(req: actix_web::HttpRequest, login: auth::actix::CognitoLogin) -> Result<(), auth::actix::AuthRejection> {
    /// match login.current_user(&req).await? {
    ///     Some(user) => println!("{}", user.username()),
    ///     None => println!("anonymous"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn current_user(
        &self,
        req: &HttpRequest,
    ) -> Result<Option<SignedInUser>, AuthRejection> {
        if let Some(Checked(user)) = req.extensions().get::<Checked>() {
            return Ok(user.clone());
        }
        let user = self.check(req).await?;
        req.extensions_mut().insert(Checked(user.clone()));
        Ok(user)
    }

    async fn check(&self, req: &HttpRequest) -> Result<Option<SignedInUser>, AuthRejection> {
        let session = req.get_session();
        let (user, tokens) = match (
            session.get::<String>(USER_KEY),
            session.get::<Tokens>(TOKENS_KEY),
        ) {
            (Ok(None), _) => return Ok(None),
            (Ok(Some(user)), Ok(Some(tokens))) => (user, tokens),
            // A user without tokens, or values of another shape: no sign-in
            // of this module, and nothing that may pass for one.
            _ => {
                tracing::warn!("a session's user without valid tokens: purged");
                session.purge();
                return Ok(None);
            }
        };
        let check = self
            .cognito_for(req)
            .check_tokens(&user, &tokens, self.refresh_margin)
            .await;
        match check.map_err(AuthRejection::Cognito)? {
            TokenCheck::Valid(claims) => Ok(Some(SignedInUser::new(claims, tokens))),
            TokenCheck::Refreshed(fresh, claims) => {
                session
                    .insert(TOKENS_KEY, &fresh)
                    .map_err(|err| AuthRejection::Session(err.to_string()))?;
                Ok(Some(SignedInUser::new(claims, fresh)))
            }
            TokenCheck::Ended => {
                session.purge();
                Ok(None)
            }
        }
    }

    /// Ends `req`'s sign-in, and that one only: Cognito revokes its
    /// refresh token and the access tokens issued with it (RevokeToken), and
    /// the session is purged; the user's sign-ins in other sessions go on.
    ///
    /// Where Cognito cannot revoke one token (an app client with token
    /// revocation off, an endpoint without RevokeToken, a session without a
    /// refresh token), it signs the user out everywhere instead
    /// (GlobalSignOut), so that the ended session's refresh token is never
    /// left usable; [`SignedOut::everywhere`] says so, for the app to end the
    /// user's other sessions at once. A sign-out that Cognito cannot take at
    /// all is logged: the session ends all the same, and with it the app's
    /// only copy of the tokens.
    ///
    /// ```no_run
    /// # async fn example(req: actix_web::HttpRequest, login: auth::actix::CognitoLogin) {
    /// if let Some(out) = login.sign_out(&req).await {
    ///     println!("{} signed out{}", out.username, if out.everywhere { " everywhere" } else { "" });
    /// }
    /// # }
    /// ```
    pub async fn sign_out(&self, req: &HttpRequest) -> Option<SignedOut> {
        let session = req.get_session();
        let username = session.get::<String>(USER_KEY).ok().flatten();
        let mut everywhere = false;
        if let Ok(Some(tokens)) = session.get::<Tokens>(TOKENS_KEY) {
            let revoked = match &tokens.refresh_token {
                Some(refresh) => self.cognito.revoke_refresh_token(refresh).await,
                None => Err(AuthError::other("no refresh token to revoke")),
            };
            if let Err(err) = revoked {
                tracing::warn!(error = ?err, "RevokeToken failed: signing out everywhere");
                everywhere = true;
                if let Err(err) = self.cognito.sign_out(&tokens.access_token).await {
                    tracing::warn!(error = ?err, "Cognito sign-out failed");
                }
            }
        }
        session.purge();
        req.extensions_mut().insert(Checked(None));
        username.map(|username| SignedOut {
            username,
            everywhere,
        })
    }

    /// Ends the user's sign-ins everywhere (GlobalSignOut: their sessions
    /// elsewhere end at their next refresh) and purges `req`'s session.
    /// Returns the user name that was signed in, so that the app can end
    /// the user's other sessions at once.
    ///
    /// ```no_run
    /// # async fn example(req: actix_web::HttpRequest, login: auth::actix::CognitoLogin) {
    /// if let Some(user) = login.sign_out_everywhere(&req).await {
    ///     println!("{user} signed out on every device");
    /// }
    /// # }
    /// ```
    pub async fn sign_out_everywhere(&self, req: &HttpRequest) -> Option<String> {
        let session = req.get_session();
        let user = session.get::<String>(USER_KEY).ok().flatten();
        if let Ok(Some(tokens)) = session.get::<Tokens>(TOKENS_KEY)
            && let Err(err) = self.cognito.sign_out(&tokens.access_token).await
        {
            tracing::warn!(error = ?err, "Cognito sign-out failed");
        }
        session.purge();
        req.extensions_mut().insert(Checked(None));
        user
    }

    /// The app's `CognitoLogin`, registered as `web::Data`.
    pub(super) fn of(req: &HttpRequest) -> Result<web::Data<Self>, AuthRejection> {
        req.app_data::<web::Data<Self>>()
            .cloned()
            .ok_or(AuthRejection::NotConfigured)
    }
}
