//! `/sessions`: a user's live sessions, with revocation.

use std::time::SystemTime;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use session_store::SessionHandle;

use crate::errors::AppError;
use crate::page::{current_user, render, see_other};
use crate::routes::CsrfForm;
use crate::session::AppSession;
use crate::startup::AppState;

/// Logged out (a session of 8 s ends while its page is open): log in,
/// then come back here.
const LOGIN: &str = "/login?next=/sessions";

#[derive(Serialize)]
struct Row {
    handle: String,
    short: String,
    current: bool,
    device: Option<String>,
    created: String,
    last_seen: String,
    expires: String,
}

fn clock(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(String::new, |t| {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    })
}

/// `GET /sessions`.
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
) -> Result<HttpResponse, AppError> {
    let Some(user) = current_user(&state, &session).await? else {
        return Ok(see_other(LOGIN));
    };
    let current = session.handle();
    let rows: Vec<Row> = state
        .store
        .list_sessions(&user)
        .await?
        .into_iter()
        .map(|s| Row {
            short: s.handle.to_string()[..12].to_owned(),
            current: Some(&s.handle) == current.as_ref(),
            handle: s.handle.to_string(),
            device: s.label,
            created: clock(s.created),
            last_seen: clock(s.last_touched),
            expires: clock(s.expires),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("sessions", &rows);
    render(
        &state,
        &req,
        &session,
        Some(&user),
        "sessions.html",
        context,
        StatusCode::OK,
    )
}

/// The revoke form's fields.
#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
    handle: String,
}

/// `POST /sessions/revoke`: ends one of the user's sessions.
pub async fn revoke(
    state: web::Data<AppState>,
    session: AppSession,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let Some(user) = current_user(&state, &session).await? else {
        return Ok(see_other(LOGIN));
    };
    let handle: SessionHandle = form
        .handle
        .parse()
        .map_err(|_| AppError::NotFound("No such session."))?;
    state.store.revoke_session(&user, &handle).await?;
    Ok(see_other("/sessions"))
}

/// `POST /sessions/revoke-others`: ends all of the user's sessions but this one.
pub async fn revoke_others(
    state: web::Data<AppState>,
    session: AppSession,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    session.check_csrf(&form.csrf)?;
    let Some(user) = current_user(&state, &session).await? else {
        return Ok(see_other(LOGIN));
    };
    let current = session
        .handle()
        .ok_or(AppError::NotFound("This session is not stored yet."))?;
    state.store.revoke_other_sessions(&user, &current).await?;
    Ok(see_other("/sessions"))
}
