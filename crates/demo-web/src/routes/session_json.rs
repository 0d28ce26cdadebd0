//! `/session.json`: the session as JSON.

use actix_web::HttpResponse;
use serde_json::json;

use crate::error::AppError;
use crate::page::Page;

/// `GET /session.json`: read-only (no view is counted, so an unchanged
/// session costs one read and no write).
pub async fn session_json(page: Page) -> Result<HttpResponse, AppError> {
    let session = page.session();
    Ok(HttpResponse::Ok()
        .json(json!({"user": page.user(), "views": session.views()?, "session": session.shown()})))
}
