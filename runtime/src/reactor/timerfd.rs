//! [`TimerFd`]: a Linux timerfd, the one system call this runtime makes
//! without mio. The design (why a timerfd, and what happens elsewhere) is in
//! `alarm.rs`; this file is only the thin, `unsafe` wrapper.
//!
//! Through the `libc` crate, not our own `extern "C"` declarations as
//! `net/platform.rs` has for `listen(2)`: `struct timespec` and the flag
//! values are not the same on every Linux architecture (`time_t`'s width on
//! 32-bit targets, `O_NONBLOCK` and `O_CLOEXEC` on sparc and mips), and
//! `libc` is where they are kept right. mio already depends on it.
//!
//! Compiled on Linux outside Miri. Miri does not emulate `timerfd_create`,
//! and other systems have no timerfd: there [`TimerFd::new`] always fails,
//! and the alarm falls back to the poll timeout (`alarm.rs`).

pub(crate) use imp::TimerFd;

#[cfg(all(target_os = "linux", not(miri)))]
mod imp {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    use mio::unix::SourceFd;
    use mio::{Interest, Registry, Token};

    /// A one-shot timer on `CLOCK_MONOTONIC` whose expiry makes the file
    /// readable; the runtime's thread only.
    #[derive(Debug)]
    pub(crate) struct TimerFd {
        /// The descriptor; closing it (on drop) also removes it from epoll.
        fd: OwnedFd,
    }

    impl TimerFd {
        /// A disarmed timer, non-blocking and closed on `exec`, registered
        /// with `registry` under `token` for reading. mio registers it
        /// edge-triggered: every expiry is one event, and the file is never
        /// read (see `alarm.rs`).
        pub(crate) fn new(registry: &Registry, token: Token) -> io::Result<TimerFd> {
            // SAFETY: timerfd_create takes two integers and touches no memory
            // of ours; -1 (checked below) means it failed.
            let raw = unsafe {
                libc::timerfd_create(
                    libc::CLOCK_MONOTONIC,
                    libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
                )
            };
            if raw < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `raw` is a descriptor that timerfd_create just opened
            // and that nothing else owns, so `OwnedFd` may close it.
            let fd = unsafe { OwnedFd::from_raw_fd(raw) };
            registry.register(&mut SourceFd(&fd.as_raw_fd()), token, Interest::READABLE)?;
            Ok(TimerFd { fd })
        }

        /// Sets the timer to expire once, `after` from now (relative to the
        /// time of the call, so never before `now + after` for any `now`
        /// read before it), replacing any earlier setting and its pending
        /// expiry. `after` must not be zero: a zero time disarms a timerfd.
        pub(crate) fn set(&self, after: Duration) -> io::Result<()> {
            debug_assert!(!after.is_zero(), "a zero time would disarm the timer");
            let value = libc::timespec {
                // Saturates past ~292 billion years on a 64-bit time_t.
                tv_sec: libc::time_t::try_from(after.as_secs()).unwrap_or(libc::time_t::MAX),
                // Below 10^9, so it fits every platform's `c_long`.
                tv_nsec: after.subsec_nanos() as libc::c_long,
            };
            let spec = libc::itimerspec {
                it_interval: libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                },
                it_value: value,
            };
            // SAFETY: `fd` is an open timerfd (owned by `self`); `spec` is a
            // valid itimerspec that lives across the call and is only read;
            // a null old-value pointer is allowed and means "not wanted".
            let result = unsafe {
                libc::timerfd_settime(self.fd.as_raw_fd(), 0, &spec, std::ptr::null_mut())
            };
            if result < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
mod imp {
    use std::io;
    use std::time::Duration;

    use mio::{Registry, Token};

    /// No timerfd on this system (or under Miri): a type with no values.
    #[derive(Debug)]
    pub(crate) enum TimerFd {}

    impl TimerFd {
        /// Always fails: the alarm then uses the poll timeout instead.
        pub(crate) fn new(_registry: &Registry, _token: Token) -> io::Result<TimerFd> {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "no timerfd on this system",
            ))
        }

        /// Cannot be called: there is no `TimerFd` to call it on.
        pub(crate) fn set(&self, _after: Duration) -> io::Result<()> {
            match *self {}
        }
    }
}
