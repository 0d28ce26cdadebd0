//! The store against the emulator's DynamoDB, by feature.

mod actix_app;
mod capacity;
mod common;
mod examples;
mod failures;
mod field_writes;
mod instances;
mod interleavings;
mod lifecycle;
mod lifetime;
mod limits;
mod per_user;
mod races;
mod sealing;
mod sweep;
mod table;
mod threads;
mod touch;
