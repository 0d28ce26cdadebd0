//! The stage 1 binary as its users run it: a process of its own, by feature.

mod cli;
mod common;
mod fault;
mod logs;
mod scale;
mod soak;
