use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::errors::AppError;
use crate::page::current_user;
use crate::session::AppSession;
use crate::startup::AppState;

/// `GET /session.json`: the session as JSON, read-only (no view is counted,
/// so an unchanged session costs one read and no write).
pub async fn session_json(
    state: web::Data<AppState>,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    let user = current_user(&state, &session).await?;
    Ok(HttpResponse::Ok()
        .json(json!({"user": user, "views": session.views()?, "session": session.shown()})))
}
