//! `/login/code`: a sign-in waiting for the code of the user's
//! authenticator app (Cognito's SOFTWARE_TOKEN_MFA, or a text message's).
//! The challenge stays server-side; a few wrong codes and the sign-in
//! starts over.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::forms;
use auth::actix::return_to;

/// Wrong codes a sign-in may take before it starts over.
const WRONG_CODES: u32 = 5;

/// The code form's fields.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    code: String,
}

fn code_page(
    page: &Page,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let Some(challenge) = page.session().code_challenge()? else {
        return Ok(see_other("/login"));
    };
    let mut context = tera::Context::new();
    context.insert("username", &challenge.username);
    context.insert("sms", &matches!(challenge.kind, auth::MfaKind::Sms));
    context.insert("destination", &challenge.destination);
    context.insert("error", &error);
    context.insert("back", &return_to::passed_on(page.request()));
    page.render_as(status, "login_code.html", context)
}

/// `GET /login/code`: the form, or the login when no sign-in waits.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    code_page(&page, StatusCode::OK, None)
}

/// `POST /login/code`: answers with the code; signed in, or the form again.
pub async fn submit(page: Page, form: web::Form<CodeForm>) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    let session = page.session();
    let Some(challenge) = session.code_challenge()? else {
        return Ok(see_other("/login"));
    };
    let code = form.code.trim();
    if code.is_empty() {
        return code_page(&page, StatusCode::BAD_REQUEST, Some("Input missing"));
    }
    let answer = page
        .state()
        .authenticator
        .answer_code(page.request(), &challenge, code)
        .await;
    match answer {
        Ok(outcome) => super::signed_in(&page, outcome),
        Err(LoginError::Unavailable(message)) => {
            code_page(&page, StatusCode::SERVICE_UNAVAILABLE, Some(&message))
        }
        Err(LoginError::Rejected(message)) if session.wrong_code()? < WRONG_CODES => {
            code_page(&page, StatusCode::BAD_REQUEST, Some(&message))
        }
        Err(LoginError::Rejected(_)) => {
            session.clear_code_challenge();
            let message = "Too many wrong codes: please sign in again.";
            forms::login_failed(
                &page,
                &challenge.username,
                message,
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(err) => {
            session.clear_code_challenge();
            forms::login_failed(
                &page,
                &challenge.username,
                &err.to_string(),
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}
