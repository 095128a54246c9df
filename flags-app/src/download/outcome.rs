//! The result of one code's download, and the tally [flags2_common.DownloadStatus].

use std::fmt;

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

/// One code's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The upper-case country code.
    pub cc: String,
    /// How it ended.
    pub status: Status,
    /// For [`Status::Error`], what went wrong, e.g. `HTTP error 418 - I'm a Teapot`.
    pub error: Option<String>,
}

impl Outcome {
    /// A result without an error message.
    pub fn new(cc: &str, status: Status) -> Outcome {
        Outcome {
            cc: cc.to_owned(),
            status,
            error: None,
        }
    }

    /// An error result.
    pub fn error(cc: &str, message: impl Into<String>) -> Outcome {
        Outcome {
            cc: cc.to_owned(),
            status: Status::Error,
            error: Some(message.into()),
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
                self.error.as_deref().unwrap_or("unknown error")
            ),
            Status::Skipped => write!(f, "{} skipped (interrupted)", self.cc),
        }
    }
}

/// How many codes ended each way [flags2's `Counter[DownloadStatus]`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Downloaded and saved.
    pub ok: usize,
    /// 404.
    pub not_found: usize,
    /// Failed.
    pub errors: usize,
    /// Not attempted because of Ctrl-C.
    pub skipped: usize,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Ok => self.ok += 1,
            Status::NotFound => self.not_found += 1,
            Status::Error => self.errors += 1,
            Status::Skipped => self.skipped += 1,
        }
    }

    /// Every outcome counted.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.errors + self.skipped
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
            Outcome::error("XX", "HTTP error 418 - I'm a Teapot").to_string(),
            "*** Error for XX: HTTP error 418 - I'm a Teapot"
        );
    }

    #[test]
    fn tally_counts_each_status_once() {
        let mut tally = Tally::default();
        for status in [
            Status::Ok,
            Status::Ok,
            Status::NotFound,
            Status::Error,
            Status::Skipped,
        ] {
            tally.add(status);
        }
        assert_eq!(
            (tally.ok, tally.not_found, tally.errors, tally.skipped),
            (2, 1, 1, 1)
        );
        assert_eq!(tally.total(), 5);
    }
}
