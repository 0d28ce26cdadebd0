//! Amazon Cognito user-pool sign-in for Rust services, done right:
//!
//! - [`Cognito::sign_in`] with USER_SRP_AUTH by default (the password never
//!   leaves the process), or USER_PASSWORD_AUTH;
//! - challenges as typed results: [`SignIn::NewPasswordRequired`] can be
//!   answered with [`Cognito::answer_new_password`], and the two-factor
//!   ones below; custom challenges are a clear
//!   [`AuthError::UnsupportedChallenge`];
//! - SECRET_HASH whenever the app client has a secret;
//! - [`TokenVerifier`]: RS256 signatures against the pool's JWKS (cached,
//!   refetched on an unknown key at most every 10 s; a failed fetch is
//!   `ServiceUnavailable`, retried after 1 s; a key of the set it cannot
//!   read makes its tokens `ServiceUnavailable` and spoils no other key),
//!   issuer, `token_use`, audience, `exp`/`nbf`. The keys are fetched over
//!   TLS trusting the system's certificate authorities (or `SSL_CERT_FILE` /
//!   `SSL_CERT_DIR`), as the SDK's own client does;
//! - [`Cognito::refresh`] and [`Cognito::sign_out`], which revokes the
//!   tokens at Cognito (GlobalSignOut);
//! - the account's life: [`Cognito::sign_up`], [`Cognito::confirm_sign_up`],
//!   [`Cognito::resend_confirmation_code`], [`Cognito::forgot_password`]
//!   (the same answer whether the user exists or not),
//!   [`Cognito::confirm_forgot_password`], [`Cognito::change_password`], and
//!   the pool's [`PasswordPolicy`] to check a new password before Cognito;
//! - two-factor sign-in with an authenticator app: [`Cognito::associate_totp`],
//!   [`Cognito::verify_totp`], [`Cognito::set_totp_mfa`], and
//!   [`SignIn::MfaRequired`] answered with [`Cognito::answer_mfa`] (SMS codes
//!   too), [`SignIn::MfaSelection`] with [`Cognito::select_mfa`];
//! - the end user's IP address sent to Cognito's threat protection with
//!   every call made without a token ([`Cognito::for_user`]);
//! - [`Cognito::check_tokens`]: what a web app does with a session's tokens
//!   on each request (verify, refresh when due, end the session when Cognito
//!   refuses, keep it through an outage while the access token holds);
//! - with the `actix` feature, `auth::actix`: sign-ins kept in an actix-session
//!   session, an extractor of the signed-in user, a guard, sign-in and
//!   sign-out;
//! - one [`AuthError`] whose messages are safe to show a user;
//! - SRP's arithmetic (about 12 ms of CPU per sign-in) in constant time, so
//!   that its timing and memory accesses do not depend on the password, and
//!   on tokio's blocking threads, so a sign-in never holds up the other
//!   requests of its worker;
//! - no process-global state, and a timeout on every call.
//!
//! Signatures are checked with jsonwebtoken's aws-lc-rs backend (about 22 µs
//! per token: `cargo bench -p auth --bench cpu`). jsonwebtoken refuses to guess
//! when both of its backends are compiled in: if another crate of your app
//! enables its `rust_crypto` feature, choose one at start-up with
//! `jsonwebtoken::crypto::CryptoProvider::install_default`.
//!
//! ```no_run
//! # async fn example() -> Result<(), auth::AuthError> {
//! use auth::{Cognito, SignIn, TokenUse};
//!
//! let aws = aws_config::load_from_env().await;
//! let cognito = Cognito::builder(&aws, "eu-west-1_AbCdEf", "app-client-id").build();
//!
//! // Sign in (SRP).
//! let SignIn::Tokens(tokens) = cognito.sign_in("alice", "correct horse").await? else {
//!     unimplemented!("ask the user for a new password, then answer_new_password")
//! };
//! // Verify before trusting.
//! let claims = cognito.verifier().verify(&tokens.access_token, TokenUse::Access).await?;
//! assert_eq!(claims.username, "alice");
//! // Sign out everywhere: the tokens stop working at Cognito.
//! cognito.sign_out(&tokens.access_token).await?;
//! # Ok(()) }
//! ```
//!
//! # Stability
//!
//! - The crate is 0.x: a breaking change of its public API bumps the minor
//!   version (see CHANGELOG.md).
//! - [`AuthError`] and `actix::AuthRejection` are `non_exhaustive`: new
//!   variants are not breaking changes.
//! - Built and tested with aws-config 1, aws-sdk-cognitoidentityprovider 1 and
//!   jsonwebtoken 11, and for the `actix` feature actix-web 4 and
//!   actix-session 0.11 (the versions in Cargo.lock).
//! - MSRV: Rust 1.94.1, as declared; the tests run on the toolchain of this repository's CI.

#![warn(missing_docs)]

mod account;
#[cfg(feature = "actix")]
pub mod actix;
mod builder;
mod calls;
mod client;
mod error;
mod jwks;
pub mod managed_login;
mod mfa;
mod password_policy;
mod secret_hash;
mod session_tokens;
pub mod srp;
mod tokens;
mod user_context;
mod verify;

pub use account::{CodeDelivery, SignedUp};
pub use builder::{AuthFlow, CognitoBuilder};
pub use calls::{CALLS, CallCount};
pub use client::Cognito;
pub use error::AuthError;
pub use jsonwebtoken::jwk::JwkSet;
pub use mfa::{MfaChallenge, MfaKind, MfaSelection, MfaSetupChallenge, TotpSecret};
pub use password_policy::{PasswordPolicy, PasswordRule};
pub use secret_hash::secret_hash;
pub use session_tokens::TokenCheck;
pub use tokens::{NewPasswordChallenge, SignIn, Tokens, redact};
pub use user_context::UserContext;
pub use verify::{Claims, DEFAULT_LEEWAY, TokenUse, TokenVerifier};
