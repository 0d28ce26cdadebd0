//! `/password`: a signed-in user changes their password (stage 2); their
//! other sessions end with it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::page::{Page, SignedIn, login_for};

/// The form's fields.
#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

fn form(page: &Page, status: StatusCode, context: tera::Context) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.render_as(status, "password.html", context)
}

fn with(key: &str, value: &str) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert(key, value);
    context
}

/// `GET /password`: the form.
pub async fn show(SignedIn { page, .. }: SignedIn) -> Result<HttpResponse, AppError> {
    form(&page, StatusCode::OK, tera::Context::new())
}

/// `POST /password`: changes it at Cognito, then ends the user's other
/// sessions; the form again with the reason when it fails.
pub async fn change(
    SignedIn { page, user }: SignedIn,
    fields: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&fields.csrf)?;
    let refuse = |message: &str, status| form(&page, status, with("error", message));
    if fields.current.is_empty() || fields.password.is_empty() {
        return refuse("Input missing", StatusCode::BAD_REQUEST);
    }
    if let Some(problem) = page
        .new_password_problem(&fields.password, &fields.password_again)
        .await
    {
        return refuse(&problem, StatusCode::BAD_REQUEST);
    }
    let changed = page
        .state()
        .authenticator
        .change_password(page.request(), &fields.current, &fields.password)
        .await;
    match changed {
        Ok(()) => {}
        Err(LoginError::Rejected(message)) => return refuse(&message, StatusCode::BAD_REQUEST),
        Err(err @ (LoginError::NotConfirmed | LoginError::ResetRequired)) => {
            return refuse(&err.to_string(), StatusCode::BAD_REQUEST);
        }
        Err(LoginError::Unavailable(message)) => {
            return refuse(&message, StatusCode::SERVICE_UNAVAILABLE);
        }
        Err(LoginError::StartAgain(_)) => {
            page.session().log_out();
            return Err(AppError::SignInRequired(login_for(page.request())));
        }
    }
    // Whoever knew the old password may hold another session: end them.
    let ended = match page.session().handle() {
        Some(current) => {
            page.state()
                .store
                .revoke_other_sessions(&user, &current)
                .await?
        }
        None => 0,
    };
    let done = match ended {
        0 => "Your password is changed.".to_owned(),
        1 => "Your password is changed, and your other session is signed out.".to_owned(),
        n => format!("Your password is changed, and your {n} other sessions are signed out."),
    };
    form(&page, StatusCode::OK, with("done", &done))
}
