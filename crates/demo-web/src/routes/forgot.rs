//! `/forgot` (stage 2): a forgotten password. The user name first, then
//! the code Cognito sent and the new password (`/forgot/reset`), then the
//! login. Whether the account exists is never said: the answer is the same.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::page::{Page, see_other};

/// The first form's field.
#[derive(Deserialize)]
pub struct AskForm {
    csrf: String,
    #[serde(default)]
    username: String,
}

/// The reset form's fields.
#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// `GET /forgot`: the first form.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.render("forgot.html", tera::Context::new())
}

/// `POST /forgot`: asks Cognito for a code; then the reset form.
pub async fn submit(page: Page, form: web::Form<AskForm>) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let username = form.username.trim();
    let mut context = tera::Context::new();
    context.insert("username", username);
    if username.is_empty() {
        context.insert("error", "Input missing");
        return page.render_as(StatusCode::BAD_REQUEST, "forgot.html", context);
    }
    match page
        .state()
        .authenticator
        .forgot_password(page.request(), username)
        .await
    {
        Ok(()) => {
            page.session().set_reset(username)?;
            Ok(see_other("/forgot/reset"))
        }
        Err(err) => {
            context.insert("error", &err.to_string());
            page.render_as(err.status(), "forgot.html", context)
        }
    }
}

/// The reset form, with a message; to the first form when no reset waits.
fn reset_page(
    page: &Page,
    status: StatusCode,
    message: (&str, &str),
) -> Result<HttpResponse, AppError> {
    let Some(username) = page.session().reset()? else {
        return Ok(see_other("/forgot"));
    };
    let mut context = tera::Context::new();
    context.insert("username", &username);
    context.insert(message.0, message.1);
    page.render_as(status, "reset.html", context)
}

/// `GET /forgot/reset`: the code and the new password.
pub async fn show_reset(page: Page) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    let sent = "If this account exists, a code is on its way to its address.";
    reset_page(&page, StatusCode::OK, ("notice", sent))
}

/// `POST /forgot/reset`: sets the new password; then the login.
pub async fn reset(page: Page, form: web::Form<ResetForm>) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let Some(username) = page.session().reset()? else {
        return Ok(see_other("/forgot"));
    };
    let code = form.code.trim();
    if code.is_empty() || form.password.is_empty() {
        return reset_page(&page, StatusCode::BAD_REQUEST, ("error", "Input missing"));
    }
    if let Some(problem) = page
        .new_password_problem(&form.password, &form.password_again)
        .await
    {
        return reset_page(&page, StatusCode::BAD_REQUEST, ("error", &problem));
    }
    let authenticator = &page.state().authenticator;
    match authenticator
        .reset_password(page.request(), &username, code, &form.password)
        .await
    {
        Ok(()) => {
            page.session().clear_reset();
            super::forms::login_notice(&page, &username, "Your password is reset: log in.")
        }
        Err(err) => reset_page(&page, err.status(), ("error", &err.to_string())),
    }
}
