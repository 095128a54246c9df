//! The report's reader of criterion's estimates.json files.

use std::fs;
use std::path::{Path, PathBuf};

use benches::estimates::{LATEST, Sample, find_runs, mean_point_estimate, read_samples};
use benches::side::Side;
use benches::units::format_ns;

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

fn write_estimate(root: &Path, workload: &str, side: &str, run: &str, mean: f64) {
    let dir = root.join(workload).join(side).join(run);
    fs::create_dir_all(&dir).expect("create dirs");
    fs::write(
        dir.join("estimates.json"),
        format!(r#"{{"mean":{{"point_estimate":{mean}}}}}"#),
    )
    .expect("write");
}

#[test]
fn runs_are_the_run_baselines_in_numeric_order() {
    let root = scratch("runs");
    write_estimate(&root, "spawn_many", "this", "run10", 1.0);
    write_estimate(&root, "spawn_many", "this", "run2", 1.0);
    write_estimate(&root, "spawn_many", "tokio", "run1", 1.0);
    write_estimate(&root, "spawn_many", "this", "new", 1.0);
    write_estimate(&root, "spawn_many", "this", "base", 1.0);
    write_estimate(&root, "spawn_many", "this", "runaway", 1.0);
    fs::create_dir_all(root.join("report")).expect("criterion's report dir");

    let runs = find_runs(&root).expect("runs");
    fs::remove_dir_all(&root).expect("clean up");
    assert_eq!(runs, ["run1", "run2", "run10"]);
}

#[test]
fn without_saved_runs_the_latest_run_is_used() {
    let root = scratch("latest");
    write_estimate(&root, "spawn_many", "this", "new", 1.0);
    write_estimate(&root, "spawn_many", "this", "base", 1.0);

    let runs = find_runs(&root).expect("runs");
    fs::remove_dir_all(&root).expect("clean up");
    assert_eq!(runs, [LATEST]);
}

#[test]
fn samples_are_read_per_workload_side_and_run() {
    let root = scratch("samples");
    write_estimate(&root, "tcp_echo", "this", "run1", 300.0);
    write_estimate(&root, "tcp_echo", "smol", "run1", 250.0);
    write_estimate(&root, "tcp_echo", "tokio", "run2", 200.0);
    write_estimate(&root, "tcp_echo", "tokio", "run3", 999.0);
    write_estimate(&root, "tcp_echo", "not_a_side", "run1", 1.0);
    fs::create_dir_all(root.join("report")).expect("criterion's report dir");

    let runs = ["run1".to_owned(), "run2".to_owned()];
    let mut samples = read_samples(&root, &runs).expect("samples");
    fs::remove_dir_all(&root).expect("clean up");
    samples.sort_by(|a, b| a.mean_ns.total_cmp(&b.mean_ns));
    let sample = |side, run: &str, mean_ns| Sample {
        workload: "tcp_echo".into(),
        side,
        run: run.into(),
        mean_ns,
    };
    assert_eq!(
        samples,
        [
            sample(Side::Tokio, "run2", 200.0),
            sample(Side::Smol, "run1", 250.0),
            sample(Side::This, "run1", 300.0),
        ]
    );
}

#[test]
fn a_corrupt_estimate_is_an_error_naming_the_file() {
    let root = scratch("corrupt");
    write_estimate(&root, "spawn_many", "this", "new", 50.0);
    let tokio = root.join("spawn_many/tokio/new");
    fs::create_dir_all(&tokio).expect("dirs");
    fs::write(tokio.join("estimates.json"), "{}").expect("write");

    let err = read_samples(&root, &[LATEST.to_owned()]).expect_err("corrupt file");
    fs::remove_dir_all(&root).expect("clean up");
    assert!(
        err.to_string()
            .contains("spawn_many/tokio/new/estimates.json"),
        "{err}"
    );
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let err = find_runs(Path::new("/nonexistent/criterion")).expect_err("missing dir");
    assert!(err.to_string().contains("/nonexistent/criterion"), "{err}");
    let err = read_samples(Path::new("/nonexistent/criterion"), &[LATEST.to_owned()])
        .expect_err("missing dir");
    assert!(err.to_string().contains("/nonexistent/criterion"), "{err}");
}

#[test]
fn durations_print_in_criterion_units() {
    assert_eq!(format_ns(12.34), "12.3 ns");
    assert_eq!(format_ns(12_345.0), "12.35 µs");
    assert_eq!(format_ns(12_345_678.0), "12.35 ms");
    assert_eq!(format_ns(2_500_000_000.0), "2.50 s");
}
