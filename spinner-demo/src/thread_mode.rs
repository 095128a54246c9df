//! `spinner thread`: the spinner on an OS thread, Fluent Python's
//! `spinner_thread.py`.
//!
//! ## The Python original, in words
//!
//! - `spin(msg, done)` loops over the frames forever. For each it prints the
//!   status line, then calls `done.wait(.1)`: that is both the pause between
//!   frames and the check for "stop". When `wait` returns true it breaks,
//!   and blanks the line.
//! - `slow()` calls `time.sleep(3)` and returns 42.
//! - `supervisor()` makes a `threading.Event`, makes a `Thread` running
//!   `spin`, prints the thread object, starts it, calls `slow()` on the main
//!   thread, then sets the event and joins the thread.
//! - `main()` prints `Answer: ` and the result.
//!
//! ## Here
//!
//! The same four functions. [`Event`] is a small `threading.Event`: a
//! `Mutex<bool>` with a `Condvar`, whose `wait` sleeps until the flag is set
//! or the timeout passes, and says which.
//!
//! Two differences from Python:
//!
//! - A Rust thread starts when it is made (there is no `Thread(...)` object
//!   before `start()`), so the repr is printed after the start and says
//!   `state=started`, where Python prints `initial`. Holding stdout while
//!   the thread starts keeps the repr line before the first frame.
//! - Rust has no thread repr, so [`SpinnerThread`] builds one from the
//!   thread's name and id and from whether it has finished.
//!
//! The OS preempts threads: `slow()` can block its thread for as long as it
//! likes and the spinner keeps turning. Compare `blocking_mode.rs`, where
//! the same blocking call stops the spinner dead.

use std::fmt;
use std::io;
use std::panic;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use crate::line::{self, ANSWER, FRAMES, TICK};

/// Runs the demo: spinner thread, `slow()` on this thread, then the answer.
pub fn main(msg: &str, seconds: Duration) -> io::Result<()> {
    let result = supervisor(msg, seconds)?;
    line::print(format_args!("Answer: {result}"))
}

/// Starts the spinner, runs `slow()`, then stops the spinner and waits for it.
fn supervisor(msg: &str, seconds: Duration) -> io::Result<u32> {
    let done = Arc::new(Event::new());
    // Python prints the repr before `start()`. A Rust thread starts as it is
    // made, so hold stdout meanwhile: the thread's first frame waits for the
    // repr line. (The lock is reentrant, so `line::print` may take it too.)
    let stdout = io::stdout().lock();
    let spinner = SpinnerThread::start(msg.to_owned(), Arc::clone(&done))?;
    line::print(format_args!("spinner object: {spinner:?}"))?;
    drop(stdout);
    let result = slow(seconds);
    done.set();
    spinner.join()?;
    Ok(result)
}

/// Draws frames until `done` is set, then erases the line.
fn spin(msg: &str, done: &Event) -> io::Result<()> {
    for &frame in FRAMES.iter().cycle() {
        line::draw(frame, msg)?;
        if done.wait(TICK) {
            break;
        }
    }
    line::erase(msg)
}

/// The slow computation: blocks this thread for `seconds`, then answers.
fn slow(seconds: Duration) -> u32 {
    thread::sleep(seconds);
    ANSWER
}

/// A one-shot flag that threads can wait on [threading.Event].
#[derive(Debug, Default)]
struct Event {
    /// True once [`set`](Event::set) was called; never goes back to false.
    /// Any thread may lock it.
    flag: Mutex<bool>,
    /// Wakes the threads waiting in [`wait`](Event::wait) when the flag is set.
    changed: Condvar,
}

impl Event {
    /// A flag that is not set.
    fn new() -> Event {
        Event::default()
    }

    /// Sets the flag and wakes every waiter [Event.set()].
    fn set(&self) {
        // A poisoned lock means another thread panicked while holding it;
        // the bool inside is still a valid bool, so carry on with it.
        *self.flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// Waits until the flag is set or `timeout` passes, and returns the flag
    /// [Event.wait(timeout)]: true means "set", false means "timed out".
    fn wait(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap_or_else(PoisonError::into_inner);
        // `wait_timeout_while` loops over spurious wake-ups for us.
        let (flag, _timed_out) = self
            .changed
            .wait_timeout_while(flag, timeout, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
        *flag
    }
}

/// The spinner's thread, with a `Debug` that reads like Python's thread repr.
struct SpinnerThread {
    /// Joins the thread and gets back `spin`'s result. Only the main thread
    /// holds it.
    handle: thread::JoinHandle<io::Result<()>>,
}

impl SpinnerThread {
    /// The thread's name, as `Thread(name='spinner')` would set it.
    const NAME: &'static str = "spinner";

    /// Starts a thread named `spinner` that runs `spin(msg, done)`.
    fn start(msg: String, done: Arc<Event>) -> io::Result<SpinnerThread> {
        let handle = thread::Builder::new()
            .name(Self::NAME.to_owned())
            .spawn(move || spin(&msg, &done))?;
        Ok(SpinnerThread { handle })
    }

    /// Waits for the thread to end [Thread.join()] and returns `spin`'s result.
    fn join(self) -> io::Result<()> {
        match self.handle.join() {
            Ok(result) => result,
            // A panic in `spin` is a bug in this program: let it go on up.
            Err(payload) => panic::resume_unwind(payload),
        }
    }
}

impl fmt::Debug for SpinnerThread {
    /// `<Thread name='spinner' state=started ident=ThreadId(2)>`; Python
    /// prints `<Thread(spinner, started 1234567)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let thread = self.handle.thread();
        let name = thread.name().unwrap_or("<unnamed>");
        let state = if self.handle.is_finished() {
            "stopped"
        } else {
            "started"
        };
        write!(
            f,
            "<Thread name='{name}' state={state} ident={:?}>",
            thread.id()
        )
    }
}
