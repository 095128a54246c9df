//! Command-line validation: every mistake gives `*** Usage error: ...`, the usage
//! line, and exit status 2; help works.

mod util;

use util::run_flags;

fn usage_error(args: &[&str]) -> String {
    let output = run_flags(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.starts_with("*** Usage error: "),
        "{args:?}: {stderr}"
    );
    assert!(stderr.contains("Usage: flags"), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    stderr
}

#[test]
fn bad_country_codes_are_usage_errors() {
    for bad in ["ABC", "1", "B1", "é"] {
        let stderr = usage_error(&[bad]);
        assert!(
            stderr.contains("each CC argument must be A to Z or AA to ZZ."),
            "{stderr}"
        );
    }
}

#[test]
fn bad_limits_and_request_counts_are_usage_errors() {
    assert!(usage_error(&["-l", "0"]).contains("--limit N must be >= 1"));
    assert!(usage_error(&["-l", "-3"]).contains("--limit N must be >= 1"));
    assert!(usage_error(&["-m", "0"]).contains("--max-req"));
    assert!(usage_error(&["-m", "1001"]).contains("--max-req"));
    assert!(usage_error(&["--timeout", "0"]).contains("--timeout"));
    assert!(usage_error(&["--total-timeout", "0"]).contains("--total-timeout"));
    assert!(usage_error(&["--stagger", "-1"]).contains("--stagger MS must be between 0"));
    assert!(usage_error(&["--stagger", "10001"]).contains("--stagger MS must be between 0"));
    assert!(usage_error(&["--stagger", "5", "--mode", "threads"]).contains("--mode async"));
}

#[test]
fn bad_servers_and_options_are_usage_errors() {
    assert!(
        usage_error(&["-s", "REMOTES"])
            .contains("must be LOCAL, DELAY, ERROR, REMOTE or an http:// or https:// URL")
    );
    assert!(usage_error(&["-s", "ftp://example.com"]).contains("https://"));
    assert!(
        usage_error(&["-s", "http://127.0.0.1:1/flags", "--seed", "3"]).contains("embedded server")
    );
    assert!(usage_error(&["-s", "REMOTE", "--delay", "1"]).contains("embedded server"));
    assert!(usage_error(&["-s", "DELAY", "--cacert", "ca.pem"]).contains("--cacert"));
    assert!(usage_error(&["--mode", "threads", "--executor"]).contains("--executor"));
    assert!(usage_error(&["--mode", "sequential", "--save-on-loop"]).contains("--save-on-loop"));
    assert!(usage_error(&["--executor", "--save-on-loop"]).contains("pick one"));
    assert!(usage_error(&["serve", "--book", "--error-rate", "0.5"]).contains("--book"));
    // clap's own errors have the same shape.
    assert!(usage_error(&["--limit", "x"]).contains("invalid value 'x'"));
    assert!(usage_error(&["--mode", "fibers"]).contains("invalid value 'fibers'"));
    assert!(usage_error(&["--no-such-option"]).contains("--no-such-option"));
    assert!(usage_error(&["serve", "--delay", "5..1"]).contains("invalid delay"));
    assert!(usage_error(&["serve", "--error-rate", "1.5"]).contains("--error-rate"));
    assert!(usage_error(&["serve", "--error-kinds", "418,boom"]).contains("boom"));
    assert!(usage_error(&["serve", "--send-timeout", "0"]).contains("--send-timeout"));
    assert!(usage_error(&["serve", "--idle-timeout", "inf"]).contains("--idle-timeout"));
}

#[test]
fn help_lists_the_options_and_exits_0() {
    let output = run_flags(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--all",
        "--every",
        "--limit",
        "--max-req",
        "--server",
        "--verbose",
        "--mode",
        "--executor",
        "--save-on-loop",
        "--names",
        "--dest",
        "--timeout",
        "--total-timeout",
        "serve",
    ] {
        assert!(help.contains(option), "help lacks {option}");
    }
    let serve_help = run_flags(&["serve", "--help"]);
    let serve_help = String::from_utf8_lossy(&serve_help.stdout);
    for option in [
        "--port",
        "--host",
        "--book",
        "--backlog",
        "--dir",
        "--delay",
        "--error-rate",
        "--error-kinds",
        "--seed",
        "--idle-timeout",
        "--send-timeout",
    ] {
        assert!(serve_help.contains(option), "serve help lacks {option}");
    }
}

fn parse(args: &[&str]) -> flags_app::config::DownloadConfig {
    use clap::Parser;
    let mut argv = vec!["flags"];
    argv.extend_from_slice(args);
    let cli = flags_app::cli::Cli::try_parse_from(argv).expect("clap accepts");
    match cli.into_command().expect("valid") {
        flags_app::cli::Command::Download(config) => config,
        other => panic!("not a download: {other:?}"),
    }
}

#[test]
fn concurrency_defaults_depend_on_the_mode_and_never_exceed_the_codes() {
    assert_eq!(
        parse(&["-a", "--mode", "sequential", "-m", "50"]).concurrency,
        1
    );
    assert_eq!(parse(&["-a", "--mode", "threads"]).concurrency, 30);
    assert_eq!(parse(&["-a"]).concurrency, 5);
    assert_eq!(parse(&["-a", "-m", "1000"]).concurrency, 194);
    assert_eq!(parse(&["br", "cn", "-m", "100"]).concurrency, 2);
}

#[test]
fn code_list_follows_flags2s_rules() {
    assert_eq!(parse(&["-e", "-a", "br"]).codes.len(), 676);
    assert_eq!(parse(&["-a", "zz"]).codes.len(), 194);
    assert_eq!(parse(&["z", "zw", "-l", "3"]).codes, ["ZA", "ZB", "ZC"]);
    assert_eq!(parse(&[]).codes.len(), 20);
    let config = parse(&["-s", "error", "--timeout", "0.5", "--dest", "out"]);
    assert_eq!(
        config.site,
        flags_app::site::Site::Label(flags_app::site::Label::Error)
    );
    assert_eq!(config.timeout, std::time::Duration::from_millis(500));
    assert_eq!(config.total_timeout, None);
    let bounded = parse(&["--total-timeout", "10"]);
    assert_eq!(bounded.timeout, std::time::Duration::from_millis(3100));
    assert_eq!(
        bounded.total_timeout,
        Some(std::time::Duration::from_secs(10))
    );
    assert_eq!(config.dest, std::path::PathBuf::from("out"));
}
