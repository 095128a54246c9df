//! Running headless Chromium: found on the PATH, bounded in time, in a
//! process group of its own.
//!
//! Every run gets a fresh profile directory (under the caller's scratch
//! directory), and the switches that stop Chromium from reaching the
//! network on its own (updates, sync, safe browsing lists): a test reads a
//! page from disk or from a server on 127.0.0.1, nothing else. Chromium
//! starts helper processes (zygote, renderer, GPU); the browser is made the
//! leader of a new process group, so that all of them are killed together
//! when it ends or overruns [`BROWSER_LIMIT`] (`process_group.rs`; on
//! Windows, the browser alone).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::image::Screenshot;
use crate::process_group::{kill_group, lead_a_new_group};

/// Longest one Chromium run may take before the test gives up on it.
/// Generous: the machine is shared and Chromium starts slowly.
pub const BROWSER_LIMIT: Duration = Duration::from_secs(90);

/// The window (and so the screenshot) size unless a run asks for another.
const DEFAULT_WINDOW: &str = "--window-size=1200,800";

/// How often a run checks whether Chromium has ended.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Finds Chromium on the PATH, or fails the test saying how to install it.
pub fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "this test opens a page in a real browser, and Chromium is not on the PATH: \
         install it with `apt-get update && apt-get install -y chromium` (as .ci/run does)"
    );
}

/// `file:///abs/path` for a page on disk.
pub fn file_url(page: &Path) -> String {
    format!("file://{}", page.display())
}

/// Runs headless Chromium on `url` with `extra` switches and a fresh
/// profile under `scratch`; kills it after [`BROWSER_LIMIT`]. A
/// `--window-size=W,H` among `extra` replaces the default 1200×800.
pub fn run(url: &str, extra: &[String], scratch: &Path) -> Output {
    static PROFILES: AtomicU32 = AtomicU32::new(0);
    let profile = scratch.join(format!(
        "chromium-profile-{}",
        PROFILES.fetch_add(1, Ordering::Relaxed)
    ));
    let sized = extra.iter().any(|arg| arg.starts_with("--window-size="));
    let mut command = Command::new(chromium());
    lead_a_new_group(&mut command);
    let mut child = command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .args((!sized).then_some(DEFAULT_WINDOW))
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    // Drain both pipes on threads, so that a large DOM or many warnings
    // cannot fill a pipe and stall the browser while we wait for it.
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            kill_group(&mut child);
            let stdout = stdout.join().expect("stdout reader");
            let stderr = stderr.join().expect("stderr reader");
            return Output {
                status,
                stdout,
                stderr,
            };
        }
        if started.elapsed() > BROWSER_LIMIT {
            kill_group(&mut child);
            let _ = child.wait();
            panic!("chromium ran over {BROWSER_LIMIT:?} on {url}");
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// The DOM of `url` once its scripts have run (`--dump-dom`), failing the
/// test if Chromium fails.
pub fn dump_dom(url: &str, scratch: &Path) -> String {
    let output = run(url, &["--dump-dom".to_owned()], scratch);
    assert!(
        output.status.success(),
        "chromium --dump-dom {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("a UTF-8 DOM")
}

/// A screenshot of `url` in a window of `width`×`height`, written to `png`
/// and decoded, failing the test if Chromium fails.
pub fn screenshot(
    url: &str,
    (width, height): (u32, u32),
    png: &Path,
    scratch: &Path,
) -> Screenshot {
    let output = run(
        url,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
        ],
        scratch,
    );
    assert!(
        output.status.success(),
        "chromium --screenshot {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Screenshot::decode(png)
}

/// Reads `pipe` to its end on a thread.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
