//! `--names` is the book's flags3: after each flag, `metadata.json`, and the file is
//! named from its `country` as flags3 names it. Checked against Python's
//! `http.server`, the book's LOCAL server, which logs every request it answers.

mod util;

use util::{Counts, PythonServer, TempDir, archive_file, archive_gif, counts, files, run_flags};

/// A site laid out as the book's: `flags/{cc}/{cc}.gif` and `flags/{cc}/metadata.json`,
/// with BR and CI as the book's archive has them, CN with a broken metadata.json, ZA
/// with none, and no folder for XX.
fn site() -> TempDir {
    let site = TempDir::new("names-site");
    for cc in ["br", "ci", "cn", "za"] {
        let folder = site.path.join("flags").join(cc);
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join(format!("{cc}.gif")), archive_gif(cc)).expect("write gif");
        let metadata = match cc {
            "cn" => Some(b"{\"tld_cc\": \".cn\", \"country\": ".to_vec()),
            "za" => None,
            _ => Some(archive_file(cc, "metadata.json")),
        };
        if let Some(json) = metadata {
            std::fs::write(folder.join("metadata.json"), json).expect("write metadata");
        }
    }
    site
}

#[test]
fn names_fetch_metadata_after_each_flag_and_name_files_from_it() {
    watchdog::within(
        util::WATCHDOG,
        "names fetch metadata after each flag and name files from it",
        || {
            let site = site();
            for mode in ["async", "threads", "sequential"] {
                let server = PythonServer::start(&site.path);
                let dest = TempDir::new("names-dest");
                let base = server.base();
                let output = run_flags(&[
                    "-s",
                    &base,
                    "--names",
                    "--mode",
                    mode,
                    "-v",
                    "br",
                    "ci",
                    "cn",
                    "za",
                    "xx",
                    "--dest",
                    dest.path.to_str().expect("utf-8"),
                ]);
                let stdout = String::from_utf8_lossy(&output.stdout);
                let mut requests = server.requests();
                requests.sort();
                // Two requests for each flag found, one for the missing XX.
                assert_eq!(
                    requests,
                    [
                        "/flags/br/br.gif",
                        "/flags/br/metadata.json",
                        "/flags/ci/ci.gif",
                        "/flags/ci/metadata.json",
                        "/flags/cn/cn.gif",
                        "/flags/cn/metadata.json",
                        "/flags/xx/xx.gif",
                        "/flags/za/metadata.json",
                        "/flags/za/za.gif",
                    ],
                    "{mode}"
                );
                // Each broken metadata.json is one error for its code, nothing more.
                assert_eq!(
                    counts(&output),
                    Counts {
                        downloaded: 2,
                        not_found: 1,
                        errors: 2
                    },
                    "{mode}\n{stdout}"
                );
                assert!(
            stdout.contains(
                " 2 errors: 1 malformed metadata.json, 1 metadata.json: HTTP 404 File not found\n"
            ),
            "{mode}\n{stdout}"
        );
                assert!(stdout.contains("*** Error for CN: metadata.json has no country name"));
                assert_eq!(
                    files(&dest.path),
                    ["Brazil.gif", "Côte_d'Ivoire.gif"],
                    "{mode}"
                );
                assert_eq!(output.status.code(), Some(1), "{mode}");
            }
        },
    );
}

#[test]
fn a_country_name_that_is_a_path_is_refused() {
    watchdog::within(
        util::WATCHDOG,
        "a country name that is a path is refused",
        || {
            let site = TempDir::new("names-hostile");
            let folder = site.path.join("flags/br");
            std::fs::create_dir_all(&folder).expect("mkdir");
            std::fs::write(folder.join("br.gif"), archive_gif("br")).expect("write gif");
            std::fs::write(
                folder.join("metadata.json"),
                r#"{"country": "../../escaped"}"#,
            )
            .expect("write metadata");
            let server = PythonServer::start(&site.path);
            let dest = TempDir::new("names-hostile-dest");
            let output = run_flags(&[
                "-s",
                &server.base(),
                "--names",
                "br",
                "--dest",
                dest.path.to_str().expect("utf-8"),
            ]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                stdout.contains("  1 error: 1 unusable country name\n"),
                "{stdout}"
            );
            assert!(files(&dest.path).is_empty());
            assert!(!dest.path.join("../../escaped.gif").exists());
        },
    );
}
