//! What the memory tests share: running the memory binary's child mode.

use std::process::Command;

use benches::side::Side;

/// Runs the memory binary in child mode for `items` items of `case` on
/// `side`, with `extra` arguments (e.g. `--body 64`), empty or loaded; returns
/// the peak RSS in KiB it prints. `what` names the run in a failure.
pub fn child_peak_kib(
    case: &str,
    side: Side,
    items: usize,
    extra: &[&str],
    empty: bool,
    what: &str,
) -> u64 {
    let mut command = Command::new(env!("CARGO_BIN_EXE_memory"));
    command.args(["--items", &items.to_string(), "--case", case]);
    command.args(["--side", side.name()]);
    command.args(extra);
    if empty {
        command.arg("--empty");
    }
    let output = command.output().expect("run the memory binary");
    assert!(
        output.status.success(),
        "{what} on {side:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {stdout:?}"))
}
