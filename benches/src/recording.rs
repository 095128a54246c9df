//! What recording a timeline costs: the file names the `timeline_*` groups
//! record to, and the report's "Recording a timeline" table.
//!
//! Two groups sit beside the workloads they repeat: `timeline_yield_many`
//! in `benches/tasks.rs` and `timeline_flags_all` in `benches/flags.rs`.
//! They are not peer rows (tokio, smol and LocalPool have no such
//! recorder): each has two functions, `off` and `on`, our runtime without
//! and with `Builder::timeline`. One iteration builds the runtime, runs the
//! workload and drops the runtime, on both sides, because with the
//! timeline on the drop is where the file is written, and that write is
//! part of what recording costs. Each `on` iteration writes a file of its
//! own ([`Files`]) to a tmpfs and removes it.
//!
//! In the report, the side table skips these groups (no side is named
//! `off` or `on`). For each group this prints the median
//! time off and on over the runs, and the ratio on/off as the median
//! (min–max) of the per-run ratios, the same way the side table summarises
//! this/tokio (see [`crate::summary`]).

use std::path::{Path, PathBuf};

use crate::estimates::{ReadError, read_mean};
use crate::summary::{Spread, median};
use crate::units::format_ns;

/// The groups, with what each measures.
pub const GROUPS: [(&str, &str); 2] = [
    (
        "timeline_yield_many",
        "`yield_many` (200,000 polls), runtime built and dropped per iteration",
    ),
    (
        "timeline_flags_all",
        "`flags_all` (194 flags, `-m 100`), the whole download",
    ),
];

/// The table, or `None` when no run has both `off` and `on` of any group.
///
/// # Errors
///
/// An estimates file that exists but cannot be read.
pub fn markdown_table(dir: &Path, runs: &[String]) -> Result<Option<String>, ReadError> {
    let mut table = String::from("| workload | off | on | on/off |\n|---|---:|---:|---:|\n");
    let mut any = false;
    for (group, does) in GROUPS {
        let (mut offs, mut ons, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in runs {
            let (Some(off), Some(on)) =
                (mean(dir, group, "off", run)?, mean(dir, group, "on", run)?)
            else {
                continue;
            };
            offs.push(off);
            ons.push(on);
            ratios.push(on / off);
        }
        let (Some(off), Some(on), Some(ratio)) = (median(&offs), median(&ons), Spread::of(&ratios))
        else {
            continue;
        };
        any = true;
        table.push_str(&format!(
            "| {does} | {} | {} | {} |\n",
            format_ns(off),
            format_ns(on),
            ratio.display()
        ));
    }
    Ok(any.then_some(table))
}

/// One function's mean in one run, if criterion saved it.
fn mean(dir: &Path, group: &str, function: &str, run: &str) -> Result<Option<f64>, ReadError> {
    let path = dir
        .join(group)
        .join(function)
        .join(run)
        .join("estimates.json");
    if path.is_file() {
        read_mean(&path).map(Some)
    } else {
        Ok(None)
    }
}

/// A new file name per iteration, as a program run once would have: the
/// runtime keeps the recordings already written to a path (so that several
/// runtimes share a file, up to a bound), and one path reused by every
/// iteration would measure that instead.
#[derive(Debug)]
pub struct Files {
    /// Where they go: a directory of its own under a tmpfs if there is one,
    /// so that the write is the recorder's cost and not the disk's.
    dir: PathBuf,
    /// The last number used.
    count: u64,
}

impl Files {
    /// Names `<dir>/1.json`, `<dir>/2.json`, ... in a new directory for
    /// `workload`.
    ///
    /// # Panics
    ///
    /// If the directory cannot be created: the bench cannot run.
    pub fn new(workload: &str) -> Files {
        let shm = Path::new("/dev/shm");
        let root = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = root.join(format!("benches-{workload}-{}", std::process::id()));
        if let Err(err) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {err}", dir.display());
        }
        Files { dir, count: 0 }
    }

    /// The next name.
    pub fn next_path(&mut self) -> PathBuf {
        self.count += 1;
        self.dir.join(format!("{}.json", self.count))
    }

    /// Removes `file`, which the run must have written (the tmpfs is
    /// memory).
    ///
    /// # Panics
    ///
    /// If there is no such file: the recording was not written.
    pub fn check_and_remove(&self, file: &Path) {
        if let Err(err) = std::fs::remove_file(file) {
            panic!("the recording run wrote no {}: {err}", file.display());
        }
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
