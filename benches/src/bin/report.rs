//! Prints the benchmark table and draws the ratio chart.
//!
//! ```text
//! cargo bench -p benches          # or any subset of its benches
//! cargo run -p benches --bin report
//! ```
//!
//! Reads `<target>/criterion/<workload>/{this,tokio}/new/estimates.json`
//! (`$CARGO_TARGET_DIR` is honoured, as criterion does), prints a markdown
//! table and writes `<target>/bench-report/ratios.svg`.

use std::process::ExitCode;

use benches::{chart, estimates};

fn main() -> ExitCode {
    let dir = estimates::criterion_dir();
    let rows = match estimates::read_rows(&dir) {
        Ok(rows) => rows,
        Err(err) => {
            eprintln!("report: {err}\nrun `cargo bench -p benches` first");
            return ExitCode::FAILURE;
        }
    };
    if rows.is_empty() {
        eprintln!(
            "report: no workload under {} has both `this` and `tokio` results; run `cargo bench -p benches` first",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    print!("{}", estimates::markdown_table(&rows));

    let missing: Vec<&str> = estimates::WORKLOAD_ORDER
        .iter()
        .copied()
        .filter(|w| !rows.iter().any(|row| row.workload == *w))
        .collect();
    if !missing.is_empty() {
        println!("\nno results for: {}", missing.join(", "));
    }

    let out_dir = estimates::target_dir().join("bench-report");
    if let Err(err) = std::fs::create_dir_all(&out_dir) {
        eprintln!("report: cannot create {}: {err}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let svg = out_dir.join("ratios.svg");
    match chart::draw_ratios(&rows, &svg) {
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
