//! End-to-end downloads from the embedded server: every mode gets all 194 flags,
//! the archive's bytes, `-e` finds exactly the 194, ERROR mode accounts for every
//! code and leaves no partial file, and `--names` saves under the book's flags3
//! names.

mod util;

use util::{
    Counts, TempDir, archive_codes, archive_file, archive_gif, counts, files, require, run_flags,
};

fn download_all(mode: &[&str], name: &str) {
    let dest = TempDir::new(name);
    let dest_arg = dest.path.to_str().expect("utf-8 temp path");
    let mut args = vec!["-a", "--dest", dest_arg];
    args.extend_from_slice(mode);
    let output = run_flags(&args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{args:?}\n{stdout}");
    assert!(
        stdout.starts_with("LOCAL site: http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Searching for 194 flags: from AD to ZW"),
        "{stdout}"
    );
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 194,
            not_found: 0,
            errors: 0
        }
    );
    let names = files(&dest.path);
    assert_eq!(names.len(), 194, "{names:?}");
    assert_eq!(names.first().map(String::as_str), Some("AD.gif"));
    for name in &names {
        let bytes = std::fs::read(dest.path.join(name)).expect("read saved flag");
        let cc = name.trim_end_matches(".gif");
        assert!(
            bytes == archive_gif(cc),
            "{name} differs from the archive's"
        );
    }
}

#[test]
fn sequential_mode_downloads_all_194() {
    download_all(&["--mode", "sequential"], "seq");
}

#[test]
fn threads_mode_downloads_all_194() {
    download_all(&["--mode", "threads"], "threads");
}

#[test]
fn async_mode_downloads_all_194() {
    download_all(&["--mode", "async", "-m", "20"], "async");
}

#[test]
fn async_mode_above_the_connection_limit_downloads_all_194() {
    // 194 requests at once, 100 connections (httpx's limit): the other 94 wait for a
    // connection to be done, on a server that keeps connections alive.
    download_all(&["--mode", "async", "-m", "194"], "over-limit");
}

#[test]
fn async_executor_mode_downloads_all_194() {
    download_all(&["--executor"], "executor");
}

#[test]
fn async_save_on_loop_mode_downloads_all_194() {
    download_all(&["--save-on-loop"], "on-loop");
}

/// Downloads BR, CN and IN into a directory where `CN.gif` is a directory, so that
/// saving CN fails; returns stdout.
fn download_with_a_failing_save(extra: &[&str]) -> String {
    let dest = TempDir::new("save-fails");
    std::fs::create_dir_all(dest.path.join("CN.gif/occupied")).expect("mkdir");
    let mut args = vec!["-v", "br", "cn", "in", "--dest"];
    args.push(dest.path.to_str().expect("utf-8"));
    args.extend_from_slice(extra);
    let output = run_flags(&args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{extra:?}\n{stdout}");
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 2,
            not_found: 0,
            errors: 1
        },
        "{extra:?}\n{stdout}"
    );
    assert!(
        stdout.contains("  1 error: 1 cannot save the file\n"),
        "{extra:?}\n{stdout}"
    );
    let mut saved = files(&dest.path);
    saved.retain(|name| name != "CN.gif");
    assert_eq!(saved, ["BR.gif", "IN.gif"], "{extra:?}");
    stdout
}

#[test]
fn a_failed_save_is_an_error_whichever_thread_saves() {
    for extra in [&[][..], &["--save-on-loop"]] {
        let stdout = download_with_a_failing_save(extra);
        assert!(!stdout.contains("CN OK"), "{extra:?}\n{stdout}");
    }
}

#[test]
fn with_executor_a_code_counts_as_downloaded_until_its_unawaited_save_fails() {
    // As the book's run_in_executor: nobody awaits the save, so CN is reported OK
    // first; the failure shows when the saves are waited for, before the summary.
    let stdout = download_with_a_failing_save(&["--executor"]);
    let ok_at = stdout.find("CN OK").expect("CN reported OK first");
    let error_at = stdout.find("*** Error for CN: ").expect("then its error");
    assert!(ok_at < error_at, "{stdout}");
}

