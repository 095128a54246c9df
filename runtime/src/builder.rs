//! [`Builder`]: the runtime's settings, in one place.

use std::io;

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
}

impl Builder {
    /// The default settings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Creates the runtime: its epoll instance, its remote-wake eventfd.
    pub fn build(&self) -> io::Result<Runtime> {
        Ok(Runtime::from_core(Core::new()?))
    }
}
