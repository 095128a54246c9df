//! What the downloader prints: the opening lines, the progress bar or a line per
//! code, and the closing summary [flags2_common's initial_report and final_report].
//!
//! Output goes to stdout, except the progress bar, which indicatif draws on stderr
//! and only when stderr is a terminal (so piped output and tests see no bar), like
//! tqdm. With `-v` each outcome prints a line instead of moving the bar.
//!
//! A closed or full stdout never panics the run: the opening and closing reports
//! return the write error (the run then ends with `*** cannot write the report`
//! on stderr and exit status 1), and a per-code line that cannot be written is
//! dropped ([`crate::output`]), so the downloads go on and the files are saved.
//!
//! Unlike flags2, the summary always has all three count lines, zeros included, so
//! that scripts can read it without special cases.

use std::io::{self, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::outcome::{Outcome, Tally};
use crate::output::stdout_line;

/// tqdm's look: `73%|███████   | 142/194 [1s<0s, 120.3 flags/s]`.
const BAR_TEMPLATE: &str =
    "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed}<{eta}, {rate} flags/s]";

/// The three opening lines: site, what is searched for, how many connections.
pub fn initial_report(
    out: &mut impl Write,
    site: &str,
    url: &str,
    codes: &[String],
    concurrency: usize,
) -> io::Result<()> {
    writeln!(out, "{site} site: {url}")?;
    let what = match codes {
        [first, .., last] if codes.len() > 10 => format!("from {first} to {last}"),
        few => few.join(", "),
    };
    let plural = if codes.len() == 1 { "" } else { "s" };
    writeln!(out, "Searching for {} flag{plural}: {what}", codes.len())?;
    if concurrency == 1 {
        writeln!(out, "1 connection will be used.")
    } else {
        writeln!(out, "{concurrency} concurrent connections will be used.")
    }
}

/// The closing summary.
pub fn final_report(
    out: &mut impl Write,
    tally: &Tally,
    requested: usize,
    elapsed: Duration,
) -> io::Result<()> {
    writeln!(out, "{}", "-".repeat(20))?;
    let plural = if tally.ok == 1 { "" } else { "s" };
    writeln!(out, "{:3} flag{plural} downloaded.", tally.ok)?;
    writeln!(out, "{:3} not found.", tally.not_found)?;
    let plural = if tally.errors == 1 { "" } else { "s" };
    writeln!(out, "{:3} error{plural}.", tally.errors)?;
    if tally.skipped > 0 {
        writeln!(
            out,
            "*** Interrupted: {} of {requested} codes not attempted.",
            tally.skipped
        )?;
    }
    writeln!(out, "Elapsed time: {:.2}s", elapsed.as_secs_f64())
}

/// Shows progress while outcomes arrive, and tallies them.
#[derive(Debug)]
pub struct Progress {
    /// The bar; hidden when stderr is not a terminal or in verbose mode.
    bar: ProgressBar,
    /// Print a line per outcome.
    verbose: bool,
    /// The counts so far.
    tally: Tally,
}

impl Progress {
    /// Progress over `total` codes; `bar` false never draws a bar (benchmarks).
    pub fn new(total: usize, verbose: bool, bar: bool) -> Progress {
        let bar = if verbose || !bar {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
        };
        if let Ok(style) = ProgressStyle::with_template(BAR_TEMPLATE) {
            let style = style
                .with_key(
                    "rate",
                    |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{:.1}", state.per_sec());
                    },
                )
                .progress_chars("█▉▊▋▌▍▎▏ ");
            bar.set_style(style);
        }
        Progress {
            bar,
            verbose,
            tally: Tally::default(),
        }
    }

    /// Records one outcome.
    pub fn record(&mut self, outcome: &Outcome) {
        self.tally.add(outcome.status);
        if self.verbose {
            // A closed stdout (`flags -v | head`) drops the line: the run still
            // finishes and saves its files; `println!` would panic instead.
            stdout_line(format_args!("{outcome}"));
        } else {
            self.bar.inc(1);
        }
    }

    /// Removes the bar and returns the counts.
    pub fn finish(self) -> Tally {
        self.bar.finish_and_clear();
        self.tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|cc| (*cc).to_owned()).collect()
    }

    fn initial(codes: &[String], concurrency: usize) -> String {
        let mut out = Vec::new();
        initial_report(
            &mut out,
            "LOCAL",
            "http://127.0.0.1:1/flags",
            codes,
            concurrency,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn few_codes_are_listed_many_are_a_range() {
        let few = initial(&codes(&["BR", "CN"]), 2);
        assert_eq!(
            few,
            "LOCAL site: http://127.0.0.1:1/flags\nSearching for 2 flags: BR, CN\n2 concurrent connections will be used.\n"
        );
        let many: Vec<String> = crate::countries::COUNTRIES
            .iter()
            .map(|(cc, _)| (*cc).to_owned())
            .collect();
        assert!(initial(&many, 5).contains("Searching for 194 flags: from AD to ZW\n"));
        assert!(
            initial(&codes(&["BR"]), 1)
                .contains("Searching for 1 flag: BR\n1 connection will be used.\n")
        );
    }

    #[test]
    fn summary_has_all_counts_and_elapsed_time() {
        let tally = Tally {
            ok: 194,
            not_found: 482,
            errors: 0,
            skipped: 0,
        };
        let mut out = Vec::new();
        final_report(&mut out, &tally, 676, Duration::from_millis(640)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "--------------------\n194 flags downloaded.\n482 not found.\n  0 errors.\nElapsed time: 0.64s\n"
        );
    }
}
