//! The remote queue: the one way into a runtime from other threads, and
//! what travels through it (wakes, tasks spawned elsewhere, and calls the
//! loop's thread must make).
//!
//! ```text
//!   another thread                         the loop's thread
//!   waker.wake()   ─┐
//!   Handle::spawn  ─┼─> send(Remote) ──> crossbeam channel ──> Scheduler::next_task /
//!   SIGQUIT thread ─┘    notified? no ─> eventfd ──────────>   drain_remote (schedule.rs)
//! ```
//!
//! The scheduler (`schedule.rs`) owns the receiving end and drains it; this
//! file is the sending side, and the argument that no message is ever left
//! behind a sleeping loop (on [`RemoteQueue`]).

use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::Location;
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::Sender;

use super::header::Header;
use super::id::TaskId;
use super::layout::JoinPart;
use super::raw::{RawTask, RemoteParts};
use super::schedule::Scheduler;
use crate::timeline::hooks;

/// The way into a runtime's run queue from other threads.
///
/// A remote wake sends the task's header through a crossbeam channel, then
/// interrupts the loop's `epoll_wait` through a `mio::Waker` (an eventfd on
/// Linux). `notified` saves the eventfd write when the loop has already been
/// nudged and has not yet drained the channel.
///
/// ## Why no wake is stranded in the channel
///
/// The pusher sends, then sets `notified` with `swap(true, Release)`; the
/// loop's drain clears it with `swap(false, Acquire)`, then empties the
/// channel. Both are read-modify-writes, so one of them comes first in the
/// flag's modification order:
///
/// - the pusher's swap first: the drain's swap reads its `true` (or a later
///   pusher's, which continues the release sequence) and synchronises with
///   it, so the message sent before it is visible and drained;
/// - the drain's swap first: the pusher reads `false` and writes the
///   eventfd, so the loop's next `epoll_wait` returns at once.
///
/// A `true` that the loop has not cleared yet always belongs to a pusher
/// that wrote (or is about to write) the eventfd, and every `epoll_wait`
/// that consumes that event is followed by a drain, so a message is never
/// left waiting behind a sleeping loop. A plain `store(false)` in the drain
/// would break the first case: it reads nothing, so the pusher could still
/// see the old `true` and skip the eventfd while the drain missed its
/// message. (Miri has not caught that one in `tests/wake_race.rs`: the
/// loop's later looks at the channel, in `next_task` and `has_ready_work`,
/// usually find the message anyway. The argument above is what rules it
/// out.) Nor can a test show the Release or the Acquire half missing:
/// crossbeam's channel publishes each message by itself (a Release on the
/// slot it wrote, SeqCst on its tail index, SeqCst fences in the receive),
/// so the drain finds the message in every schedule we can run; those two
/// orderings are kept by the argument above, and `.ci/mutations` says so
/// when it runs. tokio's current-thread scheduler takes a mutex for its remote
/// queue and unparks the driver on every remote schedule; the flag here
/// saves the eventfd write when wakes come in bursts.
pub(crate) struct RemoteQueue {
    /// The id of the runtime this queue belongs to; a waker compares it with
    /// the current thread's runtime to choose the local path.
    pub(crate) runtime_id: u64,
    /// The sending end; the receiving end is `Scheduler::remote_inbox`.
    sender: Sender<Remote>,
    /// Interrupts the loop's poll.
    waker: mio::Waker,
    /// True from the first remote wake until the loop drains the channel.
    /// Set by pushers (Release), cleared by the loop's drain
    /// (`Scheduler::drain_remote`, Acquire); see above.
    pub(super) notified: AtomicBool,
}

/// What other threads send a runtime.
///
/// Two words, which the assertion below checks: a wake is a pointer and an
/// `Option<u32>`, a spawn and a call one pointer each, and the compiler
/// keeps the variant in the option's spare tag values. Every remote spawn
/// and wake moves one through the channel; two words travel in registers,
/// while a third makes the compiler copy the message through the stack in
/// pieces of different widths, whose reads then wait on the writes just
/// before them (store-forwarding stalls, which `spawn_many_remote` shows in
/// the channel's send).
pub(crate) enum Remote {
    /// A wake: a queue entry's reference to a task whose `SCHEDULED` flag
    /// the sender set, and the number of the blocking thread that sent it
    /// when a recorded job did (for the timeline).
    Wake(RawTask, Option<u32>),
    /// A task spawned from another thread (`Handle::spawn`), already made:
    /// the loop adopts it (`Scheduler::adopt`).
    Spawn(SpawnedTask),
    /// Something the loop's thread must do for another thread, run at the
    /// loop's next look at this queue: a SIGQUIT request to print the
    /// loop's await tree (`await_tree/sigquit.rs`). No task is involved.
    /// Boxed once more so that it is one word (a call is rare).
    Call(Box<RemoteCall>),
}

/// A call the loop's thread makes for another thread ([`Remote::Call`]).
pub(crate) type RemoteCall = Box<dyn FnOnce(&Scheduler) + Send>;

const _: () = assert!(
    size_of::<Remote>() == 2 * size_of::<usize>(),
    "a remote message is two words"
);

