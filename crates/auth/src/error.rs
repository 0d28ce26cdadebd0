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
    /// Cognito refused a value that came with a new password: a required
    /// attribute it cannot take, such as a malformed e-mail address
    /// (Cognito's message: it does not repeat a challenge answer's values,
    /// which its API marks sensitive).
    #[error("{0}")]
    InvalidAttribute(String),
    /// The user name of a new account is taken.
    #[error("This user name is taken, please choose another.")]
    UsernameExists,
    /// A confirmation or reset code is wrong.
    #[error("This code is not the one we sent, please check it.")]
    InvalidCode,
    /// A confirmation or reset code has expired or was used: ask for a new one.
    #[error("This code has expired, please ask for a new one.")]
    ExpiredCode,
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
    /// A managed login's callback is not the answer to a login this
    /// session started: none was started or it was used, its `state` is
    /// another, it took too long, the hosted page answered an error, or the
    /// token endpoint refused its code. Sign in again.
    #[error("This sign-in could not be completed, please sign in again.")]
    LoginRefused {
        /// Why, for logs.
        reason: String,
    },
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
    /// client (a wrong `client_id`, a pool deleted or in another region),
    /// the client secret is wrong, missing or not expected, the app client
    /// does not allow the auth flow used, or an app finds its fresh tokens
    /// name another pool. No one can sign in until the configuration is
    /// fixed.
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

    /// Maps a Cognito SDK error; `call` says what was sent, which decides
    /// what a refusal means.
    pub(crate) fn from_sdk<E>(
        err: aws_sdk_cognitoidentityprovider::error::SdkError<E>,
        call: Call,
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
        let reason = || format!("{code}: {message}");
        match code {
            _ if is_app_client_mismatch(code, message) => Self::Misconfigured { reason: reason() },
            "NotAuthorizedException" if message.contains("attempts exceeded") => {
                Self::TooManyAttempts
            }
            // "Incorrect username or password." is the current password;
            // "Access Token has been revoked" and the like, the token.
            "NotAuthorizedException" if call == Call::ChangePassword => {
                if message.contains("Token") {
                    Self::invalid_token(reason())
                } else {
                    Self::InvalidCredentials
                }
            }
            // "Invalid session for the user[, session is expired]."
            "NotAuthorizedException" if call != Call::WithToken && message.contains("session") => {
                Self::ChallengeExpired
            }
            // REFRESH_TOKEN_AUTH on a client that rotates refresh tokens:
            // no token would do; the app's setting is wrong.
            "NotAuthorizedException" | "InvalidParameterException"
                if call == Call::WithToken && message.to_ascii_lowercase().contains("rotation") =>
            {
                Self::Misconfigured {
                    reason: format!(
                        "{}; the app client rotates refresh tokens: build Cognito with \
                         rotating_refresh_tokens(true)",
                        reason()
                    ),
                }
            }
            // A rotated-out refresh token used again after the grace period.
            "RefreshTokenReuseException" => Self::invalid_token(reason()),
            "NotAuthorizedException" if matches!(call, Call::WithToken | Call::Code) => {
                Self::invalid_token(reason())
            }
            "NotAuthorizedException" | "UserNotFoundException" => Self::InvalidCredentials,
            "UserNotConfirmedException" => Self::UserNotConfirmed,
            "PasswordResetRequiredException" => Self::PasswordResetRequired,
            "InvalidPasswordException" => Self::InvalidPassword(message.to_owned()),
            "InvalidParameterException"
                if matches!(call, Call::NewPassword | Call::Account) && !message.is_empty() =>
            {
                Self::InvalidAttribute(message.to_owned())
            }
            "UsernameExistsException" => Self::UsernameExists,
            // EnableSoftwareTokenMFA: a wrong code when enrolling an app.
            "CodeMismatchException" | "EnableSoftwareTokenMFAException" => Self::InvalidCode,
            "ExpiredCodeException" => Self::ExpiredCode,
            "CodeDeliveryFailureException" => Self::ServiceUnavailable { reason: reason() },
            "TooManyRequestsException"
            | "LimitExceededException"
            | "TooManyFailedAttemptsException" => Self::TooManyAttempts,
            // The same client began this sign-in: what is not found now is
            // the challenge's session (the emulator's answer to one it forgot).
            "ResourceNotFoundException" if matches!(call, Call::Challenge | Call::NewPassword) => {
                Self::ChallengeExpired
            }
            "ResourceNotFoundException" => Self::Misconfigured { reason: reason() },
            // The app's IAM credentials may not make this call.
            "AccessDeniedException" if call == Call::Admin => {
                Self::Misconfigured { reason: reason() }
            }
            "InternalErrorException" => Self::ServiceUnavailable { reason: reason() },
            _ if status >= 500 => Self::ServiceUnavailable {
                reason: format!("HTTP {status} {code}: {message}"),
            },
            _ => Self::other(reason()),
        }
    }
}

/// What a Cognito call sent, which decides what its refusals mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    /// InitiateAuth with a user name and a password or SRP's `A`.
    SignIn,
    /// RespondToAuthChallenge within a sign-in that the same client began.
    Challenge,
    /// The answer to NEW_PASSWORD_REQUIRED, with the attributes a user typed.
    NewPassword,
    /// A call with a token (GetUser, GlobalSignOut, a refresh): there,
    /// NotAuthorized means the token is no good, not a wrong password.
    WithToken,
    /// A call about an account, with a user name and what the user typed
    /// (sign-up, confirmation codes, a forgotten password).
    Account,
    /// ChangePassword: a token and the current password.
    ChangePassword,
    /// A call with a token and a one-time code (VerifySoftwareToken).
    Code,
    /// A call that needs the app's IAM credentials (DescribeUserPool).
    Admin,
}

