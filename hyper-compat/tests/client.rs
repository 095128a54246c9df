//! hyper's HTTP/1 client on our runtime, fetching files from real servers:
//! nginx and `python3 -m http.server`. Bytes are compared with the files.

mod util;

use util::{TempDir, get_all_blocking, nginx, noise, python_http_server, require};

/// How long a test may wait for its loop, its peer and its wakes before
/// the watchdog fails it, naming the test (a lost wake or a peer that
/// never answers would otherwise hang the run); each takes well under a
/// second when nothing is lost.
const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// The files both servers serve: name and content.
fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty.bin", Vec::new()),
        ("small.txt", b"a small text file\n".repeat(64)),
        // Several MB: many reads through `Io`, and hyper's read buffer grows.
        ("big.bin", noise(3 << 20, 42)),
    ]
}

/// A directory holding [`files`].
fn site(label: &str) -> TempDir {
    let root = TempDir::new(label);
    for (name, bytes) in files() {
        root.write(name, bytes.as_slice());
    }
    root
}

#[test]
fn fetches_files_from_nginx_over_one_keep_alive_connection() {
    watchdog::within(
        WATCHDOG,
        "fetches files from nginx over one keep alive connection",
        || {
            let root = site("hyper-nginx-root");
            let prefix = TempDir::new("hyper-nginx-prefix");
            let server = nginx(&root.path, &prefix, "");
            let addr = ([127, 0, 0, 1], server.port).into();

            let files = files();
            let mut paths: Vec<String> = files.iter().map(|(name, _)| format!("/{name}")).collect();
            paths.push("/missing.bin".into());
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            let fetched = get_all_blocking(addr, &paths);

            assert_eq!(fetched.len(), 4);
            for ((name, bytes), got) in files.iter().zip(&fetched) {
                assert_eq!(got.status, 200, "{name}");
                assert_eq!(got.body.len(), bytes.len(), "{name}");
                assert!(got.body == *bytes, "{name}: the bytes differ from the file");
            }
            assert_eq!(fetched[3].status, 404);
            // nginx numbers the requests of each connection: one connection, 1..=4.
            let header = |i: usize, name: &str| {
                fetched[i]
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let connection = header(0, "x-connection");
            assert!(connection.is_some(), "nginx sent no X-Connection header");
            for i in 0..4 {
                assert_eq!(header(i, "x-connection"), connection, "request {i}");
                assert_eq!(
                    header(i, "x-connection-requests"),
                    Some((i + 1).to_string()),
                    "request {i}"
                );
            }
        },
    );
}

#[test]
fn fetches_files_from_python_http_server() {
    watchdog::within(WATCHDOG, "fetches files from python http server", || {
        require("python3", "python3");
        let root = site("hyper-python-root");
        let server = python_http_server(&root.path);
        let addr = ([127, 0, 0, 1], server.port).into();

        // http.server answers in HTTP/1.0 and closes: one connection per file.
        for (name, bytes) in files() {
            let fetched = get_all_blocking(addr, &[&format!("/{name}")]);
            assert_eq!(fetched[0].status, 200, "{name}");
            assert_eq!(fetched[0].body.len(), bytes.len(), "{name}");
            assert!(
                fetched[0].body == bytes,
                "{name}: the bytes differ from the file"
            );
        }
        let missing = get_all_blocking(addr, &["/missing.bin"]);
        assert_eq!(missing[0].status, 404);
    });
}
