use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::errors::AppError;
use crate::page::{current_user, render};
use crate::session::AppSession;
use crate::startup::AppState;

/// `GET /`: "Not Logged" or "Hello *user*".
pub async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    let user = current_user(&state, &session).await?;
    render(
        &state,
        &req,
        &session,
        user.as_deref(),
        "index.html",
        tera::Context::new(),
        StatusCode::OK,
    )
}
