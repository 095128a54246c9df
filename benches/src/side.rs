//! The runtimes a workload runs on: ours and its peers.
//!
//! Each side is a criterion function name inside a workload's group, so
//! criterion stores `<criterion>/<workload>/<side>/<run>/estimates.json`.

/// One runtime under measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// This project's runtime.
    This,
    /// tokio's `current_thread` runtime.
    Tokio,
    /// smol's `async-executor` `LocalExecutor`, with `async-io` where a
    /// workload needs timers or sockets.
    Smol,
    /// futures' `LocalPool` (pure task workloads only).
    LocalPool,
    /// No runtime at all: the same work polled in a plain loop (see
    /// [`crate::floor`]). Not a peer: it is never the best peer, and a row
    /// is never losing because of it.
    Floor,
}

impl Side {
    /// Every side, in table order.
    pub const ALL: [Side; 5] = [
        Side::This,
        Side::Tokio,
        Side::Smol,
        Side::LocalPool,
        Side::Floor,
    ];

    /// The peers: every side but ours and the floor.
    pub const PEERS: [Side; 3] = [Side::Tokio, Side::Smol, Side::LocalPool];

    /// The criterion function name, and the name on the memory binary's
    /// command line.
    pub fn name(self) -> &'static str {
        match self {
            Side::This => "this",
            Side::Tokio => "tokio",
            Side::Smol => "smol",
            Side::LocalPool => "local_pool",
            Side::Floor => "floor",
        }
    }

    /// The column heading in reports.
    pub fn label(self) -> &'static str {
        match self {
            Side::This => "this",
            Side::Tokio => "tokio",
            Side::Smol => "smol",
            Side::LocalPool => "LocalPool",
            Side::Floor => "floor",
        }
    }

    /// The side named `name` (as [`Side::name`] spells it), if any.
    pub fn parse(name: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.name() == name)
    }
}
