//! The board: one loop's record of its live tasks, kept up to date by the
//! observer when the runtime records an await tree, and read when someone
//! asks for the tree.
//!
//! ```text
//!   Observer report           Board entry of the task
//!   ─────────────────         ──────────────────────────────────────────
//!   task_spawned / block_on   new entry: queued, since now
//!   poll_started              running, since now; this thread's poll waits cleared
//!   a leaf returns Pending    its wait pushed on POLL_WAITS (hooks::waits_on)
//!   poll_ended, Pending       waiting, since now, waits = POLL_WAITS
//!                             (queued instead, if it was woken during the poll)
//!   timeline::phase(name)     pushed on POLL_PHASE, kept in the entry at the poll's end
//!   poll_ended, Ready         entry removed (so is a cancelled task's)
//!   task woken                queued, since now; waits cleared
//! ```
//!
//! Everything here is the loop's thread's, except [`LoopStatus`], which the
//! SIGQUIT thread reads to say what a loop that does not answer is doing.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ::timeline::{Wait, now_us};

use super::snapshot::{Await, AwaitTree, TaskInfo, TaskState};
use crate::task::TaskId;

/// Waits kept per poll, besides `JoinHandle`s: eight covers a download's
/// socket, its timeout and a few more, and keeps a `select` over thousands
/// of sockets from copying thousands of entries per poll. `JoinHandle`
/// waits are all kept, whatever their number: they are the tree's edges,
/// and a `join_all` of a thousand tasks has a thousand children.
const MAX_WAITS_PER_POLL: usize = 8;

thread_local! {
    /// The waits the leaf futures of the poll running on this thread said
    /// they return `Pending` for, in order. Cleared when a poll starts,
    /// taken when it ends.
    static POLL_WAITS: RefCell<Vec<Wait>> = const { RefCell::new(Vec::new()) };
    /// The phase (`runtime::timeline::phase`) the poll running on this
    /// thread entered: `None` if it entered none, `Some(None)` if it ended
    /// its phase.
    static POLL_PHASE: RefCell<Option<Option<Cow<'static, str>>>> = const { RefCell::new(None) };
}

/// The task being polled on this thread entered phase `name` (`None`: it
/// ended its phase); `hooks::phase` calls it when the tree is on.
pub(crate) fn phase(name: Option<Cow<'static, str>>) {
    POLL_PHASE.with(|phase| *phase.borrow_mut() = Some(name));
}

/// A leaf future of the poll running on this thread returns `Pending`,
/// waiting for `wait` (`hooks::waits_on` calls it when the tree is on).
pub(crate) fn pending_wait(wait: Wait) {
    POLL_WAITS.with(|waits| {
        let mut waits = waits.borrow_mut();
        let is_join = |wait: &Wait| matches!(wait, Wait::Join { .. });
        if is_join(&wait) || waits.iter().filter(|w| !is_join(w)).count() < MAX_WAITS_PER_POLL {
            waits.push(wait);
        }
    });
}

/// What the SIGQUIT thread may read about a loop without asking it: the
/// task whose poll is running, and since when. All `Relaxed`: the reader
/// takes them as a hint for a message ("busy in a poll of task 1 for
/// 3.2s"), publishes nothing with them, and a torn pair (an id from one
/// poll, a start from the next) misreports one line by one poll.
#[derive(Debug, Default)]
pub(crate) struct LoopStatus {
    /// The id of the task being polled; 0 between polls.
    pub(crate) polling: AtomicU64,
    /// When that poll started, in microseconds on the timeline's clock.
    pub(crate) poll_started_us: AtomicU64,
}

/// One live task's entry. Loop thread only.
struct Entry {
    /// The task's name, if it has one.
    name: Option<Box<str>>,
    /// Where it was spawned (or `block_on` called).
    spawned_at: &'static Location<'static>,
    /// True for the `block_on` future.
    is_block_on: bool,
    /// Running, queued or waiting.
    state: TaskState,
    /// When it entered `state`.
    since: Instant,
    /// Set when the task is woken while it runs (it woke itself, or a task
    /// it called woke it): its poll's end leaves it queued, not waiting.
    woken_while_running: bool,
    /// While waiting: what for. Its buffer is reused from wait to wait.
    waits: Vec<Wait>,
    /// The phase the task said it is in (`runtime::timeline::phase`).
    phase: Option<Cow<'static, str>>,
}

/// One loop's live tasks. Owned by the loop's observer; loop thread only,
/// each borrow short and never across a poll.
#[derive(Debug, Default)]
pub(crate) struct Board {
    /// Each live task's entry, by task id.
    tasks: RefCell<HashMap<u64, Entry>>,
    /// The id of the `block_on` future while `block_on` runs.
    main: Cell<Option<u64>>,
    /// Shared with the SIGQUIT thread (see [`LoopStatus`]).
    status: Arc<LoopStatus>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("state", &self.state).finish()
    }
}

impl Board {
    /// What the SIGQUIT thread reads about this loop.
    pub(crate) fn status(&self) -> Arc<LoopStatus> {
        Arc::clone(&self.status)
    }

