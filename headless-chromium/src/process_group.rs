//! Keeping Chromium's helper processes (zygote, renderer, GPU) with the
//! browser, so that a run leaves none behind: the one part of running the
//! browser that differs between operating systems.
//!
//! - Unix: the browser is made the leader of a new process group, and its
//!   helpers inherit the group; `kill -KILL -- -LEADER` ends all of them.
//! - Windows has no process groups of that kind. The fallback kills the
//!   browser alone (`Child::kill`), which the helpers notice through their
//!   pipes to it and exit. The complete answer there is a job object with
//!   `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`, which needs the Windows API
//!   bindings this test helper does without.

use std::process::{Child, Command};

/// Makes the process `command` starts the leader of a new process group
/// (Unix); leaves `command` as it is on Windows.
pub(crate) fn lead_a_new_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    command
}

/// Kills whatever is left of the group led by `browser` (Unix), or the
/// browser itself (Windows); nothing left is fine.
pub(crate) fn kill_group(browser: &mut Child) {
    #[cfg(unix)]
    {
        use std::process::Stdio;
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", browser.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    {
        let _ = browser.kill();
    }
}
