//! Creates, inspects and deletes what the demo needs: see `provision --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Shows the session store's progress while a new table becomes ACTIVE.
    demo_web::logging::init();
    let command = match provision::cli::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(err) => {
            eprintln!("{err}");
            return std::process::ExitCode::from(2);
        }
    };
    match provision::cli::run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line naming what failed.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
