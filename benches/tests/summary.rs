//! The report's summary: medians over runs, ratios per run, empty cells.

use std::fs;

use benches::estimates::Sample;
use benches::side::Side;
use benches::summary::{Spread, losing, markdown_table, median, summarize};

fn sample(workload: &str, side: Side, run: &str, mean_ns: f64) -> Sample {
    Sample {
        workload: workload.into(),
        side,
        run: run.into(),
        mean_ns,
    }
}

fn runs(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[3.0]), Some(3.0));
    assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
}

#[test]
fn a_spread_shows_min_and_max_only_over_several_runs() {
    let one = Spread::of(&[0.823]).expect("one value");
    assert_eq!(one.display(), "0.82");
    let three = Spread::of(&[0.9, 0.8, 1.1]).expect("three values");
    assert_eq!(
        (three.median, three.min, three.max, three.runs),
        (0.9, 0.8, 1.1, 3)
    );
    assert_eq!(three.display(), "0.90 (0.80–1.10)");
    assert_eq!(Spread::of(&[]), None);
}

#[test]
fn ratios_are_taken_per_run_against_that_runs_fastest_peer() {
    let samples = [
        sample("spawn_many", Side::This, "run1", 50.0),
        sample("spawn_many", Side::Tokio, "run1", 100.0),
        sample("spawn_many", Side::Smol, "run1", 40.0),
        sample("spawn_many", Side::This, "run2", 60.0),
        sample("spawn_many", Side::Tokio, "run2", 100.0),
        sample("spawn_many", Side::Smol, "run2", 80.0),
    ];
    let summaries = summarize(&samples, &runs(&["run1", "run2"]));
    assert_eq!(summaries.len(), 1);
    let s = &summaries[0];
    assert_eq!(s.time(Side::This), Some(55.0));
    assert_eq!(s.time(Side::Tokio), Some(100.0));
    assert_eq!(s.time(Side::Smol), Some(60.0));
    assert_eq!(s.time(Side::LocalPool), None);
    let vs_tokio = s.vs_tokio.expect("this/tokio");
    assert!((vs_tokio.median - 0.55).abs() < 1e-12);
    assert_eq!((vs_tokio.min, vs_tokio.max, vs_tokio.runs), (0.5, 0.6, 2));
    // run1: 50 / min(100, 40) = 1.25; run2: 60 / min(100, 80) = 0.75.
    let vs_best = s.vs_best.expect("this/best");
    assert_eq!(
        (vs_best.median, vs_best.min, vs_best.max),
        (1.0, 0.75, 1.25)
    );
    assert_eq!(s.best_peer, Some(Side::Smol));
}

#[test]
fn runs_not_asked_for_are_ignored() {
    let samples = [
        sample("spawn_many", Side::This, "run1", 50.0),
        sample("spawn_many", Side::Tokio, "run1", 100.0),
        sample("spawn_many", Side::This, "run9", 500.0),
    ];
    let summaries = summarize(&samples, &runs(&["run1"]));
    assert_eq!(summaries[0].time(Side::This), Some(50.0));
    assert_eq!(summaries[0].vs_tokio.map(|s| s.runs), Some(1));
}

#[test]
fn rows_follow_the_registry_then_unknown_workloads_sorted() {
    let samples = [
        sample("zzz_new_row", Side::This, "new", 1.0),
        sample("aaa_new_row", Side::This, "new", 1.0),
        sample("tcp_echo", Side::This, "new", 1.0),
        sample("spawn_many", Side::This, "new", 1.0),
    ];
    let order: Vec<String> = summarize(&samples, &runs(&["new"]))
        .into_iter()
        .map(|s| s.workload)
        .collect();
    assert_eq!(
        order,
        ["spawn_many", "tcp_echo", "aaa_new_row", "zzz_new_row"]
    );
}

#[test]
fn an_empty_cell_says_why_or_that_the_side_did_not_run() {
    let samples = [
        sample("spawn_blocking_round_trip", Side::This, "new", 2_000_000.0),
        sample("spawn_blocking_round_trip", Side::Tokio, "new", 4_000_000.0),
    ];
    let table = markdown_table(&summarize(&samples, &runs(&["new"])));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "| workload | this | tokio | smol | LocalPool | floor | this/tokio | this/best peer | this/floor |"
    );
    assert_eq!(
        lines[2],
        "| spawn_blocking_round_trip | 2.00 ms | 4.00 ms | not run | — (pure task rows only) | not run | 0.50 | 0.50 tokio | — |"
    );
}

#[test]
fn only_rows_slower_than_the_best_peer_are_losing() {
    let samples = [
        sample("spawn_many", Side::This, "new", 50.0),
        sample("spawn_many", Side::Smol, "new", 40.0),
        sample("yield_many", Side::This, "new", 50.0),
        sample("yield_many", Side::Smol, "new", 60.0),
        sample("chained_spawn", Side::This, "new", 50.0),
    ];
    let summaries = summarize(&samples, &runs(&["new"]));
    let losing: Vec<&str> = losing(&summaries)
        .into_iter()
        .map(|s| s.workload.as_str())
        .collect();
    assert_eq!(losing, ["spawn_many"]);
}

#[test]
fn the_chart_is_an_svg_of_the_rows_that_have_a_peer() {
    let dir = std::env::temp_dir().join(format!("benches-chart-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join("ratios.svg");
    let samples = [
        sample("spawn_many", Side::This, "new", 50.0),
        sample("spawn_many", Side::Tokio, "new", 100.0),
        sample("tcp_echo", Side::This, "new", 300.0),
        sample("tcp_echo", Side::Smol, "new", 200.0),
        sample("chained_spawn", Side::This, "new", 1.0),
    ];
    benches::chart::draw_ratios(&summarize(&samples, &runs(&["new"])), &path).expect("draw");
    let svg = fs::read_to_string(&path).expect("read svg");
    fs::remove_dir_all(&dir).expect("clean up");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("spawn_many") && svg.contains("tcp_echo"));
    assert!(
        !svg.contains("chained_spawn"),
        "a row without peers has no bar"
    );
    assert!(svg.contains("0.50 tokio") && svg.contains("1.50 smol"));
}
