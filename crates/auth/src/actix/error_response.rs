//! [`AuthError`] as an actix answer, so that a handler can use `?` on the
//! crate's calls: the status says whose fault it is, the body is the
//! error's message (safe to show), and the details go to the log only.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

use crate::AuthError;

/// Seconds a client should wait after a 429 or a 503.
const RETRY_AFTER: &str = "5";

/// The status of each error: the user's input (400, 401, 403, 409), too
/// many attempts (429), Cognito unreachable (503), a step this crate does
/// not answer (501), the site's configuration or a surprise (500).
///
/// ```
/// use actix_web::ResponseError;
/// async fn log_in(cognito: actix_web::web::Data<auth::Cognito>) -> Result<String, auth::AuthError> {
///     let _ = cognito.sign_in("alice", "a password").await?; // a wrong password answers 401
///     Ok("signed in".into())
/// }
/// assert_eq!(auth::AuthError::InvalidCredentials.status_code(), 401);
/// assert_eq!(auth::AuthError::TooManyAttempts.status_code(), 429);
/// let down = auth::AuthError::ServiceUnavailable { reason: "timed out".into() };
/// assert_eq!(down.status_code(), 503);
/// let response = down.error_response();
/// assert_eq!(response.headers().get("retry-after").unwrap(), "5");
/// ```
impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AuthError::UserNotConfirmed | AuthError::PasswordResetRequired => StatusCode::FORBIDDEN,
            AuthError::UsernameExists => StatusCode::CONFLICT,
            AuthError::InvalidPassword(_)
            | AuthError::InvalidAttribute(_)
            | AuthError::InvalidCode
            | AuthError::ExpiredCode
            | AuthError::ChallengeExpired
            | AuthError::LoginRefused { .. }
            | AuthError::InvalidToken { .. } => StatusCode::BAD_REQUEST,
            AuthError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AuthError::ServiceUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AuthError::UnsupportedChallenge { .. } => StatusCode::NOT_IMPLEMENTED,
            AuthError::Misconfigured { .. } | AuthError::Other { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::warn!(error = ?self, "Cognito call failed");
        } else {
            tracing::info!(error = ?self, "refused by Cognito");
        }
        let mut answer = HttpResponse::build(status);
        if matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            answer.insert_header((header::RETRY_AFTER, RETRY_AFTER));
        }
        answer
            .content_type("text/plain; charset=utf-8")
            .body(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_message_for_users_never_the_reason_for_logs() {
        let err = AuthError::Misconfigured {
            reason: "ResourceNotFoundException: User pool client abc does not exist".into(),
        };
        let response = err.error_response();
        assert_eq!(response.status(), 500);
        let body = futures::executor::block_on(actix_web::body::to_bytes(response.into_body()));
        let body = body.unwrap();
        assert_eq!(body, err.to_string().as_bytes());
        assert!(!String::from_utf8_lossy(&body).contains("abc"));
    }
}
