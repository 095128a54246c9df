//! The [`Alarm`]: how the loop sleeps until the next timer to the
//! microsecond, where `epoll_wait` only counts milliseconds.
//!
//! When no task is runnable the loop blocks in the reactor until an event,
//! a remote wake, or the next timer ([`Park`]). The timer wheel
//! (`time/wheel.rs`) knows the next timer to the microsecond, but the block
//! itself is `epoll_wait(timeout_ms)`: mio turns a `Duration` into whole
//! milliseconds, rounded up so that the loop never wakes early. A 1 ms sleep
//! started 0.3 ms into a millisecond would then wake at the next whole
//! millisecond plus one, up to a millisecond late, and the kernel adds its
//! timer slack (50 µs by default) on top.
//!
//! ## The choice
//!
//! | way to block until a deadline | precision | cost per park | where |
//! |---|---|---|---|
//! | `epoll_wait` timeout (what mio offers) | 1 ms, plus slack | none extra | everywhere mio runs (kqueue and IOCP: their own units) |
//! | **a timerfd in the epoll set, armed to the deadline** | ns, no slack | one `timerfd_settime` when the deadline changed | Linux |
//! | `epoll_pwait2` (a `timespec` timeout) | ns, plus slack | none extra | Linux 5.11+, and not through mio |
//! | block to the last whole ms, then spin or `yield` | ns | a core busy for up to 1 ms | everywhere |
//! | a finer wheel level alone | none: the block is still whole ms | none | - |
//!
//! We use the timerfd. `epoll_pwait2` would need our own epoll loop beside
//! mio's (mio calls `epoll_wait` and owns its events buffer), and a kernel
//! check with a fallback for older kernels. Spinning burns a core that a
//! shared machine, or the program's other threads, want; it is what a
//! latency-critical runtime pinned to its own core may choose, not a default.
//! A finer wheel is needed too (a 1 µs tick, `time/clock.rs`), but alone it
//! only knows the deadline better; something must still wake the thread then.
//!
//! ## How the alarm works
//!
//! One timerfd per reactor, created with the reactor and registered in its
//! epoll under [`ALARM_TOKEN`], readable when it expires:
//!
//! - `Park::Until(at)`: if `at` has passed, the poll does not block (timeout
//!   zero). Otherwise the timerfd is set to go off once, `at - now` from now,
//!   unless it is already set for exactly `at` (`Alarm::set_for`), and the
//!   poll blocks with no timeout: the timerfd's event ends it. The time is
//!   relative to the `timerfd_settime` call, which comes after `now` was
//!   read, so the timer never expires before `at`.
//! - An event for `ALARM_TOKEN` means the timer expired: the alarm forgets
//!   `set_for`, and the loop fires the timers that are due (`event_loop.rs`).
//! - `Park::Forever` and `Park::No` leave the timerfd alone. A timerfd still
//!   set for a timer that was cancelled since then wakes the loop once for
//!   nothing; that costs one tick, less than a system call to disarm it on
//!   every park would.
//!
//! The timerfd is never read. mio registers it edge-triggered, and the
//! kernel signals an edge at every expiry (each wakes the epoll waiters),
//! read or not; `timerfd_settime` clears the expiry count. Reading it would
//! cost a system call per timer wake for nothing.
//!
//! "Never early" does not rest on the alarm. A wake only makes the loop
//! look at the wheel, which fires a timer only when the clock has reached
//! its deadline (`time/clock.rs`); an early wake would fire nothing.
//!
//! ## Elsewhere
//!
//! Without a timerfd (macOS, Windows and the BSDs; under Miri, which does not
//! emulate timerfds; or when `timerfd_create` fails, as in a sandbox that
//! forbids it or at the descriptor limit) the alarm passes the remaining
//! time as the poll's timeout, exact to the nanosecond: mio rounds it up to
//! whole milliseconds on epoll and Windows, and kqueue (macOS, the BSDs)
//! takes it as a `timespec`. Timers there fire up to a millisecond late on
//! epoll, never early.
//!
//! ## What the others do
//!
//! - **tokio** keeps a millisecond wheel (the same six levels of 64 slots as
//!   ours) and blocks with mio's millisecond timeout: a 1 ms sleep takes
//!   between 1 and 2 ms.
//! - **smol** (async-io over the polling crate) keeps exact `Instant`s in a
//!   `BTreeMap` (O(log n) insert and cancel) and, on Linux, polling arms a
//!   timerfd with the remaining time before every `epoll_wait` (and
//!   re-registers it, oneshot): the same precision as ours, two system calls
//!   per park.
//! - **glommio** keeps a `BTreeMap` of exact deadlines too and blocks in
//!   io_uring with a timeout request, which takes a `timespec`. **monoio**
//!   copies tokio's millisecond wheel, whether it blocks in io_uring or epoll.

