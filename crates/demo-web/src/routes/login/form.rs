//! `/login`: the form and its post.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::page::Page;
use crate::routes::forms;

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `GET /login`: the form.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    forms::login(&page, StatusCode::OK, tera::Context::new())
}

/// `POST /login`: checks the credentials; on success a new session id and
/// a redirect back, else the form again with the reason.
pub async fn submit(page: Page, form: web::Form<LoginForm>) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    if !page.state().form_login {
        return Err(AppError::NotFound("Sign in with the hosted page."));
    }
    let (username, password) = (form.username.trim(), form.password.as_str());
    if username.is_empty() || password.is_empty() {
        return forms::login_failed(&page, username, "Input missing", StatusCode::BAD_REQUEST);
    }
    super::attempt(&page, username, password).await
}
