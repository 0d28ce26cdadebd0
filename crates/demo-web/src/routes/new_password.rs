//! NEW_PASSWORD_REQUIRED: a user with a temporary password chooses one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::LoginError;
use crate::errors::AppError;
use crate::page::{render, see_other};
use crate::routes::account::{logged_in, login_failed};
use crate::session::AppSession;
use crate::startup::AppState;

/// The new password form's fields.
#[derive(Deserialize)]
pub struct NewPasswordForm {
    csrf: String,
    #[serde(default)]
    password: String,
}

fn page(
    state: &AppState,
    req: &HttpRequest,
    session: &AppSession,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("username", username);
    context.insert("error", &error);
    render(
        state,
        req,
        session,
        None,
        "new_password.html",
        context,
        status,
    )
}

/// `GET /new-password`: the form, while a challenge is pending.
pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    match session.challenge()? {
        Some(challenge) => page(
            &state,
            &req,
            &session,
            &challenge.username,
            None,
            StatusCode::OK,
        ),
        None => Ok(see_other("/login")),
    }
}

/// `POST /new-password`: answers the challenge; logs in on success.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
    form: web::Form<NewPasswordForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let Some(challenge) = session.challenge()? else {
        // The session ended while the form was open (or the challenge was
        // answered already): the password typed cannot be used.
        return login_failed(
            &state,
            &req,
            &session,
            "",
            "This sign-in has ended before the new password was sent. Please sign in again.",
            StatusCode::UNAUTHORIZED,
        );
    };
    if form.password.is_empty() {
        return page(
            &state,
            &req,
            &session,
            &challenge.username,
            Some("Input missing"),
            StatusCode::BAD_REQUEST,
        );
    }
    match state
        .authenticator
        .answer_new_password(&challenge, &form.password)
        .await
    {
        Ok(outcome) => logged_in(&session, outcome),
        Err(LoginError::Rejected(message)) => page(
            &state,
            &req,
            &session,
            &challenge.username,
            Some(&message),
            StatusCode::BAD_REQUEST,
        ),
        Err(LoginError::StartAgain(message)) => {
            session.clear_challenge();
            login_failed(
                &state,
                &req,
                &session,
                &challenge.username,
                &message,
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(LoginError::Unavailable(message)) => page(
            &state,
            &req,
            &session,
            &challenge.username,
            Some(&message),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    }
}
