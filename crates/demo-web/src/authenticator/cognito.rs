//! Stage 2: users of a Cognito user pool, their tokens verified on each
//! request and refreshed when due.

use actix_web::HttpRequest;
use async_trait::async_trait;
use auth::actix::CognitoLogin;
use auth::{
    AuthError, MfaChallenge, MfaSetupChallenge, NewPasswordChallenge, PasswordPolicy, SignIn,
    TotpSecret,
};
use tokio::sync::OnceCell;

use super::{Authenticator, LogIn, LogOutScope, LoginError, SignedUp};

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

/// Stage 2: users of a Cognito user pool, signed in through
/// [`auth::actix`].
#[derive(Debug)]
pub struct CognitoUsers {
    login: CognitoLogin,
    /// The pool's password policy once read; `None` once Cognito refused
    /// to tell (the app's credentials lack DescribeUserPool).
    policy: OnceCell<Option<PasswordPolicy>>,
}

impl CognitoUsers {
    /// Users of the pool of `login`'s Cognito client.
    pub fn new(login: CognitoLogin) -> Self {
        Self {
            login,
            policy: OnceCell::new(),
        }
    }

    async fn signed_in(&self, req: &HttpRequest, outcome: SignIn) -> Result<LogIn, LoginError> {
        match outcome {
            SignIn::Tokens(tokens) => {
                self.login.sign_in(req, tokens).await?;
                Ok(LogIn::SignedIn)
            }
            SignIn::NewPasswordRequired(challenge) => Ok(LogIn::NewPasswordRequired(challenge)),
            SignIn::MfaRequired(challenge) => Ok(LogIn::CodeRequired(challenge)),
            // Two kinds of code, neither preferred: the app's (no text
            // message to wait for), then the same code form.
            SignIn::MfaSelection(selection) => {
                let cognito = self.login.cognito_for(req);
                match cognito
                    .select_mfa(&selection, selection.preferred())
                    .await?
                {
                    SignIn::MfaRequired(challenge) => Ok(LogIn::CodeRequired(challenge)),
                    other => {
                        tracing::warn!(next = ?other, "unexpected answer to SELECT_MFA_TYPE");
                        Err(LoginError::StartAgain("Please sign in again.".into()))
                    }
                }
            }
            // The app's key now, so that the page that shows it has no side effect.
            SignIn::MfaSetupRequired(challenge) => {
                let (secret, challenge) = self.login.cognito().begin_mfa_setup(&challenge).await?;
                Ok(LogIn::SetupRequired(challenge, secret))
            }
            other => {
                tracing::warn!(next = ?other, "a sign-in step this app does not answer");
                Err(LoginError::StartAgain("Please sign in again.".into()))
            }
        }
    }

    /// The access token of `req`'s signed-in user, for a call on their behalf.
    async fn access_token(&self, req: &HttpRequest) -> Result<String, LoginError> {
        match self.login.current_user(req).await? {
            Some(user) => Ok(user.tokens().access_token.clone()),
            None => Err(LoginError::StartAgain("Please sign in again.".into())),
        }
    }
}

#[async_trait(?Send)]
impl Authenticator for CognitoUsers {
    async fn log_in(
        &self,
        req: &HttpRequest,
        username: &str,
        password: &str,
    ) -> Result<LogIn, LoginError> {
        let outcome = match self
            .login
            .cognito_for(req)
            .sign_in(username, password)
            .await
        {
            Err(AuthError::UserNotConfirmed) => return Err(LoginError::NotConfirmed),
            Err(AuthError::PasswordResetRequired) => return Err(LoginError::ResetRequired),
            other => other?,
        };
        self.signed_in(req, outcome).await
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
        req: &HttpRequest,
        challenge: &NewPasswordChallenge,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .login
            .cognito_for(req)
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
        self.signed_in(req, outcome).await
    }

    async fn current_user(&self, req: &HttpRequest) -> Result<Option<String>, LoginError> {
        let user = self.login.current_user(req).await?;
        Ok(user.map(|user| user.username().to_owned()))
    }

    fn manages_accounts(&self) -> bool {
        true
    }

    fn password_policy(&self) -> Option<PasswordPolicy> {
        self.policy.get().cloned().flatten()
    }

