//! `auth::actix` (feature `actix`) in a running app against the emulator:
//! the crate's `actix_login` example, driven as a browser would.

mod app;
mod managed_login;
mod refresh;
mod sign_in;
