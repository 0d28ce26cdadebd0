//! Logging in and out: the login form, quick login, logout.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::{LogIn, LogOutScope, LoginError};
use crate::errors::AppError;
use crate::page::{current_user, render, see_other};
use crate::return_to;
use crate::routes::CsrfForm;
use crate::session::AppSession;
use crate::startup::AppState;

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// The login page, its form returning where the request's `next` says.
fn login_page(
    state: &AppState,
    req: &HttpRequest,
    session: &AppSession,
    user: Option<&str>,
    mut context: tera::Context,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    context.insert("back", &return_to::passed_on(req));
    render(state, req, session, user, "login.html", context, status)
}

/// `GET /login`: the form.
pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    let user = current_user(&state, &session).await?;
    login_page(
        &state,
        &req,
        &session,
        user.as_deref(),
        tera::Context::new(),
        StatusCode::OK,
    )
}

/// `POST /login`: checks the credentials; on success a new session id and
/// a redirect to `/`, else the form again with the reason.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let (username, password) = (form.username.trim(), form.password.as_str());
    if username.is_empty() || password.is_empty() {
        return login_failed(
            &state,
            &req,
            &session,
            username,
            "Input missing",
            StatusCode::BAD_REQUEST,
        );
    }
    attempt(&state, &req, &session, username, password).await
}

/// `POST /quicklogin/{username}`: logs in as a demo user without typing.
pub async fn quick_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
    username: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let password =
        state
            .authenticator
            .quick_login_password(&username)
            .ok_or(AppError::NotFound(
                "Quick login is only for the demo users a and b.",
            ))?;
    attempt(&state, &req, &session, &username, password).await
}

/// Checks the credentials: on success logs in (or asks for a new
/// password), else shows the form again with the reason.
async fn attempt(
    state: &AppState,
    req: &HttpRequest,
    session: &AppSession,
    username: &str,
    password: &str,
) -> Result<HttpResponse, AppError> {
    let (message, status) = match state.authenticator.log_in(username, password).await {
        Ok(outcome) => return logged_in(req, session, outcome),
        Err(LoginError::Rejected(message) | LoginError::StartAgain(message)) => {
            (message, StatusCode::UNAUTHORIZED)
        }
        Err(LoginError::Unavailable(message)) => (message, StatusCode::SERVICE_UNAVAILABLE),
    };
    login_failed(state, req, session, username, &message, status)
}

/// After a successful check: log in (new session id) and go where the
/// request's `next` says, or ask for a new password first.
pub(crate) fn logged_in(
    req: &HttpRequest,
    session: &AppSession,
    outcome: LogIn,
) -> Result<HttpResponse, AppError> {
    match outcome {
        LogIn::User { user, tokens } => {
            session.log_in(&user, tokens.as_ref())?;
            let to = return_to::requested(req);
            Ok(see_other(to.as_deref().unwrap_or("/")))
        }
        LogIn::NewPasswordRequired(challenge) => {
            session.set_challenge(&challenge)?;
            let form = format!("/new-password{}", return_to::passed_on(req));
            Ok(see_other(&form))
        }
    }
}

/// The login form again, with why the last attempt failed.
pub(crate) fn login_failed(
    state: &AppState,
    req: &HttpRequest,
    session: &AppSession,
    username: &str,
    message: &str,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("error", message);
    context.insert("username", username);
    login_page(state, req, session, None, context, status)
}

/// `POST /logout`: signs out at the identity provider, deletes the session
/// and its cookie (stage 2: and the user's other sessions).
pub async fn logout(
    state: web::Data<AppState>,
    session: AppSession,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let scope = state
        .authenticator
        .log_out(session.tokens()?.as_ref())
        .await;
    if scope == LogOutScope::EverySession
        && let (Some(user), Some(current)) = (session.user()?, session.handle())
        && let Err(err) = state.store.revoke_other_sessions(&user, &current).await
    {
        // This session ends all the same; the others, whose tokens are
        // revoked, end at their next refresh.
        tracing::warn!(error = %err, "could not end the user's other sessions");
    }
    session.log_out();
    Ok(see_other("/"))
}
