//! The downloader against a server not written here: Python's `http.server`
//! serving a temp directory of flags from the book's archive.

mod util;

use util::{Counts, PythonServer, TempDir, archive_gif, counts, files, run_flags};

#[test]
fn downloads_from_python_http_server() {
    watchdog::within(util::WATCHDOG, "downloads from python http server", || {
        let site = TempDir::new("pysite");
        for cc in ["br", "cn", "in"] {
            let folder = site.path.join("flags").join(cc);
            std::fs::create_dir_all(&folder).expect("mkdir");
            std::fs::write(folder.join(format!("{cc}.gif")), archive_gif(cc)).expect("write gif");
        }
        let server = PythonServer::start(&site.path);
        let dest = TempDir::new("pydest");
        let base = server.base();
        for mode in ["sequential", "threads", "async"] {
            let output = run_flags(&[
                "-s",
                &base,
                "--mode",
                mode,
                "br",
                "cn",
                "in",
                "xx",
                "--dest",
                dest.path.to_str().expect("utf-8"),
            ]);
            assert_eq!(output.status.code(), Some(0), "{mode}");
            assert_eq!(
                counts(&output),
                Counts {
                    downloaded: 3,
                    not_found: 1,
                    errors: 0
                },
                "{mode}"
            );
            assert!(
                String::from_utf8_lossy(&output.stdout).starts_with(&format!("URL site: {base}"))
            );
        }
        assert_eq!(files(&dest.path), ["BR.gif", "CN.gif", "IN.gif"]);
        for cc in ["BR", "CN", "IN"] {
            let saved = std::fs::read(dest.path.join(format!("{cc}.gif"))).expect("saved");
            assert!(saved == archive_gif(cc), "{cc} differs");
        }
    });
}
