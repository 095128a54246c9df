//! The downloader against a server not written here: Python's `http.server`
//! serving a temp directory of GIFs this test generates.

mod util;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use flags_app::gifgen::FlagImages;
use util::{ChildGuard, Counts, TempDir, counts, files, require, run_flags};

#[test]
fn downloads_from_python_http_server() {
    let site = TempDir::new("pysite");
    let images = FlagImages::new();
    for cc in ["br", "cn", "in"] {
        let folder = site.path.join("flags").join(cc);
        std::fs::create_dir_all(&folder).expect("mkdir");
        let gif = images.get(&cc.to_ascii_uppercase()).expect("known code");
        std::fs::write(folder.join(format!("{cc}.gif")), &gif[..]).expect("write gif");
    }
    require("python3", "python3");
    let child = Command::new("python3")
        .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
        .current_dir(&site.path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = child.expect("start python3 -m http.server");
    let stdout = child.stdout.take().expect("piped");
    let _guard = ChildGuard { child };
    let mut banner = String::new();
    BufReader::new(stdout)
        .read_line(&mut banner)
        .expect("banner");
    // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
    let port: u16 = banner
        .split(" port ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {banner:?}"));
    let dest = TempDir::new("pydest");
    let base = format!("http://127.0.0.1:{port}/flags");
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
        assert!(String::from_utf8_lossy(&output.stdout).starts_with(&format!("URL site: {base}")));
    }
    assert_eq!(files(&dest.path), ["BR.gif", "CN.gif", "IN.gif"]);
    for cc in ["BR", "CN", "IN"] {
        let saved = std::fs::read(dest.path.join(format!("{cc}.gif"))).expect("saved");
        assert!(saved == *images.get(cc).expect("known"), "{cc} differs");
    }
}
