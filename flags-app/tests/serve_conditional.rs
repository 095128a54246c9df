//! What a browser and a cache expect of `flags serve --dir`'s files: `Date`,
//! `Last-Modified` and `ETag` on a file, `304 Not Modified` (no body) when a
//! request sends them back and the file is unchanged, `200` with the new bytes
//! when it changed, and `HEAD` with the length and no body. Checked with curl,
//! on a raw socket, and in headless Chromium, which revalidates on its own.

mod util;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use headless_chromium::run;
use util::{TempDir, require, start_serve, start_serve_logged};

/// The small flag of these tests.
const GIF: &[u8] = b"GIF89a-conditional";

/// A `--dir` tree holding `flags/br/br.gif`.
fn tree() -> TempDir {
    let tree = TempDir::new("conditional-dir");
    std::fs::create_dir_all(tree.path.join("flags/br")).expect("mkdir");
    std::fs::write(tree.path.join("flags/br/br.gif"), GIF).expect("write");
    tree
}

/// A response as curl saw it.
#[derive(Debug)]
struct Seen {
    /// The status line.
    status: String,
    /// Header lines, as sent.
    headers: Vec<String>,
    /// The body.
    body: Vec<u8>,
}

impl Seen {
    /// The value of the `name` field (case-insensitive), if sent.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|line| {
            let (field, value) = line.split_once(':')?;
            field.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// GETs `path` with curl and extra `headers`.
fn curl(addr: SocketAddr, path: &str, headers: &[String]) -> Seen {
    require("curl", "curl");
    let mut command = Command::new("curl");
    command.args(["--silent", "--show-error", "--max-time", "10", "--include"]);
    for header in headers {
        command.args(["--header", header]);
    }
    let output = command
        .arg(format!("http://{addr}{path}"))
        .output()
        .expect("run curl");
    assert!(output.status.success(), "curl {path} failed");
    let split = output
        .stdout
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&output.stdout[..split]).into_owned();
    let mut lines = head.lines().map(str::to_owned);
    Seen {
        status: lines.next().unwrap_or_default(),
        headers: lines.collect(),
        body: output.stdout[split + 4..].to_vec(),
    }
}

#[test]
fn a_file_carries_validators_and_sent_back_they_get_304_without_a_body() {
    watchdog::within(
        util::WATCHDOG,
        "a file carries validators and sent back they get 304 without a body",
        || {
            let tree = tree();
            let (_server, addr) = start_serve(&["--dir", tree.path.to_str().expect("utf-8")]);
            let first = curl(addr, "/flags/br/br.gif", &[]);
            assert_eq!(first.status, "HTTP/1.1 200 OK");
            assert_eq!(first.body, GIF);
            assert_eq!(first.header("Content-Type"), Some("image/gif"));
            assert_eq!(first.header("Content-Length"), Some("18"));
            assert!(first.header("Date").is_some_and(|d| d.ends_with(" GMT")));
            assert_eq!(first.header("Accept-Ranges"), None, "ranges are not served");
            let etag = first.header("ETag").expect("an ETag").to_owned();
            let modified = first
                .header("Last-Modified")
                .expect("Last-Modified")
                .to_owned();
            assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

            for condition in [
                format!("If-None-Match: {etag}"),
                format!("If-None-Match: \"other\", W/{etag}"),
                format!("If-Modified-Since: {modified}"),
                "If-Modified-Since: Fri, 31 Dec 2100 23:59:59 GMT".to_owned(),
            ] {
                let again = curl(addr, "/flags/br/br.gif", std::slice::from_ref(&condition));
                assert_eq!(again.status, "HTTP/1.1 304 Not Modified", "{condition}");
                assert!(again.body.is_empty(), "{condition}");
                assert_eq!(again.header("ETag"), Some(etag.as_str()), "{condition}");
                assert_eq!(again.header("Content-Length"), None, "{condition}");
            }
            for condition in [
                "If-None-Match: \"other\"".to_owned(),
                "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT".to_owned(),
                "If-Modified-Since: not a date".to_owned(),
                // If-None-Match decides when both are sent.
                format!("If-None-Match: \"other\"\r\nIf-Modified-Since: {modified}"),
            ] {
                let headers: Vec<String> = condition.split("\r\n").map(str::to_owned).collect();
                let full = curl(addr, "/flags/br/br.gif", &headers);
                assert_eq!(full.status, "HTTP/1.1 200 OK", "{condition}");
                assert_eq!(full.body, GIF, "{condition}");
            }

            // Changed on disk (another length): the old tag no longer matches.
            std::fs::write(tree.path.join("flags/br/br.gif"), b"GIF89a-new").expect("rewrite");
            let changed = util::eventually(Duration::from_secs(10), || {
                let seen = curl(
                    addr,
                    "/flags/br/br.gif",
                    &[format!("If-None-Match: {etag}")],
                );
                seen.status == "HTTP/1.1 200 OK" && seen.body == b"GIF89a-new"
            });
            assert!(changed, "the changed file kept answering 304");
        },
    );
}

