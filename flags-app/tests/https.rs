//! The downloader over https against real TLS peers on loopback with a throwaway CA
//! (`test-pki`): nginx serving the book's archive of 194 flags (the book's own LOCAL
//! set-up, over TLS), a CA the client does not trust, and
//! `-s REMOTE` where the site's name cannot resolve. `flags serve` over https is in
//! `serve_tls.rs`.
//!
//! Needs nginx (`apt-get install -y nginx`, as .ci/setup does).

mod util;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use util::tls::{Nginx, Pki, flags_into};
use util::{
    ARCHIVE, Counts, TempDir, archive_codes, archive_gif, counts, files, run_flags,
    run_flags_with_env,
};

#[test]
fn all_194_flags_from_nginx_over_https_are_byte_identical_over_kept_alive_connections() {
    watchdog::within(
        util::WATCHDOG,
        "all 194 flags from nginx over https are byte identical over kept alive connections",
        || {
            let pki = Pki::loopback("flags test CA");
            let codes = archive_codes();
            assert_eq!(codes.len(), 194);
            let nginx = Nginx::start(std::path::Path::new(ARCHIVE), &pki);
            let dest = TempDir::new("https-dest");
            let base = nginx.base();
            let output = flags_into(
                &dest,
                &["-s", &base, "--cacert", Pki::arg(&pki.ca_cert), "-a"],
            );
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(0), "{stdout}");
            assert!(
                stdout.starts_with(&format!("URL site: {base}\n")),
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
            for cc in &codes {
                let saved = std::fs::read(dest.path.join(format!("{cc}.gif"))).expect("saved");
                assert!(saved == archive_gif(cc), "{cc} differs");
            }
            // Keep-alive over TLS: the five concurrent connections carried all 194 requests.
            let requests = nginx.requests();
            assert_eq!(requests.len(), 194, "one request per flag");
            let connections: BTreeSet<u64> = requests.iter().map(|(conn, _, _)| *conn).collect();
            assert!(
                connections.len() <= 5,
                "{} connections for 5 concurrent requests",
                connections.len()
            );
            let most_on_one = requests.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
            assert!(
                most_on_one >= 194 / 5,
                "at most {most_on_one} requests on a connection"
            );
        },
    );
}

#[test]
fn a_site_whose_certificate_is_from_another_ca_fails_every_code_and_writes_nothing() {
    let pki = Pki::loopback("flags test CA");
    let stranger = Pki::loopback("a CA nobody asked for");
    let root = TempDir::new("https-empty-site");
    let nginx = Nginx::start(&root.path, &pki);
    let dest = TempDir::new("https-wrong-ca");
    let output = flags_into(
        &dest,
        &[
            "-s",
            &nginx.base(),
            "--cacert",
            Pki::arg(&stranger.ca_cert),
            "-v",
            "-a",
            "-l",
            "30",
            "-m",
            "10",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 0,
            not_found: 0,
            errors: 30
        }
    );
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("*** Error for "))
        .collect();
    assert_eq!(errors.len(), 30, "{stdout}");
    for line in errors {
        assert!(
            line.contains("cannot connect securely to 127.0.0.1:")
                && line.contains("(unknown issuer)"),
            "{line}"
        );
    }
    assert!(
        stdout.contains(" 30 errors: 30 certificate not trusted (unknown issuer)"),
        "{stdout}"
    );
    assert_eq!(files(&dest.path), Vec::<String>::new());
    assert!(nginx.requests().is_empty(), "no request got through");
}

#[test]
fn remote_without_a_resolvable_name_fails_every_code_quickly_and_writes_nothing() {
    // `.invalid` never resolves (RFC 6761), with or without a network, so the test is the
    // same on every machine; the real site's name fails the same way where there is no
    // network, as on this project's CI.
    let remote = "https://www.fluentpython.invalid/data/flags";
    let dest = TempDir::new("remote");
    let started = Instant::now();
    let output = run_flags_with_env(
        &[
            "-s",
            "REMOTE",
            "-v",
            "-m",
            "20",
            "--timeout",
            "2",
            "--dest",
            dest.path.to_str().expect("utf-8"),
        ],
        &[("FLAGS_REMOTE_URL", remote)],
    );
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "REMOTE site: {remote}\nSearching for 20 flags: from BD to VN\n20 concurrent connections will be used.\n"
        )),
        "{stdout}"
    );
    assert_eq!(
        counts(&output),
        Counts {
            downloaded: 0,
            not_found: 0,
            errors: 20
        }
    );
    let errors = stdout
        .lines()
        .filter(|line| {
            line.starts_with("*** Error for ")
                && line.contains(": cannot resolve www.fluentpython.invalid: ")
        })
        .count();
    assert_eq!(errors, 20, "{stdout}");
    assert!(
        stdout.contains(" 20 errors: 20 cannot resolve the host name"),
        "{stdout}"
    );
    assert_eq!(files(&dest.path), Vec::<String>::new());
    // Each lookup is bounded by the 2 s connect timeout; the generous bound only says the
    // run does not hang on a shared, loaded machine.
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

#[test]
fn a_bad_remote_url_or_cacert_file_is_refused_before_any_download() {
    watchdog::within(
        util::WATCHDOG,
        "a bad remote url or cacert file is refused before any download",
        || {
            let dest = TempDir::new("bad-options");
            let output = run_flags_with_env(&["-s", "REMOTE"], &[("FLAGS_REMOTE_URL", "ftp://x")]);
            assert_eq!(output.status.code(), Some(2));
            assert!(
                String::from_utf8_lossy(&output.stderr)
                    .contains("FLAGS_REMOTE_URL='ftp://x' must be an http:// or https:// URL")
            );
            let not_pem = dest.path.join("not.pem");
            std::fs::write(&not_pem, "hello").expect("write");
            let output = flags_into(
                &dest,
                &[
                    "-s",
                    "https://127.0.0.1:9/flags",
                    "--cacert",
                    Pki::arg(&not_pem),
                ],
            );
            assert_eq!(output.status.code(), Some(1));
            assert!(output.stdout.is_empty(), "nothing starts");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("--cacert ") && stderr.contains("no \"BEGIN CERTIFICATE\" block"),
                "{stderr}"
            );
            let output = run_flags(&["--cacert", Pki::arg(&not_pem)]);
            assert_eq!(
                output.status.code(),
                Some(2),
                "--cacert with the embedded http server"
            );
        },
    );
}
