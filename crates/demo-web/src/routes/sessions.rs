//! `/sessions`: a user's live sessions, with revocation.

use std::time::SystemTime;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use session_store::SessionHandle;

use crate::error::AppError;
use crate::page::{SignedIn, see_other};
use crate::routes::CsrfForm;

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
pub async fn list(signed_in: SignedIn) -> Result<HttpResponse, AppError> {
    let SignedIn { page, user } = signed_in;
    let current = page.session().handle();
    let rows: Vec<Row> = page
        .state()
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
    page.render("sessions.html", context)
}

/// The revoke form's fields.
#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
    handle: String,
}

/// `POST /sessions/revoke`: ends one of the user's sessions.
pub async fn revoke(
    SignedIn { page, user }: SignedIn,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    let handle: SessionHandle = form
        .handle
        .parse()
        .map_err(|_| AppError::NotFound("No such session."))?;
    page.state().store.revoke_session(&user, &handle).await?;
    Ok(see_other("/sessions"))
}

/// `POST /sessions/revoke-others`: ends all of the user's sessions but this one.
pub async fn revoke_others(
    SignedIn { page, user }: SignedIn,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    let current = page
        .session()
        .handle()
        .ok_or(AppError::NotFound("This session is not stored yet."))?;
    page.state()
        .store
        .revoke_other_sessions(&user, &current)
        .await?;
    Ok(see_other("/sessions"))
}