/// Reads one response head from `stream`, byte by byte (so that nothing after it
/// is taken), within the stream's read timeout.
fn read_head(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        if let Err(err) = stream.read_exact(&mut byte) {
            panic!(
                "no complete head ({err}); got {:?}",
                String::from_utf8_lossy(&got)
            );
        }
        got.push(byte[0]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn head_gives_the_length_and_no_body_on_a_kept_alive_connection() {
    watchdog::within(
        util::WATCHDOG,
        "head gives the length and no body on a kept alive connection",
        || {
            let tree = tree();
            let (_server, addr) = start_serve(&["--dir", tree.path.to_str().expect("utf-8")]);
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            // Twice: cold (through the blocking pool) and warm (from the cache).
            for round in 0..2 {
                write!(stream, "HEAD /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
                let head = read_head(&mut stream);
                assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{round}: {head}");
                assert!(
                    head.contains("\r\nContent-Length: 18\r\n"),
                    "{round}: {head}"
                );
                assert!(head.contains("\r\nETag: \""), "{round}: {head}");
            }
            // If HEAD had sent a body, these bytes would come first.
            write!(
                stream,
                "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            .expect("send");
            let head = read_head(&mut stream);
            assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
            let mut body = Vec::new();
            stream.read_to_end(&mut body).expect("body");
            assert_eq!(body, GIF);
        },
    );
}

/// A page, opened from disk, that fetches the flag twice with synchronous
/// requests, 300 ms apart, and writes what it got into the DOM. The second
/// request goes through Chromium's HTTP cache: with a `Last-Modified` this
/// recent, its heuristic freshness (a tenth of the time since the file changed)
/// is over, so it revalidates with the validators it kept.
fn page(addr: SocketAddr) -> String {
    format!(
        r#"<!doctype html><title>conditional</title><body><pre id="out"></pre><script>
const url = "http://{addr}/flags/br/br.gif";
const lines = [];
for (let i = 0; i < 2; i++) {{
  const started = Date.now();
  while (i > 0 && Date.now() - started < 300) {{}}
  const xhr = new XMLHttpRequest();
  xhr.open("GET", url, false);
  xhr.send();
  lines.push("fetch " + i + ": " + xhr.status + " " + xhr.responseText.length + " " + xhr.getResponseHeader("ETag"));
}}
document.getElementById("out").textContent = lines.join("\n");
</script></body>"#
    )
}

#[test]
fn chromium_revalidates_a_cached_flag_and_is_answered_304() {
    watchdog::within(
        util::WATCHDOG,
        "chromium revalidates a cached flag and is answered 304",
        || {
            let tree = tree();
            let (server, addr) = start_serve_logged(&["--dir", tree.path.to_str().expect("utf-8")]);
            let page_path = tree.path.join("page.html");
            std::fs::write(&page_path, page(addr)).expect("write page");
            let scratch = TempDir::new("chromium-conditional");
            let output = run(
                &format!("file://{}", page_path.display()),
                &[
                    "--dump-dom".to_owned(),
                    // The page is a file; the flag is on 127.0.0.1: let it read the answer.
                    "--disable-web-security".to_owned(),
                ],
                &scratch.path,
            );
            assert!(output.status.success(), "chromium failed");
            let dom = String::from_utf8_lossy(&output.stdout).into_owned();
            // The page saw the flag twice, whole (the second time from the cache, which
            // the 304 refreshed), with the same tag.
            let out = dom
                .split("<pre id=\"out\">")
                .nth(1)
                .and_then(|rest| rest.split("</pre>").next())
                .unwrap_or_default();
            let seen: Vec<&str> = out.lines().collect();
            assert_eq!(seen.len(), 2, "{dom}");
            let first = seen[0].strip_prefix("fetch 0: ").unwrap_or_default();
            assert!(first.starts_with("200 18 \""), "{dom}");
            assert_eq!(seen[1].strip_prefix("fetch 1: "), Some(first), "{dom}");
            // The server was asked twice: 200, then 304.
            let answers: Vec<String> = server
                .lines()
                .into_iter()
                .filter(|line| line.starts_with("GET /flags/br/br.gif"))
                .collect();
            assert_eq!(answers.len(), 2, "{answers:?}");
            assert!(answers[0].contains(" -> 200 "), "{answers:?}");
            assert!(answers[1].contains(" -> 304 "), "{answers:?}");
        },
    );
}
