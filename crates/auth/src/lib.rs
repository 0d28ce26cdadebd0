#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod account;
#[cfg(feature = "actix")]
pub mod actix;
mod builder;
mod calls;
mod challenge;
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
