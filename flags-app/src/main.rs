//! `flags`: the command-line entry point. All the work is in the library.

use std::process::ExitCode;

use clap::Parser;
use flags_app::cli::{Cli, Command};
use flags_app::usage::{USAGE_EXIT_CODE, clap_usage_text, usage_text};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(), // --help, --version
        Err(err) => {
            eprint!("{}", clap_usage_text(&err));
            return ExitCode::from(USAGE_EXIT_CODE as u8);
        }
    };
    match cli.into_command() {
        Ok(Command::Download(config)) => {
            println!("{config:?}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve(config)) => {
            println!("{config:?}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprint!("{}", usage_text(&err));
            ExitCode::from(USAGE_EXIT_CODE as u8)
        }
    }
}
