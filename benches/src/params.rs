//! The size of every workload, named once and used by every side (and by
//! the row descriptions in [`crate::rows`] and the memory binary).
//!
//! Where tokio's own benchmarks (`benches/rt_current_thread.rs`,
//! `spawn.rs`, `sync_semaphore.rs`) have a similar workload, ours follows
//! the same shape and size.

/// Tasks spawned and then awaited, in spawn order, by `spawn_many` (tokio's
/// `spawn_many_local` spawns 1,000 too).
pub const SPAWN_MANY_TASKS: usize = 1_000;

/// Tasks in `yield_many`.
pub const YIELD_TASKS: usize = 200;

/// `yield_now` calls per task in `yield_many` (200 × 1,000 = 200,000 polls).
pub const YIELDS_PER_TASK: usize = 1_000;

/// Length of the spawn chain in `chained_spawn`: each task spawns the next
/// and awaits it.
pub const CHAIN: usize = 1_000;

/// Round trips in `ping_pong`, each over a fresh pair of oneshot channels.
pub const PING_PONGS: usize = 1_000;

/// Requests in `request_reply`, each answered before the next is sent.
pub const REQUESTS: usize = 1_000;

/// Capacity of the bounded mpsc channels in `request_reply`. One request is
/// in flight at a time, so any capacity ≥ 1 behaves the same.
pub const CHANNEL_CAPACITY: usize = 16;

/// Acquire/release pairs per task in both semaphore workloads.
pub const SEMAPHORE_ACQUIRES: usize = 1_000;

/// Tasks competing in `semaphore_contended`.
pub const SEMAPHORE_TASKS: usize = 6;

/// Permits of the contended semaphore: one, so that five of the six tasks
/// always queue (each holds its permit across a
/// `yield_now`).
pub const SEMAPHORE_PERMITS: usize = 1;

/// Permits of the fresh semaphore in `sem_acquire_forget_1000`, and the
/// number of acquires that each forget their permit (so the last one takes
/// the last permit).
pub const FORGET_PERMITS: usize = 1_000;

/// `timeout` calls around an already-ready future in `timeout_ready`.
pub const TIMEOUTS_READY: usize = 1_000;

/// Round trips to the blocking pool in `spawn_blocking_round_trip`.
pub const BLOCKING_ROUND_TRIPS: usize = 100;

/// Sleeps registered then dropped, one at a time, in `timers_register_cancel`.
pub const TIMER_REGISTER_CANCEL: usize = 1_000;

/// Tasks that each sleep `TIMER_FIRE_DELAY` in `timers_fire_1ms`.
pub const TIMERS_FIRED: usize = 1_000;

/// The sleep of each task in `timers_fire_1ms`: one tick of our wheel.
pub const TIMER_FIRE_DELAY: std::time::Duration = std::time::Duration::from_millis(1);

/// Sleeps armed at once, then all dropped, in `timers_insert_cancel_100k`.
pub const TIMERS_INSERTED: usize = 100_000;

/// Deadline of the sleeps that are registered and cancelled: long enough
/// that none fires during the run (they land in an upper wheel level).
pub const TIMER_FAR_DELAY: std::time::Duration = std::time::Duration::from_secs(60);

/// Bytes per message in `tcp_echo`.
pub const ECHO_MESSAGE: usize = 1024;

/// Round trips in `tcp_echo`.
pub const ECHO_ROUND_TRIPS: usize = 1_000;

/// Size of the body the neutral HTTP server returns in `http_get_*` and
/// `https_*`.
pub const HTTP_BODY: usize = 2 * 1024;

/// Sequential GETs over one keep-alive connection in `http_get_keepalive`
/// and `https_get_keepalive`.
pub const HTTP_SEQUENTIAL: usize = 100;

/// GETs in flight at once in `http_get_concurrent`.
pub const HTTP_CONCURRENT: usize = 10;

/// Keep-alive connections the load generator keeps open in
/// `hyper_server_rps`, each on its own std thread: more than one, so the
/// server always has a connection ready while another waits, and few
/// enough that the clients leave the server a core on a 2-core machine.
pub const SERVER_CONNECTIONS: usize = 4;

/// GETs each connection sends, one after another, per iteration of
/// `hyper_server_rps` (4 × 250 = 1,000 requests).
pub const SERVER_REQUESTS_PER_CONNECTION: usize = 250;

/// Event loops on our side, and worker threads of tokio's multi-thread
/// runtime on the other, in `hyper_server_rps_2_loops`: the machine's two
/// cores.
pub const SERVER_LOOPS: usize = 2;

/// Keep-alive connections in `hyper_server_rps_2_loops`: more than
/// [`SERVER_CONNECTIONS`], so that the kernel's hash (which picks the loop
/// of each connection) spreads them over both loops nearly evenly; the
/// split is fixed for a run, since the connections are made once.
pub const SERVER_LOOPS_CONNECTIONS: usize = 16;

/// GETs each connection sends per iteration of `hyper_server_rps_2_loops`
/// (16 × 125 = 2,000 requests).
pub const SERVER_LOOPS_REQUESTS_PER_CONNECTION: usize = 125;

/// Rounds of multiply-add in each task of `cpu_pair_from_one_loop`: about
/// 10 ms on the 2-core machine of the README's figures, long beside the
/// time a parked worker takes to wake and steal on a busy machine.
pub const CPU_TASK_ROUNDS: u64 = 10_000_000;

/// flags2's `-m 100`, the `flags -a` default: requests in flight at most in
/// `flags_all`, on both sides (a semaphore of this many permits).
pub const FLAGS_MAX_REQ: usize = 100;

/// The per-request timeout in `flags_all`, on both sides: the `flags`
/// command's default `--timeout` (flags2's 3.1 s).
pub const FLAGS_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(3_100);

/// Tasks left parked forever in the memory binary's `idle_tasks` case.
pub const MEMORY_IDLE_TASKS: usize = 100_000;

/// Tasks each parked on a read of its own loopback connection in the memory
/// binary's `parked_reads` case.
pub const MEMORY_PARKED_READS: usize = 100_000;

/// Sleeps armed at once in the memory binary's `armed_timers` case.
pub const MEMORY_ARMED_TIMERS: usize = 1_000_000;

/// Bytes of state every task of the memory binary holds across its wait
/// (the read buffer of a parked reader, a small request context of an idle
/// task): a real body, not a zero-sized `pending()`.
pub const MEMORY_TASK_STATE: usize = 64;
