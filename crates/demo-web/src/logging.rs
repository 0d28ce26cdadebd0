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
