//! The demo web app shared by the two stages of the port of "Express +
//! session + DynamoDB + Cognito": configuration, start-up, routes, templates.
//! The stages differ only in [`Settings`] and in the [`Authenticator`].

pub mod authenticator;
pub mod errors;
pub mod logging;
pub mod metrics;
pub mod page;
pub mod request_log;
pub mod routes;
pub mod session;
pub mod settings;
pub mod startup;
pub mod templates;

pub use authenticator::Authenticator;
pub use settings::{Settings, Stage};
pub use startup::Application;

/// The whole `main` of a stage binary: settings from the command line and
/// environment, then serve. A start-up failure is one line naming what
/// failed, and exit code 1.
pub async fn main(stage: Stage) -> std::process::ExitCode {
    logging::init();
    let settings = match Settings::from_args(stage, std::env::args().skip(1)) {
        Ok(settings) => settings,
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
