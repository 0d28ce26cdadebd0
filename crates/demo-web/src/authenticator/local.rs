//! Stage 1: the original demo's two local users, the session holding the
//! user name alone.

use actix_session::SessionExt;
use actix_web::HttpRequest;
use async_trait::async_trait;
use auth::NewPasswordChallenge;
use auth::actix::USER_KEY;

use super::{Authenticator, LogIn, LogOutScope, LoginError};

/// Stage 1: users `a` and `b`, whose password is their name.
#[derive(Debug, Default)]
pub struct LocalUsers;

#[async_trait(?Send)]
impl Authenticator for LocalUsers {
    async fn log_in(
        &self,
        req: &HttpRequest,
        username: &str,
        password: &str,
    ) -> Result<LogIn, LoginError> {
        if !["a", "b"].contains(&username) {
            return Err(LoginError::Rejected("Invalid user".into()));
        }
        if password != username {
            return Err(LoginError::Rejected("Invalid password".into()));
        }
        let session = req.get_session();
        // A new id at login: a planted session id is worthless.
        session.renew();
        session
            .insert(USER_KEY, username)
            .map_err(|err| LoginError::Unavailable(err.to_string()))?;
        Ok(LogIn::SignedIn)
    }

    fn quick_login_password(&self, username: &str) -> Option<&'static str> {
        match username {
            "a" => Some("a"),
            "b" => Some("b"),
            _ => None,
        }
    }

    async fn answer_new_password(
        &self,
        _: &HttpRequest,
        _: &NewPasswordChallenge,
        _: &str,
        _: &[(String, String)],
    ) -> Result<LogIn, LoginError> {
        Err(LoginError::Rejected(
            "Local users have no temporary passwords.".into(),
        ))
    }

    async fn current_user(&self, req: &HttpRequest) -> Result<Option<String>, LoginError> {
        // A value of another shape is no user.
        Ok(req.get_session().get::<String>(USER_KEY).ok().flatten())
    }

    async fn log_out(&self, req: &HttpRequest) -> LogOutScope {
        req.get_session().purge();
        LogOutScope::ThisSession
    }
}
