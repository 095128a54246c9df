//! Every row of the report, named once: which bench file measures it, what
//! one iteration does, which drivers the peers get, in which shape it runs,
//! and why a peer has no cell.
//!
//! The bench files build their peers from a row's [`Row::drivers`] and
//! [`Row::shape`], so the README's table (printed by `report --rows`) and
//! the code cannot disagree. To add a workload:
//!
//! 1. add a `pub const` [`Row`] here and list it in [`ALL`];
//! 2. in its bench file, open `c.benchmark_group(ROW.name)` and add one
//!    `bench_function(Side::X.name(), ..)` per side that can run it;
//! 3. for every peer that cannot, add `(Side::X, "why")` to `absent`: the
//!    report prints the reason in that empty cell.
//!
//! Sizes come from [`crate::params`]; the descriptions format them, so a
//! size is written once.

use crate::params;
use crate::rt::{Drivers, Shape};
use crate::side::Side;
use crate::units::thousands;

/// One workload: a criterion group, one function per side that runs it.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The criterion group name, e.g. `spawn_many`.
    pub name: &'static str,
    /// The file under `benches/benches/` that measures it.
    pub bench: &'static str,
    /// What one criterion iteration does (formats sizes from `params`).
    pub does: fn() -> String,
    /// The drivers the workload needs; tokio and smol get exactly these.
    pub drivers: Drivers,
    /// Whether the measured loop runs in a spawned task or in `block_on`.
    pub shape: Shape,
    /// Peers that do not run this workload, each with the reason the
    /// report prints in its empty cell.
    pub absent: &'static [(Side, &'static str)],
}

impl Row {
    /// Why `side` has no result for this row, if the row says so.
    pub fn absent_reason(&self, side: Side) -> Option<&'static str> {
        self.absent
            .iter()
            .find(|(absent, _)| *absent == side)
            .map(|(_, why)| *why)
    }
}

/// futures' `LocalPool` has no timers, sockets or sync types of its own.
const TASKS_ONLY: (Side, &str) = (Side::LocalPool, "pure task rows only");
/// smol's crates have no HTTP client.
const NO_SMOL_HTTP: (Side, &str) = (Side::Smol, "no HTTP client in smol");
/// futures' `LocalPool` is one thread.
const TASKS_ONLY_SINGLE: (Side, &str) = (Side::LocalPool, "one thread only");
/// smol's crates have no glue for hyper's runtime traits.
const NO_SMOL_HYPER: (Side, &str) = (Side::Smol, "no hyper glue in smol");

/// `spawn_many`.
pub const SPAWN_MANY: Row = Row {
    name: "spawn_many",
    bench: "tasks",
    does: || {
        format!(
            "spawn {} tasks, await each handle (tokio's `spawn_many_local`)",
            thousands(params::SPAWN_MANY_TASKS)
        )
    },
    drivers: Drivers::None,
    shape: Shape::BlockOn,
    absent: &[],
};

/// `spawn_many_remote`.
pub const SPAWN_MANY_REMOTE: Row = Row {
    name: "spawn_many_remote",
    bench: "tasks",
    does: || {
        format!(
            "spawn {} tasks through a handle from outside the runtime, then await each (tokio's `spawn_many_remote_idle`; smol: its thread-safe `Executor`)",
            thousands(params::SPAWN_MANY_TASKS)
        )
    },
    drivers: Drivers::None,
    shape: Shape::BlockOn,
    absent: &[(Side::LocalPool, "no handle for other threads")],
};

/// `basic_scheduler_spawn`.
pub const BASIC_SCHEDULER_SPAWN: Row = Row {
    name: "basic_scheduler_spawn",
    bench: "tasks",
    does: || "spawn one task that yields once, await it (tokio's `basic_scheduler_spawn`)".into(),
    drivers: Drivers::None,
    shape: Shape::BlockOn,
    absent: &[],
};

/// `yield_many`.
pub const YIELD_MANY: Row = Row {
    name: "yield_many",
    bench: "tasks",
    does: || {
        format!(
            "{} tasks × {} `yield_now`",
            params::YIELD_TASKS,
            thousands(params::YIELDS_PER_TASK)
        )
    },
    drivers: Drivers::None,
    shape: Shape::BlockOn,
    absent: &[],
};

