//! `flags serve` answers a browser: `/` and `/flags/` are an HTML index of the flags,
//! self-contained, each flag linking its GIF and its metadata.json. Checked raw, and
//! in a real browser (headless Chromium), counting what the browser asked for.

mod util;

use std::process::Command;

use headless_chromium::dump_dom;
use util::{TempDir, require, start_serve, start_serve_logged};

/// GETs `path` with curl; returns the status line, the Content-Type and the body.
fn curl(addr: std::net::SocketAddr, path: &str) -> (String, String, String) {
    require("curl", "curl");
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "10", "--include"])
        .arg(format!("http://{addr}{path}"))
        .output()
        .expect("run curl");
    assert!(output.status.success(), "curl {path} failed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let status = head.lines().next().unwrap_or_default().to_owned();
    let content_type = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Type: "))
        .unwrap_or_default()
        .to_owned();
    (status, content_type, body.to_owned())
}

#[test]
fn the_index_lists_every_flag_with_its_links_and_nothing_from_elsewhere() {
    watchdog::within(
        util::WATCHDOG,
        "the index lists every flag with its links and nothing from elsewhere",
        || {
            let (_server, addr) = start_serve(&[]);
            for path in ["/", "/flags/"] {
                let (status, content_type, body) = curl(addr, path);
                assert_eq!(status, "HTTP/1.1 200 OK", "{path}");
                assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
                assert_eq!(body.matches("<img src=\"/flags/").count(), 194, "{path}");
                assert_eq!(body.matches("<a href=\"/flags/").count(), 2 * 194, "{path}");
                assert_eq!(body.matches(".gif\"><img").count(), 194, "{path}");
                assert_eq!(body.matches("/metadata.json\">").count(), 194, "{path}");
                assert!(body.contains("BR Brazil"), "{path}");
                assert!(
                    body.contains("VC Grenadines"),
                    "{path}: the archive's own names"
                );
                // Every URL in the page is a path on this server: no scheme, no other host.
                for attribute in ["src=\"", "href=\""] {
                    for (at, _) in body.match_indices(attribute) {
                        let url = &body[at + attribute.len()..];
                        assert!(url.starts_with('/') && !url.starts_with("//"), "{url:.40}");
                    }
                }
                assert!(!body.contains("http://") && !body.contains("https://"));
            }
        },
    );
}

#[test]
fn chromium_shows_the_index_and_loads_every_flag_from_this_server() {
    watchdog::within(
        util::WATCHDOG,
        "chromium shows the index and loads every flag from this server",
        || {
            let (server, addr) = start_serve_logged(&[]);
            let scratch = TempDir::new("chromium-profile");
            let dom = dump_dom(&format!("http://{addr}/"), &scratch.path);
            assert!(
                dom.contains("<title>Flags of 194 countries</title>"),
                "{dom:.300}"
            );
            assert_eq!(dom.matches("<img ").count(), 194);
            // The browser fetched each flag once, and nothing but this server's own paths.
            let log = server.lines();
            let requests: Vec<&str> = log
                .iter()
                .filter_map(|line| line.strip_prefix("GET "))
                .filter_map(|rest| rest.split_whitespace().next())
                .collect();
            let gifs = requests
                .iter()
                .filter(|path| path.starts_with("/flags/") && path.ends_with(".gif"))
                .count();
            assert_eq!(gifs, 194, "{requests:?}");
            for path in &requests {
                assert!(
                    *path == "/" || *path == "/favicon.ico" || path.starts_with("/flags/"),
                    "{path}"
                );
            }
        },
    );
}
