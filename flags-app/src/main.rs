//! `flags`: the command-line entry point. All the work is in the library.
//!
//! Messages go through [`flags_app::output`], never `eprintln!`: a closed or full
//! stderr must not turn an error report into a panic.

use std::process::ExitCode;

use clap::Parser;
use flags_app::cli::{Cli, Command, clap_error_text, usage_error_text};
use flags_app::download;
use flags_app::output::{stderr_line, stderr_text};
use flags_app::serve::workers::run_standalone;
use flags_app::usage::USAGE_EXIT_CODE;

/// Exit status when some downloads failed or the run could not start.
const FAILURE_EXIT_CODE: u8 = 1;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(), // --help, --version
        Err(err) => {
            stderr_text(&clap_error_text(&err));
            return ExitCode::from(USAGE_EXIT_CODE);
        }
    };
    match cli.into_command() {
        Ok(Command::Download(config)) => match download::run(&config) {
            Ok(summary) if summary.succeeded() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::from(FAILURE_EXIT_CODE),
            Err(err) => {
                stderr_line(format_args!("*** {err}"));
                ExitCode::from(FAILURE_EXIT_CODE)
            }
        },
        Ok(Command::Serve(config)) => match run_standalone(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                stderr_line(format_args!("*** {err}"));
                ExitCode::from(FAILURE_EXIT_CODE)
            }
        },
        Err(err) => {
            stderr_text(&usage_error_text(&err));
            ExitCode::from(USAGE_EXIT_CODE)
        }
    }
}
