//! Signing in and out: the login form, quick login, the new-password form
//! of a first login, and logout. Each attempt ends the same way: signed in
//! under a new session id and sent back where the login started, or the
//! login form again with the reason.

pub mod code;
pub mod form;
pub mod hosted;
pub mod logout;
pub mod new_password;
pub mod quick_login;
pub mod setup;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::authenticator::{LogIn, LoginError};
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::forms;
use auth::actix::return_to;

/// Checks the credentials: on success signs in (or asks for a new
/// password), else shows the form again with the reason.
async fn attempt(page: &Page, username: &str, password: &str) -> Result<HttpResponse, AppError> {
    let attempt = page
        .state()
        .authenticator
        .log_in(page.request(), username, password);
    let (message, status) = match attempt.await {
        Ok(outcome) => return signed_in(page, outcome),
        // Not a dead end: the code that confirms it is asked for.
        Err(LoginError::NotConfirmed) => {
            page.session().set_signup(username)?;
            return Ok(see_other("/signup/confirm"));
        }
        Err(err @ LoginError::ResetRequired) => {
            return forms::forgot(page, username, &err.to_string());
        }
        Err(LoginError::Rejected(message) | LoginError::StartAgain(message)) => {
            (message, StatusCode::UNAUTHORIZED)
        }
        Err(LoginError::Unavailable(message)) => (message, StatusCode::SERVICE_UNAVAILABLE),
    };
    forms::login_failed(page, username, &message, status)
}

/// After a successful check: sign in (new session id) and go where the
/// request's `next` says, or ask for a new password first.
fn signed_in(page: &Page, outcome: LogIn) -> Result<HttpResponse, AppError> {
    match outcome {
        LogIn::SignedIn => {
            page.session().signed_in()?;
            let to = return_to::requested(page.request());
            Ok(see_other(to.as_deref().unwrap_or("/")))
        }
        LogIn::NewPasswordRequired(challenge) => {
            page.session().set_challenge(&challenge)?;
            let form = format!("/new-password{}", return_to::passed_on(page.request()));
            Ok(see_other(&form))
        }
        LogIn::SetupRequired(challenge, secret) => {
            page.session().set_setup_challenge(&challenge)?;
            page.session().set_totp_secret(secret.base32())?;
            let form = format!("/login/setup{}", return_to::passed_on(page.request()));
            Ok(see_other(&form))
        }
        LogIn::CodeRequired(challenge) => {
            page.session().set_code_challenge(&challenge)?;
            let form = format!("/login/code{}", return_to::passed_on(page.request()));
            Ok(see_other(&form))
        }
    }
}
