//! `/signup` (stage 2): a visitor creates an account, then confirms it with
//! the code Cognito sends (`/signup/confirm`, with a way to ask for a new
//! code); a login of an account not yet confirmed leads there too.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::SignedUp;
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::CsrfForm;

/// The sign-up form's fields.
#[derive(Deserialize)]
pub struct SignUpForm {
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// The confirmation form's fields.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    code: String,
}

fn context(pairs: &[(&str, &str)]) -> tera::Context {
    let mut context = tera::Context::new();
    for (key, value) in pairs {
        context.insert(*key, value);
    }
    context
}

/// `GET /signup`: the form.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.render("signup.html", tera::Context::new())
}

/// `POST /signup`: creates the account; then its code is asked for.
pub async fn submit(page: Page, form: web::Form<SignUpForm>) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let (username, email) = (form.username.trim(), form.email.trim());
    let again = |message: &str, status| {
        let kept = context(&[("error", message), ("username", username), ("email", email)]);
        page.render_as(status, "signup.html", kept)
    };
    if username.is_empty() || email.is_empty() || form.password.is_empty() {
        return again("Input missing", StatusCode::BAD_REQUEST);
    }
    if let Some(problem) = page
        .new_password_problem(&form.password, &form.password_again)
        .await
    {
        return again(&problem, StatusCode::BAD_REQUEST);
    }
    let authenticator = &page.state().authenticator;
    match authenticator
        .sign_up(page.request(), username, email, &form.password)
        .await
    {
        Ok(SignedUp::Confirmed) => {
            super::forms::login_notice(&page, username, "Your account is ready: log in.")
        }
        Ok(SignedUp::CodeSent) => {
            page.session().set_signup(username)?;
            Ok(see_other("/signup/confirm"))
        }
        Err(err) => again(&err.to_string(), err.status()),
    }
}

/// The confirmation form of the account waiting for its code, with a
/// message; to the sign-up form when no account waits.
fn confirm_page(
    page: &Page,
    status: StatusCode,
    message: (&str, &str),
) -> Result<HttpResponse, AppError> {
    let Some(username) = page.session().signup()? else {
        return Ok(see_other("/signup"));
    };
    let mut context = context(&[message]);
    context.insert("username", &username);
    page.render_as(status, "signup_confirm.html", context)
}

/// `GET /signup/confirm`: the code form.
pub async fn show_confirm(page: Page) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    confirm_page(
        &page,
        StatusCode::OK,
        ("notice", "A code was sent to confirm your account."),
    )
}

/// `POST /signup/confirm`: confirms the account; then the login.
pub async fn confirm(page: Page, form: web::Form<CodeForm>) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let Some(username) = page.session().signup()? else {
        return Ok(see_other("/signup"));
    };
    let code = form.code.trim();
    if code.is_empty() {
        return confirm_page(&page, StatusCode::BAD_REQUEST, ("error", "Input missing"));
    }
    match page
        .state()
        .authenticator
        .confirm_sign_up(page.request(), &username, code)
        .await
    {
        Ok(()) => {
            page.session().clear_signup();
            super::forms::login_notice(&page, &username, "Your account is confirmed: log in.")
        }
        Err(err) => confirm_page(&page, err.status(), ("error", &err.to_string())),
    }
}

/// `POST /signup/resend`: a new code.
pub async fn resend(page: Page, form: web::Form<CsrfForm>) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let Some(username) = page.session().signup()? else {
        return Ok(see_other("/signup"));
    };
    match page
        .state()
        .authenticator
        .resend_code(page.request(), &username)
        .await
    {
        Ok(Some(to)) => {
            let sent = format!("A new code was sent to {to}.");
            confirm_page(&page, StatusCode::OK, ("notice", &sent))
        }
        Ok(None) => confirm_page(&page, StatusCode::OK, ("notice", "A new code was sent.")),
        Err(err) => confirm_page(&page, err.status(), ("error", &err.to_string())),
    }
}
