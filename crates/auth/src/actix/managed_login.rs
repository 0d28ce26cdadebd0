//! Cognito's managed login as three routes an app mounts under a scope of
//! its choice ([`routes`]): `GET start` (with `?next=` the page to come
//! back to), `GET callback` (the app client's callback URL), `POST logout`.
//!
//! The login's PKCE verifier, `state` and `nonce` live in the server-side
//! session until the callback, which takes them out (a replayed callback
//! finds none) and refuses them after
//! [`PENDING_LOGIN_LIFETIME`](crate::managed_login::PENDING_LOGIN_LIFETIME).
//! A successful callback renews the session id
//! ([`CognitoLogin::sign_in`]) and goes back to `next`, a path of this site
//! only. A refused one answers 400 and signs no one in; Cognito out of
//! reach, 503.
//!
//! ```no_run
//! # async fn example() -> Result<(), auth::AuthError> {
//! use actix_web::{App, web};
//! use auth::actix::{CognitoLogin, managed_login};
//! use auth::managed_login::{Endpoints, ManagedLogin};
//!
//! let aws = aws_config::load_from_env().await;
//! let cognito = auth::Cognito::builder(&aws, "eu-west-1_AbCdEf", "app-client-id").build();
//! let hosted = ManagedLogin::new(
//!     &cognito,
//!     Endpoints::of_domain("https://example.auth.eu-west-1.amazoncognito.com")?,
//!     "https://app.example.com/auth/callback",
//! )?;
//! let login = web::Data::new(
//!     CognitoLogin::new(cognito)
//!         .login_path("/auth/start")
//!         .managed_login(hosted, "https://app.example.com/"),
//! );
//! let app = App::new()
//!     .app_data(login)
//!     .service(web::scope("/auth").configure(managed_login::routes));
//! # let _ = app; Ok(()) }
//! ```

use actix_session::SessionExt;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::{AuthRejection, CognitoLogin, SignedInUser, return_to};
use crate::AuthError;
use crate::managed_login::{Callback, PendingLogin};

/// The session key of a started managed login.
pub const PENDING_KEY: &str = "managed_login";

/// A started login and the page it comes back to.
#[derive(Serialize, Deserialize)]
struct Started {
    pending: PendingLogin,
    next: Option<String>,
}

/// Mounts [`start`] as `GET start`, [`callback`] as `GET callback` and
/// [`logout`] as `POST logout` (see the [module](self)'s example). An app
/// that does more at sign-in mounts [`start`] and its own callback around
/// [`finish`].
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/start", web::get().to(start))
        .route("/callback", web::get().to(callback))
        .route("/logout", web::post().to(logout));
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// Sends the browser to the hosted page, the login kept in the session;
/// `?next=` is where the callback goes once signed in.
pub async fn start(req: HttpRequest) -> Result<HttpResponse, AuthRejection> {
    let login = CognitoLogin::of(&req)?;
    let hosted = login.managed()?;
    let (url, pending) = hosted.login.start();
    let started = Started {
        pending,
        next: return_to::requested(&req),
    };
    req.get_session()
        .insert(PENDING_KEY, &started)
        .map_err(|err| AuthRejection::Session(err.to_string()))?;
    Ok(see_other(url.as_str()))
}

/// Finishes the login the session started, once, and goes where it was
/// asked to come back to.
pub async fn callback(req: HttpRequest) -> Result<HttpResponse, AuthRejection> {
    let (_, next) = finish(&req).await?;
    Ok(see_other(&next))
}

/// What [`callback`] does before its redirect: the login the session
/// started taken out of it (it serves once) and finished with the
/// request's query, the user signed in ([`CognitoLogin::sign_in`]: a new
/// session id). Returns the user and the local path to go back to.
///
/// ```no_run
/// # async fn example(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, auth::actix::AuthRejection> {
/// let (user, next) = auth::actix::managed_login::finish(&req).await?;
/// tracing::info!(user = user.username(), "signed in on the hosted page");
/// Ok(actix_web::HttpResponse::SeeOther().insert_header(("Location", next)).finish())
/// # }
/// ```
pub async fn finish(req: &HttpRequest) -> Result<(SignedInUser, String), AuthRejection> {
    let login = CognitoLogin::of(req)?;
    let hosted = login.managed()?;
    let session = req.get_session();
    // Taken out whatever comes next: a login serves once.
    let started = session
        .remove_as::<Started>(PENDING_KEY)
        .and_then(Result::ok);
    // An unreadable query is no answer to a login: it is refused below.
    let query = web::Query::<Callback>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let (pending, next) = match started {
        Some(started) => (Some(started.pending), started.next),
        None => (None, None),
    };
    let tokens = hosted
        .login
        .finish(pending, &query)
        .await
        .map_err(AuthRejection::Cognito)?;
    let user = login.sign_in(req, tokens).await?;
    Ok((user, next.unwrap_or_else(|| "/".to_owned())))
}

/// Ends the session's sign-in ([`CognitoLogin::sign_out`]), then the
/// managed-login session of the browser, which comes back to the app's
/// sign-out URL.
pub async fn logout(req: HttpRequest) -> Result<HttpResponse, AuthRejection> {
    let login = CognitoLogin::of(&req)?;
    let hosted = login.managed()?;
    login.sign_out(&req).await;
    Ok(see_other(
        hosted.login.logout_url(&hosted.signed_out).as_str(),
    ))
}

impl CognitoLogin {
    /// Where the browser goes to end its managed-login session, back to
    /// the app's sign-out URL; `None` without managed login.
    ///
    /// ```no_run
    /// # fn example(login: auth::actix::CognitoLogin) {
    /// let after_logout = login.managed_logout_url().map_or("/".to_owned(), |url| url.to_string());
    /// # }
    /// ```
    pub fn managed_logout_url(&self) -> Option<url::Url> {
        self.hosted()
            .map(|hosted| hosted.login.logout_url(&hosted.signed_out))
    }

    fn managed(&self) -> Result<&super::login::Hosted, AuthRejection> {
        self.hosted()
            .ok_or(AuthRejection::Cognito(AuthError::Misconfigured {
                reason: "managed_login::routes is mounted, but CognitoLogin has no managed_login"
                    .into(),
            }))
    }
}
