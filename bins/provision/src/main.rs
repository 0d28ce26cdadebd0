//! Creates, inspects and deletes what the demo needs: see `provision --help`.

use std::io::IsTerminal;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Shows the session store's progress while a new table becomes ACTIVE.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // --help exits with 0, a usage error with 2.
    let command = provision::cli::Command::parse();
    match provision::cli::run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line naming what failed.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
