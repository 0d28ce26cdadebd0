//! Rendering a page: the template's own context plus what every page shows
//! (user, CSRF token, the footer with cookies, session data and views).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use crate::authenticator::{Check, LoginError};
use crate::errors::AppError;
use crate::return_to;
use crate::session::AppSession;
use crate::startup::AppState;

/// The logged-in user of this request, after the authenticator's check
/// (stage 2: verified tokens, refreshed when due; invalid ones log out).
pub async fn current_user(
    state: &AppState,
    session: &AppSession,
) -> Result<Option<String>, AppError> {
    let Some(user) = session.user()? else {
        return Ok(None);
    };
    match state
        .authenticator
        .check(&user, session.tokens()?.as_ref())
        .await
    {
        Ok(Check::Valid) => Ok(Some(user)),
        Ok(Check::Refreshed(tokens)) => {
            session.set_tokens(&tokens)?;
            Ok(Some(user))
        }
        Ok(Check::Invalid) => {
            session.log_out();
            Ok(None)
        }
        Err(
            LoginError::Unavailable(reason)
            | LoginError::Rejected(reason)
            | LoginError::StartAgain(reason),
        ) => Err(AppError::SignIn(reason)),
    }
}

/// The request's cookies for the footer, values shortened: the session
/// cookie is HttpOnly, and a page must not hand it to scripts.
fn shown_cookies(req: &HttpRequest) -> String {
    let cookies = match req.cookies() {
        Ok(cookies) if !cookies.is_empty() => cookies,
        _ => return "undefined".to_owned(),
    };
    let map: Map<String, Value> = cookies
        .iter()
        .map(|c| (c.name().to_owned(), Value::String(auth::redact(c.value()))))
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default()
}

/// Renders `template` as a counted page view.
pub fn render(
    state: &AppState,
    req: &HttpRequest,
    session: &AppSession,
    user: Option<&str>,
    template: &str,
    mut context: tera::Context,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let views = session.count_view()?;
    context.insert("user", &user);
    context.insert("csrf", &session.csrf_token()?);
    context.insert("stage_title", state.stage_title);
    // A login from this page comes back to it; the pages of a login pass
    // on where that login returns instead.
    if !context.contains_key("back") {
        context.insert("back", &return_to::query(Some(req.path())));
    }
    context.insert("cookies", &shown_cookies(req));
    context.insert(
        "session_data",
        &serde_json::to_string_pretty(&session.shown()).unwrap_or_default(),
    );
    context.insert("views", &views);
    let body = state.templates.render(template, &context)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A 303 redirect (after a POST, the browser follows with a GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}
