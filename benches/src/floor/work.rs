//! The floor of each row: the row's work, driven by `poll.rs` with the
//! primitives of `sync.rs`. Each returns a count that says the work was all
//! done (the floor's tests and `Floor::expected` hold the figure), and is
//! never inlined, so that `benches/callgrind-row.sh` finds one call per
//! iteration, as it does for the runtimes' runners in `benches::rt`.

use std::collections::VecDeque;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::task::{Context, Waker};

use super::poll::{
    Deadline, Earliest, Task, block_on, run_until_empty, run_until_empty_sleeping, yield_now,
};
use super::sync::{OneshotReceiver, OneshotSender, Permits, bounded, oneshot};
use crate::params::{
    BLOCKING_ROUND_TRIPS, CHAIN, CHANNEL_CAPACITY, FORGET_PERMITS, PING_PONGS, REQUESTS,
    SEMAPHORE_ACQUIRES, SEMAPHORE_PERMITS, SEMAPHORE_TASKS, SPAWN_MANY_TASKS, TIMEOUTS_READY,
    TIMER_FAR_DELAY, TIMER_FIRE_DELAY, TIMER_REGISTER_CANCEL, TIMERS_FIRED, TIMERS_INSERTED,
    YIELD_TASKS, YIELDS_PER_TASK,
};

/// `spawn_many`: each task a boxed future in a `VecDeque`, then each
/// polled to its output in spawn order. Returns the sum of the outputs.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn spawn_many() -> usize {
    let queue: VecDeque<Pin<Box<dyn Future<Output = usize>>>> = (0..SPAWN_MANY_TASKS)
        .map(|i| Box::pin(async move { i }) as Pin<Box<dyn Future<Output = usize>>>)
        .collect();
    queue
        .into_iter()
        .map(|task| black_box(block_on(task)))
        .sum()
}

/// A boxed `Send` task, as a handle from another thread hands it over.
type SendTask = Pin<Box<dyn Future<Output = ()> + Send>>;

/// `spawn_many_remote`: each task boxed and pushed, one lock at a time,
/// on a `Mutex<VecDeque>` (the remote queue), then popped, one lock at a
/// time, and polled to completion. Returns the tasks run.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn spawn_many_remote() -> usize {
    let remote: Mutex<VecDeque<SendTask>> = Mutex::new(VecDeque::new());
    for _ in 0..SPAWN_MANY_TASKS {
        let task: SendTask = Box::pin(async {});
        lock(&remote).push_back(task);
    }
    let mut ran = 0;
    while let Some(task) = lock(&remote).pop_front() {
        block_on(task);
        ran += 1;
    }
    ran
}

/// Locks `queue`; a poisoned lock (a panic while pushing) is still usable.
fn lock<T>(queue: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// tokio's `spawn.rs` task body, as the `tasks` bench has it.
async fn work() -> usize {
    let val = black_box(1) + 1;
    yield_now().await;
    black_box(val)
}

/// `basic_scheduler_spawn`: [`work`] boxed and polled until ready (twice).
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn basic_scheduler_spawn() -> usize {
    block_on(Box::pin(work()))
}

/// `yield_many`: `YIELD_TASKS` boxed tasks each yielding `YIELDS_PER_TASK`
/// times, in a `VecDeque` run queue. Returns the polls.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn yield_many() -> usize {
    let mut queue: VecDeque<Task<'static>> = (0..YIELD_TASKS)
        .map(|_| {
            Box::pin(async {
                for _ in 0..YIELDS_PER_TASK {
                    yield_now().await;
                }
            }) as Task<'static>
        })
        .collect();
    run_until_empty(&mut queue)
}

/// A chain of `n` boxed futures, each awaiting the next in place.
fn chain(n: usize) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move { if n == 0 { 0 } else { chain(n - 1).await + 1 } })
}

/// `chained_spawn`: `CHAIN` boxed futures, each awaiting the next in place
/// (no task of its own, so no wake of the parent). Returns the depth.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn chained_spawn() -> usize {
    block_on(chain(CHAIN))
}

/// A job for the blocking thread and where its answer goes.
type Job = (Box<dyn FnOnce() -> usize + Send>, mpsc::SyncSender<usize>);

