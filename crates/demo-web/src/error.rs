//! A handler's failure, and the short, safe message its error page shows
//! (the page itself is made by `middleware::error_pages`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::session::{CsrfRejected, SessionError};

/// The message shown for a 503 that did not say more: the session
/// middleware's failures (DynamoDB unreachable) end here.
pub(crate) const SESSION_STORE_DOWN: &str =
    "The session store (DynamoDB) cannot be reached right now. Please try again in a moment.";

/// A handler's failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The session store failed.
    #[error("session store unavailable: {0}")]
    SessionStore(String),
    /// The sign-in service failed.
    #[error("sign-in service unavailable: {0}")]
    SignIn(String),
    /// A form without this session's CSRF token.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// A page that needs a login, asked for without one: a redirect to
    /// this login address.
    #[error("sign-in required")]
    SignInRequired(String),
    /// A request that makes no sense (unknown user for quick login, bad handle...).
    #[error("{0}")]
    NotFound(&'static str),
    /// A bug: logged, and shown as a generic error.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<SessionError> for AppError {
    fn from(err: SessionError) -> Self {
        AppError::Internal(err.to_string())
    }
}

impl From<CsrfRejected> for AppError {
    fn from(_: CsrfRejected) -> Self {
        AppError::Csrf
    }
}

impl From<tera::Error> for AppError {
    fn from(err: tera::Error) -> Self {
        AppError::Internal(format!("{err:?}"))
    }
}

impl From<session_store::StoreError> for AppError {
    fn from(err: session_store::StoreError) -> Self {
        AppError::SessionStore(err.to_string())
    }
}

/// The message an error page shows, attached to a response by [`AppError`].
#[derive(Clone)]
pub(crate) struct PageMessage(pub &'static str);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::SessionStore(_) | AppError::SignIn(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired(login) = self {
            return HttpResponse::SeeOther()
                .insert_header(("Location", login.as_str()))
                .finish();
        }
        let message = match self {
            AppError::SessionStore(_) => SESSION_STORE_DOWN,
            AppError::SignIn(_) => {
                "The sign-in service (Cognito) cannot be reached right now. Please try again in a moment."
            }
            AppError::Csrf => {
                "This form has expired or did not come from this site. Go back, reload the page and try again."
            }
            AppError::NotFound(what) => what,
            AppError::SignInRequired(_) => "",
            AppError::Internal(_) => "Something went wrong on our side.",
        };
        let mut response = HttpResponse::new(self.status_code());
        response.extensions_mut().insert(PageMessage(message));
        response
    }
}
