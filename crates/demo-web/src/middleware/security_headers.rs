//! Headers on every answer that keep the site's pages out of other sites'
//! frames (no clickjacking of the login or revoke buttons), out of shared and
//! back-button caches (pages show a user's session), and away from MIME
//! sniffing. The pages have no script and no inline style, so the content
//! policy allows nothing but this site's stylesheet and forms.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

// Built at compile time: `from_static` checks its text, once here rather
// than on every request.
static HEADERS: [(HeaderName, HeaderValue); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    ),
    // For browsers without frame-ancestors.
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ),
    // Unless the answer says otherwise (the stylesheet may be cached).
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
];

fn add_missing(headers: &mut HeaderMap) {
    for (name, value) in &HEADERS {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
}

/// Middleware: adds the headers to every answer, error pages raised by inner
/// middleware included.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match next.call(req).await {
        Ok(mut response) => {
            add_missing(response.headers_mut());
            Ok(response)
        }
        Err(err) => {
            let mut page = err.error_response();
            add_missing(page.headers_mut());
            Err(InternalError::from_response(err.to_string(), page).into())
        }
    }
}
