//! Stage 2: users of a Cognito user pool, their tokens verified on each
//! request and refreshed when due.

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use auth::{
    AuthError, Cognito, MfaChallenge, MfaSetupChallenge, NewPasswordChallenge, SignIn, TokenCheck,
    TokenUse, Tokens, TotpSecret, UserContext,
};

use super::{Authenticator, Check, LogIn, LogOutScope, LoginError, SignedUp};

/// The tokens of a signed-in session, for a call on the user's behalf.
fn signed_in_tokens(tokens: Option<&Tokens>) -> Result<&Tokens, LoginError> {
    tokens.ok_or_else(|| LoginError::StartAgain("Please sign in again.".into()))
}

/// A code that Cognito refused within a sign-in: another code may pass,
/// and Cognito may come back; anything else starts the sign-in over.
fn code_refused(err: AuthError) -> LoginError {
    match err {
        AuthError::InvalidCode
        | AuthError::ServiceUnavailable { .. }
        | AuthError::Misconfigured { .. } => LoginError::from(err),
        other => {
            tracing::info!(error = ?other, "code refused; signing in again");
            LoginError::StartAgain(other.to_string())
        }
    }
}

/// A revoked token ends the session; the rest is said on the page.
fn token_error(err: AuthError) -> LoginError {
    match err {
        AuthError::InvalidToken { .. } => LoginError::StartAgain(err.to_string()),
        other => other.into(),
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

    /// The Cognito client for a call on behalf of the user at `client`.
    fn for_client(&self, client: Option<IpAddr>) -> Cognito {
        match client {
            Some(ip) => self.cognito.for_user(UserContext::from_ip(ip)),
            None => self.cognito.clone(),
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
            SignIn::MfaRequired(challenge) => Ok(LogIn::CodeRequired(challenge)),
            // The app's key now, so that the page that shows it has no side effect.
            SignIn::MfaSetupRequired(challenge) => {
                let (secret, challenge) = self.cognito.begin_mfa_setup(&challenge).await?;
                Ok(LogIn::SetupRequired(challenge, secret))
            }
        }
    }
}

#[async_trait]
impl Authenticator for CognitoUsers {
    async fn log_in(
        &self,
        username: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        let outcome = match self.for_client(client).sign_in(username, password).await {
            Err(AuthError::UserNotConfirmed) => return Err(LoginError::NotConfirmed),
            Err(AuthError::PasswordResetRequired) => return Err(LoginError::ResetRequired),
            other => other?,
        };
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
        client: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .for_client(client)
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

    async fn check(
        &self,
        user: &str,
        tokens: Option<&Tokens>,
        client: Option<IpAddr>,
    ) -> Result<Check, LoginError> {
        let Some(tokens) = tokens else {
            return Ok(Check::Invalid);
        };
        match self
            .for_client(client)
            .check_tokens(user, tokens, self.refresh_margin)
            .await
        {
            Ok(TokenCheck::Refreshed(tokens, _)) => Ok(Check::Refreshed(tokens)),
            Ok(TokenCheck::Ended) => Ok(Check::Invalid),
            Ok(_) => Ok(Check::Valid),
            // Throttled: Cognito's to lift, not the user's fault.
            Err(err @ AuthError::TooManyAttempts) => Err(LoginError::Unavailable(err.to_string())),
            Err(err) => Err(err.into()),
        }
    }

    fn manages_accounts(&self) -> bool {
        true
    }

    async fn sign_up(
        &self,
        username: &str,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<SignedUp, LoginError> {
        let email = [("email".to_owned(), email.to_owned())];
        let done = self
            .for_client(client)
            .sign_up(username, password, &email)
            .await?;
        Ok(match done.confirmed {
            true => SignedUp::Confirmed,
            false => SignedUp::CodeSent,
        })
    }

    async fn confirm_sign_up(
        &self,
        username: &str,
        code: &str,
        client: Option<IpAddr>,
    ) -> Result<(), LoginError> {
        Ok(self
            .for_client(client)
            .confirm_sign_up(username, code)
            .await?)
    }

    async fn forgot_password(
        &self,
        username: &str,
        client: Option<IpAddr>,
    ) -> Result<(), LoginError> {
        Ok(self.for_client(client).forgot_password(username).await?)
    }

    async fn reset_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        client: Option<IpAddr>,
    ) -> Result<(), LoginError> {
        Ok(self
            .for_client(client)
            .confirm_forgot_password(username, code, new_password)
            .await?)
    }

    async fn answer_code(
        &self,
        challenge: &MfaChallenge,
        code: &str,
        client: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .for_client(client)
            .answer_mfa(challenge, code)
            .await
            .map_err(code_refused)?;
        self.signed_in(outcome).await
    }

    async fn finish_setup(
        &self,
        challenge: &MfaSetupChallenge,
        code: &str,
        client: Option<IpAddr>,
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .for_client(client)
            .finish_mfa_setup(challenge, code)
            .await
            .map_err(code_refused)?;
        self.signed_in(outcome).await
    }

    async fn start_totp(&self, tokens: Option<&Tokens>) -> Result<TotpSecret, LoginError> {
        let tokens = signed_in_tokens(tokens)?;
        Ok(self
            .cognito
            .associate_totp(&tokens.access_token)
            .await
            .map_err(token_error)?)
    }

    async fn confirm_totp(&self, tokens: Option<&Tokens>, code: &str) -> Result<(), LoginError> {
        let tokens = signed_in_tokens(tokens)?;
        self.cognito
            .verify_totp(&tokens.access_token, code, "authenticator app")
            .await
            .map_err(token_error)?;
        Ok(self
            .cognito
            .set_totp_mfa(&tokens.access_token, true)
            .await
            .map_err(token_error)?)
    }

    async fn totp_off(&self, tokens: Option<&Tokens>) -> Result<(), LoginError> {
        let tokens = signed_in_tokens(tokens)?;
        Ok(self
            .cognito
            .set_totp_mfa(&tokens.access_token, false)
            .await
            .map_err(token_error)?)
    }

    async fn resend_code(
        &self,
        username: &str,
        client: Option<IpAddr>,
    ) -> Result<Option<String>, LoginError> {
        let sent = self
            .for_client(client)
            .resend_confirmation_code(username)
            .await?;
        Ok(sent.map(|to| to.destination))
    }

    async fn change_password(
        &self,
        tokens: Option<&Tokens>,
        current: &str,
        new: &str,
    ) -> Result<(), LoginError> {
        let tokens =
            tokens.ok_or_else(|| LoginError::StartAgain("Please sign in again.".into()))?;
        match self
            .cognito
            .change_password(&tokens.access_token, current, new)
            .await
        {
            Ok(()) => Ok(()),
            Err(AuthError::InvalidCredentials) => Err(LoginError::Rejected(
                "The current password is not right.".into(),
            )),
            Err(err @ AuthError::InvalidToken { .. }) => {
                Err(LoginError::StartAgain(err.to_string()))
            }
            Err(err @ AuthError::TooManyAttempts) => Err(LoginError::Rejected(err.to_string())),
            Err(err) => Err(err.into()),
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
