//! `/login/setup`: a login to a pool that requires an authenticator app,
//! by a user who has none (Cognito's MFA_SETUP). The app's key is shown
//! (text and QR code); one of its codes sets it up and finishes the login.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::forms;
use auth::actix::return_to;

/// The form's field.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    code: String,
}

fn setup_page(
    page: &Page,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let session = page.session();
    let (Some(challenge), Some(secret)) = (session.setup_challenge()?, session.totp_secret()?)
    else {
        return Ok(see_other("/login"));
    };
    let mut context = tera::Context::new();
    context.insert("username", &challenge.username);
    context.insert("secret", &secret);
    context.insert(
        "qr",
        &crate::routes::mfa::qr_svg(&secret, &challenge.username)?,
    );
    context.insert("error", &error);
    context.insert("back", &return_to::passed_on(page.request()));
    page.render_as(status, "login_setup.html", context)
}

/// `GET /login/setup`: the key and the code form, or the login when no
/// sign-in waits.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    setup_page(&page, StatusCode::OK, None)
}

/// `POST /login/setup`: a code of the new app; signed in, or the form again.
pub async fn submit(page: Page, form: web::Form<CodeForm>) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    let session = page.session();
    let Some(challenge) = session.setup_challenge()? else {
        return Ok(see_other("/login"));
    };
    let code = form.code.trim();
    if code.is_empty() {
        return setup_page(&page, StatusCode::BAD_REQUEST, Some("Input missing"));
    }
    let answer = page
        .state()
        .authenticator
        .finish_setup(page.request(), &challenge, code)
        .await;
    match answer {
        Ok(outcome) => super::signed_in(&page, outcome),
        Err(LoginError::Unavailable(message)) => {
            setup_page(&page, StatusCode::SERVICE_UNAVAILABLE, Some(&message))
        }
        Err(LoginError::Rejected(message)) => {
            setup_page(&page, StatusCode::BAD_REQUEST, Some(&message))
        }
        Err(err) => {
            session.clear_setup_challenge();
            forms::login_failed(
                &page,
                &challenge.username,
                &err.to_string(),
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}
