//! Headless Chromium for the workspace's tests: a real browser, not written
//! here, that opens the pages our programs write (the timeline viewer, the
//! flag server's index) and says what it rendered.
//!
//! - [`run`]: find Chromium or fail the test with the apt-get hint, and run
//!   it bounded in time, with a fresh profile, no network beyond the page,
//!   and its helper processes killed with it; [`dump_dom`] and
//!   [`screenshot`] are the two runs the tests make.
//! - [`dom`]: reading the rendered DOM that `--dump-dom` prints.
//! - [`image`]: decoding a screenshot into pixels, to check that something,
//!   in which colours, was drawn.
//!
//! A test crate of its own so that every crate's tests drive the browser
//! the same way (`timeline`'s tests of the viewer, `flags-app`'s of a real
//! download's page); it is a dev-dependency only.

pub mod dom;
pub mod image;
mod process_group;
mod run;

pub use image::Screenshot;
pub use run::{BROWSER_LIMIT, chromium, dump_dom, file_url, run, screenshot};
