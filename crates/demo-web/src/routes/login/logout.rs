//! `/logout`.

use actix_web::{HttpResponse, web};

use crate::authenticator::LogOutScope;
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::CsrfForm;

/// `POST /logout`: signs out at the identity provider, deletes the session
/// and its cookie (and the user's other sessions, when the provider signed
/// them out too).
pub async fn logout(page: Page, form: web::Form<CsrfForm>) -> Result<HttpResponse, AppError> {
    let (state, session) = (page.state(), page.session());
    session.check_csrf(&form.csrf)?;
    // Whose and which session, before the authenticator purges it.
    let (user, current) = (session.user().ok().flatten(), session.handle());
    let scope = state.authenticator.log_out(page.request()).await;
    if scope == LogOutScope::EverySession
        && let (Some(user), Some(current)) = (user, current)
        && let Err(err) = state.store.revoke_other_sessions(&user, &current).await
    {
        // This session ends all the same; the others, whose tokens are
        // revoked, end at their next refresh.
        tracing::warn!(error = %err, "could not end the user's other sessions");
    }
    session.log_out();
    // Cognito's managed login keeps a session of its own in the browser:
    // ended there too, which comes back to the home page.
    Ok(see_other(state.hosted_logout.as_deref().unwrap_or("/")))
}
