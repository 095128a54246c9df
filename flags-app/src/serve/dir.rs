//! Serving a file of the `--dir` tree: from this loop's warm-file cache when it
//! holds the file and checked it recently, otherwise after one look at the disk on
//! the blocking pool.
//!
//! ```text
//!   request ──► cache lookup ──Fresh──────────────────────────────► bytes from memory
//!                   │ Missing / Check (claimed)
//!                   ▼
//!           pool: canonicalize, contain, stat, open, fstat ──► Unchanged ──► bytes from memory
//!                   │                                     ├─► Small ──► read, cache ─► bytes
//!                   │                                     └─► Large ──► open file, streamed
//!                   └─► Missing (absent, outside the tree, not a regular file) ──► 404
//! ```
//!
//! The path is built from the two-letter code alone, never from request text
//! (`route.rs`), and checked once more here: canonicalized (resolving symlinks),
//! it must still lie inside the canonical root, so a symlink out of the tree is a
//! 404, not followed.
//!
//! ## Nothing on the loop waits for the disk
//!
//! Every look at the file (canonicalize, stat, open, read) runs on the blocking
//! pool through [`runtime::spawn_blocking`]; the loop only consults the cache
//! (`file_cache.rs`). A FIFO, a socket or a device named like a flag would block
//! an `open` (a FIFO waits for a writer) or a read: it is refused after a `stat`,
//! before any open, and the open itself is non-blocking on Unix (`O_NONBLOCK`),
//! so a FIFO swapped in between the `stat` and the `open` cannot hold a pool
//! thread either; the opened file's own `fstat` has the last word. A file on a
//! slow disk, or a huge one, holds one pool thread, never the loop.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::body::Body;
use super::file_cache::{FileId, Lookup, SMALL_FILE_MAX, with_cache};

/// `root/flags/{cc}/{name}` (`name` is `{cc}.gif` or `metadata.json`) as a
/// [`Body`]; `Ok(None)` when there is no such regular file inside `root`.
pub async fn serve_file(root: &Path, cc: &str, name: &str) -> io::Result<Option<Body>> {
    let is_code = cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic());
    if !is_code {
        return Ok(None);
    }
    let path = root.join("flags").join(cc.to_ascii_lowercase()).join(name);
    let mut known = match with_cache(|cache| cache.lookup(&path, Instant::now())) {
        Lookup::Fresh(bytes, id) => return Ok(Some(cached(bytes, id))),
        Lookup::Check(id) => Some(id),
        Lookup::Missing => None,
    };
    loop {
        let (job_root, job_path) = (root.to_path_buf(), path.clone());
        let loaded = runtime::spawn_blocking(move || load(&job_root, &job_path, known))
            .await
            .unwrap_or_else(|join| {
                Err(io::Error::other(format!(
                    "looking at the file failed: {join}"
                )))
            });
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(err) => {
                with_cache(|cache| cache.remove(&path));
                return Err(err);
            }
        };
        return Ok(Some(match loaded {
            Loaded::Unchanged(id) => match with_cache(|cache| cache.confirm(&path, id)) {
                Some(bytes) => cached(bytes, id),
                // Evicted while we looked: read it this time.
                None => {
                    known = None;
                    continue;
                }
            },
            Loaded::Small(bytes, id) => {
                let kept = Arc::clone(&bytes);
                with_cache(|cache| cache.insert(path, kept, id, Instant::now()));
                cached(bytes, id)
            }
            Loaded::Large(file, id) => {
                with_cache(|cache| cache.remove(&path));
                Body::File {
                    file,
                    len: id.len,
                    modified: id.modified,
                }
            }
            Loaded::Changing(bytes) => {
                with_cache(|cache| cache.remove(&path));
                Body::Bytes(bytes)
            }
            Loaded::Missing => {
                with_cache(|cache| cache.remove(&path));
                return Ok(None);
            }
        }));
    }
}

/// A cached file's body.
fn cached(bytes: Arc<[u8]>, id: FileId) -> Body {
    Body::Cached {
        bytes,
        modified: id.modified,
    }
}

