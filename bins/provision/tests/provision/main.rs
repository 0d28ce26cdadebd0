//! The `provision` binary against the emulator, by subcommand.

mod all;
mod cli;
mod invite;
mod settings;
mod teardown;
mod workspace;
