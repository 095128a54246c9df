//! The Unix half of `sigquit.rs`: the pipe, the handler, and the thread
//! that reads the pipe. The design is in `sigquit.rs`'s module doc.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::FromRawFd;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

/// The pipe's write end, for the handler; -1 until the pipe exists.
/// Stored before the handler is installed and never closed afterwards, so
/// the handler cannot write to a reused descriptor. `Relaxed`: the number
/// is all the handler reads; the pipe behind it is the kernel's, made by
/// calls that returned before the store.
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

/// Installs the handler and starts the SIGQUIT thread, once per process.
/// A failure (no pipe, no thread) is said once on stderr; the runtime works
/// on without the handler.
pub(super) fn install_once() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if let Err(err) = install() {
            let _ = writeln!(
                io::stderr().lock(),
                "warning: no await tree on SIGQUIT: {err}"
            );
        }
    });
}

/// The handler: one byte into the pipe, nothing else (async-signal-safe).
extern "C" fn on_sigquit(_signal: libc::c_int) {
    let fd = PIPE_WRITE.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; `byte` lives across the
        // call; `fd` is the pipe's non-blocking write end, never closed. A
        // full pipe (64 KiB of unanswered signals) fails with EAGAIN, and
        // that signal is folded into the ones already waiting.
        unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    }
}

/// Makes the pipe, starts the thread that reads it, then installs the
/// handler, unless the program has a SIGQUIT handler of its own.
fn install() -> io::Result<()> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } == -1 {
        return Err(io::Error::last_os_error());
    }
    let [read_end, write_end] = fds;
    // Close-on-exec, so a child process does not inherit them; the write
    // end non-blocking, so the handler never blocks.
    for (fd, nonblocking) in [(read_end, false), (write_end, true)] {
        // SAFETY: fcntl(2) on descriptors this function just made.
        let failed = unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) == -1
                || (nonblocking && libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) == -1)
        };
        if failed {
            return Err(io::Error::last_os_error());
        }
    }
    // SAFETY: `read_end` is a descriptor this function made and nothing
    // else owns; the File closes it when the thread ends.
    let reader = unsafe { File::from_raw_fd(read_end) };
    std::thread::Builder::new()
        .name("runtime-sigquit".into())
        .spawn(move || answer_signals(reader))?;
    PIPE_WRITE.store(write_end, Ordering::Relaxed);

    // SAFETY: a zeroed `sigaction` is a valid value of the plain C struct
    // (no handler, no flags, an empty mask), filled in below.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = on_sigquit as extern "C" fn(libc::c_int) as libc::sighandler_t;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: as above, for the old action.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: `action` and `old` are valid structs; sigemptyset and
    // sigaction write only to them. The handler is async-signal-safe.
    let installed = unsafe {
        libc::sigemptyset(&raw mut action.sa_mask);
        libc::sigaction(libc::SIGQUIT, &raw const action, &raw mut old)
    };
    if installed == -1 {
        return Err(io::Error::last_os_error());
    }
    if old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN {
        // The program's own handler: give it back.
        // SAFETY: `old` is what sigaction returned.
        unsafe { libc::sigaction(libc::SIGQUIT, &raw const old, std::ptr::null_mut()) };
        return Err(io::Error::other(
            "the program has its own SIGQUIT handler, which is left in place",
        ));
    }
    Ok(())
}

/// The SIGQUIT thread: each byte read (or several, if signals came
/// quickly) is one request to every loop.
fn answer_signals(mut reader: File) {
    let mut bytes = [0u8; 64];
    loop {
        match reader.read(&mut bytes) {
            Ok(0) => return, // the write end is never closed; defensive
            Ok(_) => super::print_all_and_wait(),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
