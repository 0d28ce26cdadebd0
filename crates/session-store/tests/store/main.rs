//! The store against the emulator's DynamoDB, by feature.

mod actix_app;
mod common;
mod store;
mod threads;
