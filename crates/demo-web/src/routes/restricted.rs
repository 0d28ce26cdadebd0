//! `/restricted`: the original demo's page for logged-in users only.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::error::AppError;
use crate::page::Page;

/// `GET /restricted`: the secret for a logged-in session, the restricted
/// message (and 401) otherwise.
pub async fn restricted(page: Page) -> Result<HttpResponse, AppError> {
    let status = match page.user() {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNAUTHORIZED,
    };
    page.render_as(status, "restricted.html", tera::Context::new())
}
