//! The thread-local "current runtime".
//!
//! `runtime::spawn`, `TcpStream::connect` and the timer functions take no
//! runtime argument, exactly like `asyncio.create_task()` finds the running
//! loop through `asyncio.get_running_loop()`. They find it here: while
//! [`Runtime::block_on`](crate::Runtime::block_on) runs, this thread's
//! `CURRENT` slot holds an `Rc` of the runtime's [`Core`].
//!
//! ## Rules
//!
//! 1. Only `block_on` (and a runtime's own `Drop`, while it cancels tasks)
//!    fills the slot, through [`enter`], and the returned guard empties it
//!    again, even when the future panics.
//! 2. Entering while the slot is full panics: a nested `block_on` would have
//!    to run the outer loop's tasks from inside one of them, which can only
//!    deadlock or re-enter a `RefCell`. asyncio raises `RuntimeError:
//!    asyncio.run() cannot be called from a running event loop` for the same
//!    reason.
//! 3. Borrows of the slot are short: they never span a poll of user code.
//!
//! ## Implementation
//!
//! A `thread_local!` with a `const` initialiser, so reading it is a plain TLS
//! load with no lazy-initialisation check. tokio keeps a similar `CONTEXT`
//! thread-local, with more in it (the scheduler handle, a budget for
//! cooperative scheduling, the RNG for its work-stealing).

use std::cell::RefCell;
use std::rc::Rc;

use crate::core::Core;

thread_local! {
    /// The runtime whose `block_on` is running on this thread, if any.
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}

/// The message for rule 2, shared by `block_on`, `run` and the tests.
pub(crate) const NESTED_RUNTIME: &str = "cannot start a runtime from within a runtime: \
     `block_on`/`run` was called while a runtime is already running on this thread \
     (await the future or `spawn` it instead)";

/// Empties the `CURRENT` slot when dropped.
#[derive(Debug)]
pub(crate) struct EnterGuard {
    /// Private so that only [`enter`] can make one.
    _private: (),
}

/// Makes `core` the current runtime of this thread until the guard drops.
///
/// # Panics
///
/// If a runtime is already current on this thread (rule 2).
pub(crate) fn enter(core: Rc<Core>) -> EnterGuard {
    CURRENT.with(|current| {
        let mut slot = current.borrow_mut();
        if slot.is_some() {
            drop(slot);
            panic!("{NESTED_RUNTIME}");
        }
        *slot = Some(core);
    });
    EnterGuard { _private: () }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        // Take the Rc out first and drop it after the borrow ends, so that
        // whatever the drop does cannot meet a borrowed slot.
        let old = CURRENT.with(|current| current.borrow_mut().take());
        drop(old);
    }
}

/// Runs `f` with the current runtime's core, or returns `None` outside one.
pub(crate) fn try_with_core<R>(f: impl FnOnce(&Rc<Core>) -> R) -> Option<R> {
    CURRENT.with(|current| current.borrow().as_ref().map(f))
}

/// Runs `f` with the current runtime's core.
///
/// # Panics
///
/// Outside a runtime, with a message that names `what` was attempted.
#[track_caller]
pub(crate) fn with_core<R>(what: &str, f: impl FnOnce(&Rc<Core>) -> R) -> R {
    match try_with_core(f) {
        Some(r) => r,
        None => panic!(
            "{what} must be called from inside a runtime (within `runtime::run` or `Runtime::block_on`), \
             but no runtime is running on this thread"
        ),
    }
}
