//! The stylesheet and the icon: fixed files, cached by browsers, and served
//! outside the session middleware (no DynamoDB call).

use actix_web::HttpResponse;

use crate::templates::{FAVICON_SVG, STYLE_CSS};

/// `GET /static/style.css`.
pub async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLE_CSS)
}

/// `GET /static/favicon.svg`, and `/favicon.ico`, which browsers ask for on
/// their own: a 404 there would load the session for nothing.
pub async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON_SVG)
}
