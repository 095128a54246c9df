//! The floor side: defined for every task, sync and timer row, benched in
//! each of those rows' groups, doing all its work, and never a peer.

use std::path::Path;
use std::time::Instant;

use benches::estimates::Sample;
use benches::floor;
use benches::params::TIMER_FIRE_DELAY;
use benches::rows;
use benches::side::Side;
use benches::summary::{losing, markdown_table, summarize};

/// The bench files whose rows are task, sync or timer rows.
const FLOOR_FILES: [&str; 4] = ["tasks", "channels", "semaphore", "timers"];

#[test]
fn every_task_sync_and_timer_row_has_a_floor_and_no_other_row_does() {
    for row in rows::ALL {
        let has_floor = floor::find(row.name).is_some();
        assert_eq!(
            has_floor,
            FLOOR_FILES.contains(&row.bench),
            "{} ({}.rs): floor defined = {has_floor}",
            row.name,
            row.bench
        );
    }
}

#[test]
fn floors_name_rows_once_in_the_registrys_order() {
    let positions: Vec<usize> = floor::ALL
        .iter()
        .map(|f| {
            rows::ALL
                .iter()
                .position(|row| row.name == f.row)
                .unwrap_or_else(|| panic!("floor for unknown row {}", f.row))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "floors out of order or listed twice: {positions:?}"
    );
}

#[test]
fn every_floor_does_all_its_rows_work() {
    for f in floor::ALL {
        assert_eq!((f.run)(), f.expected, "{}'s floor", f.row);
        assert!(!f.does.is_empty() && !f.leaves_out.is_empty(), "{}", f.row);
    }
}

#[test]
fn the_timer_floor_never_fires_early() {
    let f = floor::find("timers_fire_1ms").expect("a floor");
    let start = Instant::now();
    assert_eq!((f.run)(), f.expected);
    assert!(start.elapsed() >= TIMER_FIRE_DELAY, "{:?}", start.elapsed());
}

#[test]
fn every_row_group_with_a_floor_benches_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    for file in FLOOR_FILES {
        let path = dir.join(format!("{file}.rs"));
        let source = std::fs::read_to_string(&path).expect("bench file");
        let groups = source.matches("benchmark_group(row.name)").count();
        let floors = source.matches("floor::of(row)").count();
        let sides = source.matches("Side::Floor.name()").count();
        assert!(groups > 0, "{file}.rs opens no group from a row");
        assert_eq!(
            (floors, sides),
            (groups, groups),
            "{file}.rs: every group opened from a row must bench `floor::of(row)` as `Side::Floor`"
        );
    }
}

#[test]
fn a_row_without_a_floor_is_never_benched_with_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    for row in rows::ALL
        .iter()
        .filter(|row| !FLOOR_FILES.contains(&row.bench))
    {
        let source =
            std::fs::read_to_string(dir.join(format!("{}.rs", row.bench))).expect("bench file");
        assert!(!source.contains("Side::Floor"), "{}.rs", row.bench);
    }
}

#[test]
fn the_floor_is_a_side_but_not_a_peer() {
    assert_eq!(Side::parse("floor"), Some(Side::Floor));
    assert!(Side::ALL.contains(&Side::Floor));
    assert!(!Side::PEERS.contains(&Side::Floor));
}

fn sample(workload: &str, side: Side, run: &str, mean_ns: f64) -> Sample {
    Sample {
        workload: workload.into(),
        side,
        run: run.into(),
        mean_ns,
    }
}

#[test]
fn the_floor_is_never_the_best_peer_nor_makes_a_row_losing() {
    let runs = ["run1".to_owned(), "run2".to_owned()];
    let samples = [
        sample("spawn_many", Side::This, "run1", 50.0),
        sample("spawn_many", Side::Tokio, "run1", 100.0),
        sample("spawn_many", Side::Floor, "run1", 10.0),
        sample("spawn_many", Side::This, "run2", 60.0),
        sample("spawn_many", Side::Tokio, "run2", 120.0),
        sample("spawn_many", Side::Floor, "run2", 20.0),
    ];
    let summaries = summarize(&samples, &runs);
    let s = &summaries[0];
    assert_eq!(s.best_peer, Some(Side::Tokio));
    assert_eq!(s.vs_best.map(|b| b.median), Some(0.5));
    let vs_floor = s.vs_floor.expect("this/floor");
    // run1: 50 / 10 = 5; run2: 60 / 20 = 3.
    assert_eq!(
        (vs_floor.median, vs_floor.min, vs_floor.max, vs_floor.runs),
        (4.0, 3.0, 5.0, 2)
    );
    assert!(losing(&summaries).is_empty());
}

#[test]
fn the_table_shows_this_over_floor_beside_this_over_best_peer() {
    let runs = ["new".to_owned()];
    let samples = [
        sample("yield_many", Side::This, "new", 2_000.0),
        sample("yield_many", Side::Smol, "new", 4_000.0),
        sample("yield_many", Side::Floor, "new", 500.0),
        sample("tcp_echo", Side::This, "new", 1_000.0),
        sample("tcp_echo", Side::Tokio, "new", 1_000.0),
    ];
    let table = markdown_table(&summarize(&samples, &runs));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].ends_with("| floor | this/tokio | this/best peer | this/floor |"));
    assert!(
        lines[2].ends_with("| 500.0 ns | — | 0.50 smol | 4.00 |"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].ends_with("| — (no floor for socket rows) | 1.00 | 1.00 tokio | — |"),
        "{}",
        lines[3]
    );
}

#[test]
fn the_readme_shows_the_current_table_of_floors() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&readme).expect("benches/README.md");
    assert!(
        text.contains(&floor::markdown_table()),
        "benches/README.md's table of floors is stale: paste the second table of \
         `cargo run -p benches --bin report -- --rows`"
    );
}
