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

/// The constant in `src/rows.rs` that defines the row named `name`: the
/// `IDENT` of `pub const IDENT: Row = Row { name: "name", ... }`.
fn row_constant(rows_source: &str, name: &str) -> Option<String> {
    let needle = format!("name: \"{name}\",");
    let at = rows_source.find(&needle)?;
    let head = &rows_source[..at];
    let start = head.rfind("pub const ")? + "pub const ".len();
    let ident = head[start..].split(':').next()?.trim();
    head[start..]
        .contains(": Row = Row {")
        .then(|| ident.to_owned())
}

/// The top-level functions of a bench file: (name, body up to the next one).
fn functions(source: &str) -> Vec<(&str, &str)> {
    let starts: Vec<usize> = source
        .match_indices("\nfn ")
        .map(|(at, _)| at + 1)
        .chain(source.match_indices("\nasync fn ").map(|(at, _)| at + 1))
        .chain(source.find("\ncriterion_group!"))
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .filter_map(|pair| {
            let text = &source[pair[0]..pair[1]];
            let name = text
                .trim_start_matches("async ")
                .strip_prefix("fn ")?
                .split(['(', '<'])
                .next()?;
            Some((name, text))
        })
        .collect()
}

/// The functions listed in the file's `criterion_group!(benches, ...)`.
fn registered(source: &str) -> Vec<&str> {
    let Some(start) = source.find("criterion_group!(") else {
        return Vec::new();
    };
    let rest = &source[start + "criterion_group!(".len()..];
    let end = rest.find(')').unwrap_or(rest.len());
    rest[..end]
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty() && *name != "benches")
        .collect()
}

/// Each row's group is defined and run: its bench file has a function,
/// listed in the file's `criterion_group!` (so `cargo bench` and CI's
/// `cargo test --benches` run it), that names the row's constant and opens
/// a group from a row's name.
#[test]
fn every_rows_group_is_defined_and_run_by_its_bench_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rows_source = std::fs::read_to_string(root.join("src/rows.rs")).expect("src/rows.rs");
    for row in ALL {
        let constant = row_constant(&rows_source, row.name)
            .unwrap_or_else(|| panic!("{}: no `pub const ...: Row` in src/rows.rs", row.name));
        let file = root.join("benches").join(format!("{}.rs", row.bench));
        let source = std::fs::read_to_string(&file)
            .unwrap_or_else(|err| panic!("{}: cannot read {}: {err}", row.name, file.display()));
        let run = registered(&source);
        let measuring: Vec<&str> = functions(&source)
            .into_iter()
            .filter(|(_, body)| {
                body.contains(&format!("&{constant}")) || body.contains(&format!("{constant}.name"))
            })
            .map(|(name, _)| name)
            .filter(|name| run.contains(name))
            .collect();
        assert!(
            !measuring.is_empty(),
            "{}: no function of {} listed in its criterion_group! names {constant}",
            row.name,
            file.display()
        );
        assert!(
            source.contains("benchmark_group(row.name)")
                || source.contains(&format!("benchmark_group({constant}.name)")),
            "{}: {} opens no group from the row's name",
            row.name,
            file.display()
        );
    }
}

#[test]
fn the_row_source_parsers_find_what_they_should() {
    let rows = "pub const A_ROW: Row = Row {\n    name: \"a_row\",\n};\n";
    assert_eq!(row_constant(rows, "a_row").as_deref(), Some("A_ROW"));
    assert_eq!(row_constant(rows, "b_row"), None);
    let bench = "use criterion::Criterion;\n\nfn a(c: &mut Criterion) {\n    let row = &A_ROW;\n}\n\nfn unused(c: &mut Criterion) {}\n\ncriterion_group!(benches, a);\ncriterion_main!(benches);\n";
    let names: Vec<&str> = functions(bench).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["a", "unused"]);
    assert_eq!(registered(bench), ["a"]);
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
