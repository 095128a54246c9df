//! Which flag site to download from: the book's remote site, a label naming the embedded
//! server's behaviour, or the base URL of any server [flags2_common's SERVERS].
//!
//! The book's `SERVERS` dict maps `REMOTE`, `LOCAL`, `DELAY` and `ERROR` to base URLs.
//! `REMOTE` is the book's own site, [`REMOTE_URL`], over https, as in the book. The other
//! three are servers the reader starts by hand (nginx, slow_server.py); here a label
//! instead starts our own flag server inside the process, so the program needs no set-up:
//!
//! | label | delay per request | error rate |
//! |---|---|---|
//! | `LOCAL` | none | 0 |
//! | `DELAY` | 0.5 to 5 s | 0 |
//! | `ERROR` | 0.5 to 5 s | 0.25 |
//!
//! `--delay` and `--seed` on the download command adjust the embedded server (a fast
//! ERROR run for tests, a fixed 0.5 s DELAY for the benchmark). Any `http://` or
//! `https://` URL is used as it is, for example `http://127.0.0.1:8000/flags` for
//! `flags serve`, or `https://127.0.0.1:8443/flags` for `flags serve --tls-cert ...`.
//!
//! The environment variable [`REMOTE_URL_VAR`] replaces `REMOTE`'s URL, for a mirror of
//! the book's site (and for the tests, which point it at a name that cannot resolve).

use std::fmt;
use std::str::FromStr;

use crate::serve::chaos::{Chaos, DelayRange, Fault};

/// Error rate of the `ERROR` label: a quarter of requests fail, as slow_server.py.
pub const ERROR_LABEL_RATE: f64 = 0.25;

/// The book's remote flag site, flags2_common's `SERVERS['REMOTE']` (2nd edition).
pub const REMOTE_URL: &str = "https://www.fluentpython.com/data/flags";

/// The environment variable that replaces [`REMOTE_URL`] when set and not empty.
pub const REMOTE_URL_VAR: &str = "FLAGS_REMOTE_URL";

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
/// assert_eq!("remote".parse(), Ok(Site::Remote));
/// assert_eq!("http://127.0.0.1:8001/flags/".parse(), Ok(Site::Url("http://127.0.0.1:8001/flags".into())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// Start the embedded server with this behaviour.
    Label(Label),
    /// The book's remote site, [`REMOTE_URL`] (or [`REMOTE_URL_VAR`]'s value).
    Remote,
    /// Download from this base URL (no trailing slash), e.g. `http://host:8001/flags`.
    Url(String),
}

impl Site {
    /// The base URL `REMOTE` stands for: [`REMOTE_URL_VAR`]'s value when it is set and
    /// not empty (checked like a `-s` URL), else [`REMOTE_URL`].
    pub fn remote_url() -> Result<String, BadRemoteUrl> {
        remote_url_from(std::env::var(REMOTE_URL_VAR).ok())
    }

    /// Whether the site is an embedded server (a label), which `--delay` and `--seed`
    /// configure; `REMOTE` and URLs are somebody else's server.
    pub fn is_embedded(&self) -> bool {
        matches!(self, Site::Label(_))
    }
}

/// `REMOTE`'s base URL given the value of [`REMOTE_URL_VAR`], if any.
fn remote_url_from(variable: Option<String>) -> Result<String, BadRemoteUrl> {
    match variable {
        Some(url) if !url.is_empty() => match url.parse() {
            Ok(Site::Url(url)) => Ok(url),
            _ => Err(BadRemoteUrl(url)),
        },
        _ => Ok(REMOTE_URL.to_owned()),
    }
}

/// Why a `--server` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSite(pub String);

impl fmt::Display for BadSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--server '{}' must be LOCAL, DELAY, ERROR, REMOTE or an http:// or https:// URL",
            self.0
        )
    }
}

impl std::error::Error for BadSite {}

/// Why [`REMOTE_URL_VAR`]'s value was refused: the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRemoteUrl(pub String);

impl fmt::Display for BadRemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{REMOTE_URL_VAR}='{}' must be an http:// or https:// URL",
            self.0
        )
    }
}

impl std::error::Error for BadRemoteUrl {}

impl FromStr for Site {
    type Err = BadSite;

    fn from_str(text: &str) -> Result<Self, BadSite> {
        match text.to_ascii_uppercase().as_str() {
            "LOCAL" => return Ok(Site::Label(Label::Local)),
            "DELAY" => return Ok(Site::Label(Label::Delay)),
            "ERROR" => return Ok(Site::Label(Label::Error)),
            "REMOTE" => return Ok(Site::Remote),
            _ => {}
        }
        let after_scheme = |scheme: &str| {
            let len = scheme.len();
            (text.len() > len
                && text.is_char_boundary(len)
                && text[..len].eq_ignore_ascii_case(scheme))
            .then(|| &text[len..])
        };
        let host = after_scheme("http://")
            .or_else(|| after_scheme("https://"))
            .unwrap_or("");
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
    fn remote_is_the_books_https_site() {
        assert_eq!("REMOTE".parse(), Ok(Site::Remote));
        assert_eq!("remote".parse(), Ok(Site::Remote));
        assert_eq!(REMOTE_URL, "https://www.fluentpython.com/data/flags");
        assert!(!Site::Remote.is_embedded());
        assert_eq!(remote_url_from(None), Ok(REMOTE_URL.to_owned()));
        assert_eq!(
            remote_url_from(Some(String::new())),
            Ok(REMOTE_URL.to_owned())
        );
        assert_eq!(
            remote_url_from(Some("https://mirror.example/flags/".into())),
            Ok("https://mirror.example/flags".to_owned())
        );
        assert_eq!(
            remote_url_from(Some("REMOTE".into())),
            Err(BadRemoteUrl("REMOTE".into()))
        );
        assert!(Site::Label(Label::Local).is_embedded());
    }

    #[test]
    fn https_urls_are_kept_without_trailing_slash() {
        assert_eq!(
            "https://127.0.0.1:8443/flags/".parse(),
            Ok(Site::Url("https://127.0.0.1:8443/flags".into()))
        );
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
            "REMOTES",
            "https://",
            "https:///flags",
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
