/// Everything that can go wrong signing in, refreshing, verifying or
/// signing out. The `Display` text of each variant is safe to show a user:
/// it never says whether a user exists and never includes a token; details
/// for logs are in the fields and in `Debug`.
///
/// ```
/// use auth::AuthError;
/// let err = AuthError::ServiceUnavailable { reason: "InitiateAuth: timed out".into() };
/// // Display is for the user; the reason is for the log.
/// assert_eq!(err.to_string(), "The sign-in service is unavailable, please try again later.");
/// assert!(format!("{err:?}").contains("timed out"));
/// assert_eq!(AuthError::InvalidCredentials.to_string(), "Incorrect username or password.");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Wrong password or unknown user: the same message for both, so user
    /// names cannot be guessed from it.
    #[error("Incorrect username or password.")]
    InvalidCredentials,
    /// The user has not confirmed their account.
    #[error("This account is not confirmed yet.")]
    UserNotConfirmed,
    /// An administrator asked for a password reset.
    #[error("A password reset is required for this account.")]
    PasswordResetRequired,
    /// A new password does not meet the pool's policy (Cognito's message).
    #[error("{0}")]
    InvalidPassword(String),
    /// Too many attempts or requests; try again later.
    #[error("Too many attempts, please try again later.")]
    TooManyAttempts,
    /// Cognito could not be reached or failed (timeout, network, 5xx).
    #[error("The sign-in service is unavailable, please try again later.")]
    ServiceUnavailable {
        /// What failed, for logs.
        reason: String,
    },
    /// The sign-in in progress took too long: Cognito's session of a
    /// challenge (e.g. NEW_PASSWORD_REQUIRED) lasts a few minutes. Sign in
    /// again.
    #[error("This sign-in took too long, please sign in again.")]
    ChallengeExpired,
    /// A token is invalid, expired or revoked.
    #[error("Your sign-in has expired, please sign in again.")]
    InvalidToken {
        /// Why it was rejected, for logs.
        reason: String,
    },
    /// The challenge Cognito asked for is not supported by this crate (MFA
    /// and the rest).
    #[error("This sign-in step ({challenge}) is not supported.")]
    UnsupportedChallenge {
        /// Cognito's challenge name.
        challenge: String,
    },
    /// The app's Cognito settings are wrong: Cognito does not know the app
    /// client (a wrong `client_id`, a pool deleted or in another region), or
    /// an app finds its fresh tokens name another pool. No one can sign in
    /// until the configuration is fixed.
    #[error("Sign-in is not available until this site's Cognito settings are fixed.")]
    Misconfigured {
        /// Cognito's answer, for logs.
        reason: String,
    },
    /// Anything else (an unexpected answer).
    #[error("Sign-in failed.")]
    Other {
        /// What happened, for logs.
        reason: String,
    },
}

impl AuthError {
    pub(crate) fn invalid_token(reason: impl Into<String>) -> Self {
        Self::InvalidToken {
            reason: reason.into(),
        }
    }

    pub(crate) fn other(reason: impl Into<String>) -> Self {
        Self::Other {
            reason: reason.into(),
        }
    }

    /// Maps a Cognito SDK error. `with_token` says the call was made with a
    /// token (GetUser, GlobalSignOut, refresh), where NotAuthorized means
    /// the token is no good rather than a wrong password.
    pub(crate) fn from_sdk<E>(
        err: aws_sdk_cognitoidentityprovider::error::SdkError<E>,
        with_token: bool,
    ) -> Self
    where
        E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
            + std::error::Error
            + 'static,
    {
        use aws_sdk_cognitoidentityprovider::error::SdkError;
        let service = match &err {
            SdkError::ServiceError(e) => e,
            SdkError::TimeoutError(_) => {
                return Self::ServiceUnavailable {
                    reason: "timed out".into(),
                };
            }
            other => {
                return Self::ServiceUnavailable {
                    reason: chain(other),
                };
            }
        };
        let status = service.raw().status().as_u16();
        let (code, message) = (
            service.err().code().unwrap_or(""),
            service.err().message().unwrap_or(""),
        );
        match code {
            "NotAuthorizedException" if message.contains("attempts exceeded") => {
                Self::TooManyAttempts
            }
            // "Invalid session for the user[, session is expired]."
            "NotAuthorizedException" if !with_token && message.contains("session") => {
                Self::ChallengeExpired
            }
            "NotAuthorizedException" if with_token => {
                Self::invalid_token(format!("{code}: {message}"))
            }
            "NotAuthorizedException" | "UserNotFoundException" => Self::InvalidCredentials,
            "UserNotConfirmedException" => Self::UserNotConfirmed,
            "PasswordResetRequiredException" => Self::PasswordResetRequired,
            "InvalidPasswordException" => Self::InvalidPassword(message.to_owned()),
            "TooManyRequestsException"
            | "LimitExceededException"
            | "TooManyFailedAttemptsException" => Self::TooManyAttempts,
            "ResourceNotFoundException" => Self::Misconfigured {
                reason: format!("{code}: {message}"),
            },
            "InternalErrorException" => Self::ServiceUnavailable {
                reason: format!("{code}: {message}"),
            },
            _ if status >= 500 => Self::ServiceUnavailable {
                reason: format!("HTTP {status} {code}: {message}"),
            },
            _ => Self::other(format!("{code}: {message}")),
        }
    }
}

/// `err` and its causes, outermost first, in one line.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
    use aws_sdk_cognitoidentityprovider::error::{ErrorMetadata, SdkError};
    use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError;
    use aws_smithy_types::body::SdkBody;

    use super::AuthError;

    /// Cognito's answer `code: message` to a challenge answer, mapped.
    fn mapped(code: &str, message: &str) -> AuthError {
        let error = RespondToAuthChallengeError::generic(
            ErrorMetadata::builder().code(code).message(message).build(),
        );
        let raw = HttpResponse::new(400.try_into().unwrap(), SdkBody::empty());
        AuthError::from_sdk(SdkError::service_error(error, raw), false)
    }

    #[test]
    fn an_expired_challenge_session_is_not_a_wrong_password() {
        for message in [
            "Invalid session for the user.",
            "Invalid session for the user, session is expired.",
        ] {
            assert_eq!(
                mapped("NotAuthorizedException", message),
                AuthError::ChallengeExpired
            );
        }
        assert_eq!(
            mapped("NotAuthorizedException", "Incorrect username or password."),
            AuthError::InvalidCredentials
        );
    }
}