#[test]
fn each_download_is_a_task_named_after_its_code() {
    // The name the slow-poll warning gives when a save blocks the loop.
    let dest = TempDir::new("named-tasks");
    let output = util::run_flags_with_env(
        &[
            "--save-on-loop",
            "br",
            "--dest",
            dest.path.to_str().expect("utf-8"),
        ],
        &[("RUNTIME_TRACE", "1")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("'download_one BR'"), "{stderr}");
}

#[test]
fn every_code_finds_the_194_and_misses_the_other_482() {
    let dest = TempDir::new("every");
    let output = run_flags(&[
        "-e",
        "-m",
        "50",
        "--dest",
        dest.path.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 194,
            not_found: 482,
            errors: 0
        }
    );
    assert_eq!(files(&dest.path).len(), 194);
}

#[test]
fn error_server_accounts_for_every_code_and_leaves_no_partial_file() {
    watchdog::within(
        util::WATCHDOG,
        "error server accounts for every code and leaves no partial file",
        || {
            for mode in ["sequential", "threads", "async"] {
                let dest = TempDir::new("error");
                let args = [
                    "-s",
                    "ERROR",
                    "--seed",
                    "7",
                    "--delay",
                    "0..0.02",
                    "--mode",
                    mode,
                    "-v",
                    "-e",
                    "-l",
                    "300",
                    "--dest",
                    dest.path.to_str().expect("utf-8"),
                ];
                let output = run_flags(&args);
                let stdout = String::from_utf8_lossy(&output.stdout);
                let got = counts(&output);
                assert_eq!(
                    got.downloaded + got.not_found + got.errors,
                    300,
                    "{mode}: {got:?}"
                );
                assert!(
                    got.errors > 0,
                    "{mode}: a 0.25 error rate gave no errors\n{stdout}"
                );
                assert_eq!(
                    output.status.code(),
                    Some(1),
                    "{mode}: errors must give exit 1"
                );
                // -v prints exactly one line per code.
                let per_code = stdout
                    .lines()
                    .filter(|l| {
                        l.ends_with(" OK")
                            || l.ends_with(" not found")
                            || l.starts_with("*** Error for ")
                    })
                    .count();
                assert_eq!(per_code, 300, "{mode}\n{stdout}");
                let names = files(&dest.path);
                assert_eq!(names.len(), got.downloaded, "{mode}: {names:?}");
                for name in &names {
                    assert!(
                        name.ends_with(".gif") && !name.starts_with('.'),
                        "{mode}: stray file {name}"
                    );
                    let bytes = std::fs::read(dest.path.join(name)).expect("read saved flag");
                    let cc = name.trim_end_matches(".gif");
                    assert!(
                        bytes == archive_gif(cc),
                        "{mode}: {name} differs from the archive's"
                    );
                }
            }
        },
    );
}

/// flags3's name for `cc`: the archive's `country`, spaces as underscores, `.gif`.
fn flags3_name(cc: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_slice(&archive_file(cc, "metadata.json")).expect("the archive's JSON");
    let country = json["country"].as_str().expect("a country");
    format!("{}.gif", country.replace(' ', "_"))
}

#[test]
fn names_option_saves_all_194_under_the_books_flags3_names() {
    watchdog::within(
        util::WATCHDOG,
        "names option saves all 194 under the books flags3 names",
        || {
            let dest = TempDir::new("names");
            let output = run_flags(&[
                "--names",
                "-a",
                "--dest",
                dest.path.to_str().expect("utf-8"),
            ]);
            assert_eq!(output.status.code(), Some(0));
            let mut expected: Vec<String> =
                archive_codes().iter().map(|cc| flags3_name(cc)).collect();
            expected.sort();
            assert_eq!(expected.len(), 194);
            assert_eq!(files(&dest.path), expected);
            for (name, cc) in [
                ("Brazil.gif", "BR"),
                ("Côte_d'Ivoire.gif", "CI"),
                ("United_States_of_America.gif", "US"),
                ("Grenadines.gif", "VC"),
            ] {
                let bytes = std::fs::read(dest.path.join(name)).expect("a flags3 name");
                assert!(bytes == archive_gif(cc), "{name} is not {cc}'s flag");
            }
        },
    );
}

#[test]
fn default_run_downloads_the_20_most_populous() {
    let dest = TempDir::new("pop20");
    let output = run_flags(&["--dest", dest.path.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(counts(&output).downloaded, 20);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Searching for 20 flags: from BD to VN"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5 concurrent connections will be used."),
        "{stdout}"
    );
}

#[test]
fn unreachable_server_counts_every_code_as_an_error() {
    let dest = TempDir::new("refused");
    // Port 1 on loopback: nothing listens there, connections are refused at once.
    let output = run_flags(&[
        "-s",
        "http://127.0.0.1:1/flags",
        "-v",
        "br",
        "cn",
        "--dest",
        dest.path.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 0,
            not_found: 0,
            errors: 2
        }
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("*** Error for BR: "));
}

#[test]
fn ctrl_c_stops_cleanly_and_reports_every_code() {
    watchdog::within(
        util::WATCHDOG,
        "ctrl c stops cleanly and reports every code",
        || {
            require("kill", "procps");
            let dest = TempDir::new("sigint");
            let child = std::process::Command::new(util::FLAGS)
                .args([
                    "-s", "DELAY", "--delay", "0.3", "-m", "2", "-v", "-a", "--dest",
                ])
                .arg(&dest.path)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start flags");
            let output = util::interrupt_after_a_while(child);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(1), "{stdout}");
            let got = counts(&output);
            let skipped: usize = stdout
                .lines()
                .find_map(|l| l.strip_prefix("*** Interrupted: "))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no interruption line in\n{stdout}"));
            assert!(skipped > 0 && got.downloaded > 0, "{stdout}");
            assert_eq!(
                got.downloaded + got.not_found + got.errors + skipped,
                194,
                "{stdout}"
            );
            let names = files(&dest.path);
            assert_eq!(
                names.len(),
                got.downloaded,
                "no temp file may remain: {names:?}"
            );
        },
    );
}

#[test]
fn a_run_removes_temp_files_that_killed_runs_left_and_keeps_live_ones() {
    watchdog::within(
        util::WATCHDOG,
        "a run removes temp files that killed runs left and keeps live ones",
        || {
            let dest = TempDir::new("stale");
            // A process that has exited: its pid names no process now (a `kill -9` during
            // a save leaves a temp file named after such a pid).
            let dead = {
                let mut child = std::process::Command::new("true")
                    .spawn()
                    .expect("run true");
                let pid = child.id();
                child.wait().expect("wait for true");
                pid
            };
            let live = std::process::id();
            let stale = format!(".AD.gif.{dead}.0.part");
            let in_use = format!(".CN.gif.{live}.5.part");
            for name in [&stale, &in_use] {
                std::fs::write(dest.path.join(name), b"GIF8").expect("plant temp file");
            }
            let output = run_flags(&["br", "--dest", dest.path.to_str().expect("utf-8")]);
            assert_eq!(output.status.code(), Some(0));
            assert_eq!(files(&dest.path), [in_use, "BR.gif".to_owned()]);
        },
    );
}