use std::cell::Cell;
use std::time::{Duration, Instant};

use mio::{Registry, Token};

use super::timerfd::TimerFd;

/// The token of the alarm's timerfd in the reactor's epoll set, next to the
/// remote wakes' `WAKE_TOKEN` (`usize::MAX`). Socket tokens are slab indices
/// and never come near it.
pub(crate) const ALARM_TOKEN: Token = Token(usize::MAX - 1);

/// How long a poll of the reactor may block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Park {
    /// Not at all: collect the events that are already there (tasks are
    /// still queued, or a paused clock has a timer to jump to).
    No,
    /// Until this instant (the next timer), an event or a remote wake.
    Until(Instant),
    /// Until an event or a remote wake: there is no timer.
    Forever,
}

impl Park {
    /// The longest this park may block, measured from now, for reports:
    /// zero, the time left until the deadline, or `None` for no limit.
    pub(crate) fn timeout(self) -> Option<Duration> {
        match self {
            Park::No => Some(Duration::ZERO),
            Park::Until(at) => Some(at.saturating_duration_since(Instant::now())),
            Park::Forever => None,
        }
    }
}

/// Wakes the reactor's poll at a [`Park::Until`] deadline. Runtime thread
/// only (the reactor is `!Send`).
#[derive(Debug)]
pub(crate) struct Alarm {
    /// The timerfd, registered under `ALARM_TOKEN`; `None` where there is no
    /// timerfd, and the poll timeout is used instead.
    timer: Option<TimerFd>,
    /// The deadline the timerfd is set for, from the `timerfd_settime` until
    /// its expiry event is seen; `None` when it is not set, or has gone off.
    set_for: Cell<Option<Instant>>,
    /// How many times the timerfd was set, for the tests of the rule "set
    /// only when the deadline changed".
    #[cfg(test)]
    set_count: Cell<u64>,
}

impl Alarm {
    /// An alarm on a new timerfd registered with `registry`, or, where that
    /// fails, one that uses the poll timeout.
    pub(crate) fn new(registry: &Registry) -> Alarm {
        Alarm {
            timer: TimerFd::new(registry, ALARM_TOKEN).ok(),
            set_for: Cell::new(None),
            #[cfg(test)]
            set_count: Cell::new(0),
        }
    }

