//! The result of one code's download, and the tally [flags2_common.DownloadStatus].

use std::collections::BTreeMap;
use std::fmt;

use super::failure::FetchError;

/// How one code's download ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The flag was downloaded and saved.
    Ok,
    /// The server answered 404.
    NotFound,
    /// Anything else: another HTTP status, a network error, a timeout, a failed save.
    Error,
    /// Not attempted: Ctrl-C came first. Not one of flags2's statuses; counted apart.
    Skipped,
}

/// What went wrong with one code, twice: in full, and as a cause shared by many codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    /// The short cause the summary groups by, e.g. `HTTP 418 I'm a Teapot`.
    pub cause: String,
    /// The full message of the `-v` line, e.g. `HTTP error 418 - I'm a Teapot`.
    pub message: String,
}

/// One code's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The upper-case country code.
    pub cc: String,
    /// How it ended.
    pub status: Status,
    /// For [`Status::Error`], what went wrong.
    pub error: Option<ErrorReport>,
}

impl Outcome {
    /// A result without an error.
    pub fn new(cc: &str, status: Status) -> Outcome {
        Outcome {
            cc: cc.to_owned(),
            status,
            error: None,
        }
    }

    /// An error result with its `cause` (for the summary) and full `message` (for `-v`).
    pub fn error(cc: &str, cause: impl Into<String>, message: impl Into<String>) -> Outcome {
        Outcome {
            cc: cc.to_owned(),
            status: Status::Error,
            error: Some(ErrorReport {
                cause: cause.into(),
                message: message.into(),
            }),
        }
    }

    /// The outcome of a fetch that did not produce a flag to save: "not found" for a 404
    /// of the GIF, an error otherwise.
    pub fn failed(cc: &str, err: &FetchError) -> Outcome {
        match err {
            FetchError::NotFound => Outcome::new(cc, Status::NotFound),
            other => Outcome::error(cc, other.cause(), other.to_string()),
        }
    }
}

impl Outcome {
    /// How the task's row on the timeline names it: `downloaded`, `not
    /// found`, `skipped`, or `error: ` and the cause the summary groups by.
    pub fn timeline_words(&self) -> String {
        match self.status {
            Status::Ok => "downloaded".to_owned(),
            Status::NotFound => "not found".to_owned(),
            Status::Skipped => "skipped".to_owned(),
            Status::Error => format!(
                "error: {}",
                self.error
                    .as_ref()
                    .map_or("unknown error", |error| error.cause.as_str())
            ),
        }
    }
}

impl fmt::Display for Outcome {
    /// The verbose line: `BR OK`, `XX not found`, `*** Error for XX: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Status::Ok => write!(f, "{} OK", self.cc),
            Status::NotFound => write!(f, "{} not found", self.cc),
            Status::Error => write!(
                f,
                "*** Error for {}: {}",
                self.cc,
                self.error
                    .as_ref()
                    .map_or("unknown error", |error| error.message.as_str())
            ),
            Status::Skipped => write!(f, "{} skipped (interrupted)", self.cc),
        }
    }
}

/// How many codes ended each way [flags2's `Counter[DownloadStatus]`], and the errors
/// by cause.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Downloaded and saved.
    pub ok: usize,
    /// 404.
    pub not_found: usize,
    /// Failed.
    pub errors: usize,
    /// Not attempted because of Ctrl-C.
    pub skipped: usize,
    /// The errors by cause; the counts add up to `errors`.
    pub causes: BTreeMap<String, usize>,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome.status {
            Status::Ok => self.ok += 1,
            Status::NotFound => self.not_found += 1,
            Status::Error => {
                self.errors += 1;
                let cause = outcome
                    .error
                    .as_ref()
                    .map_or("unknown error", |error| error.cause.as_str());
                *self.causes.entry(cause.to_owned()).or_default() += 1;
            }
            Status::Skipped => self.skipped += 1,
        }
    }

    /// A code counted as downloaded whose save then failed (the book's unawaited
    /// `run_in_executor` save, see `asyncio.rs`): moves it from `ok` to the errors.
    pub fn ok_became_error(&mut self, outcome: &Outcome) {
        if self.ok > 0 {
            self.ok -= 1;
            self.add(outcome);
        }
    }

    /// Every outcome counted.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.errors + self.skipped
    }

    /// The causes, most frequent first (ties in alphabetical order).
    pub fn causes_by_count(&self) -> Vec<(&str, usize)> {
        let mut causes: Vec<(&str, usize)> = self
            .causes
            .iter()
            .map(|(cause, count)| (cause.as_str(), *count))
            .collect();
        causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        causes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbose_lines_match_flags2() {
        assert_eq!(Outcome::new("BR", Status::Ok).to_string(), "BR OK");
        assert_eq!(
            Outcome::new("XX", Status::NotFound).to_string(),
            "XX not found"
        );
        assert_eq!(
            Outcome::error(
                "XX",
                "HTTP 418 I'm a Teapot",
                "HTTP error 418 - I'm a Teapot"
            )
            .to_string(),
            "*** Error for XX: HTTP error 418 - I'm a Teapot"
        );
    }

    #[test]
    fn tally_counts_each_outcome_once_and_errors_by_cause() {
        let mut tally = Tally::default();
        for outcome in [
            Outcome::new("AA", Status::Ok),
            Outcome::new("AB", Status::Ok),
            Outcome::new("AC", Status::NotFound),
            Outcome::error("AD", "connection reset", "reset by peer"),
            Outcome::error("AE", "timed out connecting", "..."),
            Outcome::error("AF", "timed out connecting", "..."),
            Outcome::new("AG", Status::Skipped),
        ] {
            tally.add(&outcome);
        }
        assert_eq!(
            (tally.ok, tally.not_found, tally.errors, tally.skipped),
            (2, 1, 3, 1)
        );
        assert_eq!(tally.total(), 7);
        assert_eq!(
            tally.causes_by_count(),
            [("timed out connecting", 2), ("connection reset", 1)]
        );
        tally.ok_became_error(&Outcome::error("AA", "cannot save the file", "disk full"));
        assert_eq!((tally.ok, tally.errors, tally.total()), (1, 4, 7));
    }
}
