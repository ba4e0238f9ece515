//! The `pulse` binary: parse settings, start logging, then serve or migrate.

use clap::Parser;
use pulse::config::{Cli, Command};
use pulse::startup::Application;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    pulse::telemetry::init(cli.settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            pulse::db::prepare(&cli.settings.database_url, 1).await.map(|_| ()).map_err(|e| e.to_string())
        }
        Command::Import(args) => pulse::imports::cli::run(cli.settings, args).await,
        Command::Serve => match Application::build(cli.settings).await {
            Ok(app) => app.run_until_stopped().await.map_err(|e| format!("server error: {e}")),
            Err(e) => Err(e.to_string()),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pulse: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
