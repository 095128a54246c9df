//! From criterion's samples to the report's rows.
//!
//! A run is one pass of the whole suite (`benches/run-suite.sh` makes
//! three, saved as criterion baselines `run1`..`run3`). For each workload:
//!
//! - each side's time is the median, over the runs, of criterion's mean
//!   time per iteration;
//! - the ratio this/tokio is computed per run, and the report gives the
//!   median of those ratios and their minimum and maximum, so a reader sees
//!   how far one run can move it;
//! - the ratio this/best peer is computed per run against the fastest peer
//!   *of that run*, and summarised the same way. The peer named beside it
//!   is the one with the lowest median time;
//! - the ratio this/floor (the same work with no runtime, see
//!   [`crate::floor`]) is computed per run and summarised the same way.
//!   The floor is not a peer: it is never the best peer, and a row is
//!   never losing because we are slower than the floor (we always are).
//!
//! Ratios below 1 mean this project is faster. Medians of per-run ratios,
//! not ratios of medians: the two sides of one run share that run's machine
//! load, so their ratio is the quantity the runs repeat.

use crate::estimates::Sample;
use crate::floor;
use crate::rows;
use crate::side::Side;
use crate::units::format_ns;

/// A ratio over several runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The median of the per-run values.
    pub median: f64,
    /// The smallest per-run value.
    pub min: f64,
    /// The largest per-run value.
    pub max: f64,
    /// How many runs had both sides of the ratio.
    pub runs: usize,
}

impl Spread {
    /// The spread of `values`; `None` if there are none.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let median = median(values)?;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(Spread {
            median,
            min,
            max,
            runs: values.len(),
        })
    }

    /// `0.82`, or with several runs `0.82 (0.80–0.85)`.
    pub fn display(&self) -> String {
        if self.runs < 2 {
            format!("{:.2}", self.median)
        } else {
            format!("{:.2} ({:.2}–{:.2})", self.median, self.min, self.max)
        }
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The criterion group name.
    pub workload: String,
    /// The median time per iteration of each side, in [`Side::ALL`] order;
    /// `None` where the side has no result.
    pub times: [Option<f64>; Side::ALL.len()],
    /// this/tokio over the runs.
    pub vs_tokio: Option<Spread>,
    /// this/fastest peer over the runs.
    pub vs_best: Option<Spread>,
    /// this/floor over the runs.
    pub vs_floor: Option<Spread>,
    /// The peer with the lowest median time.
    pub best_peer: Option<Side>,
}

impl Summary {
    /// The median time of `side`.
    pub fn time(&self, side: Side) -> Option<f64> {
        self.times[side_index(side)]
    }
}

/// `side`'s position in [`Side::ALL`].
fn side_index(side: Side) -> usize {
    Side::ALL
        .iter()
        .position(|s| *s == side)
        .expect("every side is in Side::ALL")
}

/// The report's rows: the workloads of [`rows::ALL`] that have results, in
/// that order, then any others (a bench added without a row), sorted.
pub fn summarize(samples: &[Sample], runs: &[String]) -> Vec<Summary> {
    let mut workloads: Vec<&str> = samples.iter().map(|s| s.workload.as_str()).collect();
    workloads.sort_by_key(|w| {
        let rank = rows::ALL
            .iter()
            .position(|row| row.name == *w)
            .unwrap_or(rows::ALL.len());
        (rank, *w)
    });
    workloads.dedup();
    workloads
        .into_iter()
        .map(|workload| summarize_one(workload, samples, runs))
        .collect()
}

/// One workload's line.
fn summarize_one(workload: &str, samples: &[Sample], runs: &[String]) -> Summary {
    let mean = |side: Side, run: &str| {
        samples
            .iter()
            .find(|s| s.workload == workload && s.side == side && s.run == run)
            .map(|s| s.mean_ns)
    };
    let times = Side::ALL.map(|side| {
        let per_run: Vec<f64> = runs.iter().filter_map(|run| mean(side, run)).collect();
        median(&per_run)
    });
    let mut vs_tokio = Vec::new();
    let mut vs_best = Vec::new();
    let mut vs_floor = Vec::new();
    for run in runs {
        let Some(this) = mean(Side::This, run) else {
            continue;
        };
        if let Some(tokio) = mean(Side::Tokio, run) {
            vs_tokio.push(this / tokio);
        }
        let best = Side::PEERS
            .iter()
            .filter_map(|peer| mean(*peer, run))
            .fold(None, |best: Option<f64>, t| {
                Some(best.map_or(t, |b| b.min(t)))
            });
        if let Some(best) = best {
            vs_best.push(this / best);
        }
        if let Some(floor) = mean(Side::Floor, run) {
            vs_floor.push(this / floor);
        }
    }
    let best_peer = Side::PEERS
        .into_iter()
        .filter_map(|peer| times[side_index(peer)].map(|t| (peer, t)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(peer, _)| peer);
    Summary {
        workload: workload.to_owned(),
        times,
        vs_tokio: Spread::of(&vs_tokio),
        vs_best: Spread::of(&vs_best),
        vs_floor: Spread::of(&vs_floor),
        best_peer,
    }
}

/// What an empty cell says: the row's reason, or that nothing was found.
fn empty_cell(workload: &str, side: Side) -> String {
    let why = match side {
        Side::Floor if rows::find(workload).is_some() => floor::absent_reason(workload),
        _ => rows::find(workload).and_then(|row| row.absent_reason(side)),
    };
    match why {
        Some(why) => format!("— ({why})"),
        None => "not run".to_owned(),
    }
}

/// The head of a markdown table with a column per side: `first`, then
/// every side's label, then `more` (right-aligned like the sides).
pub fn side_table_head(first: &str, more: &[&str]) -> String {
    let mut names: Vec<&str> = Side::ALL.iter().map(|side| side.label()).collect();
    names.extend_from_slice(more);
    let mut out = format!("| {first} |");
    for name in &names {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(names.len()));
    out.push('\n');
    out
}

/// The markdown table: one column per side, then the three ratios.
pub fn markdown_table(summaries: &[Summary]) -> String {
    let mut out = side_table_head("workload", &["this/tokio", "this/best peer", "this/floor"]);
    for summary in summaries {
        out.push_str(&format!("| {} |", summary.workload));
        for side in Side::ALL {
            let cell = match summary.time(side) {
                Some(ns) => format_ns(ns),
                None => empty_cell(&summary.workload, side),
            };
            out.push_str(&format!(" {cell} |"));
        }
        let vs_tokio = summary
            .vs_tokio
            .map_or_else(|| "—".to_owned(), |s| s.display());
        let vs_best = match (summary.vs_best, summary.best_peer) {
            (Some(spread), Some(peer)) => format!("{} {}", spread.display(), peer.label()),
            _ => "—".to_owned(),
        };
        let vs_floor = summary
            .vs_floor
            .map_or_else(|| "—".to_owned(), |s| s.display());
        out.push_str(&format!(" {vs_tokio} | {vs_best} | {vs_floor} |\n"));
    }
    out
}

/// The workloads where the median this/best peer is above 1: the rows the
/// README's "Where we lose, and why" must explain (the floor is no peer, so
/// being slower than it loses nothing).
pub fn losing(summaries: &[Summary]) -> Vec<&Summary> {
    summaries
        .iter()
        .filter(|s| s.vs_best.is_some_and(|spread| spread.median > 1.0))
        .collect()
}
