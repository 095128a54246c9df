//! `flags`: the command-line entry point. All the work is in the library.

use std::process::ExitCode;

use clap::Parser;
use flags_app::cli::{Cli, Command};
use flags_app::download;
use flags_app::serve::server::run_standalone;
use flags_app::usage::{USAGE_EXIT_CODE, clap_usage_text, usage_text};

/// Exit status when some downloads failed or the run could not start.
const FAILURE_EXIT_CODE: u8 = 1;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(), // --help, --version
        Err(err) => {
            eprint!("{}", clap_usage_text(&err));
            return ExitCode::from(USAGE_EXIT_CODE);
        }
    };
    match cli.into_command() {
        Ok(Command::Download(config)) => match download::run(&config) {
            Ok(summary) if summary.succeeded() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::from(FAILURE_EXIT_CODE),
            Err(err) => {
                eprintln!("*** {err}");
                ExitCode::from(FAILURE_EXIT_CODE)
            }
        },
        Ok(Command::Serve(config)) => match run_standalone(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("*** {err}");
                ExitCode::from(FAILURE_EXIT_CODE)
            }
        },
        Err(err) => {
            eprint!("{}", usage_text(&err));
            ExitCode::from(USAGE_EXIT_CODE)
        }
    }
}
