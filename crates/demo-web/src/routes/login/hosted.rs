//! `/auth/start` and `/auth/callback`: Cognito's managed login (the hosted
//! page). The start, which sends the browser there, is the auth crate's;
//! the way back is the demo's, which does more at sign-in.

use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpResponse, ResponseError};
use auth::actix::{AuthRejection, managed_login};

use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::forms;

/// `GET /auth/callback`: the login this session started, finished once;
/// signed in under a new session id and CSRF token, then back where the
/// login started. A callback that is not this session's login is the login
/// page with the reason (400); Cognito out of reach, 503 (as
/// [`auth::AuthError`] answers).
pub async fn callback(page: Page) -> Result<HttpResponse, AppError> {
    let (message, status) = match managed_login::finish(page.request()).await {
        Ok((_, next)) => {
            page.session().signed_in()?;
            return Ok(see_other(&next));
        }
        Err(AuthRejection::Cognito(err)) => {
            tracing::info!(error = ?err, "managed login not finished");
            (err.to_string(), err.status_code())
        }
        Err(other) => return Err(AppError::Internal(other.to_string())),
    };
    forms::login_failed(&page, "", &message, status)
}

/// The managed login's routes, with `login` (which has it configured) for
/// the auth crate's start.
pub fn routes(routes: &mut ServiceConfig, login: web::Data<auth::actix::CognitoLogin>) {
    routes
        .app_data(login)
        .service(web::resource("/auth/start").route(crate::routes::get(managed_login::start)))
        .service(web::resource("/auth/callback").route(crate::routes::get(callback)));
}
