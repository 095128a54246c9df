//! Peak memory (RSS) of each runtime holding many idle tasks or armed timers.
//!
//! ```text
//! cargo run --release -p benches --bin memory
//! ```
//!
//! Each case runs in a fresh child process of this binary (`memory --case
//! NAME --side SIDE`), which builds one runtime, creates the load, and prints
//! its own peak resident set size (`VmHWM` in `/proc/self/status`). A child
//! per case keeps the peaks apart: a process's high-water mark never goes
//! down, so one process measuring several cases would report the largest.
//! The `baseline` case builds the runtime and does nothing else; the other
//! cases are also shown minus that baseline, which is what the load costs.
//!
//! Linux only (`/proc`); elsewhere the cases report an error.

use std::process::{Command, ExitCode};

use benches::memory::{self, Case, Side};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => parent(),
        [flag_case, case, flag_side, side] if flag_case == "--case" && flag_side == "--side" => {
            let (Some(case), Some(side)) = (Case::parse(case), Side::parse(side)) else {
                eprintln!("memory: unknown case {case:?} or side {side:?}");
                return ExitCode::FAILURE;
            };
            child(case, side)
        }
        _ => {
            eprintln!("usage: memory [--case NAME --side this|tokio]");
            ExitCode::FAILURE
        }
    }
}

/// Runs one case in this process and prints its peak RSS in KiB.
fn child(case: Case, side: Side) -> ExitCode {
    memory::run_case(case, side);
    match memory::peak_rss_kib() {
        Ok(kib) => {
            println!("{kib}");
            // Skip tearing down 1,000,000 timers: the figure is taken.
            std::process::exit(0)
        }
        Err(err) => {
            eprintln!("memory: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every case in a child process and prints the table.
fn parent() -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            eprintln!("memory: cannot find my own executable: {err}");
            return ExitCode::FAILURE;
        }
    };
    let measure = |case: Case, side: Side| -> Result<u64, String> {
        let output = Command::new(&exe)
            .args(["--case", case.name(), "--side", side.name()])
            .output()
            .map_err(|err| format!("cannot start {}: {err}", exe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "case {} on {} failed ({}): {}",
                case.name(),
                side.name(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        stdout
            .trim()
            .parse()
            .map_err(|_| format!("case {} printed {stdout:?}, not a number", case.name()))
    };

    if cfg!(debug_assertions) {
        println!("(debug build: run with --release for the figures worth quoting)\n");
    }
    println!("| case | this peak RSS | tokio peak RSS | this − baseline | tokio − baseline |");
    println!("|---|---:|---:|---:|---:|");
    let mut baseline = [0u64; 2];
    for case in Case::ALL {
        let mut peaks = [0u64; 2];
        for (i, side) in Side::ALL.into_iter().enumerate() {
            match measure(case, side) {
                Ok(kib) => peaks[i] = kib,
                Err(err) => {
                    eprintln!("memory: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
        if case == Case::Baseline {
            baseline = peaks;
        }
        println!(
            "| {} | {} | {} | {} | {} |",
            case.describe(),
            memory::format_kib(peaks[0]),
            memory::format_kib(peaks[1]),
            memory::format_kib(peaks[0].saturating_sub(baseline[0])),
            memory::format_kib(peaks[1].saturating_sub(baseline[1])),
        );
    }
    ExitCode::SUCCESS
}
