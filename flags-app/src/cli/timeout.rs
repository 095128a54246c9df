//! The one rule for a timeout given on the command line, shared by the
//! downloader's arguments (`cli.rs`) and the server's (`cli/serve.rs`).

use std::time::Duration;

/// Longest timeout accepted, in seconds (an hour).
pub(super) const MAX_TIMEOUT_SECS: f64 = 3600.0;

/// A number of seconds from the command line as a duration, if it is above 0 and at
/// most an hour.
pub(super) fn timeout_secs(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS)
        .then(|| Duration::from_secs_f64(secs))
}
