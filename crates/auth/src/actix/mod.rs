//! Cognito sign-ins in an actix-web app (feature `actix`), kept server-side
//! in an [actix-session](actix_session) session:
//!
//! - [`CognitoLogin::sign_in_with_password`] signs in a login form's user
//!   in one call;
//! - [`CognitoLogin::sign_in`] starts the session of a user Cognito signed
//!   in: the tokens are verified, the session id renewed (no session
//!   fixation), and the user name and tokens kept in the session, never in
//!   the browser;
//! - [`SignedInUser`], an extractor, checks them on each request: verified,
//!   refreshed when due, the session purged when Cognito refuses the
//!   refresh, and kept while Cognito is briefly down and the access token
//!   still holds (see [`Cognito::check_tokens`](crate::Cognito::check_tokens));
//! - [`require_sign_in`] guards a scope: anonymous requests are sent to the
//!   login with a checked way back ([`return_to`]), or get a 401 if they
//!   ask for JSON;
//! - [`CognitoLogin::sign_out`] revokes this session's tokens at Cognito
//!   (RevokeToken; GlobalSignOut where Cognito cannot revoke one token) and
//!   purges the session; [`CognitoLogin::sign_out_everywhere`] ends every
//!   sign-in of the user (GlobalSignOut);
//! - the user's address, behind proxies you trust, goes to Cognito's
//!   threat protection ([`CognitoLogin::cognito_for`]).
//!
//! The session keeps [`USER_KEY`] (the name that session-store indexes as
//! the session's principal) and [`TOKENS_KEY`]; use them only through this
//! module. Store sessions server-side (session-store's DynamoDB store, or
//! actix-session's Redis one): a cookie store would put the tokens in the
//! browser.
//!
//! A complete app with a form sign-in is in the [crate's
//! documentation](crate#in-an-actix-web-app-feature-actix); one with
//! Cognito's managed login is [`managed_login`]'s.

mod client_address;
mod error_response;
mod form_login;
mod guard;
mod login;
pub mod managed_login;
mod rejection;
pub mod return_to;
mod signed_in;

pub use client_address::client_address;
pub use form_login::{Credentials, FormSignIn};
pub use guard::require_sign_in;
pub use login::{CognitoLogin, SignedOut};
pub use rejection::AuthRejection;
pub use signed_in::SignedInUser;

/// The session key of the signed-in user's name.
pub const USER_KEY: &str = "user";
/// The session key of the signed-in user's tokens.
pub const TOKENS_KEY: &str = "tokens";