/// What one look at a file found.
#[derive(Debug)]
enum Loaded {
    /// Absent, outside the root, or not a regular file.
    Missing,
    /// Still the version the cache holds.
    Unchanged(FileId),
    /// A small file, read whole.
    Small(Arc<[u8]>, FileId),
    /// A large file, opened, to be streamed.
    Large(File, FileId),
    /// A small file that changed while it was read: these bytes are served once,
    /// without validators, and not cached.
    Changing(Arc<[u8]>),
}

/// Looks at `path` (under the canonical `root`): the module doc's diagram. `known`
/// is the version the cache holds, if any. Blocks on the disk: call it off the loop.
fn load(root: &Path, path: &Path, known: Option<FileId>) -> io::Result<Loaded> {
    let missing_is_none = |err: io::Error| match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Ok(Loaded::Missing),
        _ => Err(err),
    };
    let canonical = match path.canonicalize() {
        Ok(canonical) => canonical,
        Err(err) => return missing_is_none(err),
    };
    if !canonical.starts_with(root) {
        return Ok(Loaded::Missing);
    }
    // Refuse a FIFO or a device before opening it (module doc).
    match std::fs::metadata(&canonical) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Ok(Loaded::Missing),
        Err(err) => return missing_is_none(err),
    }
    let file = match open_without_waiting(&canonical) {
        Ok(file) => file,
        Err(err) => return missing_is_none(err),
    };
    // The type and identity of the file we opened, not of whatever the path names
    // by now: no gap between checking and opening.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Loaded::Missing);
    }
    let id = FileId::of(&meta);
    if known == Some(id) {
        return Ok(Loaded::Unchanged(id));
    }
    if id.len > SMALL_FILE_MAX {
        return Ok(Loaded::Large(file, id));
    }
    let mut bytes = Vec::with_capacity(id.len as usize);
    (&file).take(id.len + 1).read_to_end(&mut bytes)?;
    let bytes: Arc<[u8]> = bytes.into();
    if bytes.len() as u64 != id.len || FileId::of(&file.metadata()?) != id {
        return Ok(Loaded::Changing(bytes));
    }
    Ok(Loaded::Small(bytes, id))
}

/// Opens `path` for reading; on Unix with `O_NONBLOCK`, so that a FIFO without a
/// writer opens at once instead of waiting for one. (A regular file ignores the
/// flag: its reads still block on the disk, which is why they run on the pool.)
fn open_without_waiting(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp_tree(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("flags-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("flags/br")).unwrap();
        std::fs::write(root.join("flags/br/br.gif"), b"GIF89a-br").unwrap();
        root.canonicalize().unwrap()
    }

    #[test]
    fn a_cached_version_is_recognised_and_a_changed_one_read_again() {
        let root = temp_tree("versions");
        let path = root.join("flags/br/br.gif");
        let Loaded::Small(bytes, id) = load(&root, &path, None).unwrap() else {
            panic!("a small file is read whole");
        };
        assert_eq!(&bytes[..], b"GIF89a-br");
        assert!(
            matches!(load(&root, &path, Some(id)).unwrap(), Loaded::Unchanged(same) if same == id)
        );
        // Replaced by a rename, as editors and `cp` to a temp name do: new inode.
        let fresh = root.join("flags/br/new.gif");
        std::fs::write(&fresh, b"GIF89a-BR").unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        match load(&root, &path, Some(id)).unwrap() {
            Loaded::Small(bytes, new_id) => {
                assert_eq!(&bytes[..], b"GIF89a-BR");
                assert_ne!(new_id, id);
            }
            other => panic!("expected the new bytes, got {other:?}"),
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_missing_and_opening_one_does_not_wait() {
        let root = temp_tree("fifo");
        std::fs::create_dir_all(root.join("flags/ff")).unwrap();
        let fifo = root.join("flags/ff/ff.gif");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(load(&root, &fifo, None).unwrap(), Loaded::Missing));
        // Past the stat (a FIFO swapped in after it), the open still returns.
        let opened = open_without_waiting(&fifo).unwrap();
        assert!(!opened.metadata().unwrap().is_file());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
