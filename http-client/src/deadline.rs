//! [`Deadline`]: one request's total timeout, combined with each phase's own.
//!
//! Every wait of a request (for a connection slot, for the connection, for room to write, for
//! the next bytes to read) goes through [`Deadline::run`] with its phase and that phase's
//! timeout. The wait is bounded by the phase timeout, or by what is left of the request's total
//! timeout when that is sooner; the [`Error::Timeout`] then names the phase that ran out, or
//! [`TimeoutPhase::Total`]. The phase timeouts restart at every wait; the total one does not.
//!
//! ```text
//!   send() ─ pool ─ connect ─ write ─ read … read ─ (redirect: again) ─ body: read … read
//!           |<──────────────── total timeout, from send() to the last body byte ───────>|
//!                                     each read: its own read timeout
//! ```

use std::time::{Duration, Instant};

use crate::error::{Error, TimeoutPhase};

/// When a request must be finished, if it has a total timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    /// The instant the total timeout expires; `None` for no total timeout.
    at: Option<Instant>,
}

impl Deadline {
    /// A deadline `total` from now (`None`: never).
    pub(crate) fn after(total: Option<Duration>) -> Deadline {
        Deadline {
            at: total.map(|t| runtime::time::now() + t),
        }
    }

    /// Runs `fut` with the timeout of `phase`, or with the time left until the deadline if that
    /// is shorter (then an expiry is reported as [`TimeoutPhase::Total`]).
    pub(crate) async fn run<T>(
        &self,
        phase: TimeoutPhase,
        limit: Duration,
        fut: impl Future<Output = T>,
    ) -> Result<T, Error> {
        let (limit, phase) = match self.at {
            Some(at) => {
                let left = at.saturating_duration_since(runtime::time::now());
                if left < limit {
                    (left, TimeoutPhase::Total)
                } else {
                    (limit, phase)
                }
            }
            None => (limit, phase),
        };
        runtime::time::timeout(limit, fut)
            .await
            .map_err(|_| Error::Timeout(phase))
    }
}
