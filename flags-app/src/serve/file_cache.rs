//! The warm-file cache: the bytes of small `--dir` files an event loop has served,
//! so that the next request for one is answered from memory, without a trip to the
//! blocking pool.
//!
//! ## Why bytes, and what nginx does
//!
//! nginx, by default, opens and `fstat`s the file on every request, on its event
//! loop, and sends it with `sendfile(2)` from the page cache; `open_file_cache`
//! (off by default) keeps the open descriptors and their `fstat` for
//! `open_file_cache_valid` (60 s), so that a warm request makes no `open` at all.
//! A blocked worker is nginx's accepted risk for a cold disk (`aio threads` is
//! the opt-in way out).
//!
//! We may not block the loop on the disk at all, so a file we know nothing about
//! is looked at on the blocking pool (`dir.rs`). What we keep of a file we have
//! seen decides what a warm request costs:
//!
//! - **Descriptors** (nginx's choice) would still need a `read` or `sendfile` per
//!   request, which can block on a page the kernel dropped: back to the pool, the
//!   round trip we are removing. They also count against the descriptor limit
//!   that bounds our connections (`descriptors.rs`), and pin deleted files.
//! - **Bytes** cost memory, but a flag is a few KiB: the book's 194 flags are
//!   about 2.4 MB. A warm request then makes no system call but the socket write,
//!   and every connection shares the one copy (an `Arc`, as the built-in flags are).
//!
//! So we keep bytes, for files up to [`SMALL_FILE_MAX`] and at most
//! [`CACHE_BUDGET`] in all; a larger file is opened and streamed on each request
//! (`send.rs`), and there the disk's speed matters more than the hop.
//!
//! ## Staying right when the file changes
//!
//! Each entry remembers the file's identity ([`FileId`]: device, inode, length,
//! modification time) and when it was last checked. An entry checked within
//! [`REVALIDATE_AFTER`] (1 s) is served as is. The first request after that
//! *claims* the check (the entry's check time becomes now, so the requests that
//! follow keep being served from memory meanwhile) and waits for one look at the
//! file on the blocking pool; if the identity is unchanged the entry stays,
//! otherwise the file is read again or dropped. So a change is seen within about
//! a second, each cached file costs the pool at most one job a second, and no
//! look at the disk ever runs on the loop. nginx's `open_file_cache_valid` is the
//! same idea with a 60 s default.
//!
//! ## Who touches it
//!
//! One cache per thread ([`with_cache`]), used only by the event loop running
//! there, and borrowed for one call at a time, never across an `.await`. Several
//! loops (one per thread) each keep their own, as nginx's workers each keep their
//! own `open_file_cache`: no lock, no sharing, at the price of one copy per loop.
//! Entries are keyed by the file's path under the served root.
//!
//! ## Bounds
//!
//! When an insert would pass [`CACHE_BUDGET`], the least recently served entries
//! are evicted (a scan for the oldest; inserts are rare next to hits, so the scan
//! is cheaper to read than a linked LRU list and costs nothing on the hot path).
//! A file that has gone or changed type is dropped at its next check. Requests
//! for a file that does not exist are not cached (nginx caches them only with
//! `open_file_cache_errors on`): each asks the pool.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Largest file kept in memory: 256 KiB, four of `send.rs`'s streaming chunks.
/// The book's largest flag (`lk.gif`) is 36 KB.
pub const SMALL_FILE_MAX: u64 = 256 * 1024;

/// Most bytes one loop's cache holds: 32 MiB, room for the book's 194 flags
/// fourteen times over, and a bound a server on a small machine can afford.
pub const CACHE_BUDGET: usize = 32 * 1024 * 1024;

/// How long an entry is served without looking at the file again (module doc).
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

/// What tells one version of a file from another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    /// Device and inode on Unix (a file replaced by a rename has a new inode even
    /// if length and time match); zeros elsewhere.
    pub node: (u64, u64),
    /// Length in bytes.
    pub len: u64,
    /// Modification time.
    pub modified: SystemTime,
}

impl FileId {
    /// The identity of the file `meta` describes.
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let node = (0, 0);
        FileId {
            node,
            len: meta.len(),
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        }
    }
}

/// One cached file.
#[derive(Debug)]
struct Entry {
    /// The whole file, shared with the responses being sent.
    bytes: Arc<[u8]>,
    /// Which version of the file `bytes` is.
    id: FileId,
    /// When the file was last looked at (or a look was claimed).
    checked: Instant,
    /// The cache's use counter when this entry was last served, for eviction.
    last_used: u64,
}

/// What [`FileCache::lookup`] found.
#[derive(Debug)]
pub enum Lookup {
    /// Checked recently: serve these bytes of this version.
    Fresh(Arc<[u8]>, FileId),
    /// Due for a check, now claimed by the caller: look at the file off the loop
    /// and report with [`FileCache::confirm`], [`FileCache::insert`] or
    /// [`FileCache::remove`].
    Check(FileId),
    /// Not cached.
    Missing,
}

/// The cache itself (module doc); the clock is passed in, so tests control it.
#[derive(Debug)]
pub struct FileCache {
    /// The entries by path.
    entries: HashMap<PathBuf, Entry>,
    /// Sum of the entries' lengths, at most `budget`.
    bytes: usize,
    /// Most bytes to hold.
    budget: usize,
    /// Counts lookups; stamps `Entry::last_used`.
    uses: u64,
}

