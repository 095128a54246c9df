//! What a task waits on, and what woke it.
//!
//! When a poll returns `Pending`, the task has registered its waker with
//! something: the reactor (a socket), the timer wheel, a semaphore's wait
//! list, a channel, the blocking pool, another task's `JoinHandle`. The
//! runtime reports that as a [`Wait`] during the poll, and the recorder turns
//! the time until the next wake into an `await <kind>` slice on the task's
//! track. When the wake comes, its [`WakeCause`] says where the flow arrow to
//! the next poll starts.
//!
//! Both are plain values with no strings inside, so reporting one costs no
//! allocation; the words (`socket token 5 readable`, `timer at +12.000 ms`)
//! are made when the file is written.
//!
//! asyncio has no such record: a `Task` only knows the future it awaits
//! (`task._fut_waiter`), which is what `Task.__repr__` shows as
//! `wait_for=<Future pending cb=[...]>`. tokio-console gets the same
//! information from `tracing` spans the resources emit.

use std::fmt;

/// Which readiness a socket is awaited for, or was reported with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// Waiting for (or got) data to read, or the peer's close.
    pub readable: bool,
    /// Waiting for (or got) room to write.
    pub writable: bool,
}

impl Readiness {
    /// Readable only.
    pub const READABLE: Readiness = Readiness {
        readable: true,
        writable: false,
    };
    /// Writable only.
    pub const WRITABLE: Readiness = Readiness {
        readable: false,
        writable: true,
    };
}

impl fmt::Display for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match (self.readable, self.writable) {
            (true, true) => "readable and writable",
            (true, false) => "readable",
            (false, true) => "writable",
            // mio reports errors and hang-ups with neither flag set.
            (false, false) => "error or hang-up",
        })
    }
}

/// What a pending task waits on, as far as the runtime knows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wait {
    /// A socket registered with the reactor.
    Io {
        /// The reactor's token for the socket (mio's `Token`).
        token: usize,
        /// The readiness awaited.
        interest: Readiness,
    },
    /// A timer in the wheel.
    Timer {
        /// When it is due, in microseconds on the timeline's clock.
        deadline: f64,
    },
    /// A semaphore permit.
    Permit,
    /// A message on a channel (mpsc or oneshot).
    Channel,
    /// A job on the blocking pool.
    Blocking,
    /// Another task's end (awaiting its `JoinHandle`).
    Join {
        /// The task awaited.
        task: u64,
    },
    /// Something the runtime does not see (a hand-written future, a waker
    /// stored by user code).
    Other,
}

impl Wait {
    /// The one-word kind: `io`, `timer`, `permit`, `channel`, `blocking`,
    /// `join` or `other`. The slice is named `await <kind>`.
    pub fn kind(&self) -> &'static str {
        match self {
            Wait::Io { .. } => "io",
            Wait::Timer { .. } => "timer",
            Wait::Permit => "permit",
            Wait::Channel => "channel",
            Wait::Blocking => "blocking",
            Wait::Join { .. } => "join",
            Wait::Other => "other",
        }
    }

    /// The details in words, e.g. `socket token 5 readable` or
    /// `timer at +12.000 ms`; `task_name` names a task by id.
    pub(crate) fn detail(&self, task_name: &dyn Fn(u64) -> String) -> String {
        match self {
            Wait::Io { token, interest } => format!("socket token {token} {interest}"),
            Wait::Timer { deadline } => format!("timer at +{:.3} ms", deadline / 1000.0),
            Wait::Permit => "a semaphore permit".to_owned(),
            Wait::Channel => "a message on a channel".to_owned(),
            Wait::Blocking => "a job on the blocking pool".to_owned(),
            Wait::Join { task } => format!("the end of {}", task_name(*task)),
            Wait::Other => "a future the runtime cannot see into".to_owned(),
        }
    }
}

/// What made a task ready to run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeCause {
    /// The reactor reported a socket ready.
    Io {
        /// The reactor's token for the socket.
        token: usize,
        /// What it was reported as.
        readiness: Readiness,
    },
    /// A timer fired.
    Timer,
    /// Another task (or the task itself, as `yield_now` does) called
    /// `wake` during its poll.
    Task(u64),
    /// Another thread called `wake`: a blocking-pool thread finishing a job,
    /// or any thread holding a waker.
    Remote {
        /// The pool thread's number, when it was one.
        blocking_thread: Option<u32>,
    },
    /// The loop itself, outside any poll (shutting down, say).
    Loop,
}

impl WakeCause {
    /// True if a wake with this cause is what a wait on `wait` waits for:
    /// a timer for a timer, an event on the same socket, the end of the
    /// awaited task, a blocking-pool thread for a job.
    pub fn ends(self, wait: Wait) -> bool {
        match (self, wait) {
            (WakeCause::Timer, Wait::Timer { .. }) => true,
            (WakeCause::Io { token, .. }, Wait::Io { token: waited, .. }) => token == waited,
            (WakeCause::Task(task), Wait::Join { task: awaited }) => task == awaited,
            (
                WakeCause::Remote {
                    blocking_thread: Some(_),
                },
                Wait::Blocking,
            ) => true,
            _ => false,
        }
    }

    /// The cause in words, e.g. `io: token 5 readable`, `timer`,
    /// `task 4 'fetch'`, `remote`; `task_name` names a task by id.
    pub(crate) fn label(&self, task_name: &dyn Fn(u64) -> String) -> String {
        match self {
            WakeCause::Io { token, readiness } => format!("io: token {token} {readiness}"),
            WakeCause::Timer => "timer".to_owned(),
            WakeCause::Task(id) => task_name(*id),
            WakeCause::Remote {
                blocking_thread: Some(n),
            } => {
                format!("remote: blocking thread {n}")
            }
            WakeCause::Remote {
                blocking_thread: None,
            } => "remote".to_owned(),
            WakeCause::Loop => "loop".to_owned(),
        }
    }
}
