//! Why a request was not let through, and its answer.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use super::CognitoLogin;
use crate::AuthError;

/// Why [`SignedInUser`](super::SignedInUser) or
/// [`require_sign_in`](super::require_sign_in) refused a request. As an
/// actix error it answers:
///
/// - `SignInRequired`: 303 to the login (which comes back to the page), or
///   401 with `{"error": "sign_in_required", "login": ...}` when the client
///   asks for JSON and not HTML;
/// - `Cognito`: as the [`AuthError`] answers (400 for a managed login's
///   callback that is not its answer, 401 for wrong credentials, 429 for
///   too many attempts, 503 while Cognito is down: the session is kept, a
///   later request tries again);
/// - `Session`, `NotConfigured`: 500, with no detail for the client.
///
/// ```
/// use actix_web::ResponseError;
/// let rejection = auth::actix::AuthRejection::SignInRequired {
///     login: "/login?next=/account".into(),
///     json: false,
/// };
/// let response = rejection.error_response();
/// assert_eq!(response.status(), 303);
/// assert_eq!(response.headers().get("location").unwrap(), "/login?next=/account");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthRejection {
    /// No one is signed in.
    #[error("Please sign in.")]
    SignInRequired {
        /// The login that comes back to the page asked for.
        login: String,
        /// Whether the client asked for JSON rather than a page.
        json: bool,
    },
    /// Cognito cannot check the sign-in now (its message is safe to show).
    #[error(transparent)]
    Cognito(AuthError),
    /// The session could not hold the sign-in.
    #[error("the session could not be written: {0}")]
    Session(String),
    /// No `web::Data<CognitoLogin>` in the app.
    #[error("no CognitoLogin: register one with App::app_data(web::Data::new(login))")]
    NotConfigured,
}

impl AuthRejection {
    /// `SignInRequired` for `req`, answered as it asks.
    pub(super) fn sign_in_required(login: &CognitoLogin, req: &HttpRequest) -> Self {
        AuthRejection::SignInRequired {
            login: login.login_for(req),
            json: wants_json(req),
        }
    }
}

/// A client that accepts JSON and not HTML (`fetch`, API clients): a
/// browser's navigation always accepts `text/html`.
fn wants_json(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthRejection::SignInRequired { json: false, .. } => StatusCode::SEE_OTHER,
            AuthRejection::SignInRequired { json: true, .. } => StatusCode::UNAUTHORIZED,
            AuthRejection::Cognito(err) => err.status_code(),
            AuthRejection::Session(_) | AuthRejection::NotConfigured => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AuthRejection::SignInRequired { login, json: false } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login.as_str()))
                .finish(),
            AuthRejection::SignInRequired { login, json: true } => HttpResponse::Unauthorized()
                .json(serde_json::json!({"error": "sign_in_required", "login": login})),
            AuthRejection::Cognito(err) => err.error_response(),
            AuthRejection::Session(_) | AuthRejection::NotConfigured => {
                tracing::error!(error = %self, "sign-in failed");
                HttpResponse::InternalServerError().body("Something went wrong on our side.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn only_a_client_that_asks_for_json_and_not_html_gets_a_401() {
        let with = |accept: &str| {
            let req = TestRequest::default()
                .insert_header((header::ACCEPT, accept))
                .to_http_request();
            wants_json(&req)
        };
        assert!(with("application/json"));
        assert!(!with(
            "text/html,application/xhtml+xml,application/json;q=0.9"
        ));
        assert!(!with("*/*"));
        assert!(!wants_json(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn a_json_client_is_told_where_to_sign_in() {
        let rejection = AuthRejection::SignInRequired {
            login: "/login?next=/api".into(),
            json: true,
        };
        let response = rejection.error_response();
        assert_eq!(response.status(), 401);
        assert!(response.headers().get(header::LOCATION).is_none());
    }
}
