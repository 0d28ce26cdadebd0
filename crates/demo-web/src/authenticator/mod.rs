//! Who may log in: the one thing besides configuration in which the two
//! stages differ. Stage 1 knows two local users; stage 2 asks Cognito.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use auth::{AuthError, Cognito, NewPasswordChallenge, SignIn, TokenUse, Tokens};

/// The outcome of a login attempt.
#[derive(Debug)]
pub enum LogIn {
    /// Logged in as `user`, with Cognito's tokens in stage 2.
    User {
        /// The user name.
        user: String,
        /// Cognito's tokens (stage 2).
        tokens: Option<Tokens>,
    },
    /// The user must choose a new password first.
    NewPasswordRequired(NewPasswordChallenge),
}

/// Why a login failed; the text is shown on the login page.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong input (bad user, bad password, weak new password...).
    #[error("{0}")]
    Rejected(String),
    /// The user store cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// The sign-in in progress cannot go on (its challenge expired or was
    /// refused): the user signs in again.
    #[error("{0}")]
    StartAgain(String),
}

impl From<AuthError> for LoginError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::ServiceUnavailable { ref reason } => {
                tracing::warn!(%reason, "Cognito unavailable");
                LoginError::Unavailable(err.to_string())
            }
            // The operator's to fix, not the user's: no one can log in.
            AuthError::Misconfigured { ref reason } => {
                tracing::error!(
                    %reason,
                    "Cognito and the app's POOL_ID, CLIENT_ID, CLIENT_SECRET or COGNITO_AUTH_FLOW disagree"
                );
                LoginError::Unavailable(err.to_string())
            }
            other => {
                tracing::info!(error = ?other, "login refused");
                LoginError::Rejected(other.to_string())
            }
        }
    }
}

/// What a request's check of the session's credentials found.
#[derive(Debug)]
pub enum Check {
    /// Still valid.
    Valid,
    /// Valid after a refresh: store these tokens in the session.
    Refreshed(Tokens),
    /// No longer valid: log the session out.
    Invalid,
}

/// How far a log-out reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogOutScope {
    /// This session only (stage 1).
    ThisSession,
    /// Every session of the user (stage 2: GlobalSignOut revokes all of the
    /// user's tokens, so their other sessions would only fail at their next
    /// refresh; they end at once instead).
    EverySession,
}

/// Logs users in and out, and checks a logged-in session on each request.
#[async_trait]
pub trait Authenticator: Send + Sync + 'static {
    /// Checks a user name and password.
    async fn log_in(&self, username: &str, password: &str) -> Result<LogIn, LoginError>;

    /// The password used by "Quick log in as « user »", for the demo users.
    fn quick_login_password(&self, username: &str) -> Option<&'static str>;

    /// Answers a NEW_PASSWORD_REQUIRED challenge, with the values of its
    /// required attributes (`(name, value)`).
    async fn answer_new_password(
        &self,
        challenge: &NewPasswordChallenge,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<LogIn, LoginError>;

    /// Checks the credentials of a logged-in session (stage 2: verifies the
    /// tokens, refreshing them when they are about to expire; while Cognito
    /// cannot be reached or throttles, an access token that still verifies
    /// is enough).
    async fn check(&self, user: &str, tokens: Option<&Tokens>) -> Result<Check, LoginError>;

    /// Ends the user's sign-in at the identity provider (stage 2:
    /// GlobalSignOut), and says which of the user's sessions must end.
    async fn log_out(&self, tokens: Option<&Tokens>) -> LogOutScope;

    /// Calls made to the identity provider, for metrics.
    fn call_counts(&self) -> Vec<auth::CallCount> {
        Vec::new()
    }
}

/// Stage 1: users `a` and `b`, whose password is their name.
#[derive(Debug, Default)]
pub struct LocalUsers;

#[async_trait]
impl Authenticator for LocalUsers {
    async fn log_in(&self, username: &str, password: &str) -> Result<LogIn, LoginError> {
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
    ) -> Result<LogIn, LoginError> {
        Err(LoginError::Rejected(
            "Local users have no temporary passwords.".into(),
        ))
    }

    async fn check(&self, _user: &str, _tokens: Option<&Tokens>) -> Result<Check, LoginError> {
        Ok(Check::Valid)
    }

    async fn log_out(&self, _tokens: Option<&Tokens>) -> LogOutScope {
        LogOutScope::ThisSession
    }
}

/// Stage 2: users of a Cognito user pool.
#[derive(Debug)]
pub struct CognitoUsers {
    cognito: Cognito,
    refresh_margin: Duration,
}

impl CognitoUsers {
    /// Users of `cognito`'s pool; access tokens are refreshed when they
    /// expire within `refresh_margin`.
    pub fn new(cognito: Cognito, refresh_margin: Duration) -> Self {
        Self {
            cognito,
            refresh_margin,
        }
    }

