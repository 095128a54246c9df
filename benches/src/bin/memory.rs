//! Bytes per item of each runtime holding many idle tasks, tasks parked on
//! socket reads, or armed timers.
//!
//! ```text
//! cargo run --release -p benches --bin memory
//! ```
//!
//! Each case runs twice per side, each time in a fresh child process of
//! this binary (`memory --case NAME --side SIDE [--empty]`): once with the
//! runtime only, built with the drivers the case needs, and once loaded.
//! The child prints its own peak resident set size (`VmHWM` in
//! `/proc/self/status`). A process per run keeps the peaks apart: a
//! process's high-water mark never goes down, so one process measuring
//! several runs would report the largest. The table gives
//! `(loaded − empty) / items` in bytes, then the peaks themselves.
//!
//! `parked_reads` opens 100,000 loopback connections per side and needs
//! 200,000 file descriptors (it raises the limit itself when it may; see
//! `benches/src/memory/sockets.rs`). `--items N` runs every case with N
//! items instead, for a quick check or where the limit cannot be raised.
//! Linux only (`/proc`).
//!
//! Then idle tasks by body size: `--body N` runs `idle_tasks` with a
//! future of exactly N bytes (0, 16, 64 or 256; see
//! `benches/src/memory/bodies.rs`), on every side and on the floor (a
//! `Box` per task, no runtime), with the allocator's chunk for a request
//! of that size measured beside it.

use std::process::{Command, ExitCode};

use benches::memory::bodies::BODY_SIZES;
use benches::memory::{self, Case, Load};
use benches::side::Side;
use benches::summary::side_table_head;
use benches::units::format_kib;

/// `--help`.
const USAGE: &str = "\
usage: memory [--items N]
       memory [--items N] --case NAME --side SIDE [--empty] [--body BYTES]

  (no --case)  run every case on every side, each in a child process, and
               print bytes per item
  --case       run one case in this process and print its peak RSS in KiB:
               idle_tasks, parked_reads, armed_timers
  --side       this, tokio, smol, local_pool, floor (no runtime)
  --empty      build the runtime as for the case, load nothing
  --body       idle_tasks only: each task's future is exactly BYTES bytes
               (0, 16, 64 or 256) instead of the case's usual body
  --items N    N items per case instead of the defaults (benches/src/params.rs)
";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Args {
    /// `--items`.
    items: Option<usize>,
    /// `--case` (then `--side` is required).
    case: Option<Case>,
    /// `--side`.
    side: Option<Side>,
    /// `--empty`.
    empty: bool,
    /// `--body`.
    body: Option<usize>,
}

