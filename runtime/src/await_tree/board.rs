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
//!   poll_ended, Pending       waiting, waits = POLL_WAITS (queued instead, if
//!                             it was woken during the poll); each task whose
//!                             JoinHandle it waits on is marked awaited by it
//!   timeline::phase(name)     pushed on POLL_PHASE, kept in the entry at the poll's end
//!   poll_ended, Ready         entry removed (so is a cancelled task's)
//!   task woken                queued, since now; waits cleared
//! ```
//!
//! Everything here is the loop's thread's, except its `LoopStatus`
//! (`status.rs`), which the
//! SIGQUIT thread reads to say what a loop that does not answer is doing.
//!
//! ## Cost
//!
//! One clock read per poll, at its start: a state that begins during a
//! poll (the wait its `Pending` starts, a wake or a spawn it makes) is
//! dated by that reading, so a wait's age counts the poll that began it
//! too. Only a wake or spawn outside any poll (a socket event, a timer, a
//! remote wake) reads the clock again. The map is keyed by task id with a
//! multiplicative hash ([`IdHasher`]) instead of std's SipHash, which is
//! built to resist chosen keys that sequential ids never are. A
//! production runtime would keep the entry in the task's header and skip
//! the map; ours keeps the task core out of this module.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ::timeline::{Wait, instant_us, now_us};

use super::snapshot::{Await, AwaitTree, TaskInfo, TaskState};
use super::status::{LoopStatus, answer_if_asked};
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

/// Hashes a task id by one multiplication by 2^64 / φ (Knuth's
/// multiplicative hashing): sequential ids spread over the whole word,
/// whose top bits the map's probing uses.
#[derive(Debug, Default)]
pub(crate) struct IdHasher {
    /// The hash so far.
    hash: u64,
}

/// 2^64 divided by the golden ratio, rounded to odd.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.hash = (self.hash.rotate_left(8) ^ u64::from(byte)).wrapping_mul(GOLDEN);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.hash = id.wrapping_mul(GOLDEN);
    }
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
    /// The task that awaits this one's `JoinHandle`, from the first poll
    /// of it that returned `Pending` on the handle. Kept until this task
    /// ends: a parent that drops the handle unfinished still shows as its
    /// parent (the handle's drop is not reported here).
    awaited_by: Option<u64>,
}

/// One loop's live tasks. Owned by the loop's observer; loop thread only,
/// each borrow short and never across a poll.
#[derive(Debug)]
pub(crate) struct Board {
    /// The runtime's id, for the tree's heading.
    runtime_id: u64,
    /// Each live task's entry, by task id.
    tasks: RefCell<HashMap<u64, Entry, BuildHasherDefault<IdHasher>>>,
    /// When the running poll started; `None` between polls. The time of
    /// whatever happens during the poll.
    poll_started: Cell<Option<Instant>>,
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
    /// The board of runtime `runtime_id`, with no task yet.
    pub(crate) fn new(runtime_id: u64) -> Board {
        Board {
            runtime_id,
            tasks: RefCell::default(),
            poll_started: Cell::new(None),
            main: Cell::new(None),
            status: Arc::new(LoopStatus {
                tracks_polls: true,
                ..LoopStatus::default()
            }),
        }
    }

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
            since: self.now(),
            woken_while_running: false,
            waits: Vec::new(),
            phase: None,
            awaited_by: None,
        };
        self.tasks.borrow_mut().insert(id.0, entry);
    }

    /// `block_on` returned: its future is gone.
    pub(crate) fn loop_returned(&self) {
        if let Some(main) = self.main.take() {
            self.ended(TaskId(main));
        }
    }

    /// The time of an event now: the running poll's start, or a clock
    /// reading between polls.
    fn now(&self) -> Instant {
        self.poll_started.get().unwrap_or_else(Instant::now)
    }

    /// A poll of `id` starts.
    pub(crate) fn poll_started(&self, id: TaskId) {
        POLL_WAITS.with(|waits| waits.borrow_mut().clear());
        POLL_PHASE.with(|phase| phase.borrow_mut().take());
        let now = Instant::now();
        self.poll_started.set(Some(now));
        self.status
            .poll_started_us
            .store(instant_us(now) as u64, Ordering::Relaxed);
        self.status.polling.store(id.0, Ordering::Relaxed);
        if let Some(entry) = self.tasks.borrow_mut().get_mut(&id.0) {
            entry.state = TaskState::Running;
            entry.since = now;
            entry.woken_while_running = false;
            entry.waits.clear();
        }
    }

    /// A poll of `id` ended, `Pending` or not.
    pub(crate) fn poll_ended(&self, id: TaskId, pending: bool) {
        // A request to print that came during this poll is answered now,
        // with this task still shown running and for how long: for a poll
        // that held the loop, the culprit.
        answer_if_asked(&self.status, || self.snapshot().to_string());
        self.status.polling.store(0, Ordering::Relaxed);
        let started = self.poll_started.take().unwrap_or_else(Instant::now);
        if !pending {
            self.ended(id);
            return;
        }
        let mut tasks = self.tasks.borrow_mut();
        POLL_WAITS.with(|waits| {
            let mut waits = waits.borrow_mut();
            // The JoinHandle waits become edges, kept on the child until it
            // ends: a combinator that polls only its woken children (as
            // `as_completed` does) names the others in no later poll.
            for wait in waits.iter() {
                if let Wait::Join { task } = wait
                    && let Some(child) = tasks.get_mut(task)
                {
                    child.awaited_by = Some(id.0);
                }
            }
            waits.retain(|wait| !matches!(wait, Wait::Join { .. }));
            let Some(entry) = tasks.get_mut(&id.0) else {
                return;
            };
            if let Some(phase) = POLL_PHASE.with(|phase| phase.borrow_mut().take()) {
                entry.phase = phase;
            }
            entry.since = started;
            if entry.woken_while_running {
                entry.state = TaskState::Queued;
            } else {
                entry.state = TaskState::Waiting;
                std::mem::swap(&mut entry.waits, &mut waits);
            }
        });
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
                entry.since = self.now();
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

    /// The tree now.
    pub(crate) fn snapshot(&self) -> AwaitTree {
        let now = Instant::now();
        let now_us = now_us();
        let entries = self.tasks.borrow();
        let mut tasks: Vec<TaskInfo> = entries
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
        // Each edge, as a wait of the parent, children in id order.
        let position: HashMap<TaskId, usize> =
            tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        let mut edges: Vec<(u64, u64)> = entries
            .iter()
            .filter_map(|(&child, entry)| Some((entry.awaited_by?, child)))
            .collect();
        let alive = entries.values().filter(|entry| !entry.is_block_on).count();
        drop(entries);
        edges.sort_unstable_by_key(|&(_, child)| child);
        for (parent, child) in edges {
            if let Some(&i) = position.get(&TaskId(parent)) {
                tasks[i].awaits.push(Await::Join {
                    task: TaskId(child),
                });
            }
        }
        AwaitTree {
            runtime_id: self.runtime_id,
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
