//! Reading criterion's results: `<criterion>/<workload>/<side>/new/estimates.json`.
//!
//! criterion writes, for each bench function, a small JSON object whose
//! `mean.point_estimate` is the mean time of one iteration in nanoseconds:
//!
//! ```text
//! {"mean":{"confidence_interval":{...},"point_estimate":123456.7,"standard_error":89.0},
//!  "median":{...},"median_abs_dev":{...},"slope":{...},"std_dev":{...}}
//! ```
//!
//! The files are small and we need one number from each, so this module
//! pulls it out with a tiny field extractor instead of a JSON library: find
//! the `"mean"` key, then the first `"point_estimate"` inside its object.
//! A general reader would use serde_json; this one rejects anything it does
//! not understand with a [`ReadError`] rather than guessing.

use std::fmt;
use std::path::{Path, PathBuf};

/// The two sides of every workload, as criterion function names.
pub const SIDES: [&str; 2] = ["this", "tokio"];

/// The order workloads appear in the report; any others follow, sorted.
pub const WORKLOAD_ORDER: &[&str] = &[
    "spawn_many",
    "yield_many",
    "chained_spawn",
    "ping_pong",
    "request_reply",
    "semaphore_uncontended",
    "semaphore_contended",
    "timers_register_cancel",
    "timers_fire_1ms",
    "timers_insert_cancel_100k",
    "tcp_echo",
    "http_get_keepalive",
    "http_get_concurrent",
    "flags_all",
];

/// One workload's mean iteration time on each side.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The criterion group name, e.g. `spawn_many`.
    pub workload: String,
    /// Mean nanoseconds per iteration on this project's runtime.
    pub this_ns: f64,
    /// Mean nanoseconds per iteration on tokio.
    pub tokio_ns: f64,
}

impl Row {
    /// this / tokio: below 1 means this project is faster.
    pub fn ratio(&self) -> f64 {
        self.this_ns / self.tokio_ns
    }
}

/// What can go wrong reading criterion's output.
#[derive(Debug)]
pub enum ReadError {
    /// A file or directory could not be read.
    Io {
        /// The path we tried.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// An estimates file without a readable `mean.point_estimate`.
    NoMean {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            ReadError::NoMean { path } => write!(
                f,
                "{} has no numeric mean.point_estimate (not a criterion estimates.json?)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            ReadError::NoMean { .. } => None,
        }
    }
}

/// `mean.point_estimate` from the text of an estimates.json, in ns.
pub fn mean_point_estimate(json: &str) -> Option<f64> {
    let mean = json.find("\"mean\"")?;
    let rest = &json[mean + "\"mean\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    if !rest.starts_with('{') {
        return None;
    }
    // Stay inside the mean object: cut at its closing brace.
    let object = &rest[..matching_brace(rest)?];
    let key = "\"point_estimate\"";
    let at = object.find(key)?;
    let value = object[at + key.len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let end = value
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(value.len());
    let number: f64 = value[..end].parse().ok()?;
    number.is_finite().then_some(number)
}

/// The index just past the `}` that closes the `{` at the start of `text`.
/// criterion's numbers and names hold no braces, so strings need no care.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where criterion writes: `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`,
/// else the workspace's `target/criterion` (the same search criterion makes).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    target_dir().join("criterion")
}

/// `$CARGO_TARGET_DIR`, else the workspace's `target/` (this crate's parent).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("target"),
    }
}

/// Every workload under `dir` that has results for both sides, in report
/// order. Directories without both `this` and `tokio` (criterion's own
/// `report/`, a half-finished run) are skipped.
pub fn read_rows(dir: &Path) -> Result<Vec<Row>, ReadError> {
    let io = |source| ReadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let workload = entry.file_name().to_string_lossy().into_owned();
        let [this, tokio] =
            SIDES.map(|side| entry.path().join(side).join("new").join("estimates.json"));
        if !this.is_file() || !tokio.is_file() {
            continue;
        }
        rows.push(Row {
            workload,
            this_ns: read_mean(&this)?,
            tokio_ns: read_mean(&tokio)?,
        });
    }
    rows.sort_by_key(|row| {
        let rank = WORKLOAD_ORDER
            .iter()
            .position(|w| *w == row.workload)
            .unwrap_or(WORKLOAD_ORDER.len());
        (rank, row.workload.clone())
    });
    Ok(rows)
}

/// The mean of one estimates.json.
fn read_mean(path: &Path) -> Result<f64, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    mean_point_estimate(&text).ok_or_else(|| ReadError::NoMean {
        path: path.to_path_buf(),
    })
}

/// A duration in ns, in the unit criterion would print (ns, µs, ms, s).
pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// The markdown table: workload, this, tokio, this/tokio.
pub fn markdown_table(rows: &[Row]) -> String {
    let mut out = String::from("| workload | this | tokio | this/tokio |\n|---|---:|---:|---:|\n");
    for row in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {:.2} |\n",
            row.workload,
            format_ns(row.this_ns),
            format_ns(row.tokio_ns),
            row.ratio()
        ));
    }
    out
}
