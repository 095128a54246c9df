//! Prints the benchmark table and draws the this/best-peer chart.
//!
//! ```text
//! benches/run-suite.sh              # three runs, saved as baselines run1..run3, then this
//! cargo run -p benches --bin report # after any `cargo bench -p benches`
//! cargo run -p benches --bin report -- --runs run1,run3
//! cargo run -p benches --bin report -- --rows   # the README's tables of workloads and floors
//! ```
//!
//! Reads `<criterion>/<workload>/<side>/<run>/estimates.json` (criterion's
//! directory: `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else
//! the workspace's `target/criterion`). The runs are every `run<N>` baseline
//! found there, or `new` (the latest run) when there is none. Prints a
//! markdown table (see `benches/src/summary.rs` for what the columns mean,
//! `benches/src/floor/mod.rs` for the floor's),
//! the rows where we are slower than the best peer, the cost of recording a
//! timeline (`benches/src/recording.rs`), and writes
//! `<target>/bench-report/ratios.svg`.

use std::process::ExitCode;

use benches::{chart, estimates, floor, recording, rows, summary};

/// `--help`.
const USAGE: &str = "\
usage: report [--runs NAME,NAME,...] | --rows | --help

  (no option)  summarise every run<N> baseline criterion saved (or `new`)
  --runs       summarise these baselines only
  --rows       print the tables of workloads and of floors (for benches/README.md)
               and exit
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.as_slice() {
        [] => None,
        [flag] if flag == "--rows" => {
            print!("{}\n{}", rows::markdown_table(), floor::markdown_table());
            return ExitCode::SUCCESS;
        }
        [flag] if flag == "--help" || flag == "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [flag, list] if flag == "--runs" && !list.is_empty() => {
            Some(list.split(',').map(str::to_owned).collect::<Vec<_>>())
        }
        _ => {
            eprint!("report: unexpected arguments {args:?}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let dir = estimates::criterion_dir();
    let read = runs
        .map(Ok)
        .unwrap_or_else(|| estimates::find_runs(&dir))
        .and_then(|runs| estimates::read_samples(&dir, &runs).map(|samples| (runs, samples)));
    let (runs, samples) = match read {
        Ok(read) => read,
        Err(err) => {
            eprintln!("report: {err}\nrun `cargo bench -p benches` first");
            return ExitCode::FAILURE;
        }
    };
    let summaries = summary::summarize(&samples, &runs);
    if summaries.is_empty() {
        eprintln!(
            "report: no results for runs {} under {}; run `cargo bench -p benches` first",
            runs.join(", "),
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "runs: {} (from {}); times are medians over the runs, ratios the median (min–max) of per-run ratios\n",
        runs.join(", "),
        dir.display()
    );
    print!("{}", summary::markdown_table(&summaries));

    let missing: Vec<&str> = rows::ALL
        .iter()
        .map(|row| row.name)
        .filter(|name| !summaries.iter().any(|s| s.workload == *name))
        .collect();
    if !missing.is_empty() {
        println!("\nno results for: {}", missing.join(", "));
    }
    let losing = summary::losing(&summaries);
    if !losing.is_empty() {
        println!("\nslower than the best peer (explain each in benches/README.md):");
        for row in losing {
            if let (Some(spread), Some(peer)) = (row.vs_best, row.best_peer) {
                println!(
                    "- {}: {} against {}",
                    row.workload,
                    spread.display(),
                    peer.label()
                );
            }
        }
    }

    match recording::markdown_table(&dir, &runs) {
        Ok(Some(table)) => {
            print!("\nRecording a timeline (timeline_* groups; not peer rows):\n\n{table}")
        }
        Ok(None) => {}
        Err(err) => {
            eprintln!("report: {err}");
            return ExitCode::FAILURE;
        }
    }

    let out_dir = estimates::target_dir().join("bench-report");
    if let Err(err) = std::fs::create_dir_all(&out_dir) {
        eprintln!("report: cannot create {}: {err}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let svg = out_dir.join("ratios.svg");
    match chart::draw_ratios(&summaries, &svg) {
        Ok(()) => {
            println!("\nchart: {}", svg.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("report: {err}");
            ExitCode::FAILURE
        }
    }
}
