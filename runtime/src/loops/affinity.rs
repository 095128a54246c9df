//! Pinning a loop's thread to one core (Linux only).
//!
//! A thread-per-core program gains from pinning: each loop's caches, its
//! timer wheel and its sockets' buffers stay warm on one core, and the
//! kernel never moves two loops onto the same core while another idles.
//!
//! Linux says which cores a thread may run on with `sched_setaffinity(2)`.
//! None of mio, crossbeam-channel, socket2 or futures-io wraps it, and two
//! functions over a plain bit mask need no crate; so, as `net/platform.rs`
//! does for `listen(2)`, we declare the two C library functions ourselves.
//! (The runtime does use `libc` on Linux, for the timerfd, whose structures
//! differ between architectures: `reactor/timerfd.rs`.) The mask is glibc's and musl's
//! `cpu_set_t`: 1024 bits.
//!
//! Loop `i` gets the `i`-th core of the set the process may use (its
//! current affinity, which `taskset` or a container may have narrowed),
//! wrapping around when there are more loops than cores.
//!
//! **Elsewhere** (macOS, the BSDs, Windows) pinning is not implemented:
//! asking for it makes [`Builder::build`](super::Builder::build) fail with
//! `ErrorKind::Unsupported` before any thread starts, rather than run
//! unpinned without saying so. Leave pinning off there (the default); the
//! loops then run where the scheduler puts them, as tokio's workers always
//! do.

use std::io;

/// Pins the calling thread to the `index`-th core it is allowed to run on
/// (modulo how many there are), and returns that core's number.
#[cfg(target_os = "linux")]
pub(super) fn pin_current_thread(index: usize) -> io::Result<usize> {
    use std::ffi::c_int;

    /// Bits in the kernel's CPU mask as the C library declares it.
    const CPU_SETSIZE: usize = 1024;
    /// The mask, as words.
    type CpuSet = [usize; CPU_SETSIZE / usize::BITS as usize];

    unsafe extern "C" {
        /// `int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *mask)`.
        fn sched_getaffinity(pid: c_int, size: usize, mask: *mut CpuSet) -> c_int;
        /// `int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *mask)`.
        fn sched_setaffinity(pid: c_int, size: usize, mask: *const CpuSet) -> c_int;
    }

    let word_bits = usize::BITS as usize;
    let mut allowed: CpuSet = [0; CPU_SETSIZE / usize::BITS as usize];
    // SAFETY: pid 0 is the calling thread; the kernel writes at most
    // `size_of::<CpuSet>()` bytes into `allowed`, which we own and which
    // lives across the call. A failure is an errno, turned into an error.
    let got = unsafe { sched_getaffinity(0, size_of::<CpuSet>(), &mut allowed) };
    if got != 0 {
        return Err(io::Error::last_os_error());
    }
    let cores: Vec<usize> = (0..CPU_SETSIZE)
        .filter(|&cpu| allowed[cpu / word_bits] & (1 << (cpu % word_bits)) != 0)
        .collect();
    let Some(&core) = cores.get(index % cores.len().max(1)) else {
        return Err(io::Error::other("this thread may run on no core at all"));
    };
    let mut mask: CpuSet = [0; CPU_SETSIZE / usize::BITS as usize];
    mask[core / word_bits] |= 1 << (core % word_bits);
    // SAFETY: as above; the kernel only reads `size` bytes of `mask`.
    let set = unsafe { sched_setaffinity(0, size_of::<CpuSet>(), &mask) };
    if set != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(core)
}

/// Pinning is implemented for Linux only (see the module doc).
#[cfg(not(target_os = "linux"))]
pub(super) fn pin_current_thread(_index: usize) -> io::Result<usize> {
    Err(unsupported())
}

/// Whether [`pin_current_thread`] can work on this platform.
pub(super) fn supported() -> bool {
    cfg!(target_os = "linux")
}

/// The error of asking for pinning where it is not implemented.
pub(super) fn unsupported() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "pinning loops to cores is implemented for Linux only; leave pin_to_cores off",
    )
}
