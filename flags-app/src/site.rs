//! Which flag site to download from: a label naming the embedded server's behaviour,
//! or the base URL of any server [flags2_common's SERVERS].
//!
//! The book's `SERVERS` dict maps `REMOTE`, `LOCAL`, `DELAY` and `ERROR` to base URLs
//! of servers the reader starts by hand (nginx, slow_server.py). Here a label instead
//! starts our own flag server inside the process, so the program needs no set-up:
//!
//! | label | delay per request | error rate |
//! |---|---|---|
//! | `LOCAL` | none | 0 |
//! | `DELAY` | 0.5 to 5 s | 0 |
//! | `ERROR` | 0.5 to 5 s | 0.25 |
//!
//! `--delay` and `--seed` on the download command adjust the embedded server (a fast
//! ERROR run for tests, a fixed 0.5 s DELAY for the benchmark). Any `http://` URL is
//! used as it is, for example `http://127.0.0.1:8000/flags` for `flags serve`.
//! There is no `REMOTE`: the book's remote site is not ours to load-test.

use std::fmt;
use std::str::FromStr;

use crate::serve::chaos::{Chaos, DelayRange, Fault};

/// Error rate of the `ERROR` label: a quarter of requests fail, as slow_server.py.
pub const ERROR_LABEL_RATE: f64 = 0.25;

/// A label for the embedded server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// No delay, no errors.
    Local,
    /// 0.5 to 5 s per request.
    Delay,
    /// 0.5 to 5 s per request and a quarter of requests failing.
    Error,
}

impl Label {
    /// What the embedded server injects for this label.
    pub fn chaos(self) -> Chaos {
        match self {
            Label::Local => Chaos::none(),
            Label::Delay => Chaos {
                delay: DelayRange::SLOW,
                ..Chaos::none()
            },
            Label::Error => Chaos {
                delay: DelayRange::SLOW,
                error_rate: ERROR_LABEL_RATE,
                kinds: Fault::ALL.to_vec(),
            },
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Label::Local => "LOCAL",
            Label::Delay => "DELAY",
            Label::Error => "ERROR",
        })
    }
}

/// The `-s/--server` argument.
///
/// ```
/// use flags_app::site::{Label, Site};
/// assert_eq!("delay".parse(), Ok(Site::Label(Label::Delay)));
/// assert_eq!("http://127.0.0.1:8001/flags/".parse(), Ok(Site::Url("http://127.0.0.1:8001/flags".into())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// Start the embedded server with this behaviour.
    Label(Label),
    /// Download from this base URL (no trailing slash), e.g. `http://host:8001/flags`.
    Url(String),
}

/// Why a `--server` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSite(pub String);

impl fmt::Display for BadSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--server '{}' must be LOCAL, DELAY, ERROR or an http:// URL",
            self.0
        )
    }
}

impl std::error::Error for BadSite {}

impl FromStr for Site {
    type Err = BadSite;

    fn from_str(text: &str) -> Result<Self, BadSite> {
        match text.to_ascii_uppercase().as_str() {
            "LOCAL" => return Ok(Site::Label(Label::Local)),
            "DELAY" => return Ok(Site::Label(Label::Delay)),
            "ERROR" => return Ok(Site::Label(Label::Error)),
            _ => {}
        }
        let scheme_len = "http://".len();
        let is_http = text.len() > scheme_len
            && text.is_char_boundary(scheme_len)
            && text[..scheme_len].eq_ignore_ascii_case("http://");
        let host = if is_http { &text[scheme_len..] } else { "" };
        if host.is_empty() || host.starts_with('/') || text.chars().any(char::is_whitespace) {
            return Err(BadSite(text.to_owned()));
        }
        Ok(Site::Url(text.trim_end_matches('/').to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_case_insensitive() {
        assert_eq!("local".parse(), Ok(Site::Label(Label::Local)));
        assert_eq!("Delay".parse(), Ok(Site::Label(Label::Delay)));
        assert_eq!("ERROR".parse(), Ok(Site::Label(Label::Error)));
    }

    #[test]
    fn http_urls_are_kept_without_trailing_slash() {
        assert_eq!(
            "http://127.0.0.1:8001/flags/".parse(),
            Ok(Site::Url("http://127.0.0.1:8001/flags".into()))
        );
        assert_eq!(
            "HTTP://localhost".parse(),
            Ok(Site::Url("HTTP://localhost".into()))
        );
    }

    #[test]
    fn other_values_are_refused() {
        for bad in [
            "REMOTE",
            "https://example.com",
            "ftp://x",
            "http://",
            "http:///flags",
            "x",
            "http://a b",
        ] {
            assert!(bad.parse::<Site>().is_err(), "{bad}");
        }
    }

    #[test]
    fn label_behaviour_matches_the_book() {
        assert_eq!(Label::Local.chaos().delay, DelayRange::NONE);
        assert_eq!(Label::Local.chaos().error_rate, 0.0);
        assert_eq!(Label::Delay.chaos().delay, DelayRange::SLOW);
        assert_eq!(Label::Delay.chaos().error_rate, 0.0);
        assert_eq!(Label::Error.chaos().error_rate, 0.25);
    }
}
