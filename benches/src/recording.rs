//! The report's "Recording a timeline" table: what the runtime's timeline
//! costs, read from `benches/timeline.rs`'s groups.
//!
//! Each group has two functions, `off` and `on`, instead of one per side,
//! so the side table skips them. For each group this prints the median
//! time off and on over the runs, and the ratio on/off as the median
//! (min–max) of the per-run ratios, the same way the side table summarises
//! this/tokio (see [`crate::summary`]).

use std::path::Path;

use crate::estimates::{ReadError, read_mean};
use crate::summary::{Spread, median};
use crate::units::format_ns;

/// The groups of `benches/timeline.rs`, with what each measures.
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