/// Cognito's answers to an app client used against its own settings: a
/// secret that is wrong, missing or not expected, or an auth flow the client
/// does not allow. They name no user, and a different password would not
/// help: without them a wrong `CLIENT_SECRET` read "Incorrect username or
/// password." to everyone.
fn is_app_client_mismatch(code: &str, message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    match code {
        // "Unable to verify secret hash for client …", "Client … is
        // configured with secret but SECRET_HASH was not received".
        "NotAuthorizedException" => {
            message.contains("secret hash") || message.contains("secret_hash")
        }
        // "USER_SRP_AUTH flow not enabled for this client", "App client … is
        // not configured for secret but secret hash was received".
        "InvalidParameterException" => {
            message.contains("not enabled for this client")
                || message.contains("not configured for secret")
        }
        _ => false,
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

    use super::{AuthError, Call};

    /// Cognito's answer `code: message` (HTTP 400) to `call`, mapped.
    fn mapped_for(call: Call, code: &str, message: &str) -> AuthError {
        let error = RespondToAuthChallengeError::generic(
            ErrorMetadata::builder().code(code).message(message).build(),
        );
        let raw = HttpResponse::new(400.try_into().unwrap(), SdkBody::empty());
        AuthError::from_sdk(SdkError::service_error(error, raw), call)
    }

    fn mapped(code: &str, message: &str) -> AuthError {
        mapped_for(Call::Challenge, code, message)
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

    /// Cognito's own texts (the fixture in test-support): each says the
    /// app's settings and the app client disagree, whatever the password.
    #[test]
    fn an_app_client_used_against_its_settings_is_a_configuration_error() {
        let answers = test_support::cognito::APP_CLIENT_MISMATCHES;
        for call in [
            Call::SignIn,
            Call::Challenge,
            Call::NewPassword,
            Call::WithToken,
        ] {
            for (code, message) in answers {
                let err = mapped_for(call, code, message);
                assert!(
                    matches!(&err, AuthError::Misconfigured { reason } if reason.contains(message)),
                    "{call:?} {code}: {err:?}"
                );
                assert_eq!(
                    err.to_string(),
                    "Sign-in is not available until this site's Cognito settings are fixed."
                );
            }
        }
    }

    #[test]
    fn a_resource_not_found_is_the_client_at_sign_in_and_the_challenge_after() {
        let not_found = |call| mapped_for(call, "ResourceNotFoundException", "x");
        assert!(matches!(
            not_found(Call::SignIn),
            AuthError::Misconfigured { .. }
        ));
        assert!(matches!(
            not_found(Call::WithToken),
            AuthError::Misconfigured { .. }
        ));
        assert_eq!(not_found(Call::Challenge), AuthError::ChallengeExpired);
        assert_eq!(not_found(Call::NewPassword), AuthError::ChallengeExpired);
    }

    #[test]
    fn account_answers_are_said_in_the_users_words() {
        let account = |code, message| mapped_for(Call::Account, code, message);
        assert_eq!(
            account("UsernameExistsException", "User already exists"),
            AuthError::UsernameExists
        );
        assert_eq!(
            account(
                "CodeMismatchException",
                "Invalid verification code provided, please try again."
            ),
            AuthError::InvalidCode
        );
        assert_eq!(
            account(
                "ExpiredCodeException",
                "Invalid code provided, please request a code again."
            ),
            AuthError::ExpiredCode
        );
        assert_eq!(
            account(
                "LimitExceededException",
                "Attempt limit exceeded, please try after some time."
            ),
            AuthError::TooManyAttempts
        );
        assert_eq!(
            account("InvalidParameterException", "Invalid email address format."),
            AuthError::InvalidAttribute("Invalid email address format.".into())
        );
        assert!(matches!(
            account(
                "CodeDeliveryFailureException",
                "Unable to deliver the code."
            ),
            AuthError::ServiceUnavailable { .. }
        ));
    }

    #[test]
    fn a_change_of_password_tells_a_wrong_password_from_a_bad_token() {
        let change = |message| mapped_for(Call::ChangePassword, "NotAuthorizedException", message);
        assert_eq!(
            change("Incorrect username or password."),
            AuthError::InvalidCredentials
        );
        for message in [
            "Access Token has been revoked",
            "Access Token has expired",
            "Invalid Access Token",
        ] {
            assert!(
                matches!(change(message), AuthError::InvalidToken { .. }),
                "{message}"
            );
        }
    }

    #[test]
    fn a_refused_attribute_of_a_new_password_is_shown_as_cognito_says_it() {
        let err = mapped_for(
            Call::NewPassword,
            "InvalidParameterException",
            "Invalid email address format.",
        );
        assert_eq!(
            err,
            AuthError::InvalidAttribute("Invalid email address format.".into())
        );
        assert_eq!(err.to_string(), "Invalid email address format.");
        // Elsewhere the same code is about what the app sent, not the user.
        for call in [Call::SignIn, Call::Challenge, Call::WithToken] {
            let err = mapped_for(
                call,
                "InvalidParameterException",
                "Invalid email address format.",
            );
            assert_eq!(err.to_string(), "Sign-in failed.", "{call:?}");
        }
        // Without a message there is nothing to show the user.
        assert_eq!(
            mapped_for(Call::NewPassword, "InvalidParameterException", "").to_string(),
            "Sign-in failed."
        );
    }
}
