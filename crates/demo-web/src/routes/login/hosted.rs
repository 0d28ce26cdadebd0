//! `/auth/callback`: the way back from Cognito's managed login (the hosted
//! page; `/auth/start`, which sends the browser there, is the auth crate's).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use auth::AuthError;
use auth::actix::{AuthRejection, managed_login};

use crate::error::AppError;
use crate::page::{Page, see_other};

/// `GET /auth/callback`: the login this session started, finished once;
/// signed in under a new session id and CSRF token, then back where the
/// login started. A callback that is not this session's login is the login
/// page with the reason (400); Cognito out of reach, 503.
pub async fn callback(page: Page) -> Result<HttpResponse, AppError> {
    let (message, status) = match managed_login::finish(page.request()).await {
        Ok((_, next)) => {
            page.session().signed_in()?;
            return Ok(see_other(&next));
        }
        Err(AuthRejection::Cognito(
            err @ (AuthError::LoginRefused { .. }
            | AuthError::InvalidToken { .. }
            | AuthError::ChallengeExpired),
        )) => {
            tracing::info!(error = ?err, "managed login refused");
            (err.to_string(), StatusCode::BAD_REQUEST)
        }
        Err(AuthRejection::Cognito(err)) => {
            tracing::warn!(error = ?err, "managed login failed");
            (err.to_string(), StatusCode::SERVICE_UNAVAILABLE)
        }
        Err(other) => return Err(AppError::Internal(other.to_string())),
    };
    super::failed_again(&page, "", &message, status)
}