    /// A task was made (queued), or `block_on` started (`is_block_on`).
    pub(crate) fn spawned(
        &self,
        id: TaskId,
        name: Option<&str>,
        spawned_at: &'static Location<'static>,
        is_block_on: bool,
    ) {
        // A block_on that panicked left its entry: the next one replaces it.
        if is_block_on && let Some(stale) = self.main.replace(Some(id.0)) {
            self.ended(TaskId(stale));
        }
        let entry = Entry {
            name: name.map(Box::from),
            spawned_at,
            is_block_on,
            state: TaskState::Queued,
            since: Instant::now(),
            woken_while_running: false,
            waits: Vec::new(),
            phase: None,
        };
        self.tasks.borrow_mut().insert(id.0, entry);
    }

    /// `block_on` returned: its future is gone.
    pub(crate) fn loop_returned(&self) {
        if let Some(main) = self.main.take() {
            self.ended(TaskId(main));
        }
    }

    /// A poll of `id` starts.
    pub(crate) fn poll_started(&self, id: TaskId) {
        POLL_WAITS.with(|waits| waits.borrow_mut().clear());
        POLL_PHASE.with(|phase| phase.borrow_mut().take());
        self.status
            .poll_started_us
            .store(now_us() as u64, Ordering::Relaxed);
        self.status.polling.store(id.0, Ordering::Relaxed);
        if let Some(entry) = self.tasks.borrow_mut().get_mut(&id.0) {
            entry.state = TaskState::Running;
            entry.since = Instant::now();
            entry.woken_while_running = false;
            entry.waits.clear();
        }
    }

    /// A poll of `id` ended, `Pending` or not.
    pub(crate) fn poll_ended(&self, id: TaskId, pending: bool) {
        self.status.polling.store(0, Ordering::Relaxed);
        if !pending {
            self.ended(id);
            return;
        }
        let mut tasks = self.tasks.borrow_mut();
        let Some(entry) = tasks.get_mut(&id.0) else {
            return;
        };
        if let Some(phase) = POLL_PHASE.with(|phase| phase.borrow_mut().take()) {
            entry.phase = phase;
        }
        entry.since = Instant::now();
        if entry.woken_while_running {
            entry.state = TaskState::Queued;
        } else {
            entry.state = TaskState::Waiting;
            POLL_WAITS.with(|waits| std::mem::swap(&mut entry.waits, &mut waits.borrow_mut()));
        }
    }

    /// `id` was woken: queued from now (a wake of a queued task changes
    /// nothing).
    pub(crate) fn woken(&self, id: TaskId) {
        let mut tasks = self.tasks.borrow_mut();
        let Some(entry) = tasks.get_mut(&id.0) else {
            return;
        };
        match entry.state {
            TaskState::Running => entry.woken_while_running = true,
            TaskState::Waiting => {
                entry.state = TaskState::Queued;
                entry.since = Instant::now();
                entry.waits.clear();
            }
            TaskState::Queued => {}
        }
    }

    /// `id` ended (finished, panicked or cancelled).
    pub(crate) fn ended(&self, id: TaskId) {
        let removed = self.tasks.borrow_mut().remove(&id.0);
        drop(removed);
    }

    /// The tree now, with `alive` spawned tasks alive.
    pub(crate) fn snapshot(&self, runtime_id: u64, alive: usize) -> AwaitTree {
        let now = Instant::now();
        let now_us = now_us();
        let mut tasks: Vec<TaskInfo> = self
            .tasks
            .borrow()
            .iter()
            .map(|(&id, entry)| TaskInfo {
                id: TaskId(id),
                name: entry.name.as_deref().map(String::from),
                spawned_at: entry.spawned_at,
                is_block_on: entry.is_block_on,
                state: entry.state,
                phase: entry.phase.as_deref().map(String::from),
                state_for: now.saturating_duration_since(entry.since),
                awaits: entry
                    .waits
                    .iter()
                    .filter_map(|wait| awaited(*wait, now_us))
                    .collect(),
            })
            .collect();
        tasks.sort_by_key(|task| (!task.is_block_on, task.id));
        AwaitTree {
            runtime_id,
            thread: std::thread::current().name().map(String::from),
            recorded: true,
            alive,
            tasks,
        }
    }
}

/// The public form of a wait the timeline's type describes, at `now_us`;
/// `None` for a wait the runtime does not know.
fn awaited(wait: Wait, now_us: f64) -> Option<Await> {
    Some(match wait {
        Wait::Io { token, interest } => Await::Socket {
            token,
            writable: interest.writable,
        },
        Wait::Timer { deadline } => Await::Timer {
            due_in: Duration::from_micros((deadline - now_us).max(0.0) as u64),
        },
        Wait::Permit => Await::Permit,
        Wait::Channel => Await::Channel,
        Wait::Blocking => Await::Blocking,
        Wait::Join { task } => Await::Join { task: TaskId(task) },
        Wait::Other => return None,
    })
}