    async fn read_password_policy(&self) {
        let read = self.policy.get_or_try_init(|| async {
            match self.login.cognito().password_policy().await {
                Ok(policy) => Ok(Some(policy)),
                // For good: passwords are then Cognito's alone to check.
                Err(AuthError::Misconfigured { reason }) => {
                    tracing::warn!(
                        %reason,
                        "the pool's password policy is unknown: grant the app cognito-idp:DescribeUserPool (provision does)"
                    );
                    Ok(None)
                }
                // Cognito down: asked again on the next form.
                Err(err) => Err(err),
            }
        });
        if let Err(err) = read.await {
            tracing::info!(error = ?err, "the pool's password policy is not read yet");
        }
    }

    async fn sign_up(
        &self,
        req: &HttpRequest,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<SignedUp, LoginError> {
        let email = [("email".to_owned(), email.to_owned())];
        let done = self
            .login
            .cognito_for(req)
            .sign_up(username, password, &email)
            .await?;
        Ok(match done.confirmed {
            true => SignedUp::Confirmed,
            false => SignedUp::CodeSent,
        })
    }

    async fn confirm_sign_up(
        &self,
        req: &HttpRequest,
        username: &str,
        code: &str,
    ) -> Result<(), LoginError> {
        Ok(self
            .login
            .cognito_for(req)
            .confirm_sign_up(username, code)
            .await?)
    }

    async fn forgot_password(&self, req: &HttpRequest, username: &str) -> Result<(), LoginError> {
        Ok(self
            .login
            .cognito_for(req)
            .forgot_password(username)
            .await?)
    }

    async fn reset_password(
        &self,
        req: &HttpRequest,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), LoginError> {
        Ok(self
            .login
            .cognito_for(req)
            .confirm_forgot_password(username, code, new_password)
            .await?)
    }

    async fn answer_code(
        &self,
        req: &HttpRequest,
        challenge: &MfaChallenge,
        code: &str,
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .login
            .cognito_for(req)
            .answer_mfa(challenge, code)
            .await
            .map_err(code_refused)?;
        self.signed_in(req, outcome).await
    }

    async fn finish_setup(
        &self,
        req: &HttpRequest,
        challenge: &MfaSetupChallenge,
        code: &str,
    ) -> Result<LogIn, LoginError> {
        let outcome = self
            .login
            .cognito_for(req)
            .finish_mfa_setup(challenge, code)
            .await
            .map_err(code_refused)?;
        self.signed_in(req, outcome).await
    }

    async fn start_totp(&self, req: &HttpRequest) -> Result<TotpSecret, LoginError> {
        let token = self.access_token(req).await?;
        Ok(self
            .login
            .cognito()
            .associate_totp(&token)
            .await
            .map_err(token_error)?)
    }

    async fn confirm_totp(&self, req: &HttpRequest, code: &str) -> Result<(), LoginError> {
        let token = self.access_token(req).await?;
        let cognito = self.login.cognito();
        cognito
            .verify_totp(&token, code, "authenticator app")
            .await
            .map_err(token_error)?;
        Ok(cognito
            .set_totp_mfa(&token, true)
            .await
            .map_err(token_error)?)
    }

    async fn totp_off(&self, req: &HttpRequest) -> Result<(), LoginError> {
        let token = self.access_token(req).await?;
        Ok(self
            .login
            .cognito()
            .set_totp_mfa(&token, false)
            .await
            .map_err(token_error)?)
    }

    async fn resend_code(
        &self,
        req: &HttpRequest,
        username: &str,
    ) -> Result<Option<String>, LoginError> {
        let sent = self
            .login
            .cognito_for(req)
            .resend_confirmation_code(username)
            .await?;
        Ok(sent.map(|to| to.destination))
    }

    async fn change_password(
        &self,
        req: &HttpRequest,
        current: &str,
        new: &str,
    ) -> Result<(), LoginError> {
        let token = self.access_token(req).await?;
        match self
            .login
            .cognito()
            .change_password(&token, current, new)
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
        self.login.cognito().call_counts()
    }

    async fn log_out(&self, req: &HttpRequest) -> LogOutScope {
        match self.login.sign_out(req).await {
            Some(out) if out.everywhere => LogOutScope::EverySession,
            _ => LogOutScope::ThisSession,
        }
    }
}