impl FileCache {
    /// An empty cache holding at most `budget` bytes.
    pub fn new(budget: usize) -> FileCache {
        FileCache {
            entries: HashMap::new(),
            bytes: 0,
            budget,
            uses: 0,
        }
    }

    /// Looks `path` up at `now`; a stale entry's check is claimed (module doc).
    pub fn lookup(&mut self, path: &Path, now: Instant) -> Lookup {
        self.uses += 1;
        let Some(entry) = self.entries.get_mut(path) else {
            return Lookup::Missing;
        };
        entry.last_used = self.uses;
        if now.saturating_duration_since(entry.checked) < REVALIDATE_AFTER {
            return Lookup::Fresh(Arc::clone(&entry.bytes), entry.id);
        }
        entry.checked = now;
        Lookup::Check(entry.id)
    }

    /// The check found `path` still at version `id`: its bytes, if still cached.
    pub fn confirm(&mut self, path: &Path, id: FileId) -> Option<Arc<[u8]>> {
        let entry = self.entries.get(path)?;
        (entry.id == id).then(|| Arc::clone(&entry.bytes))
    }

    /// Caches `bytes`, version `id` of `path`, checked at `now`, evicting the
    /// least recently served entries if the budget requires. A file larger than
    /// the budget is not cached.
    pub fn insert(&mut self, path: PathBuf, bytes: Arc<[u8]>, id: FileId, now: Instant) {
        self.remove(&path);
        if bytes.len() > self.budget {
            return;
        }
        while self.bytes + bytes.len() > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.last_used)
                .map(|(path, _)| path.clone())
            else {
                break;
            };
            self.remove(&oldest);
        }
        self.bytes += bytes.len();
        let entry = Entry {
            bytes,
            id,
            checked: now,
            last_used: self.uses,
        };
        self.entries.insert(path, entry);
    }

    /// Forgets `path`.
    pub fn remove(&mut self, path: &Path) {
        if let Some(entry) = self.entries.remove(path) {
            self.bytes -= entry.bytes.len();
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Files held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

thread_local! {
    /// This thread's cache: the one of the event loop that runs here.
    static CACHE: RefCell<FileCache> = RefCell::new(FileCache::new(CACHE_BUDGET));
}

/// Runs `f` on this thread's cache. `f` must not await or re-enter.
pub fn with_cache<T>(f: impl FnOnce(&mut FileCache) -> T) -> T {
    CACHE.with(|cache| f(&mut cache.borrow_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(len: u64) -> FileId {
        FileId {
            node: (1, len),
            len,
            modified: SystemTime::UNIX_EPOCH,
        }
    }

    fn bytes(len: usize) -> Arc<[u8]> {
        vec![7u8; len].into()
    }

    #[test]
    fn an_entry_is_fresh_for_the_interval_then_one_caller_claims_the_check() {
        let mut cache = FileCache::new(1000);
        let t0 = Instant::now();
        let path = Path::new("/tree/flags/br/br.gif");
        assert!(matches!(cache.lookup(path, t0), Lookup::Missing));
        cache.insert(path.into(), bytes(10), id(10), t0);
        let just_before = t0 + REVALIDATE_AFTER - Duration::from_millis(1);
        assert!(matches!(cache.lookup(path, just_before), Lookup::Fresh(b, _) if b.len() == 10));
        let due = t0 + REVALIDATE_AFTER;
        assert!(matches!(cache.lookup(path, due), Lookup::Check(found) if found == id(10)));
        // The check is claimed: the next callers are served meanwhile.
        assert!(matches!(cache.lookup(path, due), Lookup::Fresh(..)));
        assert_eq!(cache.confirm(path, id(10)).map(|b| b.len()), Some(10));
        assert_eq!(cache.confirm(path, id(11)), None, "another version");
    }

    #[test]
    fn the_budget_evicts_the_least_recently_served() {
        let mut cache = FileCache::new(100);
        let now = Instant::now();
        let [a, b, c] = ["/a", "/b", "/c"].map(Path::new);
        cache.insert(a.into(), bytes(40), id(40), now);
        cache.insert(b.into(), bytes(40), id(41), now);
        assert!(matches!(cache.lookup(a, now), Lookup::Fresh(..)));
        cache.insert(c.into(), bytes(40), id(42), now);
        assert!(
            matches!(cache.lookup(b, now), Lookup::Missing),
            "b was oldest"
        );
        assert!(matches!(cache.lookup(a, now), Lookup::Fresh(..)));
        assert!(matches!(cache.lookup(c, now), Lookup::Fresh(..)));
        assert_eq!((cache.len(), cache.bytes()), (2, 80));
        cache.insert("/huge".into(), bytes(101), id(101), now);
        assert_eq!(
            (cache.len(), cache.bytes()),
            (2, 80),
            "larger than the budget"
        );
    }

    #[test]
    fn replacing_and_removing_keep_the_byte_count() {
        let mut cache = FileCache::new(100);
        let now = Instant::now();
        let path = Path::new("/a");
        cache.insert(path.into(), bytes(30), id(30), now);
        cache.insert(path.into(), bytes(50), id(50), now);
        assert_eq!((cache.len(), cache.bytes()), (1, 50));
        cache.remove(path);
        assert!(cache.is_empty());
        assert_eq!(cache.bytes(), 0);
    }
}
