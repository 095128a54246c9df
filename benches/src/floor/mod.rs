//! The floor: what a task, sync or timer row costs with no runtime at all.
//!
//! Each of those rows has a `floor` side beside the runtimes: the same work
//! (the same number of futures, allocations, messages, permits, deadlines)
//! driven by the least machinery that can drive it:
//!
//! - `poll.rs`: a loop that polls with a no-op waker, a `VecDeque` of
//!   boxed futures for the run queue, `yield_now` as one `Pending`, and
//!   deadlines on the raw clock (`Instant::now()`), with the thread put to
//!   sleep (`std::thread::sleep`) until the nearest one;
//! - `sync.rs`: a oneshot that is an `Rc<Cell<Option<T>>>`, a bounded
//!   channel that is an `Rc` around a `VecDeque`, a semaphore that is a
//!   `Cell<usize>`;
//! - `work.rs`: the rows' workloads written against those.
//!
//! The floor is not a peer: nobody would ship it, because of what it
//! leaves out, which [`Floor::leaves_out`] says per row (and the README's
//! table of floors, printed by `report --rows`). Mostly that is the
//! wake-up protocol: the floor polls every pending future on every turn
//! instead of keeping wakers and polling only the woken, which is cheap
//! here only because the rows' futures are nearly always ready again on
//! the next turn. So the report gives `this/floor` beside `this/best peer`
//! as the distance to the limit, and the floor never counts as the best
//! peer, nor makes a row a losing one (see [`crate::summary`]).
//!
//! Rows with sockets have no floor: their time is mostly system calls and
//! the other thread's wake-ups, which a floor would have to make too.

mod poll;
mod sync;
mod work;

use crate::params::{
    BLOCKING_ROUND_TRIPS, CHAIN, FORGET_PERMITS, PING_PONGS, REQUESTS, SEMAPHORE_ACQUIRES,
    SEMAPHORE_TASKS, SPAWN_MANY_TASKS, TIMEOUTS_READY, TIMER_REGISTER_CANCEL, TIMERS_FIRED,
    TIMERS_INSERTED, YIELD_TASKS, YIELDS_PER_TASK,
};
use crate::rows::Row;

/// A row's floor.
#[derive(Debug, Clone, Copy)]
pub struct Floor {
    /// The row (criterion group) it is the floor of.
    pub row: &'static str,
    /// What one iteration of the floor does.
    pub does: &'static str,
    /// What the runtimes do in this row that the floor does not.
    pub leaves_out: &'static str,
    /// One iteration; returns a count that says the work was all done.
    pub run: fn() -> usize,
    /// What [`Floor::run`] returns when it did all the work.
    pub expected: usize,
}

