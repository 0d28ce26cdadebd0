//! The Cognito client against the emulator, SRP and token verification, by feature.

mod account;
mod cognito;
mod jwks;
mod keys;
mod managed_login;
mod mfa;
mod pool;
mod session_tokens;
mod srp;
mod srp_checked;
mod threads;
mod user_context;
mod verify;
mod verify_options;
