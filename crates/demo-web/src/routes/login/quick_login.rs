//! `/quicklogin/{username}`: the original demo's one-click login as a demo user.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::page::Page;
use crate::routes::CsrfForm;

/// `POST /quicklogin/{username}`: logs in as a demo user without typing.
pub async fn quick_login(
    page: Page,
    username: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    page.session().check_csrf(&form.csrf)?;
    if !page.state().form_login {
        return Err(AppError::NotFound("Sign in with the hosted page."));
    }
    let password = page
        .state()
        .authenticator
        .quick_login_password(&username)
        .ok_or(AppError::NotFound(
            "Quick login is only for the demo users a and b.",
        ))?;
    super::attempt(&page, &username, password).await
}
