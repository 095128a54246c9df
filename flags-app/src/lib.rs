//! Fluent Python's flag downloaders (chapters 20 and 21, the flags2 family) on this
//! project's own runtime and HTTP client, with a flag server to download from.
//!
//! - [`cli`], [`usage`], [`config`]: the command line and the validated settings.
//! - [`codes`], [`countries`]: which codes to fetch; the book's 194 countries, with
//!   their flags and `metadata.json` built in.
//! - [`metadata`]: the book's `metadata.json`, and reading its `country` (`--names`).
//! - [`site`]: LOCAL / DELAY / ERROR labels or a base URL.
//! - [`serve`]: the HTTP flag server with delay and error injection.
//! - [`prng`]: the seeded random stream of the server's delays and faults.
//! - [`download`]: the three strategies, reporting and accounting.
//! - [`save`]: atomic file writes.
//! - [`output`]: printing lines without panicking when stdout or stderr is closed or full.

pub mod cli;
pub mod codes;
pub mod config;
pub mod countries;
pub mod download;
pub mod metadata;
pub mod output;
pub mod prng;
pub mod save;
pub mod serve;
pub mod site;
pub mod usage;