/// The floor's blocking pool: one std thread, started at first use, that
/// runs the jobs it receives and sends each answer back.
fn blocking_thread() -> &'static Mutex<mpsc::Sender<Job>> {
    static JOBS: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("floor-blocking".into())
            .spawn(move || {
                for (job, answer) in inbox {
                    // The bench thread waits for it; if it is gone, so is the job.
                    let _ = answer.send(job());
                }
            })
            .unwrap_or_else(|err| panic!("cannot start the floor's blocking thread: {err}"));
        Mutex::new(jobs)
    })
}

/// `spawn_blocking_round_trip`: `BLOCKING_ROUND_TRIPS` boxed jobs sent to a
/// std thread over a std channel, the bench thread blocked in `recv` for
/// each answer. Returns the sum of the answers.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn spawn_blocking_round_trip() -> usize {
    let jobs = lock(blocking_thread()).clone();
    let mut sum = 0;
    for i in 0..BLOCKING_ROUND_TRIPS {
        let (answer, reply) = mpsc::sync_channel(1);
        let job: Box<dyn FnOnce() -> usize + Send> = Box::new(move || black_box(i));
        if jobs.send((job, answer)).is_err() {
            panic!("the floor's blocking thread is gone");
        }
        match reply.recv() {
            Ok(out) => sum += out,
            Err(_) => panic!("the floor's blocking thread dropped a job"),
        }
    }
    sum
}

/// What travels on a ping, as in the `channels` bench.
struct Ping {
    /// The pong goes back on this.
    pong: OneshotSender<()>,
    /// The next ping arrives on this.
    next: OneshotReceiver<Ping>,
}

/// `ping_pong` (both shapes): the pinger and the responder as two boxed
/// tasks in the run queue, two fresh oneshots per round trip. Returns the
/// pongs received.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn ping_pong() -> usize {
    let pongs = Rc::new(std::cell::Cell::new(0));
    let (ping_tx, ping_rx) = oneshot::<Ping>();
    let responder: Task<'static> = Box::pin(async move {
        let mut ping_rx = ping_rx;
        while let Some(Ping { pong, next }) = (&mut ping_rx).await {
            pong.send(());
            ping_rx = next;
        }
    });
    let counted = Rc::clone(&pongs);
    let pinger: Task<'static> = Box::pin(async move {
        let mut ping_tx = ping_tx;
        for _ in 0..PING_PONGS {
            let (pong_tx, pong_rx) = oneshot();
            let (next_tx, next_rx) = oneshot();
            ping_tx.send(Ping {
                pong: pong_tx,
                next: next_rx,
            });
            pong_rx.await.expect("pong");
            counted.set(counted.get() + 1);
            ping_tx = next_tx;
        }
    });
    run_until_empty(&mut VecDeque::from([pinger, responder]));
    pongs.get()
}

/// `request_reply` (both shapes): the client and the server as two boxed
/// tasks, over two bounded channels of `CHANNEL_CAPACITY`. Returns the sum
/// of the replies.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn request_reply() -> usize {
    let sum = Rc::new(std::cell::Cell::new(0));
    let (req_tx, mut req_rx) = bounded::<usize>(CHANNEL_CAPACITY);
    let (rep_tx, mut rep_rx) = bounded::<usize>(CHANNEL_CAPACITY);
    let server: Task<'static> = Box::pin(async move {
        while let Some(n) = req_rx.recv().await {
            if rep_tx.send(n + 1).await.is_err() {
                return;
            }
        }
    });
    let total = Rc::clone(&sum);
    let client: Task<'static> = Box::pin(async move {
        for n in 0..REQUESTS {
            assert!(req_tx.send(n).await.is_ok(), "server alive");
            let reply = rep_rx.recv().await.expect("a reply");
            assert_eq!(reply, n + 1);
            total.set(total.get() + reply);
        }
    });
    run_until_empty(&mut VecDeque::from([client, server]));
    sum.get()
}

/// `semaphore_uncontended`: a one-permit count, acquired and released
/// `SEMAPHORE_ACQUIRES` times in one future. Returns the acquires.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn semaphore_uncontended() -> usize {
    block_on(async {
        let sem = Permits::new(1);
        let mut acquired = 0;
        for _ in 0..SEMAPHORE_ACQUIRES {
            let permit = sem.acquire().await;
            acquired += 1;
            drop(black_box(permit));
        }
        acquired
    })
}

