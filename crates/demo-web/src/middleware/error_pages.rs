//! Failures as pages: every 4xx/5xx answer gets an HTML page with a short,
//! safe message; nothing internal (a stack trace, a token, an AWS error)
//! ever reaches the response.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::error::{PageMessage, SESSION_STORE_DOWN};
use crate::state::AppState;

/// How long a 503 page asks clients to wait before trying again, in
/// seconds: "a moment", as the page says.
const RETRY_AFTER_SECONDS: &str = "5";

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad request",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        413 => "Request too large",
        503 => "Service unavailable",
        _ => status.canonical_reason().unwrap_or("Error"),
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "There is no page here.",
        405 => {
            "This page does not take that kind of request. State changes go through the site's buttons."
        }
        413 => "The request is larger than this site accepts.",
        503 => SESSION_STORE_DOWN,
        400..=499 => "The request could not be understood.",
        _ => "Something went wrong on our side.",
    }
}

fn render_page(
    state: Option<&web::Data<AppState>>,
    status: StatusCode,
    message: &str,
) -> HttpResponse {
    let body = state
        .and_then(|state| {
            let mut context = tera::Context::new();
            context.insert("status", &status.as_u16());
            context.insert("title", title(status));
            context.insert("message", message);
            state.templates.render("error.html", &context).ok()
        })
        .unwrap_or_else(|| format!("{} {}\n{message}\n", status.as_u16(), title(status)));
    let mut page = HttpResponse::build(status)
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .body(body);
    retry_later(status, page.headers_mut());
    page
}

/// A 503 asks to be retried: an outage is temporary, and crawlers and
/// clients that honour `Retry-After` come back instead of taking the page
/// for gone.
fn retry_later(status: StatusCode, headers: &mut header::HeaderMap) {
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}

/// Middleware: renders the error page of any 4xx/5xx answer that is not a
/// page already, and of errors raised by inner middleware (the session
/// middleware's store failures become a 503).
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Never keep a clone of the request across the call: routing needs it unshared.
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(err) => {
            let status = err.as_response_error().status_code();
            // Inner middleware failures here are the session store's.
            let status = if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(error = %err, cause = ?err, "session store failed");
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                status
            };
            let page = render_page(state.as_ref(), status, default_message(status));
            return Err(InternalError::from_response(err.to_string(), page).into());
        }
    };
    let status = response.status();
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    if is_page {
        // A handler's own page, e.g. the login form saying Cognito is down.
        let mut response = response;
        retry_later(status, response.headers_mut());
        return Ok(response);
    }
    let message = response
        .response()
        .extensions()
        .get::<PageMessage>()
        .map_or_else(|| default_message(status), |m| m.0);
    let mut page = render_page(state.as_ref(), status, message);
    let (request, response) = response.into_parts();
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, page))
}
