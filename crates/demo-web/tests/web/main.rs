//! The web app in process against the emulator, by feature.

mod account_walk;
mod bad_input;
mod change_password;
mod chromium;
mod client_address;
mod common;
mod cost;
mod csrf;
mod forgot_password;
mod headers;
mod hosted_login;
mod layout;
mod lifetime;
mod login;
mod logout;
mod new_password;
mod outages;
mod pages;
mod password_policy;
mod return_to;
mod sessions_page;
mod sign_up;
mod site_settings;
mod stage2;
mod tokens;
mod two_factor;