/// `semaphore_contended`: `SEMAPHORE_TASKS` boxed tasks share a count of
/// `SEMAPHORE_PERMITS`, each holding its permit across a yield. Returns the
/// acquires.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn semaphore_contended() -> usize {
    let sem = Permits::new(SEMAPHORE_PERMITS);
    let acquired = std::cell::Cell::new(0);
    let mut queue: VecDeque<Task<'_>> = (0..SEMAPHORE_TASKS)
        .map(|_| {
            let (sem, acquired) = (&sem, &acquired);
            Box::pin(async move {
                for _ in 0..SEMAPHORE_ACQUIRES {
                    let permit = sem.acquire().await;
                    acquired.set(acquired.get() + 1);
                    yield_now().await;
                    drop(permit);
                }
            }) as Task<'_>
        })
        .collect();
    run_until_empty(&mut queue);
    assert_eq!(sem.available(), SEMAPHORE_PERMITS);
    acquired.get()
}

/// `sem_acquire_forget_1000`: a count of `FORGET_PERMITS`, acquired as many
/// times, each permit forgotten. Returns the acquires.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn sem_acquire_forget() -> usize {
    block_on(async {
        let sem = Permits::new(FORGET_PERMITS);
        let mut acquired = 0;
        for _ in 0..FORGET_PERMITS {
            sem.acquire().await.forget();
            acquired += 1;
        }
        assert_eq!(sem.available(), 0);
        acquired
    })
}

/// Polls `future` once with a no-op waker; true if it was pending.
fn poll_once<F: Future>(future: Pin<&mut F>) -> bool {
    future
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending()
}

/// `timers_register_cancel`: `TIMER_REGISTER_CANCEL` raw-clock deadlines
/// (a clock read to make, one per poll), each polled once and dropped.
/// Returns the deadlines that were pending, as a far one must be.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn timers_register_cancel() -> usize {
    let earliest = Earliest::default();
    (0..TIMER_REGISTER_CANCEL)
        .filter(|_| poll_once(std::pin::pin!(Deadline::after(TIMER_FAR_DELAY, &earliest))))
        .count()
}

/// `timers_fire_1ms`: `TIMERS_FIRED` boxed tasks each waiting on a
/// deadline `TIMER_FIRE_DELAY` away; the loop sleeps the thread until the
/// nearest one. Returns the tasks that finished.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn timers_fire_1ms() -> usize {
    let earliest = Earliest::default();
    let fired = std::cell::Cell::new(0);
    let mut queue: VecDeque<Task<'_>> = (0..TIMERS_FIRED)
        .map(|_| {
            let (earliest, fired) = (&earliest, &fired);
            Box::pin(async move {
                Deadline::after(TIMER_FIRE_DELAY, earliest).await;
                fired.set(fired.get() + 1);
            }) as Task<'_>
        })
        .collect();
    run_until_empty_sleeping(&mut queue, &earliest);
    fired.get()
}

/// `timers_insert_cancel_100k`: `TIMERS_INSERTED` boxed raw-clock deadlines
/// made at once, each polled once, then all dropped. Returns the ones that
/// were pending.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn timers_insert_cancel() -> usize {
    let earliest = Earliest::default();
    let mut deadlines: Vec<_> = (0..TIMERS_INSERTED)
        .map(|_| Box::pin(Deadline::after(TIMER_FAR_DELAY, &earliest)))
        .collect();
    let pending = deadlines
        .iter_mut()
        .map(|deadline| poll_once(deadline.as_mut()))
        .filter(|pending| *pending)
        .count();
    drop(deadlines);
    pending
}

/// `timeout_ready`: a timeout polls its future first and needs a deadline
/// only if that is pending; here it never is, so the floor is
/// `TIMEOUTS_READY` polls of a ready future. Returns the sum of the outputs.
#[inline(never)] // one call per iteration, for profilers (see benches::rt)
pub fn timeout_ready() -> usize {
    block_on(async {
        let mut sum = 0;
        for i in 0..TIMEOUTS_READY {
            sum += black_box(async { i }.await);
        }
        sum
    })
}
