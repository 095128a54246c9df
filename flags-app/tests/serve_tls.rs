//! `flags serve --tls-cert FILE --tls-key FILE`: curl and our own client fetch from it with
//! a throwaway CA's certificate (`test-pki`) and with the README's self-signed one (made
//! with the README's own openssl command), faults are injected over TLS too, and unusable
//! files stop it with a message naming them.
//!
//! Needs curl and openssl (`apt-get install -y curl openssl`, as .ci/setup does).

mod util;

use std::process::Command;

use util::tls::{Pki, flags_into};
use util::{TempDir, archive_gif, counts, files, require, run_flags, start_serve};

#[test]
fn flags_serve_over_tls_answers_curl_and_our_client() {
    watchdog::within(
        util::WATCHDOG,
        "flags serve over tls answers curl and our client",
        || {
            require("curl", "curl");
            let pki = Pki::loopback("flags test CA");
            let (_server, addr) = start_serve(&[
                "--tls-cert",
                Pki::arg(&pki.server_cert),
                "--tls-key",
                Pki::arg(&pki.server_key),
            ]);
            let curl = Command::new("curl")
                .args(["--silent", "--show-error", "--fail", "--cacert"])
                .arg(&pki.ca_cert)
                .arg(format!("https://{addr}/flags/br/br.gif"))
                .output()
                .expect("run curl");
            assert!(
                curl.status.success(),
                "curl: {}",
                String::from_utf8_lossy(&curl.stderr)
            );
            assert!(curl.stdout == archive_gif("BR"), "BR differs");
            // curl without the CA refuses the server, as our client does.
            let untrusted = Command::new("curl")
                .args(["--silent", "--fail"])
                .arg(format!("https://{addr}/flags/br/br.gif"))
                .output()
                .expect("run curl");
            assert_eq!(
                untrusted.status.code(),
                Some(60),
                "curl's certificate error"
            );

            let dest = TempDir::new("serve-tls-dest");
            let output = flags_into(
                &dest,
                &[
                    "-s",
                    &format!("https://{addr}/flags"),
                    "--cacert",
                    Pki::arg(&pki.ca_cert),
                    "--mode",
                    "threads",
                    "-l",
                    "20",
                ],
            );
            assert_eq!(output.status.code(), Some(0));
            assert_eq!(counts(&output).downloaded, 20);
            assert_eq!(files(&dest.path).len(), 20);
        },
    );
}

/// The README's `openssl req ...` command for a self-signed certificate, as written there.
fn readme_openssl_command() -> String {
    let readme = include_str!("../README.md");
    let mut lines = readme
        .lines()
        .skip_while(|line| !line.starts_with("openssl req "));
    let mut command = String::new();
    for line in lines.by_ref() {
        command.push_str(line.trim_end_matches('\\'));
        command.push(' ');
        if !line.ends_with('\\') {
            break;
        }
    }
    assert!(!command.is_empty(), "no openssl command in the README");
    command
}

#[test]
fn the_readmes_self_signed_certificate_works_with_flags_serve_and_our_client() {
    watchdog::within(
        util::WATCHDOG,
        "the readmes self signed certificate works with flags serve and our client",
        || {
            require("openssl", "openssl");
            let dir = TempDir::new("readme-cert");
            let made = Command::new("sh")
                .args(["-c", &readme_openssl_command()])
                .current_dir(&dir.path)
                .output()
                .expect("run openssl");
            assert!(
                made.status.success(),
                "{}",
                String::from_utf8_lossy(&made.stderr)
            );
            let cert = dir.path.join("cert.pem");
            let key = dir.path.join("key.pem");
            let (_server, addr) =
                start_serve(&["--tls-cert", Pki::arg(&cert), "--tls-key", Pki::arg(&key)]);
            let dest = TempDir::new("readme-cert-dest");
            let output = flags_into(
                &dest,
                &[
                    "-s",
                    &format!("https://{addr}/flags"),
                    "--cacert",
                    Pki::arg(&cert),
                    "br",
                    "cn",
                    "in",
                ],
            );
            assert_eq!(output.status.code(), Some(0), "{output:?}");
            assert_eq!(files(&dest.path), ["BR.gif", "CN.gif", "IN.gif"]);
        },
    );
}

#[test]
fn flags_serve_injects_its_faults_over_tls_too() {
    watchdog::within(
        util::WATCHDOG,
        "flags serve injects its faults over tls too",
        || {
            let pki = Pki::loopback("flags test CA");
            let (_server, addr) = start_serve(&[
                "--tls-cert",
                Pki::arg(&pki.server_cert),
                "--tls-key",
                Pki::arg(&pki.server_key),
                "--error-rate",
                "1",
                "--error-kinds",
                "418",
            ]);
            let dest = TempDir::new("serve-tls-faults");
            let output = flags_into(
                &dest,
                &[
                    "-s",
                    &format!("https://{addr}/flags"),
                    "--cacert",
                    Pki::arg(&pki.ca_cert),
                    "-l",
                    "5",
                ],
            );
            assert_eq!(output.status.code(), Some(1));
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                stdout.contains("5 errors: 5 HTTP 418 I'm a Teapot"),
                "{stdout}"
            );
        },
    );
}

#[test]
fn flags_serve_refuses_unusable_tls_files_naming_them() {
    watchdog::within(
        util::WATCHDOG,
        "flags serve refuses unusable tls files naming them",
        || {
            let pki = Pki::loopback("flags test CA");
            let missing = pki.dir.path.join("missing.crt");
            let output = run_flags(&[
                "serve",
                "--port",
                "0",
                "--tls-cert",
                Pki::arg(&missing),
                "--tls-key",
                Pki::arg(&pki.server_key),
            ]);
            assert_eq!(output.status.code(), Some(1));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(&format!("--tls-cert {}: ", missing.display())),
                "{stderr}"
            );
            // A key that is not the certificate's.
            let other = Pki::loopback("another CA");
            let output = run_flags(&[
                "serve",
                "--port",
                "0",
                "--tls-cert",
                Pki::arg(&pki.server_cert),
                "--tls-key",
                Pki::arg(&other.server_key),
            ]);
            assert_eq!(output.status.code(), Some(1));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("--tls-cert and --tls-key"), "{stderr}");
        },
    );
}
