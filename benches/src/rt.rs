//! Building each side's runtime the same way.
//!
//! Ours has one thread, a mio reactor and (with the time module) a timer
//! wheel, always. tokio's closest match is the `current_thread` runtime with
//! I/O and time enabled (`enable_all`); without them it would skip work ours
//! always does, and the comparison would flatter tokio.

/// Our runtime, with default settings.
///
/// # Panics
///
/// If the OS refuses an epoll instance: a bench cannot run without one.
pub fn this() -> runtime::Runtime {
    match runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => panic!("cannot build our runtime: {err}"),
    }
}

/// tokio's single-threaded runtime with its I/O and timer drivers.
///
/// # Panics
///
/// If the OS refuses an epoll instance.
pub fn tokio() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => panic!("cannot build tokio's runtime: {err}"),
    }
}
