//! The web app in process against the emulator, by feature.

mod bad_input;
mod browser;
mod cognito_stage;
mod common;
mod store_stage;
