//! [`Builder`]: the runtime's settings, in one place.

use std::io;

use crate::blocking::BlockingPool;
use crate::core::Core;
use crate::runtime::Runtime;

/// Settings for a [`Runtime`]. `Runtime::new()` is `Builder::new().build()`.
///
/// ```
/// let rt = runtime::Builder::new().build().unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// Not yet used: keeps `Builder { .. }` from being built outside the
    /// crate, so settings can be added without breaking callers.
    _private: (),
    /// The cap on `spawn_blocking` threads; `None` is the default,
    /// `min(32, cores + 4)`.
    max_blocking_threads: Option<usize>,
}

impl Builder {
    /// The default settings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// At most `max` threads run [`spawn_blocking`](crate::spawn_blocking)
    /// jobs at once [ThreadPoolExecutor(max_workers=max)]; further jobs
    /// wait in a queue. The default is asyncio's, `min(32, cores + 4)`. A
    /// `max` of 0 counts as 1.
    ///
    /// ```
    /// let rt = runtime::Builder::new().max_blocking_threads(4).build().unwrap();
    /// let four = rt.block_on(async { runtime::spawn_blocking(|| 2 + 2).await });
    /// assert_eq!(four.unwrap(), 4);
    /// ```
    pub fn max_blocking_threads(&mut self, max: usize) -> &mut Builder {
        self.max_blocking_threads = Some(max);
        self
    }

    /// Creates the runtime: its epoll instance, its remote-wake eventfd.
    pub fn build(&self) -> io::Result<Runtime> {
        let mut core = Core::new()?;
        if let Some(max) = self.max_blocking_threads {
            core.blocking = BlockingPool::new(max, core.id);
        }
        Ok(Runtime::from_core(core))
    }
}
