//! How many heap allocations a spawn costs, counted by a global allocator
//! that counts. One task is one allocation (`runtime/src/task/layout.rs`): the
//! header, the future and its output in one block. A named task adds one
//! for its name. A task spawned from another thread (`Handle::spawn`) is one
//! allocation too, made on the spawning thread.
//!
//! The counter is per thread (a `const` thread-local `Cell`, which needs no
//! allocation and no destructor), so tests running in parallel do not see
//! each other's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use runtime::{RemoteJoinHandle, Runtime};
use std::time::Duration;

/// How long a test may wait for its tasks' wakes before the watchdog fails
/// it (a lost wake leaves the loop asleep with nothing to wake it); each
/// takes milliseconds when none is lost.
const WATCHDOG: Duration = Duration::from_secs(60);

/// `System`, counting the calls to `alloc` made on each thread.
struct Counting;

thread_local! {
    /// Allocations made by this thread since it started.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed to `System` unchanged; the count is a plain
// per-thread add that neither allocates nor panics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations this thread makes while `f` runs.
fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Tasks per measured batch.
const TASKS: usize = 1_000;

/// A runtime whose allocations are the task core's: without the await
/// tree's board, which debug builds turn on by default and which keeps a
/// map entry and a copy of the name per task (`runtime/src/await_tree/`).
fn core_only_runtime() -> Runtime {
    runtime::Builder::new().await_tree(false).build().unwrap()
}

#[test]
fn a_spawn_is_one_allocation() {
    watchdog::within(WATCHDOG, "a spawn is one allocation", || {
        let rt = core_only_runtime();
        rt.block_on(async {
            let mut handles = Vec::with_capacity(TASKS);
            // A first batch grows the run queue and the task set to their size;
            // the second reuses that room, so only the tasks allocate.
            for round in 0..2 {
                handles.clear();
                let allocations = allocations_during(|| {
                    for i in 0..TASKS {
                        handles.push(runtime::spawn(async move { i * 2 }));
                    }
                });
                let mut sum = 0;
                for handle in handles.drain(..) {
                    sum += handle.await.unwrap();
                }
                assert_eq!(sum, TASKS * (TASKS - 1));
                if round == 1 {
                    assert_eq!(allocations, TASKS, "one allocation per spawned task");
                }
            }
        });
    });
}

#[test]
fn a_named_spawn_adds_one_allocation_for_the_name() {
    watchdog::within(
        WATCHDOG,
        "a named spawn adds one allocation for the name",
        || {
            let rt = core_only_runtime();
            rt.block_on(async {
                // Warm the queue and the set.
                runtime::spawn(async {}).await.unwrap();
                let mut handle = None;
                let allocations = allocations_during(|| {
                    handle = Some(
                        runtime::task::Builder::new()
                            .name("named")
                            .spawn(async { 7 }),
                    );
                });
                // The name's `String` from `Builder::name`, its box, and the task.
                assert_eq!(allocations, 3);
                assert_eq!(handle.unwrap().await.unwrap(), 7);
            });
        },
    );
}

#[test]
fn polling_waking_and_joining_allocate_nothing() {
    watchdog::within(
        WATCHDOG,
        "polling waking and joining allocate nothing",
        || {
            let rt = core_only_runtime();
            rt.block_on(async {
                // The first round grows the run queue and the task set; the second
                // is measured from spawn to the last join.
                for round in 0..2 {
                    let handles: Vec<_> = (0..TASKS)
                        .map(|_| {
                            runtime::spawn(async {
                                for _ in 0..10 {
                                    runtime::yield_now().await;
                                }
                            })
                        })
                        .collect();
                    let before = ALLOCATIONS.with(Cell::get);
                    for handle in handles {
                        handle.await.unwrap();
                    }
                    let during = ALLOCATIONS.with(Cell::get) - before;
                    if round == 1 {
                        assert_eq!(
                            during, 0,
                            "ten polls and wakes and a join per task, without allocating"
                        );
                    }
                }
            });
        },
    );
}

/// Entries in one block of crossbeam's unbounded channel (its `BLOCK_CAP`),
/// which the remote queue is: the sender allocates the next block when it
/// fills one.
const CHANNEL_BLOCK_ENTRIES: usize = 31;

#[test]
fn a_spawn_from_another_thread_is_one_allocation() {
    watchdog::within(
        WATCHDOG,
        "a spawn from another thread is one allocation",
        || {
            let rt = Runtime::new().unwrap();
            let handle = rt.handle();
            // A first batch grows the run queue and the task set; the second is
            // measured. The spawns come from this thread while the loop is idle, as
            // in the `spawn_many_remote` bench row.
            for round in 0..2 {
                let mut tasks: Vec<RemoteJoinHandle<usize>> = Vec::with_capacity(TASKS);
                let per_spawn: Vec<usize> = (0..TASKS)
                    .map(|i| {
                        allocations_during(|| {
                            tasks.push(handle.spawn(async move { i * 2 }).unwrap());
                        })
                    })
                    .collect();
                let sum = rt.block_on(async {
                    let mut sum = 0;
                    for task in tasks {
                        sum += task.await.unwrap();
                    }
                    sum
                });
                assert_eq!(sum, TASKS * (TASKS - 1));
                if round == 0 {
                    continue;
                }
                // Each spawn allocates its task's block, and nothing else but the
                // channel's next block, which the spawn that fills one allocates.
                assert!(
                    per_spawn.iter().all(|&n| n == 1 || n == 2),
                    "one allocation per spawn, two when the channel grows: {per_spawn:?}"
                );
                let growths: Vec<usize> = (0..TASKS).filter(|&i| per_spawn[i] == 2).collect();
                assert!(
                    growths
                        .windows(2)
                        .all(|pair| pair[1] - pair[0] >= CHANNEL_BLOCK_ENTRIES),
                    "the channel grows at most once every {CHANNEL_BLOCK_ENTRIES} messages: \
             spawns {growths:?} allocated twice"
                );
                assert!(growths.len() <= TASKS / CHANNEL_BLOCK_ENTRIES + 1);
            }
        },
    );
}
