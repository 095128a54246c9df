//! Usage errors: one format for clap's errors and ours, exit status 2.
//!
//! flags2_common prints `*** Usage error: <what>`, then argparse's usage line, and
//! exits with 2 (the conventional status for a command-line usage error, as
//! argparse and clap use). clap's own errors (unknown option, a value that is not a
//! number) are rewritten into the same shape, so a user sees one style whatever the
//! mistake: the message, a blank line, the usage, and the hint to try `--help`.
//!
//! The caller passes the usage line in (`cli.rs` renders it from clap's definition of
//! the command line), so that this file depends on nothing of ours: the command line
//! uses its errors, not the other way round.

use std::fmt;

/// Exit status for command-line usage errors.
pub const USAGE_EXIT_CODE: u8 = 2;

/// A broken command-line rule, with flags2's wording where flags2 has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong, without the `*** Usage error: ` prefix.
    pub message: String,
}

impl UsageError {
    /// A usage error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// The full text printed for `error`: prefix, message, `usage`, hint.
pub fn usage_text(error: &UsageError, usage: &str) -> String {
    format!(
        "*** Usage error: {}\n\n{}\n\nFor more information, try '--help'.\n",
        error.message,
        usage.trim_end()
    )
}

/// The same shape for one of clap's errors, whose rendering usually has the usage of
/// the right subcommand and the hint already; `usage` fills in when it does not.
pub fn clap_usage_text(error: &clap::Error, usage: &str) -> String {
    let rendered = error.render().to_string();
    let body = rendered.strip_prefix("error: ").unwrap_or(&rendered);
    if body.contains("\nUsage: ") {
        return format!("*** Usage error: {body}");
    }
    // clap leaves the usage out of some errors (bad values); put it back.
    let (message, hint) = body
        .split_once("\n\nFor more information")
        .unwrap_or((body, ", try '--help'.\n"));
    format!(
        "*** Usage error: {}\n\n{}\n\nFor more information{hint}",
        message.trim_end(),
        usage.trim_end()
    )
}
