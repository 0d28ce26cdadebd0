//! One module per page or action.

pub mod forgot;
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
