//! Usage errors: one format for clap's errors and ours, exit status 2.
//!
//! flags2_common prints `*** Usage error: <what>`, then argparse's usage line, and
//! exits with 2 (the conventional status for a command-line usage error, as
//! argparse and clap use). clap's own errors (unknown option, a value that is not a
//! number) are rewritten into the same shape, so a user sees one style whatever the
//! mistake: the message, a blank line, the usage, and the hint to try `--help`.

use std::fmt;

use clap::CommandFactory;

use crate::cli::Cli;

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

/// The full text printed for `error`: prefix, message, usage, hint.
pub fn usage_text(error: &UsageError) -> String {
    let usage = Cli::command().render_usage().to_string();
    format!(
        "*** Usage error: {}\n\n{}\n\nFor more information, try '--help'.\n",
        error.message,
        usage.trim_end()
    )
}

/// The same shape for one of clap's errors (whose rendering already has the usage
/// of the right subcommand and the hint).
pub fn clap_usage_text(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let body = rendered.strip_prefix("error: ").unwrap_or(&rendered);
    if body.contains("\nUsage: ") {
        return format!("*** Usage error: {body}");
    }
    // clap leaves the usage out of some errors (bad values); put it back.
    let (message, hint) = body
        .split_once("\n\nFor more information")
        .unwrap_or((body, ", try '--help'.\n"));
    let usage = Cli::command().render_usage().to_string();
    format!(
        "*** Usage error: {}\n\n{}\n\nFor more information{hint}",
        message.trim_end(),
        usage.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn our_errors_and_clap_errors_share_a_shape() {
        let ours = usage_text(&UsageError::new(
            "each CC argument must be A to Z or AA to ZZ.",
        ));
        assert!(ours.starts_with(
            "*** Usage error: each CC argument must be A to Z or AA to ZZ.\n\nUsage: flags"
        ));
        assert!(ours.ends_with("For more information, try '--help'.\n"));
        let clap_error = Cli::try_parse_from(["flags", "--limit", "x"]).unwrap_err();
        let theirs = clap_usage_text(&clap_error);
        assert!(
            theirs.starts_with("*** Usage error: invalid value 'x'"),
            "{theirs}"
        );
        assert!(theirs.contains("\n\nUsage: flags"), "{theirs}");
        assert!(
            theirs
                .trim_end()
                .ends_with("For more information, try '--help'."),
            "{theirs}"
        );
        let value_error = Cli::try_parse_from(["flags", "serve", "--delay", "3..1"]).unwrap_err();
        let theirs = clap_usage_text(&value_error);
        assert!(
            theirs.starts_with("*** Usage error: invalid value '3..1'"),
            "{theirs}"
        );
        assert!(theirs.contains("\n\nUsage: flags"), "{theirs}");
    }
}
