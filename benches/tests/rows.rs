//! The row registry: names, peers, and the README kept in step with it.

use std::collections::HashSet;
use std::path::Path;

use benches::rows::{self, ALL};
use benches::side::Side;

#[test]
fn row_names_are_unique() {
    let mut seen = HashSet::new();
    for row in ALL {
        assert!(seen.insert(row.name), "{} is listed twice", row.name);
    }
}

#[test]
fn only_peers_are_absent_and_each_at_most_once() {
    for row in ALL {
        let mut seen = HashSet::new();
        for (side, why) in row.absent {
            assert_ne!(*side, Side::This, "{}: our side is never absent", row.name);
            assert!(seen.insert(*side), "{}: {side:?} absent twice", row.name);
            assert!(
                !why.is_empty(),
                "{}: {side:?} absent without a reason",
                row.name
            );
        }
    }
}

#[test]
fn every_row_names_a_bench_file_that_measures_it() {
    let benches = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    for row in ALL {
        let file = benches.join(format!("{}.rs", row.bench));
        let source = std::fs::read_to_string(&file)
            .unwrap_or_else(|err| panic!("{}: cannot read {}: {err}", row.name, file.display()));
        assert!(
            source.contains("benchmark_group(row.name)"),
            "{} does not open its groups from a row",
            file.display()
        );
    }
}

#[test]
fn the_readme_shows_the_current_table_of_workloads() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&readme).expect("benches/README.md");
    assert!(
        text.contains(&rows::markdown_table()),
        "benches/README.md's workload table is stale: paste the output of \
         `cargo run -p benches --bin report -- --rows`"
    );
}

#[test]
fn rows_are_found_by_name() {
    assert_eq!(rows::find("ping_pong").map(|r| r.name), Some("ping_pong"));
    assert!(rows::find("no_such_row").is_none());
    let http = rows::find("http_get_keepalive").expect("row");
    assert_eq!(
        http.absent_reason(Side::Smol),
        Some("no HTTP client in smol")
    );
    assert_eq!(http.absent_reason(Side::Tokio), None);
}
