//! What an await tree is made of: [`AwaitTree`], one [`TaskInfo`] per live
//! task, its [`TaskState`] and what it [`Await`]s. Plain values, taken on
//! the loop's thread and then free to go anywhere (they are `Send`).

use std::fmt;
use std::panic::Location;
use std::time::Duration;

use crate::task::TaskId;

/// The tasks of one loop at one moment, and what each one waits for. Take
/// one with [`snapshot`](super::snapshot); `Display` draws it as a tree,
/// [`table`](Self::table) as a table.
#[derive(Debug, Clone)]
pub struct AwaitTree {
    /// The runtime's id (the one its timeline and trace use).
    pub(crate) runtime_id: u64,
    /// The name of the thread that runs the loop, if it has one.
    pub(crate) thread: Option<String>,
    /// False if the runtime records no await tree: then `tasks` is empty
    /// and `alive` is all that is known.
    pub(crate) recorded: bool,
    /// How many spawned tasks are alive (the `block_on` future not counted).
    pub(crate) alive: usize,
    /// Every live task, the `block_on` future first, then by id.
    pub(crate) tasks: Vec<TaskInfo>,
}

impl AwaitTree {
    /// The id of the runtime this is the tree of.
    pub fn runtime_id(&self) -> u64 {
        self.runtime_id
    }

    /// False if the runtime records no await tree (see the module doc):
    /// then [`tasks`](Self::tasks) is empty.
    pub fn is_recorded(&self) -> bool {
        self.recorded
    }

    /// Every live task: the future given to `block_on` first, then the
    /// spawned tasks by id.
    pub fn tasks(&self) -> &[TaskInfo] {
        &self.tasks
    }

    /// The task with id `id`, if it is alive.
    pub fn task(&self, id: TaskId) -> Option<&TaskInfo> {
        self.tasks.iter().find(|task| task.id == id)
    }

    /// The tasks that await `id`'s `JoinHandle`: its parents in the tree.
    pub fn awaited_by(&self, id: TaskId) -> impl Iterator<Item = &TaskInfo> {
        self.tasks
            .iter()
            .filter(move |task| task.awaits.contains(&Await::Join { task: id }))
    }
}

/// One live task in an [`AwaitTree`].
#[derive(Debug, Clone)]
pub struct TaskInfo {
    /// The task's id.
    pub(crate) id: TaskId,
    /// Its name (`task::Builder::name`); `block_on` for the future given to
    /// `block_on`.
    pub(crate) name: Option<String>,
    /// Where it was spawned, or where `block_on` was called.
    pub(crate) spawned_at: &'static Location<'static>,
    /// True for the future given to `block_on`, the tree's first root.
    pub(crate) is_block_on: bool,
    /// Running, queued or waiting.
    pub(crate) state: TaskState,
    /// The phase the task said it is in, with `runtime::timeline::phase`
    /// (`waiting for the response head`), if any.
    pub(crate) phase: Option<String>,
    /// How long it has been in that state.
    pub(crate) state_for: Duration,
    /// While waiting: what for, as its leaf futures said during its last
    /// poll (one entry per leaf that returned `Pending`: a `select` of a
    /// socket and a timer gives two). Empty otherwise.
    pub(crate) awaits: Vec<Await>,
}

impl TaskInfo {
    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Its name, if it has one (`block_on` for the future given to
    /// `block_on`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where it was spawned (where `block_on` was called, for that future).
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// True for the future given to `block_on`.
    pub fn is_block_on(&self) -> bool {
        self.is_block_on
    }

    /// Running, queued or waiting.
    pub fn state(&self) -> TaskState {
        self.state
    }

    /// The phase the task last named with
    /// [`timeline::phase`](crate::timeline::phase), if it has not ended it.
    pub fn phase(&self) -> Option<&str> {
        self.phase.as_deref()
    }

    /// How long it has been in its state.
    pub fn state_for(&self) -> Duration {
        self.state_for
    }

    /// What it waits for (empty unless it is waiting, and for a wait no
    /// leaf future of this runtime knows: a hand-written future's).
    pub fn awaits(&self) -> &[Await] {
        &self.awaits
    }
}

/// Where a task is, from the loop's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Being polled now: the task that took the tree, or (seen from the
    /// SIGQUIT thread) a poll that has not returned.
    Running,
    /// Woken, in the run queue, not polled yet.
    Queued,
    /// Its last poll returned `Pending`, and nothing has woken it since.
    Waiting,
}

impl TaskState {
    /// The word the renderings use: `running`, `queued`, `waiting`.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Running => "running",
            TaskState::Queued => "queued",
            TaskState::Waiting => "waiting",
        }
    }
}

/// What a waiting task waits for: what one of its leaf futures said when it
/// returned `Pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Await {
    /// A socket of the reactor to become readable or writable.
    Socket {
        /// The reactor's token for the socket (mio's `Token`), as the trace
        /// and the timeline name it.
        token: usize,
        /// True for room to write, false for data to read (or the peer's
        /// close).
        writable: bool,
    },
    /// A timer (a `sleep`, a `timeout`, an `interval`).
    Timer {
        /// How long until it is due, when the tree was taken; zero if it is
        /// due already (the loop fires it at its next tick).
        due_in: Duration,
    },
    /// A semaphore permit.
    Permit,
    /// A message on a channel (mpsc, oneshot, or the loops' channel).
    Channel,
    /// The result of a `spawn_blocking` job.
    Blocking,
    /// The end of another task, through its `JoinHandle`: an edge of the
    /// tree.
    Join {
        /// The task awaited.
        task: TaskId,
    },
}

impl fmt::Display for Await {
    /// `socket 5 readable`, `timer due in 1.20s`, `semaphore permit`,
    /// `channel message`, `blocking job`, `task 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Await::Socket { token, writable } => {
                let readiness = if *writable { "writable" } else { "readable" };
                write!(f, "socket {token} {readiness}")
            }
            Await::Timer { due_in } if due_in.is_zero() => f.write_str("timer due now"),
            Await::Timer { due_in } => write!(f, "timer due in {}", Seconds(*due_in)),
            Await::Permit => f.write_str("semaphore permit"),
            Await::Channel => f.write_str("channel message"),
            Await::Blocking => f.write_str("blocking job"),
            Await::Join { task } => write!(f, "task {task}"),
        }
    }
}

/// A duration as the renderings show it: `0.350s`, `12.3s`.
pub(crate) struct Seconds(pub(crate) Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs_f64();
        if secs < 10.0 {
            write!(f, "{secs:.3}s")
        } else {
            write!(f, "{secs:.1}s")
        }
    }
}