    /// The timeout to give mio's poll for `park`, setting the timerfd first
    /// if the park waits for a deadline and there is a timerfd.
    pub(crate) fn poll_timeout(&self, park: Park) -> Option<Duration> {
        let at = match park {
            Park::No => return Some(Duration::ZERO),
            Park::Forever => return None,
            Park::Until(at) => at,
        };
        let remaining = at.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            // Due already; and a zero time would disarm the timerfd.
            return Some(Duration::ZERO);
        }
        let Some(timer) = &self.timer else {
            return Some(remaining);
        };
        if self.set_for.get() == Some(at) {
            return None;
        }
        #[cfg(test)]
        self.set_count.set(self.set_count.get() + 1);
        match timer.set(remaining) {
            Ok(()) => {
                self.set_for.set(Some(at));
                None
            }
            // Only a bad descriptor or a bad time make it fail, neither of
            // which we pass; if it happens, the timeout still wakes the loop.
            Err(_) => Some(remaining),
        }
    }

    /// True if the alarm has a timerfd: it wakes the loop to the nanosecond
    /// rather than to the poll timeout's unit. For the tests, which check
    /// the timerfd only where there is one.
    #[cfg(test)]
    pub(crate) fn is_precise(&self) -> bool {
        self.timer.is_some()
    }

    /// The timerfd's event arrived: it went off, and is no longer set.
    pub(crate) fn rang(&self) {
        self.set_for.set(None);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use mio::{Events, Poll};

    use super::{ALARM_TOKEN, Alarm, Park};

    /// A generous bound for a wait that should take microseconds: reaching
    /// it means the alarm's event never came.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// A poll and an alarm registered in it, as the reactor has them.
    fn alarm() -> (Poll, Alarm) {
        let poll = Poll::new().expect("epoll_create");
        let alarm = Alarm::new(poll.registry());
        (poll, alarm)
    }

    #[test]
    fn no_wait_and_no_timer_need_no_alarm() {
        let (_poll, alarm) = alarm();
        assert_eq!(alarm.poll_timeout(Park::No), Some(Duration::ZERO));
        assert_eq!(alarm.poll_timeout(Park::Forever), None);
        assert_eq!(alarm.set_count.get(), 0);
    }

    #[test]
    fn a_deadline_already_passed_does_not_block_or_set_the_timer() {
        let (_poll, alarm) = alarm();
        let past = Instant::now();
        assert_eq!(alarm.poll_timeout(Park::Until(past)), Some(Duration::ZERO));
        assert_eq!(alarm.set_count.get(), 0, "a zero time would disarm it");
    }

    #[test]
    fn the_timer_is_set_only_when_the_deadline_changes() {
        let (_poll, alarm) = alarm();
        if !alarm.is_precise() {
            return; // no timerfd here: nothing is ever set
        }
        let at = Instant::now() + Duration::from_secs(60);
        assert_eq!(
            alarm.poll_timeout(Park::Until(at)),
            None,
            "blocks on the timerfd"
        );
        assert_eq!(alarm.poll_timeout(Park::Until(at)), None);
        assert_eq!(alarm.set_count.get(), 1, "the same deadline set twice");
        let earlier = at - Duration::from_secs(30);
        assert_eq!(alarm.poll_timeout(Park::Until(earlier)), None);
        assert_eq!(alarm.set_count.get(), 2, "a new deadline was not set");
    }

    #[test]
    fn without_a_timerfd_the_timeout_is_the_time_left() {
        let alarm = Alarm {
            timer: None,
            set_for: std::cell::Cell::new(None),
            set_count: std::cell::Cell::new(0),
        };
        let before = Instant::now();
        let at = before + Duration::from_millis(1_500);
        let timeout = alarm.poll_timeout(Park::Until(at)).expect("a timeout");
        assert!(
            timeout > Duration::ZERO && timeout <= at - before,
            "{timeout:?}"
        );
    }

    #[test]
    fn the_timerfd_wakes_the_poll_at_the_deadline_and_never_before() {
        let (mut poll, alarm) = alarm();
        if !alarm.is_precise() {
            return; // no timerfd here (not Linux, or the call was refused)
        }
        let mut events = Events::with_capacity(8);
        // Twice: the timerfd is never read, and its second expiry must
        // still be an event of its own (edge-triggered, one per expiry).
        for round in 1..=2 {
            let start = Instant::now();
            let at = start + Duration::from_micros(300);
            let mut rang = false;
            while !rang && start.elapsed() < PATIENCE {
                let timeout = alarm.poll_timeout(Park::Until(at));
                poll.poll(&mut events, timeout.or(Some(PATIENCE)))
                    .expect("epoll_wait");
                for event in events.iter() {
                    if event.token() == ALARM_TOKEN {
                        assert!(Instant::now() >= at, "the timerfd went off early");
                        alarm.rang();
                        rang = true;
                    }
                }
            }
            assert!(
                rang,
                "round {round}: the timerfd's event never arrived in {PATIENCE:?}"
            );
            assert_eq!(alarm.set_for.get(), None, "forgotten once it went off");
            assert_eq!(alarm.set_count.get(), round);
        }
    }
}