/// A task made on another thread by `Handle::spawn`, on its way to the
/// loop: two of its references, its first queue entry's and the task
/// set's. Only the task pointer crosses (the block was made whole on the
/// spawning thread, `RawTask::new_remote`).
///
/// The channel publishes the block: everything the spawning thread wrote
/// into it (the header, the future) happens before the loop's receive, as
/// for any message sent through a crossbeam channel (a Release on the slot
/// it writes, an Acquire where the receiver reads it). No ordering of ours
/// is involved, and `tests/remote_spawn_race.rs` has Miri check it.
///
/// Until the loop adopts it, nothing else reaches the stage: no waker
/// exists before the first poll, and the `RemoteJoinHandle` touches only
/// the header's state word and the join part. So whoever holds this value
/// owns the stage; if it is dropped unadopted (the runtime was dropped
/// first, or the send failed) its `Drop` cancels the task there: the future
/// is dropped, on that thread (it is `Send`, the `Handle::spawn` bound), and
/// the `RemoteJoinHandle` completes as cancelled.
pub(crate) struct SpawnedTask {
    /// The block, for which this value owns two references, the task
    /// set's and the first queue entry's: one pointer rather than two
    /// `RawTask`s, to keep [`Remote`] two words. `None` once adopted
    /// ([`SpawnedTask::take_refs`]).
    task: Option<NonNull<Header>>,
}

// SAFETY: the value stands for two `RawTask`s, which are `Send`; until the
// loop adopts it, it also owns the stage, whose future and output are `Send`
// (the `Handle::spawn` bounds; see the type's doc).
unsafe impl Send for SpawnedTask {}

impl SpawnedTask {
    /// Makes the task of `future` on this thread (`RawTask::new_remote`),
    /// with join part `J`, for the runtime behind `remote`. Returns the
    /// message to send, and what the `RemoteJoinHandle` holds.
    ///
    /// Inlined for the reason `RawTask::new_remote` is.
    #[inline]
    pub(crate) fn new<F, J>(
        future: F,
        remote: Arc<RemoteQueue>,
        id: TaskId,
        spawned_at: &'static Location<'static>,
    ) -> (SpawnedTask, RemoteParts<J, F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        J: JoinPart<F::Output> + 'static,
    {
        let (refs, handle) = RawTask::new_remote::<F, J>(future, remote, id, spawned_at);
        // The two references are kept as one pointer (the field's doc), and
        // given back by `take_refs`.
        let refs = ManuallyDrop::new(refs);
        let task = Some(refs[0].ptr());
        (SpawnedTask { task }, handle)
    }

    /// The task set's reference and the first queue entry's, taken out
    /// (by the loop's `Scheduler::adopt`, or by the drop of a spawn never
    /// adopted); `None` if they were taken already.
    pub(super) fn take_refs(&mut self) -> Option<[RawTask; 2]> {
        let ptr = self.task.take()?;
        // SAFETY: this value owned two references to the block (made by
        // `new`, never taken since: `task` was `Some`), which the two
        // `RawTask`s now own.
        Some(unsafe { [RawTask::from_ptr(ptr), RawTask::from_ptr(ptr)] })
    }
}

impl Drop for SpawnedTask {
    fn drop(&mut self) {
        if let Some([for_set, for_queue]) = self.take_refs() {
            // SAFETY: never adopted, so this value owns the stage (see the
            // type's doc): no other thread touches it and nothing polls it;
            // the future and its output are `Send`, so this thread may drop
            // them.
            unsafe { for_set.cancel() };
            drop(for_queue);
            drop(for_set);
        }
    }
}

impl RemoteQueue {
    /// The queue into runtime `runtime_id`: `sender` is the channel whose
    /// receiving end the scheduler keeps, `waker` interrupts the loop's
    /// `epoll_wait` (the reactor makes it).
    pub(super) fn new(runtime_id: u64, sender: Sender<Remote>, waker: mio::Waker) -> RemoteQueue {
        RemoteQueue {
            runtime_id,
            sender,
            waker,
            notified: AtomicBool::new(false),
        }
    }

    /// Queues `task` from any thread and makes sure the loop notices.
    pub(super) fn push(&self, task: RawTask) {
        // An error means the runtime is gone; there is nothing left to run
        // the task, and the entry's reference is dropped with the message.
        let _ = self.send(Remote::Wake(task, hooks::recording_blocking_thread()));
    }

    /// Sends a task made on another thread to the loop; gives it back if
    /// the runtime is gone.
    pub(crate) fn spawn(&self, task: SpawnedTask) -> Result<(), SpawnedTask> {
        self.send(Remote::Spawn(task))
            .map_err(|message| match message {
                Remote::Spawn(task) => task,
                _ => unreachable!("a spawn comes back as a spawn"),
            })
    }

    /// Sends `call` to be run on the loop's thread at its next look at
    /// this queue (which the eventfd brings about, if the loop is parked).
    /// An error means the runtime is gone or going: nothing will run it.
    pub(crate) fn call(&self, call: RemoteCall) -> Result<(), ()> {
        self.send(Remote::Call(Box::new(call))).map_err(drop)
    }

    /// Sends one message and makes sure the loop notices.
    fn send(&self, message: Remote) -> Result<(), Remote> {
        self.sender.send(message).map_err(|failed| failed.0)?;
        // Release: the send above is visible to the drain that reads this.
        if !self.notified.swap(true, Ordering::Release) {
            // An error means the poll instance is closed: the runtime is
            // shutting down and will not run the task anyway.
            let _ = self.waker.wake();
        }
        Ok(())
    }
}
