//! The Cognito client against the emulator, SRP and token verification, by feature.

mod cognito;
mod keys;
mod srp;
mod verify;