/// The sum `0 + 1 + ... + (n - 1)`.
const fn sum_below(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// Every floor, in the order of [`crate::rows::ALL`].
pub const ALL: &[Floor] = &[
    Floor {
        row: "spawn_many",
        does: "each task a `Box` in a `VecDeque`, then each polled to its output in order",
        leaves_out: "the task header (state, reference count, vtable), a waker per task, the join handle and the wake of its awaiter, the run queue between spawn and first poll (each task is polled in place by the loop that awaits it)",
        run: work::spawn_many,
        expected: sum_below(SPAWN_MANY_TASKS),
    },
    Floor {
        row: "spawn_many_remote",
        does: "each `Send` task boxed and pushed on a `Mutex<VecDeque>`, one lock each, then popped and polled to completion",
        leaves_out: "waking the loop's thread, a join handle another thread can await (shared and reference-counted), the task header",
        run: work::spawn_many_remote,
        expected: SPAWN_MANY_TASKS,
    },
    Floor {
        row: "basic_scheduler_spawn",
        does: "the same task body (a yield) boxed and polled until ready",
        leaves_out: "the task header, the run queue push on the yield's wake, the join handle",
        run: work::basic_scheduler_spawn,
        expected: 2,
    },
    Floor {
        row: "yield_many",
        does: "the same tasks boxed in a `VecDeque`, polled front to back, a pending one pushed at the back",
        leaves_out: "the wake itself (`yield_now` wakes a no-op waker: the loop re-queues every pending task anyway), the waker's reference count, join handles",
        run: work::yield_many,
        expected: YIELD_TASKS * (YIELDS_PER_TASK + 1),
    },
    Floor {
        row: "chained_spawn",
        does: "a chain of boxed futures, each awaiting the next in place",
        leaves_out: "a task per link: its spawn, its scheduling, its join handle, the wake of the parent by the child's exit (here a parent simply polls its child)",
        run: work::chained_spawn,
        expected: CHAIN,
    },
    Floor {
        row: "spawn_blocking_round_trip",
        does: "each job boxed and sent to one std thread over a std channel; the bench thread blocks in `recv` for the answer",
        leaves_out: "the future and its waker: the bench thread parks in `recv` instead of in a loop that could run other tasks meanwhile, so the answer wakes a thread, not a task on a thread",
        run: work::spawn_blocking_round_trip,
        expected: sum_below(BLOCKING_ROUND_TRIPS),
    },
    Floor {
        row: "ping_pong",
        does: "pinger and responder as two boxed tasks in the run queue, two fresh `Rc<Cell<Option<_>>>` oneshots per round trip",
        leaves_out: "storing a waker in the channel and waking the other task through it, `Send`/`Sync`",
        run: work::ping_pong,
        expected: PING_PONGS,
    },
    Floor {
        row: "ping_pong_block_on",
        does: "`ping_pong`'s floor: without a runtime there is no `block_on` future to put the loop in",
        leaves_out: "as `ping_pong`, and the `block_on` future's own wake path",
        run: work::ping_pong,
        expected: PING_PONGS,
    },
    Floor {
        row: "request_reply",
        does: "client and server as two boxed tasks over two bounded channels (an `Rc` around a `VecDeque` of the same capacity)",
        leaves_out: "wakers for a full or empty channel and the wake through them, `Send`/`Sync`",
        run: work::request_reply,
        expected: sum_below(REQUESTS + 1),
    },
    Floor {
        row: "request_reply_block_on",
        does: "`request_reply`'s floor: without a runtime there is no `block_on` future to put the loop in",
        leaves_out: "as `request_reply`, and the `block_on` future's own wake path",
        run: work::request_reply,
        expected: sum_below(REQUESTS + 1),
    },
    Floor {
        row: "semaphore_uncontended",
        does: "a `Cell<usize>` count: each acquire a future that decrements it, each release an increment",
        leaves_out: "the wait list (never used here) and the checks that it is empty, closing, `Sync`",
        run: work::semaphore_uncontended,
        expected: SEMAPHORE_ACQUIRES,
    },
    Floor {
        row: "semaphore_contended",
        does: "the same tasks boxed in the run queue over a `Cell<usize>` count; an acquire that finds none is pending and tried again next turn",
        leaves_out: "the wait list, its wakers and first-come-first-served hand-off: whichever task is polled first after a release takes the permit, and the waiting tasks are polled on every turn for nothing",
        run: work::semaphore_contended,
        expected: SEMAPHORE_TASKS * SEMAPHORE_ACQUIRES,
    },
    Floor {
        row: "sem_acquire_forget_1000",
        does: "a `Cell<usize>` count of the same size, decremented by each acquire, never given back",
        leaves_out: "the wait list and closing; a forgotten permit is a count that stays down on every side",
        run: work::sem_acquire_forget,
        expected: FORGET_PERMITS,
    },
    Floor {
        row: "timers_register_cancel",
        does: "a deadline on the raw clock (`Instant::now()` + 60 s), polled once (another clock read), dropped",
        leaves_out: "the timer structure: inserting the entry with its waker on the first poll and removing it on drop",
        run: work::timers_register_cancel,
        expected: TIMER_REGISTER_CANCEL,
    },
    Floor {
        row: "timers_fire_1ms",
        does: "the same tasks boxed in the run queue, each on a raw-clock deadline; when a turn finds none ready, `std::thread::sleep` until the nearest",
        leaves_out: "the timer structure and each timer's wake (the loop re-polls all tasks after its sleep), the poller (a plain `nanosleep`, exact to the kernel's timer slack, where the runtimes wait in `epoll_wait`)",
        run: work::timers_fire_1ms,
        expected: TIMERS_FIRED,
    },
    Floor {
        row: "timers_insert_cancel_100k",
        does: "the same number of boxed raw-clock deadlines, each polled once, then all dropped",
        leaves_out: "the timer structure: inserting every entry, with its waker, and removing it again",
        run: work::timers_insert_cancel,
        expected: TIMERS_INSERTED,
    },
    Floor {
        row: "timeout_ready",
        does: "a poll of the ready future and nothing else: a timeout needs a deadline only once its future is pending",
        leaves_out: "the timeout wrapper and its room for a timer (never made on our side or smol's either)",
        run: work::timeout_ready,
        expected: sum_below(TIMEOUTS_READY),
    },
];

/// The floor of the row named `row`, if it has one.
pub fn find(row: &str) -> Option<&'static Floor> {
    ALL.iter().find(|floor| floor.row == row)
}

/// The floor of `row`, for a bench file that benches it.
///
/// # Panics
///
/// If the row has no floor: every task, sync and timer row must have one
/// (`cargo test --benches` runs every bench file once, so a missing floor
/// fails there).
pub fn of(row: &Row) -> &'static Floor {
    match find(row.name) {
        Some(floor) => floor,
        None => panic!("row {} has no floor in benches/src/floor/mod.rs", row.name),
    }
}

/// Why a row has no floor (the report's empty cell), if it has none.
pub fn absent_reason(row: &str) -> Option<&'static str> {
    find(row).is_none().then_some("no floor for socket rows")
}

/// The README's table of floors: per row, what the floor does and what it
/// leaves out.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| workload | the floor, with no runtime | what it leaves out |\n|---|---|---|\n",
    );
    for floor in ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            floor.row, floor.does, floor.leaves_out
        ));
    }
    out
}
