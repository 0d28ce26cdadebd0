//! Who may log in: the one thing besides configuration in which the two
//! stages differ. Stage 1 knows two local users; stage 2 asks Cognito.

mod cognito;
mod local;

use actix_web::HttpRequest;
use async_trait::async_trait;
use auth::actix::AuthRejection;
use auth::{
    AuthError, MfaChallenge, MfaSetupChallenge, NewPasswordChallenge, PasswordPolicy, TotpSecret,
};

pub(crate) use cognito::CognitoUsers;
pub(crate) use local::LocalUsers;

/// The outcome of a login attempt.
#[derive(Debug)]
pub enum LogIn {
    /// Signed in as this user: the session holds the sign-in, under a new id.
    SignedIn,
    /// The user must choose a new password first.
    NewPasswordRequired(NewPasswordChallenge),
    /// The password was right; now the code of the user's authenticator app.
    CodeRequired(MfaChallenge),
    /// The password was right, and the pool requires an authenticator app,
    /// which the user has yet to set up: its key, and the challenge.
    SetupRequired(MfaSetupChallenge, TotpSecret),
}

/// What a sign-up did.
#[derive(Debug)]
pub enum SignedUp {
    /// The account can log in now.
    Confirmed,
    /// A code was sent to confirm it.
    CodeSent,
}

/// Why a login failed; the text is shown on the login page.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The account exists but is not confirmed yet: its code is asked for.
    #[error("This account is not confirmed yet.")]
    NotConfirmed,
    /// The account's password must be reset before it signs in again.
    #[error("A password reset is required for this account: ask for a code.")]
    ResetRequired,
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

impl LoginError {
    /// The status of a form shown again with this error: 503 when the
    /// identity provider is unavailable, else 400 (the input).
    pub fn status(&self) -> actix_web::http::StatusCode {
        match self {
            LoginError::Unavailable(_) => actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            _ => actix_web::http::StatusCode::BAD_REQUEST,
        }
    }
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

impl From<AuthRejection> for LoginError {
    fn from(rejection: AuthRejection) -> Self {
        match rejection {
            // Throttled: Cognito's to lift, not the user's fault.
            AuthRejection::Cognito(err @ AuthError::TooManyAttempts) => {
                LoginError::Unavailable(err.to_string())
            }
            AuthRejection::Cognito(err) => err.into(),
            AuthRejection::SignInRequired { .. } => {
                LoginError::StartAgain("Please sign in again.".into())
            }
            other => {
                tracing::error!(error = %other, "sign-in failed");
                LoginError::Unavailable(
                    "Something went wrong on our side. Please try again.".into(),
                )
            }
        }
    }
}

/// How far a log-out reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogOutScope {
    /// This session only (stage 1; stage 2, where Cognito revoked this
    /// session's refresh token alone).
    ThisSession,
    /// Every session of the user (stage 2, where Cognito could not revoke
    /// one token and signed the user out everywhere: their other sessions
    /// would only fail at their next refresh; they end at once instead).
    EverySession,
}

