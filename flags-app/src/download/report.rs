//! What the downloader prints on stdout: the opening lines and the closing summary
//! [flags2_common's initial_report and final_report]. The progress in between is
//! `progress.rs`.
//!
//! A closed or full stdout never panics the run: the opening and closing reports
//! return the write error (the run then ends with `*** cannot write the report`
//! on stderr and exit status 1), and a per-code or progress line that cannot be
//! written is dropped (`progress.rs`, [`crate::output`]), so the downloads go on
//! and the files are saved.
//!
//! Unlike flags2, the summary always has all three count lines, zeros included, so
//! that scripts can read it without special cases, and the errors line says why,
//! by cause, most frequent first:
//!
//! ```text
//! --------------------
//! 159 flags downloaded.
//!   0 not found.
//!  35 errors: 20 timed out connecting, 12 HTTP 418 I'm a Teapot, 3 connection reset
//! Elapsed time: 9.21s
//! ```

use std::io::{self, Write};
use std::time::Duration;

use super::outcome::Tally;

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
    if tally.errors == 0 {
        writeln!(out, "{:3} error{plural}.", tally.errors)?;
    } else {
        let causes: Vec<String> = tally
            .causes_by_count()
            .iter()
            .map(|(cause, count)| format!("{count} {cause}"))
            .collect();
        writeln!(
            out,
            "{:3} error{plural}: {}",
            tally.errors,
            causes.join(", ")
        )?;
    }
    if tally.skipped > 0 {
        writeln!(
            out,
            "*** Interrupted: {} of {requested} codes not attempted.",
            tally.skipped
        )?;
    }
    writeln!(out, "Elapsed time: {:.2}s", elapsed.as_secs_f64())
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
            .map(|country| country.code.to_owned())
            .collect();
        assert!(initial(&many, 5).contains("Searching for 194 flags: from AD to ZW\n"));
        assert!(
            initial(&codes(&["BR"]), 1)
                .contains("Searching for 1 flag: BR\n1 connection will be used.\n")
        );
    }

    #[test]
    fn errors_are_summed_up_by_cause() {
        use super::super::outcome::Outcome;
        let mut tally = Tally::default();
        for _ in 0..159 {
            tally.add(&Outcome::new("BR", super::super::outcome::Status::Ok));
        }
        let errors = [
            (20, "timed out connecting"),
            (3, "connection reset"),
            (12, "HTTP 418 I'm a Teapot"),
        ];
        for (count, cause) in errors {
            for _ in 0..count {
                tally.add(&Outcome::error("XX", cause, "details"));
            }
        }
        let mut out = Vec::new();
        final_report(&mut out, &tally, 194, Duration::from_millis(9210)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "--------------------\n159 flags downloaded.\n  0 not found.\n 35 errors: 20 timed out connecting, 12 HTTP 418 I'm a Teapot, 3 connection reset\nElapsed time: 9.21s\n"
        );
    }

    #[test]
    fn summary_has_all_counts_and_elapsed_time() {
        let tally = Tally {
            ok: 194,
            not_found: 482,
            ..Tally::default()
        };
        let mut out = Vec::new();
        final_report(&mut out, &tally, 676, Duration::from_millis(640)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "--------------------\n194 flags downloaded.\n482 not found.\n  0 errors.\nElapsed time: 0.64s\n"
        );
    }
}
