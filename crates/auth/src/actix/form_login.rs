//! Sign-in with the app's own form, in one call: the password checked by
//! Cognito (SRP unless configured otherwise), the user's address sent to
//! its threat protection, the session renewed, and the way back followed.

use actix_web::body::BoxBody;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Deserialize;

use super::{CognitoLogin, return_to};
use crate::{AuthError, SignIn};

/// What a login form posts: `username` and `password`. `Debug` hides the
/// password.
///
/// ```
/// let form: auth::actix::Credentials =
///     serde_json::from_str(r#"{"username": "alice", "password": "hunter2"}"#).unwrap();
/// assert_eq!(form.username, "alice");
/// assert!(!format!("{form:?}").contains("hunter2"));
/// ```
#[derive(Clone, Deserialize)]
pub struct Credentials {
    /// The user name, or an alias the pool accepts (an e-mail address).
    pub username: String,
    /// The password, as typed.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"…")
            .finish()
    }
}

/// Where a form sign-in got to. As a handler's answer it is a 303 to the
/// way back once signed in, and a 501 for a challenge the app does not
/// answer; match it to answer challenges.
///
/// ```
/// use actix_web::Responder;
/// let req = actix_web::test::TestRequest::default().to_http_request();
/// let done = auth::actix::FormSignIn::SignedIn { next: "/orders".into() };
/// let response = done.respond_to(&req);
/// assert_eq!(response.status(), 303);
/// assert_eq!(response.headers().get("location").unwrap(), "/orders");
/// ```
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum FormSignIn {
    /// Signed in, the session renewed: go to `next`, the login's checked
    /// way back (`/` without one).
    SignedIn {
        /// A path of this site.
        next: String,
    },
    /// Cognito asks more before it gives tokens (a new password, a
    /// one-time code, an app to set up): answer it with [`crate::Cognito`]'s
    /// calls, keeping the challenge server-side between pages.
    Challenge(SignIn),
}

impl Responder for FormSignIn {
    type Body = BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        match self {
            FormSignIn::SignedIn { next } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .finish(),
            FormSignIn::Challenge(step) => {
                tracing::warn!(?step, "a sign-in challenge this app does not answer");
                HttpResponse::NotImplemented()
                    .content_type("text/plain; charset=utf-8")
                    .body("This account needs a sign-in step this site does not offer.")
            }
        }
    }
}

impl CognitoLogin {
    /// Signs in the user of a login form: Cognito checks the password
    /// ([`Cognito::sign_in`](crate::Cognito::sign_in), with the user's
    /// address), and on tokens the session starts
    /// ([`CognitoLogin::sign_in`]) and the answer goes back to the page
    /// the login came from ([`return_to::requested`]).
    ///
    /// Errors answer with their status (`?` in a handler): a wrong password
    /// or an unknown user 401, too many attempts 429, Cognito down 503.
    ///
    /// ```no_run
    /// use actix_web::{HttpRequest, web};
    /// use auth::actix::{CognitoLogin, Credentials, FormSignIn};
    ///
    /// async fn log_in(
    ///     req: HttpRequest,
    ///     login: web::Data<CognitoLogin>,
    ///     form: web::Form<Credentials>,
    /// ) -> Result<FormSignIn, auth::AuthError> {
    ///     login.sign_in_with_password(&req, &form).await
    /// }
    /// ```
    pub async fn sign_in_with_password(
        &self,
        req: &HttpRequest,
        credentials: &Credentials,
    ) -> Result<FormSignIn, AuthError> {
        let step = self
            .cognito_for(req)
            .sign_in(&credentials.username, &credentials.password)
            .await?;
        match step {
            SignIn::Tokens(tokens) => {
                self.sign_in(req, tokens)
                    .await
                    .map_err(|rejection| match rejection {
                        super::AuthRejection::Cognito(err) => err,
                        other => AuthError::other(other.to_string()),
                    })?;
                let next = return_to::requested(req).unwrap_or_else(|| "/".to_owned());
                Ok(FormSignIn::SignedIn { next })
            }
            challenge => Ok(FormSignIn::Challenge(challenge)),
        }
    }
}
