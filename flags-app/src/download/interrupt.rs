//! Ctrl-C: stop starting new downloads, let the ones in flight end, report.
//!
//! The `ctrlc` crate runs our handler on its own thread when SIGINT arrives. The
//! handler only sets `INTERRUPTED`; every strategy checks it before starting a
//! code, and a code not started is counted as skipped. Downloads already in flight
//! end by themselves within their timeouts (3.1 s per phase by default), and files are
//! written atomically, so no partial flag is left behind. A second Ctrl-C is not
//! special: the handler stays installed, so the user waits for the in-flight
//! requests.
//!
//! What asyncio does differently: `asyncio.run` turns SIGINT into cancelling the
//! main task, which cancels the in-flight requests at once.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the Ctrl-C handler; read by the download loops.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler once per process (later calls do nothing).
pub fn install_handler() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // If another handler is already installed (a host program's), keep it.
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
}

/// Whether Ctrl-C has been pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
