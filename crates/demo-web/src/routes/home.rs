//! `/`: the original demo's home page.

use actix_web::HttpResponse;

use crate::error::AppError;
use crate::page::Page;

/// `GET /`: "Not Logged" or "Hello *user*".
pub async fn home(page: Page) -> Result<HttpResponse, AppError> {
    page.render("index.html", tera::Context::new())
}
