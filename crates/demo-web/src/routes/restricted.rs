use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::errors::AppError;
use crate::page::{current_user, render};
use crate::session::AppSession;
use crate::startup::AppState;

/// `GET /restricted`: the secret for a logged-in session, the restricted
/// message (and 401) otherwise.
pub async fn restricted(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    let user = current_user(&state, &session).await?;
    let status = if user.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    render(
        &state,
        &req,
        &session,
        user.as_deref(),
        "restricted.html",
        tera::Context::new(),
        status,
    )
}