/// Parses the command line; `Err` holds the message for stderr.
fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--items" => {
                let text = value("--items")?;
                match text.parse() {
                    Ok(n) if n > 0 => parsed.items = Some(n),
                    _ => return Err(format!("--items wants a positive count, not {text:?}")),
                }
            }
            "--case" => {
                let name = value("--case")?;
                parsed.case = Some(Case::parse(&name).ok_or(format!("unknown case {name:?}"))?);
            }
            "--side" => {
                let name = value("--side")?;
                parsed.side = Some(Side::parse(&name).ok_or(format!("unknown side {name:?}"))?);
            }
            "--empty" => parsed.empty = true,
            "--body" => {
                let text = value("--body")?;
                match text.parse() {
                    Ok(n) if BODY_SIZES.contains(&n) => parsed.body = Some(n),
                    _ => {
                        return Err(format!(
                            "--body wants one of {BODY_SIZES:?} (bytes), not {text:?}"
                        ));
                    }
                }
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if parsed.case.is_some() != parsed.side.is_some() {
        return Err("--case and --side go together".into());
    }
    if parsed.empty && parsed.case.is_none() {
        return Err("--empty needs --case and --side".into());
    }
    if parsed.body.is_some() && parsed.case != Some(Case::IdleTasks) {
        return Err("--body goes with --case idle_tasks".into());
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(&args) {
        Ok(args) => args,
        Err(err) => {
            eprint!("memory: {err}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match (args.case, args.side) {
        (Some(case), Some(side)) => {
            let load = if args.empty { Load::Empty } else { Load::Full };
            child(
                case,
                side,
                load,
                args.items.unwrap_or(case.items()),
                args.body,
            )
        }
        _ => parent(args.items),
    }
}

/// Runs one case in this process (with idle bodies of `body` bytes, if
/// given) and prints its peak RSS in KiB.
fn child(case: Case, side: Side, load: Load, items: usize, body: Option<usize>) -> ExitCode {
    let ran = match body {
        Some(body) => memory::run_idle_body(side, load, items, body),
        None => memory::run_case(case, side, load, items),
    };
    if let Err(err) = ran {
        eprintln!("memory: {err}");
        return ExitCode::FAILURE;
    }
    match memory::peak_rss_kib() {
        Ok(kib) => {
            println!("{kib}");
            // Skip tearing down a million timers: the figure is taken.
            std::process::exit(0)
        }
        Err(err) => {
            eprintln!("memory: {err}");
            ExitCode::FAILURE
        }
    }
}

/// One side's peaks for one case, in KiB.
#[derive(Debug, Clone, Copy)]
struct Peaks {
    /// The runtime alone.
    empty: u64,
    /// The runtime with the case's items.
    loaded: u64,
}

/// Every side's peaks for one line of a table, in [`Side::ALL`] order
/// (`None` where the side does not run it).
type SidePeaks = [Option<Peaks>; Side::ALL.len()];

/// One line of a table: its label, its item count and the peaks.
#[derive(Debug)]
struct Line {
    /// The first cell of the per-item table.
    label: String,
    /// The first cell of the peaks table.
    short: String,
    /// Items in the loaded run.
    items: usize,
    /// Why a side has no figure (for the empty cells).
    case: Case,
    /// The peaks.
    peaks: SidePeaks,
}

/// Runs every case on every side in child processes and prints the tables;
/// `items` overrides every case's count.
fn parent(items: Option<usize>) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            eprintln!("memory: cannot find my own executable: {err}");
            return ExitCode::FAILURE;
        }
    };
    let measure = |case: Case, side: Side, load: Load, count: usize, body: Option<usize>| {
        let mut command = Command::new(&exe);
        command.args(["--case", case.name(), "--side", side.name()]);
        command.args(["--items", &count.to_string()]);
        if let Some(body) = body {
            command.args(["--body", &body.to_string()]);
        }
        if load == Load::Empty {
            command.arg("--empty");
        }
        let output = command
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
            .parse::<u64>()
            .map_err(|_| format!("case {} printed {stdout:?}, not a number", case.name()))
    };
    let peaks_of = |case: Case, count: usize, body: Option<usize>| -> Result<SidePeaks, String> {
        let mut peaks = [None; Side::ALL.len()];
        for (i, side) in Side::ALL.into_iter().enumerate() {
            if case.absent_reason(side).is_some() {
                continue;
            }
            let empty = measure(case, side, Load::Empty, count, body)?;
            let loaded = measure(case, side, Load::Full, count, body)?;
            peaks[i] = Some(Peaks { empty, loaded });
        }
        Ok(peaks)
    };

    if cfg!(debug_assertions) {
        println!("(debug build: run with --release for the figures worth quoting)\n");
    }
    let mut lines = Vec::new();
    for case in Case::ALL {
        let count = items.unwrap_or_else(|| default_items(case));
        match peaks_of(case, count, None) {
            Ok(peaks) => lines.push(Line {
                label: case.describe(count),
                short: case.name().to_owned(),
                items: count,
                case,
                peaks,
            }),
            Err(err) => {
                eprintln!("memory: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    let count = items.unwrap_or(Case::IdleTasks.items());
    let mut bodies = Vec::new();
    for body in BODY_SIZES {
        match peaks_of(Case::IdleTasks, count, Some(body)) {
            Ok(peaks) => bodies.push(Line {
                label: body_label(body),
                short: format!("idle_tasks --body {body}"),
                items: count,
                case: Case::IdleTasks,
                peaks,
            }),
            Err(err) => {
                eprintln!("memory: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    print!("{}", per_item_table("case", &lines));
    println!();
    print!("{}", peaks_table(&lines));
    println!(
        "\n{} idle tasks by the size of their future (bytes per task; `memory --body N`):\n",
        benches::units::thousands(count)
    );
    print!("{}", per_item_table("future (malloc chunk)", &bodies));
    println!();
    print!("{}", peaks_table(&bodies));
    ExitCode::SUCCESS
}

/// `64 B (chunk 80)`: a body size, with the chunk the allocator was
/// measured to give a request of that size (`—` for no allocation).
fn body_label(body: usize) -> String {
    let size = memory::bodies::future_size(body).unwrap_or(body);
    match memory::bodies::chunk_spacing(size, 1_000) {
        Some(chunk) => format!("{size} B (chunk {chunk})"),
        None => format!("{size} B (no allocation)"),
    }
}

/// The case's default count, or for `parked_reads` as many connections as
/// the hard descriptor limit allows if that is fewer (said on stdout).
fn default_items(case: Case) -> usize {
    let items = case.items();
    if case != Case::ParkedReads {
        return items;
    }
    match memory::max_connections() {
        Some(fit) if fit < items => {
            // Round down to a thousand, for a readable table.
            let fit = (fit / 1_000 * 1_000).max(fit.min(1_000));
            println!(
                "note: parked_reads uses {} connections, not {}: the hard descriptor limit \
                 allows no more (raise it as root with `ulimit -n {}`)\n",
                benches::units::thousands(fit),
                benches::units::thousands(items),
                items + items / memory::PER_LISTENER + 1_000
            );
            fit
        }
        _ => items,
    }
}

/// Bytes per item, with this/tokio, this/best peer and this/floor.
fn per_item_table(first: &str, lines: &[Line]) -> String {
    let mut out = side_table_head(first, &["this/tokio", "this/best peer", "this/floor"]);
    for line in lines {
        let per_item = line
            .peaks
            .map(|p| p.map(|p| memory::bytes_per_item(p.empty, p.loaded, line.items)));
        let of = |side: Side| {
            Side::ALL
                .iter()
                .position(|s| *s == side)
                .and_then(|i| per_item[i])
        };
        out.push_str(&format!("| {} |", line.label));
        for (side, bytes) in Side::ALL.into_iter().zip(per_item) {
            let cell = match (bytes, line.case.absent_reason(side)) {
                (Some(bytes), _) => format!("{bytes:.0}"),
                (None, Some(why)) => format!("— ({why})"),
                (None, None) => "not run".to_owned(),
            };
            out.push_str(&format!(" {cell} |"));
        }
        let this = of(Side::This);
        let ratio = |other: Option<f64>| match (this, other) {
            (Some(this), Some(other)) if other > 0.0 => format!("{:.2}", this / other),
            _ => "—".to_owned(),
        };
        let best = Side::PEERS
            .into_iter()
            .filter_map(|side| of(side).map(|b| (side, b)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let best_cell = match best {
            Some((side, bytes)) => format!("{} {}", ratio(Some(bytes)), side.label()),
            None => "—".to_owned(),
        };
        out.push_str(&format!(
            " {} | {best_cell} | {} |\n",
            ratio(of(Side::Tokio)),
            ratio(of(Side::Floor))
        ));
    }
    out
}

/// The peaks behind the per-item figures: empty → loaded, per side.
fn peaks_table(lines: &[Line]) -> String {
    let mut out = side_table_head("peak RSS, empty → loaded", &[]);
    for line in lines {
        out.push_str(&format!("| {} |", line.short));
        for p in line.peaks {
            let cell = p.map_or_else(
                || "—".to_owned(),
                |p| format!("{} → {}", format_kib(p.empty), format_kib(p.loaded)),
            );
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}