/// Logs users in and out, and checks a logged-in session on each request.
#[async_trait(?Send)]
pub trait Authenticator: Send + Sync + 'static {
    /// Checks a user name and password, and signs the user into `req`'s
    /// session (stage 2: the user's address behind `req` goes to Cognito's
    /// threat protection, here and in every call without a token).
    async fn log_in(
        &self,
        req: &HttpRequest,
        username: &str,
        password: &str,
    ) -> Result<LogIn, LoginError>;

    /// The password used by "Quick log in as « user »", for the demo users.
    fn quick_login_password(&self, username: &str) -> Option<&'static str>;

    /// Answers a NEW_PASSWORD_REQUIRED challenge, with the values of its
    /// required attributes (`(name, value)`).
    async fn answer_new_password(
        &self,
        req: &HttpRequest,
        challenge: &NewPasswordChallenge,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<LogIn, LoginError>;

    /// The user signed in on `req`'s session, after a check of the sign-in
    /// (stage 2: the tokens verified, refreshed when due, the session
    /// purged when Cognito refuses them; while Cognito cannot be reached or
    /// throttles, an access token that still verifies is enough).
    async fn current_user(&self, req: &HttpRequest) -> Result<Option<String>, LoginError>;

    /// Whether users create their accounts and change their passwords
    /// here (stage 2).
    fn manages_accounts(&self) -> bool {
        false
    }

    /// What a new password needs, when known (stage 2: the pool's policy,
    /// once read).
    fn password_policy(&self) -> Option<PasswordPolicy> {
        None
    }

    /// Reads what a new password needs, unless known or known to be
    /// unknowable: at start, and before a new password is checked.
    async fn read_password_policy(&self) {}

    /// Creates an account of `username` with `email` and `password`.
    async fn sign_up(
        &self,
        _req: &HttpRequest,
        _username: &str,
        _email: &str,
        _password: &str,
    ) -> Result<SignedUp, LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users are a and b.".into(),
        ))
    }

    /// Confirms a new account with the code sent to its owner.
    async fn confirm_sign_up(
        &self,
        _req: &HttpRequest,
        _username: &str,
        _code: &str,
    ) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users are a and b.".into(),
        ))
    }

    /// Starts a password reset: a code goes to the account's address. The
    /// same answer whether the account exists or not.
    async fn forgot_password(&self, _req: &HttpRequest, _username: &str) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users keep their passwords.".into(),
        ))
    }

    /// Sets a new password with the code of [`Authenticator::forgot_password`].
    async fn reset_password(
        &self,
        _req: &HttpRequest,
        _username: &str,
        _code: &str,
        _new_password: &str,
    ) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users keep their passwords.".into(),
        ))
    }

    /// Answers a sign-in's one-time-code challenge.
    async fn answer_code(
        &self,
        _req: &HttpRequest,
        _challenge: &MfaChallenge,
        _code: &str,
    ) -> Result<LogIn, LoginError> {
        Err(LoginError::StartAgain("Please sign in again.".into()))
    }

    /// Finishes a sign-in that set up an authenticator app, with its code.
    async fn finish_setup(
        &self,
        _req: &HttpRequest,
        _challenge: &MfaSetupChallenge,
        _code: &str,
    ) -> Result<LogIn, LoginError> {
        Err(LoginError::StartAgain("Please sign in again.".into()))
    }

    /// Starts enrolling an authenticator app: its secret.
    async fn start_totp(&self, _req: &HttpRequest) -> Result<TotpSecret, LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users sign in with a password alone.".into(),
        ))
    }

    /// Confirms the enrolment with a code of the app, and turns it on.
    async fn confirm_totp(&self, _req: &HttpRequest, _code: &str) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users sign in with a password alone.".into(),
        ))
    }

    /// Turns two-factor sign-in off.
    async fn totp_off(&self, _req: &HttpRequest) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users sign in with a password alone.".into(),
        ))
    }

    /// Sends a new confirmation code; where it went, when known.
    async fn resend_code(
        &self,
        _req: &HttpRequest,
        _username: &str,
    ) -> Result<Option<String>, LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users are a and b.".into(),
        ))
    }

    /// Changes the signed-in user's password, the current one required.
    async fn change_password(
        &self,
        _req: &HttpRequest,
        _current: &str,
        _new: &str,
    ) -> Result<(), LoginError> {
        Err(LoginError::Rejected(
            "The demo's local users keep their passwords.".into(),
        ))
    }

    /// Ends the sign-in of `req`'s session (stage 2: GlobalSignOut) and
    /// purges the session; says which of the user's sessions must end.
    async fn log_out(&self, req: &HttpRequest) -> LogOutScope;

    /// Calls made to the identity provider, for metrics.
    fn call_counts(&self) -> Vec<auth::CallCount> {
        Vec::new()
    }
}