    async fn signed_in(&self, outcome: SignIn) -> Result<LogIn, LoginError> {
        match outcome {
            SignIn::Tokens(tokens) => {
                // Trust nothing unverified, not even Cognito's own answer.
                let claims = self
                    .cognito
                    .verifier()
                    .verify(&tokens.access_token, TokenUse::Access)
                    .await
                    .map_err(|err| match err {
                        // Fresh from Cognito: a token that does not verify
                        // says the app client is not of POOL_ID's pool.
                        AuthError::InvalidToken { reason } => AuthError::Misconfigured {
                            reason: format!("a new access token does not verify: {reason}"),
                        },
                        other => other,
                    })?;
                Ok(LogIn::User {
                    user: claims.username,
                    tokens: Some(tokens),
                })
            }
            SignIn::NewPasswordRequired(challenge) => Ok(LogIn::NewPasswordRequired(challenge)),
        }
    }
}

#[async_trait]
impl Authenticator for CognitoUsers {
    async fn log_in(&self, username: &str, password: &str) -> Result<LogIn, LoginError> {
        let outcome = self.cognito.sign_in(username, password).await?;
        self.signed_in(outcome).await
    }

    fn quick_login_password(&self, username: &str) -> Option<&'static str> {
        match username {
            "a" => Some("aaaaaa"),
            "b" => Some("bbbbbb"),
            _ => None,
        }
    }

    async fn answer_new_password(
        &self,
        challenge: &NewPasswordChallenge,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .cognito
            .answer_new_password(challenge, new_password, attributes)
            .await
            .map_err(|err| match err {
                // Another password or attribute may pass; Cognito may come
                // back, or its settings be fixed, within the challenge's minutes.
                AuthError::InvalidPassword(_)
                | AuthError::InvalidAttribute(_)
                | AuthError::ServiceUnavailable { .. }
                | AuthError::Misconfigured { .. } => LoginError::from(err),
                other => {
                    tracing::info!(error = ?other, "new password refused; signing in again");
                    LoginError::StartAgain(other.to_string())
                }
            })?;
        self.signed_in(outcome).await
    }

    async fn check(&self, user: &str, tokens: Option<&Tokens>) -> Result<Check, LoginError> {
        let Some(tokens) = tokens else {
            return Ok(Check::Invalid);
        };
        let fresh_until = SystemTime::now() + self.refresh_margin;
        // Whether the access token still verifies, though it is due for a refresh.
        let still_valid = match self
            .cognito
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await
        {
            Ok(claims) if claims.username != user => return Ok(Check::Invalid),
            Ok(claims) if claims.expires_at > fresh_until => return Ok(Check::Valid),
            Ok(_) => true,
            Err(AuthError::InvalidToken { .. }) => false,
            Err(err) => return Err(err.into()),
        };
        let Some(refresh_token) = tokens.refresh_token.as_deref() else {
            return Ok(Check::Invalid);
        };
        match self.cognito.refresh(user, refresh_token).await {
            Ok(refreshed) => match self
                .cognito
                .verifier()
                .verify(&refreshed.access_token, TokenUse::Access)
                .await
            {
                Ok(claims) if claims.username == user => Ok(Check::Refreshed(refreshed)),
                Ok(_) => Ok(Check::Invalid),
                Err(AuthError::InvalidToken { reason }) => {
                    tracing::info!(%reason, "refreshed token rejected");
                    Ok(Check::Invalid)
                }
                Err(err) => Err(err.into()),
            },
            // Cognito down, throttling (its refresh quota is per account) or
            // refusing the app's settings: not the user's doing, so the
            // refresh can wait while the token still holds.
            Err(
                err @ (AuthError::ServiceUnavailable { .. }
                | AuthError::TooManyAttempts
                | AuthError::Misconfigured { .. }),
            ) => {
                if still_valid {
                    tracing::warn!(error = ?err, "refresh not possible now; trying on a later request");
                    Ok(Check::Valid)
                } else {
                    tracing::warn!(error = ?err, "refresh not possible now");
                    Err(LoginError::Unavailable(err.to_string()))
                }
            }
            Err(err) => {
                tracing::info!(error = ?err, "refresh failed; logging the session out");
                Ok(Check::Invalid)
            }
        }
    }

    fn call_counts(&self) -> Vec<auth::CallCount> {
        self.cognito.call_counts()
    }

    async fn log_out(&self, tokens: Option<&Tokens>) -> LogOutScope {
        if let Some(tokens) = tokens
            && let Err(err) = self.cognito.sign_out(&tokens.access_token).await
        {
            // The sessions end all the same, and with them the only copies
            // of the tokens; those expire on their own.
            tracing::warn!(error = ?err, "Cognito sign-out failed");
        }
        LogOutScope::EverySession
    }
}
