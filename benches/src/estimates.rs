//! Reading criterion's results: `<criterion>/<workload>/<side>/<run>/estimates.json`,
//! where `<run>` is `new` (the latest run) or a baseline saved with
//! `--save-baseline run1` (see `benches/run-suite.sh`).
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

use crate::side::Side;

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

/// The baseline criterion writes when none is named: the latest run.
pub const LATEST: &str = "new";

/// The runs under `dir`: every `run<N>` baseline (`cargo bench -- --save-baseline
/// run1`) found under any workload and side, in numeric order; if there is
/// none, just [`LATEST`].
pub fn find_runs(dir: &Path) -> Result<Vec<String>, ReadError> {
    let mut runs: Vec<(u32, String)> = Vec::new();
    for workload in list_dirs(dir)? {
        for side in Side::ALL {
            let side_dir = workload.join(side.name());
            if !side_dir.is_dir() {
                continue;
            }
            for run in list_dirs(&side_dir)? {
                let name = run
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(n) = run_number(&name)
                    && !runs.iter().any(|(m, _)| *m == n)
                {
                    runs.push((n, name));
                }
            }
        }
    }
    runs.sort();
    if runs.is_empty() {
        return Ok(vec![LATEST.to_owned()]);
    }
    Ok(runs.into_iter().map(|(_, name)| name).collect())
}

/// `Some(3)` for `run3`; `None` for anything else.
fn run_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix("run")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The subdirectories of `dir`.
fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let io = |source| ReadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    Ok(dirs)
}

/// One bench function's mean in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The criterion group name, e.g. `spawn_many`.
    pub workload: String,
    /// The criterion function name.
    pub side: Side,
    /// The baseline directory it was read from, e.g. `run2`.
    pub run: String,
    /// Mean nanoseconds per iteration.
    pub mean_ns: f64,
}

/// Every `<workload>/<side>/<run>/estimates.json` under `dir` for the given
/// runs. Directories that are not workloads (criterion's own `report/`)
/// and sides or runs without a file are skipped; a file that is there but
/// unreadable is an error.
pub fn read_samples(dir: &Path, runs: &[String]) -> Result<Vec<Sample>, ReadError> {
    let mut samples = Vec::new();
    for workload_dir in list_dirs(dir)? {
        let workload = workload_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for side in Side::ALL {
            for run in runs {
                let path = workload_dir
                    .join(side.name())
                    .join(run)
                    .join("estimates.json");
                if !path.is_file() {
                    continue;
                }
                samples.push(Sample {
                    workload: workload.clone(),
                    side,
                    run: run.clone(),
                    mean_ns: read_mean(&path)?,
                });
            }
        }
    }
    Ok(samples)
}

/// The mean of one estimates.json, in ns.
pub fn read_mean(path: &Path) -> Result<f64, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    mean_point_estimate(&text).ok_or_else(|| ReadError::NoMean {
        path: path.to_path_buf(),
    })
}
