//! Progress while outcomes arrive, on stderr, and the tally of outcomes.
//!
//! Four ways to show it, chosen once per run:
//!
//! | when | what |
//! |---|---|
//! | `-v` | a line per code on stdout (`BR OK`, `*** Error for XX: ...`), as flags2 |
//! | stderr is a terminal | tqdm's bar, drawn by indicatif, left on screen at 100% when the run ends (as tqdm leaves it) |
//! | stderr is not a terminal (a pipe, a file, CI) | a plain line every 10% of the codes, or every [`PLAIN_INTERVAL`] if that comes first: `progress: 97/194 (50%) after 1.2s` |
//! | the library with progress off (benchmarks) | nothing |
//!
//! A bar redrawn in place makes no sense in a log file, and printing nothing for a
//! long run looks like a hang; tqdm, given a file that is not a terminal, writes its
//! updates at a modest rate instead, and so do we, as whole lines.
//!
//! Writing progress may fail (stdout or stderr closed or full); the line is then
//! dropped ([`crate::output`]) and the run goes on.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::outcome::{Outcome, Tally};
use crate::output::{stderr_line, stderr_text, stdout_line};

/// tqdm's look: `73%|███████   | 142/194 [1s<0s, 120.3 flags/s]`.
const BAR_TEMPLATE: &str =
    "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed}<{eta}, {rate} flags/s]";

/// The longest gap between two plain progress lines while codes keep completing.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(5);

/// How progress is shown (table in the module doc).
#[derive(Debug)]
enum Display {
    /// Nothing.
    Hidden,
    /// A line per outcome on stdout.
    Verbose,
    /// indicatif's bar on the terminal.
    Bar(ProgressBar),
    /// Plain lines on a stderr that is not a terminal.
    Lines(PlainLines),
}

/// Shows progress while outcomes arrive, and tallies them.
#[derive(Debug)]
pub struct Progress {
    /// How progress is shown.
    display: Display,
    /// The counts so far.
    tally: Tally,
}

impl Progress {
    /// Progress over `total` codes: `-v` lines when `verbose`, else a bar or plain lines
    /// on stderr (see the module doc), or nothing at all when `show` is false.
    pub fn new(total: usize, verbose: bool, show: bool) -> Progress {
        let display = if !show {
            Display::Hidden
        } else if verbose {
            Display::Verbose
        } else if io::stderr().is_terminal() {
            Display::Bar(tqdm_bar(total))
        } else {
            Display::Lines(PlainLines::new(total, Instant::now()))
        };
        Progress {
            display,
            tally: Tally::default(),
        }
    }

    /// Records one outcome.
    pub fn record(&mut self, outcome: &Outcome) {
        self.tally.add(outcome);
        match &mut self.display {
            Display::Hidden => {}
            // A closed stdout (`flags -v | head`) drops the line: the run still
            // finishes and saves its files; `println!` would panic instead.
            Display::Verbose => stdout_line(format_args!("{outcome}")),
            Display::Bar(bar) => bar.inc(1),
            Display::Lines(lines) => {
                if let Some(line) = lines.advance(Instant::now()) {
                    stderr_line(format_args!("{line}"));
                }
            }
        }
    }

    /// A code already recorded as downloaded whose save failed afterwards (`--executor`
    /// saves without waiting, as the book's `run_in_executor`): counted as an error
    /// instead, and said on a line of its own with `-v`.
    pub fn record_late_failure(&mut self, outcome: &Outcome) {
        self.tally.ok_became_error(outcome);
        if let Display::Verbose = self.display {
            stdout_line(format_args!("{outcome}"));
        }
    }

    /// Ends the display and returns the counts. The bar stays on screen at its last
    /// position, and the line after it is where the summary starts.
    pub fn finish(self) -> Tally {
        if let Display::Bar(bar) = &self.display {
            bar.finish();
            stderr_text("\n");
        }
        self.tally
    }
}

/// indicatif's bar in tqdm's style, on stderr.
fn tqdm_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
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
    bar
}

/// When to print a plain progress line: at each new tenth of the codes, or after
/// [`PLAIN_INTERVAL`] without a line.
#[derive(Debug)]
struct PlainLines {
    /// Codes in the run.
    total: usize,
    /// Codes recorded so far.
    done: usize,
    /// When the run started.
    started: Instant,
    /// When the last line was printed (the start, before the first).
    last_line: Instant,
    /// The tenths of `total` done when the last line was printed.
    last_tenth: usize,
}

impl PlainLines {
    /// No code done yet, at `now`.
    fn new(total: usize, now: Instant) -> PlainLines {
        PlainLines {
            total,
            done: 0,
            started: now,
            last_line: now,
            last_tenth: 0,
        }
    }

    /// One more code done at `now`: the line to print, if one is due.
    fn advance(&mut self, now: Instant) -> Option<String> {
        self.done += 1;
        let tenth = self.done * 10 / self.total.max(1);
        let due = tenth > self.last_tenth || now.duration_since(self.last_line) >= PLAIN_INTERVAL;
        if !due {
            return None;
        }
        self.last_tenth = tenth;
        self.last_line = now;
        let percent = self.done * 100 / self.total.max(1);
        let elapsed = now.duration_since(self.started).as_secs_f64();
        Some(format!(
            "progress: {}/{} ({percent}%) after {elapsed:.1}s",
            self.done, self.total
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_run_prints_a_line_per_tenth() {
        let start = Instant::now();
        let mut lines = PlainLines::new(194, start);
        let printed: Vec<String> = (0..194).filter_map(|_| lines.advance(start)).collect();
        assert_eq!(printed.len(), 10, "{printed:?}");
        assert_eq!(printed[0], "progress: 20/194 (10%) after 0.0s");
        assert_eq!(printed[9], "progress: 194/194 (100%) after 0.0s");
    }

    #[test]
    fn a_slow_run_also_prints_every_interval() {
        let start = Instant::now();
        let mut lines = PlainLines::new(1000, start);
        // 50 codes, one every 200 ms: no tenth is reached, but 10 s pass.
        let printed: Vec<String> = (1..=50u32)
            .filter_map(|i| lines.advance(start + Duration::from_millis(200) * i))
            .collect();
        assert_eq!(
            printed,
            [
                "progress: 25/1000 (2%) after 5.0s",
                "progress: 50/1000 (5%) after 10.0s"
            ]
        );
    }

    #[test]
    fn a_single_code_gets_its_line() {
        let start = Instant::now();
        let mut lines = PlainLines::new(1, start);
        assert_eq!(
            lines.advance(start).as_deref(),
            Some("progress: 1/1 (100%) after 0.0s")
        );
    }
}
