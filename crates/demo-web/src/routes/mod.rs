//! One module per page or action, and the route table.

use actix_web::web::{self, ServiceConfig};
use actix_web::{FromRequest, Handler, Responder, Route, guard};

pub mod forgot;
pub mod forms;
pub mod home;
pub mod login;
pub mod metrics;
pub mod mfa;
pub mod password;
pub mod restricted;
pub mod session_json;
pub mod sessions;
pub mod signup;
pub mod static_files;

/// A form that only carries the CSRF token.
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    pub csrf: String,
}

/// A GET route that answers HEAD too, as HTTP asks of every GET resource
/// (`curl -I`, uptime checks): actix-web sends HEAD's headers without the body.
fn get<F, Args>(handler: F) -> Route
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::route()
        .guard(guard::Any(guard::Get()).or(guard::Head()))
        .to(handler)
}

/// The pages that need no session: fetching them costs no DynamoDB call.
pub fn without_session(routes: &mut ServiceConfig) {
    routes
        .service(web::resource("/static/style.css").route(get(static_files::style)))
        .service(
            web::resource(["/static/favicon.svg", "/favicon.ico"]).route(get(static_files::icon)),
        )
        .service(web::resource("/metrics").route(get(metrics::metrics)));
}

/// Every page of the demo that uses the session, in both stages: a page a
/// stage lacks answers 404 itself (see `Page::require_account_pages`).
pub fn routes(routes: &mut ServiceConfig) {
    use login::{code, form, logout, new_password, quick_login, setup};
    routes
        .service(web::resource("/").route(get(home::home)))
        .service(web::resource("/session.json").route(get(session_json::session_json)))
        .service(
            web::resource("/login")
                .route(get(form::show))
                .post(form::submit),
        )
        .service(web::resource("/quicklogin/{username}").post(quick_login::quick_login))
        .service(
            web::resource("/login/code")
                .route(get(code::show))
                .post(code::submit),
        )
        .service(
            web::resource("/login/setup")
                .route(get(setup::show))
                .post(setup::submit),
        )
        .service(
            web::resource("/new-password")
                .route(get(new_password::show))
                .post(new_password::submit),
        )
        .service(web::resource("/logout").post(logout::logout))
        .service(web::resource("/restricted").route(get(restricted::restricted)))
        .service(web::resource("/mfa").route(get(mfa::show)))
        .service(web::resource("/mfa/setup").post(mfa::setup))
        .service(web::resource("/mfa/verify").post(mfa::verify))
        .service(web::resource("/mfa/off").post(mfa::off))
        .service(web::resource("/sessions").route(get(sessions::list)))
        .service(web::resource("/sessions/revoke").post(sessions::revoke))
        .service(web::resource("/sessions/revoke-others").post(sessions::revoke_others))
        .service(
            web::resource("/signup")
                .route(get(signup::show))
                .post(signup::submit),
        )
        .service(
            web::resource("/signup/confirm")
                .route(get(signup::show_confirm))
                .post(signup::confirm),
        )
        .service(web::resource("/signup/resend").post(signup::resend))
        .service(
            web::resource("/forgot")
                .route(get(forgot::show))
                .post(forgot::submit),
        )
        .service(
            web::resource("/forgot/reset")
                .route(get(forgot::show_reset))
                .post(forgot::reset),
        )
        .service(
            web::resource("/password")
                .route(get(password::show))
                .post(password::change),
        );
}
