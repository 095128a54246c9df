//! [`Timer`]: hyper's timeouts on our timer wheel.
//!
//! hyper has no clock of its own. A server with a header-read timeout (on
//! by default, 30 s, once a timer is given) asks its `hyper::rt::Timer` for
//! a sleep each time it starts waiting for a request head, resets it in
//! place for the next request on a keep-alive connection, and drops it
//! when the connection ends; HTTP/2 keep-alive pings do the same.
//!
//! ## The `Send + Sync` bound
//!
//! hyper's `rt::Sleep` trait requires `Send + Sync`, because on tokio's
//! work-stealing runtime a connection may move between threads. Our
//! [`runtime::time::Sleep`] keeps an `Rc` of the loop's timer driver, so it
//! is neither, and the bound cannot be waived with an `unsafe impl Send`
//! without making a lie the compiler would trust. The runtime therefore
//! has [`runtime::time::SendSleep`], a sleep that holds only its deadline,
//! the runtime's id and the timer's key, and finds the wheel through the
//! running loop on each poll. Its module doc is the design: in short, a
//! drop on the runtime's thread removes the timer at once (the case that
//! happens here: hyper drops its sleeps inside the connection's task), and
//! a drop anywhere else leaves it to fire harmlessly at its deadline.
//!
//! The other designs we considered, and why not:
//!
//! - a background task per sleep that awaits a `runtime::time::Sleep` and
//!   signals the hyper-facing future through an `Arc<Mutex<..>>`: `Send`,
//!   but a task spawn, an allocation and a lock per timeout, and a dropped
//!   sleep frees its wheel entry only when that task next runs;
//! - a sleep that keeps a `runtime::Handle` and, dropped on another
//!   thread, sends the cancel to the loop with `Handle::spawn`: every
//!   sleep would carry the handle (an `Arc`) for a drop that hyper never
//!   makes off the loop's thread, and the cancel would still come later
//!   than the drop.
//!
//! ## Clock
//!
//! [`Timer::now`] is the runtime's clock ([`runtime::time::now`]), not
//! `Instant::now()`: hyper computes deadlines as `timer.now() + timeout`, so
//! under a paused test clock hyper's timeouts follow virtual time, as our
//! own sleeps do.
//!
//! ## Reset
//!
//! hyper resets its header-read sleep once per request on a keep-alive
//! connection. [`Timer::reset`] recognises our sleep (hyper's `Sleep` has a
//! safe downcast) and moves its wheel entry in place; a foreign sleep is
//! replaced by a new one.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use runtime::time::SendSleep;

/// Stand-in for "never" when `now + duration` overflows `Instant`: 30
/// years, as `runtime::time::sleep` and tokio use.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// hyper's `rt::Timer` on the runtime's timer wheel and clock. Give it to a
/// builder with `.timer(runtime_hyper::Timer)`.
///
/// # Panics
///
/// Its methods panic outside a runtime, like [`runtime::time::now`] and
/// [`runtime::time::sleep`]: there is no clock or wheel there. hyper calls
/// them from inside the connection futures it runs, so on our runtime they
/// are always inside one.
///
/// ```
/// use std::time::Duration;
/// use hyper::rt::Timer as _;
///
/// let rt = runtime::Builder::new().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let timer = runtime_hyper::Timer;
///     let start = timer.now();
///     timer.sleep(Duration::from_secs(30)).await; // virtual time: instant
///     assert!(timer.now() - start >= Duration::from_secs(30));
/// });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Timer;

impl hyper::rt::Timer for Timer {
    #[track_caller]
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        let now = self.now();
        let deadline = now.checked_add(duration).unwrap_or(now + FAR_FUTURE);
        self.sleep_until(deadline)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(SendSleep::until(deadline)))
    }

    #[track_caller]
    fn now(&self) -> Instant {
        runtime::time::now()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<HyperSleep>() {
            Some(ours) => ours.get_mut().0.reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// A [`SendSleep`] as hyper's `rt::Sleep`. The newtype exists because
/// neither the trait nor the type is this crate's (the orphan rule).
#[derive(Debug)]
struct HyperSleep(
    /// The sleep itself; `Unpin`, so no pin projection is needed.
    SendSleep,
);

impl Future for HyperSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.get_mut().0).poll(cx)
    }
}

impl hyper::rt::Sleep for HyperSleep {}