/// `chained_spawn`.
pub const CHAINED_SPAWN: Row = Row {
    name: "chained_spawn",
    bench: "tasks",
    does: || {
        format!(
            "a chain of {} tasks, each spawning and awaiting the next",
            thousands(params::CHAIN)
        )
    },
    drivers: Drivers::None,
    shape: Shape::BlockOn,
    absent: &[],
};

/// `spawn_blocking_round_trip`.
pub const SPAWN_BLOCKING_ROUND_TRIP: Row = Row {
    name: "spawn_blocking_round_trip",
    bench: "tasks",
    does: || {
        format!(
            "{} jobs sent to the blocking pool, awaited one after another (smol: `blocking::unblock`)",
            params::BLOCKING_ROUND_TRIPS
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `ping_pong`.
pub const PING_PONG: Row = Row {
    name: "ping_pong",
    bench: "channels",
    does: || {
        format!(
            "{} round trips between two tasks over fresh oneshot channels (smol: `async_channel::bounded(1)`)",
            thousands(params::PING_PONGS)
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `ping_pong` with the loop in `block_on`.
pub const PING_PONG_BLOCK_ON: Row = Row {
    name: "ping_pong_block_on",
    shape: Shape::BlockOn,
    does: || "`ping_pong` with the pinging loop in the `block_on` future".into(),
    ..PING_PONG
};

/// `request_reply`.
pub const REQUEST_REPLY: Row = Row {
    name: "request_reply",
    bench: "channels",
    does: || {
        format!(
            "{} requests over a bounded mpsc channel of {}, each answered over another (smol: `async_channel`)",
            thousands(params::REQUESTS),
            params::CHANNEL_CAPACITY
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `request_reply` with the loop in `block_on`.
pub const REQUEST_REPLY_BLOCK_ON: Row = Row {
    name: "request_reply_block_on",
    shape: Shape::BlockOn,
    does: || "`request_reply` with the requesting loop in the `block_on` future".into(),
    ..REQUEST_REPLY
};

/// `semaphore_uncontended`.
pub const SEMAPHORE_UNCONTENDED: Row = Row {
    name: "semaphore_uncontended",
    bench: "semaphore",
    does: || {
        format!(
            "{} acquire + release of a one-permit semaphore by one task (smol: `async_lock`)",
            thousands(params::SEMAPHORE_ACQUIRES)
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `semaphore_contended`.
pub const SEMAPHORE_CONTENDED: Row = Row {
    name: "semaphore_contended",
    bench: "semaphore",
    does: || {
        format!(
            "{} tasks × {} acquires of a {}-permit semaphore, held across a `yield_now`",
            params::SEMAPHORE_TASKS,
            thousands(params::SEMAPHORE_ACQUIRES),
            params::SEMAPHORE_PERMITS
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `sem_acquire_forget_1000`.
pub const SEM_ACQUIRE_FORGET: Row = Row {
    name: "sem_acquire_forget_1000",
    bench: "semaphore",
    does: || {
        format!(
            "a fresh semaphore of {0} permits, acquired {0} times, each permit forgotten",
            thousands(params::FORGET_PERMITS)
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `timers_register_cancel`.
pub const TIMERS_REGISTER_CANCEL: Row = Row {
    name: "timers_register_cancel",
    bench: "timers",
    does: || {
        format!(
            "{} × (create a {} s sleep, poll it once, drop it)",
            thousands(params::TIMER_REGISTER_CANCEL),
            params::TIMER_FAR_DELAY.as_secs()
        )
    },
    drivers: Drivers::Time,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `timers_fire_1ms`.
pub const TIMERS_FIRE_1MS: Row = Row {
    name: "timers_fire_1ms",
    bench: "timers",
    does: || {
        format!(
            "{} tasks each sleep {} ms, all awaited (includes the wait)",
            thousands(params::TIMERS_FIRED),
            params::TIMER_FIRE_DELAY.as_millis()
        )
    },
    drivers: Drivers::Time,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `timers_insert_cancel_100k`.
pub const TIMERS_INSERT_CANCEL: Row = Row {
    name: "timers_insert_cancel_100k",
    bench: "timers",
    does: || {
        format!(
            "arm {} sleeps at once, then drop them all",
            thousands(params::TIMERS_INSERTED)
        )
    },
    drivers: Drivers::Time,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `timeout_ready`.
pub const TIMEOUT_READY: Row = Row {
    name: "timeout_ready",
    bench: "timers",
    does: || {
        format!(
            "{} timeouts around a future that is ready at once (smol: `or` with a `Timer`)",
            thousands(params::TIMEOUTS_READY)
        )
    },
    drivers: Drivers::Time,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `tcp_echo`.
pub const TCP_ECHO: Row = Row {
    name: "tcp_echo",
    bench: "tcp",
    does: || {
        format!(
            "{} round trips of {} bytes to an echo task over loopback",
            thousands(params::ECHO_ROUND_TRIPS),
            thousands(params::ECHO_MESSAGE)
        )
    },
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY],
};

/// `tcp_echo` with the client loop in `block_on`.
pub const TCP_ECHO_BLOCK_ON: Row = Row {
    name: "tcp_echo_block_on",
    shape: Shape::BlockOn,
    does: || "`tcp_echo` with the client loop in the `block_on` future".into(),
    ..TCP_ECHO
};

/// `http_get_keepalive`. tokio gets the I/O driver only: hyper-util's
/// client uses no timer unless given one (no pool timer, no connect
/// timeout; its happy-eyeballs fallback, which sleeps, needs a second
/// address, and the URL is a literal `127.0.0.1`).
pub const HTTP_GET_KEEPALIVE: Row = Row {
    name: "http_get_keepalive",
    bench: "http",
    does: || {
        format!(
            "{} sequential GETs of a {} KiB body over one pooled connection (tokio: hyper-util's client)",
            params::HTTP_SEQUENTIAL,
            params::HTTP_BODY / 1024
        )
    },
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HTTP, TASKS_ONLY],
};

/// `http_get_concurrent`.
pub const HTTP_GET_CONCURRENT: Row = Row {
    name: "http_get_concurrent",
    bench: "http",
    does: || {
        format!(
            "{} GETs of a {} KiB body in flight at once, one task each (tokio: hyper-util's client)",
            params::HTTP_CONCURRENT,
            params::HTTP_BODY / 1024
        )
    },
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HTTP, TASKS_ONLY],
};

/// `https_get_keepalive`.
pub const HTTPS_GET_KEEPALIVE: Row = Row {
    name: "https_get_keepalive",
    bench: "https",
    does: || {
        format!(
            "{} sequential GETs of a {} KiB body over one pooled TLS connection (tokio: hyper-util's client over hyper-rustls)",
            params::HTTP_SEQUENTIAL,
            params::HTTP_BODY / 1024
        )
    },
    // Neither hyper-util's client (without a pool timer) nor tokio-rustls
    // arms a timer.
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HTTP, TASKS_ONLY],
};

/// `https_connect`.
pub const HTTPS_CONNECT: Row = Row {
    name: "https_connect",
    bench: "https",
    does: || {
        format!(
            "one GET of a {} KiB body on a new connection: TCP connect, a full TLS 1.3 handshake, request, response (tokio: hyper-util's client over hyper-rustls)",
            params::HTTP_BODY / 1024
        )
    },
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HTTP, TASKS_ONLY],
};

/// `hyper_client_get`.
pub const HYPER_CLIENT_GET: Row = Row {
    name: "hyper_client_get",
    bench: "hyper",
    does: || {
        format!(
            "{} sequential GETs of a {} KiB body with hyper's HTTP/1 client over one keep-alive connection, the same hyper code on both runtimes",
            params::HTTP_SEQUENTIAL,
            params::HTTP_BODY / 1024
        )
    },
    drivers: Drivers::Io,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HYPER, TASKS_ONLY],
};

/// `hyper_client_get` with the GET loop in `block_on`.
pub const HYPER_CLIENT_GET_BLOCK_ON: Row = Row {
    name: "hyper_client_get_block_on",
    shape: Shape::BlockOn,
    does: || "`hyper_client_get` with the GET loop in the `block_on` future".into(),
    ..HYPER_CLIENT_GET
};

/// `hyper_server_rps`.
pub const HYPER_SERVER_RPS: Row = Row {
    name: "hyper_server_rps",
    bench: "hyper",
    does: || {
        format!(
            "a hyper HTTP/1 server (with its runtime's timer, one task per connection) answers {} GETs from {} keep-alive clients on std threads; criterion also reports requests/s",
            thousands(params::SERVER_CONNECTIONS * params::SERVER_REQUESTS_PER_CONNECTION),
            params::SERVER_CONNECTIONS
        )
    },
    drivers: Drivers::IoTime,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HYPER, TASKS_ONLY],
};

/// `hyper_server_rps_2_loops`.
pub const HYPER_SERVER_RPS_2_LOOPS: Row = Row {
    name: "hyper_server_rps_2_loops",
    bench: "hyper",
    does: || {
        format!(
            "the same hyper server on {} cores: ours on {} loops (`runtime::loops`, a SO_REUSEPORT listener each), tokio's multi-thread runtime with {} workers (one listener, work-stealing); {} GETs from {} keep-alive clients on std threads",
            params::SERVER_LOOPS,
            params::SERVER_LOOPS,
            params::SERVER_LOOPS,
            thousands(
                params::SERVER_LOOPS_CONNECTIONS * params::SERVER_LOOPS_REQUESTS_PER_CONNECTION
            ),
            params::SERVER_LOOPS_CONNECTIONS
        )
    },
    drivers: Drivers::IoTime,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HYPER, TASKS_ONLY],
};

/// `cpu_pair_from_one_loop`.
pub const CPU_PAIR_FROM_ONE_LOOP: Row = Row {
    name: "cpu_pair_from_one_loop",
    bench: "loops",
    does: || {
        format!(
            "one task spawns two CPU-bound tasks ({} multiply-adds each) and awaits both, on {} threads: ours on {} loops (the tasks stay on the spawner's loop), tokio's multi-thread runtime with {} workers (the idle one steals), smol's `Executor` run by {} threads",
            thousands(params::CPU_TASK_ROUNDS as usize),
            params::SERVER_LOOPS,
            params::SERVER_LOOPS,
            params::SERVER_LOOPS,
            params::SERVER_LOOPS
        )
    },
    drivers: Drivers::None,
    shape: Shape::Spawned,
    absent: &[TASKS_ONLY_SINGLE],
};

/// `flags_all`.
pub const FLAGS_ALL: Row = Row {
    name: "flags_all",
    bench: "flags",
    does: || {
        format!(
            "the whole flag set (`flags -a -m {}`) from the embedded flag server, saved to tmpfs (tokio: hyper)",
            params::FLAGS_MAX_REQ
        )
    },
    drivers: Drivers::IoTime,
    shape: Shape::Spawned,
    absent: &[NO_SMOL_HTTP, TASKS_ONLY],
};

/// `flags_all` with tokio's download in `block_on`.
pub const FLAGS_ALL_BLOCK_ON: Row = Row {
    name: "flags_all_block_on",
    shape: Shape::BlockOn,
    does: || {
        "`flags_all` with tokio's download in the `block_on` future (ours is unchanged)".into()
    },
    ..FLAGS_ALL
};

/// Every row, in report order.
pub const ALL: &[Row] = &[
    SPAWN_MANY,
    SPAWN_MANY_REMOTE,
    BASIC_SCHEDULER_SPAWN,
    YIELD_MANY,
    CHAINED_SPAWN,
    SPAWN_BLOCKING_ROUND_TRIP,
    PING_PONG,
    PING_PONG_BLOCK_ON,
    REQUEST_REPLY,
    REQUEST_REPLY_BLOCK_ON,
    SEMAPHORE_UNCONTENDED,
    SEMAPHORE_CONTENDED,
    SEM_ACQUIRE_FORGET,
    TIMERS_REGISTER_CANCEL,
    TIMERS_FIRE_1MS,
    TIMERS_INSERT_CANCEL,
    TIMEOUT_READY,
    TCP_ECHO,
    TCP_ECHO_BLOCK_ON,
    HTTP_GET_KEEPALIVE,
    HTTP_GET_CONCURRENT,
    HTTPS_GET_KEEPALIVE,
    HTTPS_CONNECT,
    HYPER_CLIENT_GET,
    HYPER_CLIENT_GET_BLOCK_ON,
    HYPER_SERVER_RPS,
    HYPER_SERVER_RPS_2_LOOPS,
    CPU_PAIR_FROM_ONE_LOOP,
    FLAGS_ALL,
    FLAGS_ALL_BLOCK_ON,
];

/// The row named `name`, if any.
pub fn find(name: &str) -> Option<&'static Row> {
    ALL.iter().find(|row| row.name == name)
}

/// The README's table of workloads: name, file, what an iteration does,
/// the peers' drivers and the shape.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| workload | file | one iteration | peers' drivers | shape |\n|---|---|---|---|---|\n",
    );
    for row in ALL {
        out.push_str(&format!(
            "| `{}` | `{}.rs` | {} | {} | {} |\n",
            row.name,
            row.bench,
            (row.does)(),
            row.drivers.label(),
            row.shape.label()
        ));
    }
    out
}
