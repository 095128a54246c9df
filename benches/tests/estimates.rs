//! The report's reader of criterion's estimates.json files.

use std::fs;
use std::path::{Path, PathBuf};

use benches::estimates::{Row, format_ns, markdown_table, mean_point_estimate, read_rows};

/// A real estimates.json as criterion 0.7 writes it (one line, shortened numbers).
const SAMPLE: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":41000.5,"upper_bound":43000.25},"point_estimate":42000.75,"standard_error":512.0},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":41900.0,"standard_error":3.0},"median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":7.0,"standard_error":1.0},"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":900.0,"standard_error":1.0}}"#;

#[test]
fn mean_is_read_from_the_mean_object_only() {
    assert_eq!(mean_point_estimate(SAMPLE), Some(42000.75));
}

#[test]
fn mean_is_found_when_other_keys_come_first_and_spacing_differs() {
    let json =
        "{ \"median\": {\"point_estimate\": 5.0},\n  \"mean\" : {\n \"point_estimate\" : 1.5e3 } }";
    assert_eq!(mean_point_estimate(json), Some(1500.0));
}

#[test]
fn a_mean_without_point_estimate_is_not_borrowed_from_the_next_object() {
    let json = r#"{"mean":{"standard_error":1.0},"median":{"point_estimate":5.0}}"#;
    assert_eq!(mean_point_estimate(json), None);
}

#[test]
fn garbage_and_truncated_files_give_none() {
    for json in [
        "",
        "not json",
        r#"{"mean":"#,
        r#"{"mean":{"point_estimate":}"#,
        r#"{"mean":{"point_estimate":1.0"#,
    ] {
        assert_eq!(mean_point_estimate(json), None, "input {json:?}");
    }
}

/// A fresh directory under the OS temp dir, removed by the test at its end.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("benches-estimates-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write_estimate(root: &Path, workload: &str, side: &str, mean: f64) {
    let dir = root.join(workload).join(side).join("new");
    fs::create_dir_all(&dir).expect("create dirs");
    fs::write(
        dir.join("estimates.json"),
        format!(r#"{{"mean":{{"point_estimate":{mean}}}}}"#),
    )
    .expect("write");
}

#[test]
fn rows_need_both_sides_and_follow_the_report_order() {
    let root = scratch("rows");
    write_estimate(&root, "tcp_echo", "this", 300.0);
    write_estimate(&root, "tcp_echo", "tokio", 200.0);
    write_estimate(&root, "spawn_many", "this", 50.0);
    write_estimate(&root, "spawn_many", "tokio", 100.0);
    write_estimate(&root, "only_this", "this", 1.0);
    fs::create_dir_all(root.join("report")).expect("criterion's report dir");

    let rows = read_rows(&root).expect("rows");
    fs::remove_dir_all(&root).expect("clean up");
    assert_eq!(
        rows,
        vec![
            Row {
                workload: "spawn_many".into(),
                this_ns: 50.0,
                tokio_ns: 100.0
            },
            Row {
                workload: "tcp_echo".into(),
                this_ns: 300.0,
                tokio_ns: 200.0
            },
        ]
    );
    assert_eq!(rows[0].ratio(), 0.5);
    assert_eq!(rows[1].ratio(), 1.5);
}

#[test]
fn a_corrupt_estimate_is_an_error_naming_the_file() {
    let root = scratch("corrupt");
    write_estimate(&root, "spawn_many", "this", 50.0);
    let tokio = root.join("spawn_many/tokio/new");
    fs::create_dir_all(&tokio).expect("dirs");
    fs::write(tokio.join("estimates.json"), "{}").expect("write");

    let err = read_rows(&root).expect_err("corrupt file");
    fs::remove_dir_all(&root).expect("clean up");
    assert!(
        err.to_string()
            .contains("spawn_many/tokio/new/estimates.json"),
        "{err}"
    );
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let err = read_rows(Path::new("/nonexistent/criterion")).expect_err("missing dir");
    assert!(err.to_string().contains("/nonexistent/criterion"), "{err}");
}

#[test]
fn durations_print_in_criterion_units() {
    assert_eq!(format_ns(12.34), "12.3 ns");
    assert_eq!(format_ns(12_345.0), "12.35 µs");
    assert_eq!(format_ns(12_345_678.0), "12.35 ms");
    assert_eq!(format_ns(2_500_000_000.0), "2.50 s");
}

#[test]
fn the_table_has_one_line_per_row_with_the_ratio() {
    let rows = [Row {
        workload: "spawn_many".into(),
        this_ns: 50_000.0,
        tokio_ns: 100_000.0,
    }];
    let table = markdown_table(&rows);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "| workload | this | tokio | this/tokio |");
    assert_eq!(lines[2], "| spawn_many | 50.00 µs | 100.00 µs | 0.50 |");
}

#[test]
fn the_chart_is_an_svg_naming_every_workload() {
    let root = scratch("chart");
    let path = root.join("ratios.svg");
    let rows = [
        Row {
            workload: "spawn_many".into(),
            this_ns: 50.0,
            tokio_ns: 100.0,
        },
        Row {
            workload: "tcp_echo".into(),
            this_ns: 300.0,
            tokio_ns: 200.0,
        },
    ];
    benches::chart::draw_ratios(&rows, &path).expect("draw");
    let svg = fs::read_to_string(&path).expect("read svg");
    fs::remove_dir_all(&root).expect("clean up");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("spawn_many") && svg.contains("tcp_echo"));
    assert!(svg.contains("0.50") && svg.contains("1.50"));
}
