//! The forms that several routes answer with: the login form (a first
//! visit, a notice, or why the last attempt failed) and the forgotten
//! password's first form. Here so that routes render them without calling
//! each other.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use auth::actix::return_to;

use crate::error::AppError;
use crate::page::Page;

/// The login page, its form returning where the request's `next` says.
pub fn login(
    page: &Page,
    status: StatusCode,
    mut context: tera::Context,
) -> Result<HttpResponse, AppError> {
    context.insert("back", &return_to::passed_on(page.request()));
    page.render_as(status, "login.html", context)
}

/// The login form with `message` (an account just made or confirmed, a
/// password reset), its user name filled in.
pub fn login_notice(page: &Page, username: &str, message: &str) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("notice", message);
    context.insert("username", username);
    login(page, StatusCode::OK, context)
}

/// The login form again, with why the last attempt failed.
pub fn login_failed(
    page: &Page,
    username: &str,
    message: &str,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("error", message);
    context.insert("username", username);
    login(page, status, context)
}

/// The forgotten password's first form, for `username`, with `message` (a
/// login that found the account must reset its password).
pub fn forgot(page: &Page, username: &str, message: &str) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("username", username);
    context.insert("error", message);
    page.render_as(StatusCode::UNAUTHORIZED, "forgot.html", context)
}
