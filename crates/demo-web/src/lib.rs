//! The demo web app shared by the two stages of the port of "Express +
//! session + DynamoDB + Cognito": configuration, start-up, routes, templates.
//! The stages differ only in [`Settings`] and in who may log in (local users,
//! or a Cognito user pool); the rest of the app is private to this crate.
//!
//! ```no_run
//! use demo_web::{Application, Settings, Stage};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // ./settings.sh and the environment, as the stage binaries read them.
//! let settings = Settings::from_args(Stage::Store, ["--port".to_owned(), "3000".to_owned()])?;
//! let app = Application::build(settings).await?; // makes the session table ready
//! println!("listening on http://localhost:{}", app.port());
//! app.run_until_stopped().await?;
//! # Ok(()) }
//! ```

mod authenticator;
mod device;
mod error;
pub mod logging;
mod metrics;
mod middleware;
mod page;
mod routes;
mod session;
pub mod settings;
mod stage;
pub mod startup;
mod state;
mod templates;

pub use settings::{Settings, Stage};
pub use startup::Application;

/// The whole `main` of a stage binary: settings from the command line and
/// environment, then serve. A start-up failure is one line naming what
/// failed, and exit code 1 (2 for an argument not understood; `--help`
/// prints the usage and exits with 0).
///
/// ```no_run
/// // The whole of a stage binary.
/// fn main() -> std::process::ExitCode {
///     // SAFETY: no other thread exists yet.
///     unsafe { demo_web::logging::keep_backtraces_for_panics() };
///     demo_web::main(demo_web::Stage::Store)
/// }
/// ```
pub fn main(stage: Stage) -> std::process::ExitCode {
    actix_web::rt::System::new().block_on(serve(stage))
}

async fn serve(stage: Stage) -> std::process::ExitCode {
    logging::init();
    let settings = match Settings::from_args(stage, std::env::args().skip(1)) {
        Ok(settings) => settings,
        // --help on stdout with 0, a usage error on stderr with 2.
        Err(settings::SettingsError::Cli(err)) => {
            let _ = err.print();
            return std::process::ExitCode::from(err.exit_code() as u8);
        }
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("listening on http://localhost:{}", app.port());
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
