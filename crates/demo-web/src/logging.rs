//! Where the logs go (stderr, filtered by `RUST_LOG`), and what never reaches them.

use std::io::IsTerminal;

use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::prelude::*;

/// Logs to stderr, filtered by `RUST_LOG` (default `info`), without the
/// SDK's response bodies.
///
/// ```
/// demo_web::logging::init();
/// tracing::info!("shown at the default level");
/// demo_web::logging::init(); // a second call changes nothing
/// ```
pub fn init() {
    let asked = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // The SDK's TRACE dumps of DynamoDB answers hold the session's state (its
    // CSRF token, Cognito's tokens in stage 2): held back whatever `RUST_LOG`
    // asks for; the SDK's DEBUG events still show.
    let no_bodies = Targets::new()
        .with_default(Level::TRACE)
        .with_target(session_store::SDK_DUMPS_TARGET, Level::DEBUG);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        // Colours for a terminal, plain text for a file or a log collector.
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(asked.and(no_bodies));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Keeps stack traces for panics only, unless `RUST_LIB_BACKTRACE` says
/// otherwise. With `RUST_BACKTRACE=1` (set to see where a panic happened),
/// every error made through anyhow, as actix-session makes the store's,
/// would capture a trace, and logging the error would resolve and print it:
/// a hundred kilobytes and milliseconds of CPU per failed request during an
/// outage.
///
/// # Safety
///
/// Sets an environment variable: call it before any other thread exists.
///
/// ```
/// // First thing in `main`, before the runtime starts its threads.
/// unsafe { demo_web::logging::keep_backtraces_for_panics() };
/// assert!(std::env::var_os("RUST_LIB_BACKTRACE").is_some());
/// ```
pub unsafe fn keep_backtraces_for_panics() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: the caller guarantees no other thread reads the environment.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}
