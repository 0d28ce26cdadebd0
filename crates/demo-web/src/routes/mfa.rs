//! `/mfa` (stage 2): a signed-in user sets up an authenticator app (its
//! secret shown as text and as a QR code drawn here, as SVG), confirms it
//! with a code, and turns two-factor sign-in on or off.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::page::{Page, SignedIn, login_for};
use crate::routes::CsrfForm;

/// The name the app lists the account under.
const ISSUER: &str = "actix DynamoDB Cognito demo";

/// The confirmation form's fields.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    code: String,
}

/// The page, with a notice or an error.
fn mfa_page(
    page: &Page,
    status: StatusCode,
    message: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    if let Some((key, text)) = message {
        context.insert(key, text);
    }
    page.render_as(status, "mfa.html", context)
}

/// The setup step: the secret, its QR code, the code form.
fn setup_page(
    page: &Page,
    user: &str,
    secret: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("secret", secret);
    context.insert("qr", &qr_svg(secret, user)?);
    context.insert("error", &error);
    page.render_as(status, "mfa_setup.html", context)
}

/// The QR code of `user`'s app key, as an SVG element to put in a page.
pub(crate) fn qr_svg(secret: &str, user: &str) -> Result<String, AppError> {
    let uri = auth::TotpSecret::new(secret).otpauth_uri(ISSUER, user);
    let qr = QrCode::new(uri.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // Inline in HTML: the SVG element alone, without the XML declaration.
    Ok(qr
        .find("<svg")
        .map_or(qr.as_str(), |at| &qr[at..])
        .to_owned())
}

/// What a refusal of the identity provider shows; a revoked sign-in goes
/// to the login.
fn refused(page: &Page, err: LoginError) -> Result<HttpResponse, AppError> {
    match err {
        LoginError::Unavailable(message) => mfa_page(
            page,
            StatusCode::SERVICE_UNAVAILABLE,
            Some(("error", &message)),
        ),
        LoginError::StartAgain(_) => {
            page.session().log_out();
            Err(AppError::SignInRequired(login_for(page.request())))
        }
        other => mfa_page(
            page,
            StatusCode::BAD_REQUEST,
            Some(("error", &other.to_string())),
        ),
    }
}

/// `GET /mfa`.
pub async fn show(SignedIn { page, .. }: SignedIn) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    mfa_page(&page, StatusCode::OK, None)
}

/// `POST /mfa/setup`: a new secret for the user's app.
pub async fn setup(
    SignedIn { page, user }: SignedIn,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    match page.state().authenticator.start_totp(page.request()).await {
        Ok(secret) => {
            page.session().set_totp_secret(secret.base32())?;
            setup_page(&page, &user, secret.base32(), StatusCode::OK, None)
        }
        Err(err) => refused(&page, err),
    }
}

/// `POST /mfa/verify`: a code of the app confirms it, and turns it on.
pub async fn verify(
    SignedIn { page, user }: SignedIn,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    let Some(secret) = page.session().totp_secret()? else {
        return mfa_page(
            &page,
            StatusCode::BAD_REQUEST,
            Some(("error", "Set up the app first.")),
        );
    };
    let code = form.code.trim();
    if code.is_empty() {
        return setup_page(
            &page,
            &user,
            &secret,
            StatusCode::BAD_REQUEST,
            Some("Input missing"),
        );
    }
    match page
        .state()
        .authenticator
        .confirm_totp(page.request(), code)
        .await
    {
        Ok(()) => {
            page.session().clear_totp_secret();
            let on = "Two-factor sign-in is on: the next login asks for a code of your app.";
            mfa_page(&page, StatusCode::OK, Some(("notice", on)))
        }
        Err(LoginError::Rejected(message)) => setup_page(
            &page,
            &user,
            &secret,
            StatusCode::BAD_REQUEST,
            Some(&message),
        ),
        Err(err) => refused(&page, err),
    }
}

/// `POST /mfa/off`: password alone again.
pub async fn off(
    SignedIn { page, .. }: SignedIn,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    page.require_account_pages()?;
    page.session().check_csrf(&form.csrf)?;
    match page.state().authenticator.totp_off(page.request()).await {
        Ok(()) => mfa_page(
            &page,
            StatusCode::OK,
            Some(("notice", "Two-factor sign-in is off.")),
        ),
        Err(err) => refused(&page, err),
    }
}
