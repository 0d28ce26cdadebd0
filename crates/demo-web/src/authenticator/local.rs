//! Stage 1: the original demo's two local users.

use std::net::IpAddr;

use async_trait::async_trait;
use auth::{NewPasswordChallenge, Tokens};

use super::{Authenticator, Check, LogIn, LogOutScope, LoginError};

/// Stage 1: users `a` and `b`, whose password is their name.
#[derive(Debug, Default)]
pub struct LocalUsers;

#[async_trait]
impl Authenticator for LocalUsers {
    async fn log_in(
        &self,
        username: &str,
        password: &str,
        _client: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        if !["a", "b"].contains(&username) {
            return Err(LoginError::Rejected("Invalid user".into()));
        }
        if password != username {
            return Err(LoginError::Rejected("Invalid password".into()));
        }
        Ok(LogIn::User {
            user: username.to_owned(),
            tokens: None,
        })
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
        _: &NewPasswordChallenge,
        _: &str,
        _: &[(String, String)],
        _: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        Err(LoginError::Rejected(
            "Local users have no temporary passwords.".into(),
        ))
    }

    async fn check(
        &self,
        _user: &str,
        _tokens: Option<&Tokens>,
        _client: Option<IpAddr>,
    ) -> Result<Check, LoginError> {
        Ok(Check::Valid)
    }

    async fn log_out(&self, _tokens: Option<&Tokens>) -> LogOutScope {
        LogOutScope::ThisSession
    }
}
