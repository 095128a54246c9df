//! [`SpawnSite`]: where a task was spawned, and its name if it has one, in
//! one word of the header.
//!
//! Every task records the `spawn` call that made it (a
//! `&'static Location`, captured by `#[track_caller]`), for reprs, the
//! await tree and the lints' warnings; a few also have a name
//! (`task::Builder::name`). Two fields would take 16 bytes of every header,
//! and the header's size decides the allocator's size class of every task
//! (see "How small a task is" in `layout.rs`). So both share one
//! word:
//!
//! ```text
//!   low bit 0:  &'static Location ──────────────> file, line, column
//!   low bit 1:  Box<NamedSite> (bit cleared) ───> { location, name }
//! ```
//!
//! A nameless task, nearly every task, pays nothing but the word; a named
//! one pays a small allocation for the pair, freed with the header. The low
//! bit is free in both pointers because both point at types that contain a
//! reference, hence aligned to at least 2 (checked at compile time below).
//! The tag is set and cleared with `map_addr`, which keeps the pointer's
//! provenance, so Miri checks every access (the task tests run under Miri
//! with named and nameless tasks).
//!
//! A production runtime makes the same trade differently: tokio keeps the
//! name out of the task (in its tracing span), and async-task has no name
//! or location at all, only a user-chosen metadata field.

use std::panic::Location;
use std::ptr::NonNull;

/// The low bit of [`SpawnSite::tagged`]: set when it points at a
/// [`NamedSite`].
const NAMED: usize = 1;

/// A named task's location and name, behind the tagged word.
struct NamedSite {
    /// Where `spawn` was called.
    location: &'static Location<'static>,
    /// The name given with `task::Builder::name`.
    name: Box<str>,
}

// Both pointee types are aligned to at least 2, so bit `NAMED` of a pointer
// to either is always clear before it is tagged.
const _: () = assert!(align_of::<Location<'static>>() > NAMED);
const _: () = assert!(align_of::<NamedSite>() > NAMED);

/// Where a task was spawned and its name, in one word. See the module doc.
pub(crate) struct SpawnSite {
    /// A `&'static Location` (bit `NAMED` clear) or an owned
    /// `Box<NamedSite>` with bit `NAMED` set. Never changes after
    /// construction.
    tagged: NonNull<()>,
}

// SAFETY: the word is either a shared `&'static Location` (Send and Sync)
// or owns a `NamedSite` that is never written after construction and whose
// fields (a `&'static Location`, a `Box<str>`) are Send and Sync; it is
// freed only by `drop`, which needs the `SpawnSite` by `&mut`.
unsafe impl Send for SpawnSite {}
// SAFETY: as for `Send`: every access through `&self` is a read of data
// that no one writes after construction.
unsafe impl Sync for SpawnSite {}

impl SpawnSite {
    /// Records `location`, and `name` if there is one.
    pub(crate) fn new(location: &'static Location<'static>, name: Option<Box<str>>) -> SpawnSite {
        let tagged = match name {
            None => NonNull::from(location).cast::<()>(),
            Some(name) => {
                let named = NonNull::from(Box::leak(Box::new(NamedSite { location, name })));
                // Setting the low bit of an aligned, non-null address leaves
                // it non-null; `map_addr` keeps the allocation's provenance.
                named.cast::<()>().map_addr(|addr| addr | NAMED)
            }
        };
        SpawnSite { tagged }
    }

    /// The pointer to the named pair, untagged, if the task has a name.
    fn named_ptr(&self) -> Option<*mut NamedSite> {
        if self.tagged.addr().get() & NAMED == 0 {
            return None;
        }
        // Clearing the bit gives back the box's own pointer, with its
        // provenance (`map_addr`).
        Some(
            self.tagged
                .as_ptr()
                .map_addr(|addr| addr & !NAMED)
                .cast::<NamedSite>(),
        )
    }

    /// The named pair, if the task has a name.
    fn named(&self) -> Option<&NamedSite> {
        // SAFETY: a pointer from `named_ptr` is the `Box<NamedSite>` made
        // in `new`; the box lives as long as `self` (freed only in `drop`)
        // and is never written, so a shared borrow tied to `&self` is sound.
        self.named_ptr().map(|ptr| unsafe { &*ptr })
    }

    /// Where `spawn` was called.
    pub(crate) fn location(&self) -> &'static Location<'static> {
        match self.named() {
            Some(named) => named.location,
            // SAFETY: bit `NAMED` is clear, so the word was made from a
            // `&'static Location` in `new`, untagged: it points at a
            // location that lives for the whole program.
            None => unsafe { &*self.tagged.as_ptr().cast::<Location<'static>>() },
        }
    }

    /// The name, if the task has one.
    pub(crate) fn name(&self) -> Option<&str> {
        self.named().map(|named| &*named.name)
    }
}

impl Drop for SpawnSite {
    fn drop(&mut self) {
        if let Some(ptr) = self.named_ptr() {
            // SAFETY: the pointer is the one `Box::leak` gave in `new`, with
            // its provenance, and no borrow of the pair outlives `&mut self`;
            // this is the only place that frees it, once, as the
            // `SpawnSite` goes.
            drop(unsafe { Box::from_raw(ptr) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_one_word_and_keeps_its_location_and_name() {
        assert_eq!(size_of::<SpawnSite>(), size_of::<usize>());
        let here = Location::caller();
        let nameless = SpawnSite::new(here, None);
        assert_eq!(nameless.location(), here);
        assert_eq!(nameless.name(), None);
        let named = SpawnSite::new(here, Some("fetch br".into()));
        assert_eq!(named.location(), here);
        assert_eq!(named.name(), Some("fetch br"));
        assert_eq!(named.tagged.addr().get() & NAMED, NAMED);
        assert_eq!(nameless.tagged.addr().get() & NAMED, 0);
    }
}
