//! Saving a downloaded flag atomically: a temp file, fsync, rename [flags.py save_flag].
//!
//! The book's `save_flag` simply writes the file. If the process dies or the disk
//! fills half way, that leaves a truncated GIF under the final name, and a later run
//! cannot tell it from a good one. Here the bytes go to a hidden temp file in the
//! destination directory (the same filesystem, so the rename is atomic), which is
//! flushed to disk and then renamed over the final name. Readers see either no file
//! or the whole file. On any error the temp file is removed.
//!
//! The temp name, `.{filename}.{pid}.{serial}.part`, carries the process id and a
//! per-process counter, so concurrent saves (threads mode, the blocking pool) never
//! share a temp file.
//!
//! ## No temp file outlives its process
//!
//! An error removes the temp file, and Ctrl-C lets the saves in flight finish. But
//! `kill -9`, a crash or a power cut during the write or the fsync runs no code of
//! ours, and leaves the temp file behind. So each run starts with
//! [`remove_stale_temp_files`]: in the destination directory it deletes the files
//! of exactly our pattern whose process no longer exists (on Unix, `kill(pid, 0)`
//! fails with `ESRCH`). Files of a live process are kept: they may belong to
//! another run saving into the same directory right now. Windows has no such
//! question without its API bindings (`OpenProcess`), so there nothing is
//! deleted.
//!
//! The other way, Linux's `O_TMPFILE` (an unnamed file, given a name with `linkat`
//! only when complete), needs `libc` for `linkat`, still needs a named file and a
//! rename to replace an existing flag atomically (`linkat` refuses to overwrite),
//! and has a portable fallback that leaves files behind anyway; the sweep covers
//! every case with one rule.
//!
//! What a production program does differently: it also fsyncs the directory after
//! the rename, so the new name itself survives a power cut. We skip that: a lost
//! flag is downloaded again next run.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers the temp files of this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Why a file could not be saved, with the path and a hint for the usual causes.
#[derive(Debug)]
pub struct SaveError {
    /// The final path we were writing.
    pub path: PathBuf,
    /// The underlying error.
    pub error: io::Error,
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hint = match self.error.kind() {
            io::ErrorKind::StorageFull => " (the disk is full)",
            io::ErrorKind::PermissionDenied => " (no permission to write there)",
            io::ErrorKind::ReadOnlyFilesystem => " (the filesystem is read-only)",
            io::ErrorKind::QuotaExceeded => " (disk quota exceeded)",
            io::ErrorKind::NotFound => " (the destination directory does not exist)",
            _ => "",
        };
        write!(
            f,
            "cannot save {}: {}{hint}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Writes `bytes` to `dir/filename` atomically (see the module doc).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("flags-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = flags_app::save::save_atomically(&dir, "BR.gif", b"GIF89a")?;
/// assert_eq!(std::fs::read(&path)?, b"GIF89a");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_atomically(dir: &Path, filename: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    let path = dir.join(filename);
    let fail = |error| SaveError {
        path: path.clone(),
        error,
    };
    let serial = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{filename}.{}.{serial}.part", std::process::id()));
    let written = (|| {
        let mut file = File::options().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, &path)
    })();
    match written {
        Ok(()) => Ok(path),
        Err(error) => {
            let _ = fs::remove_file(&temp);
            Err(fail(error))
        }
    }
}

/// Deletes the temp files that dead processes left in `dir` (see the module doc)
/// and returns how many. Best effort: an unreadable directory or a file that
/// cannot be removed is left as it is, and the save that follows reports any
/// real problem with the directory.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_owner) else {
            continue;
        };
        if process_exists(pid) == Some(false) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The process id in a temp file name of ours, `.{filename}.gif.{pid}.{serial}.part`;
/// `None` for any other name.
fn temp_file_owner(name: &str) -> Option<u32> {
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let stem = name.strip_prefix('.')?.strip_suffix(".part")?;
    let (rest, serial) = stem.rsplit_once('.')?;
    let (filename, pid) = rest.rsplit_once('.')?;
    let ours = filename.len() > ".gif".len() && filename.ends_with(".gif");
    if !(ours && is_number(serial) && is_number(pid)) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` exists: `kill(pid, 0)`, which sends no signal and fails
/// with `ESRCH` when there is no such process (`EPERM` means it exists and is
/// another user's). `Some(false)` for 0 and ids above `i32::MAX`, which name no
/// process.
///
/// A pid can be reused: a stale file whose pid now names an unrelated process is
/// kept until a run finds that pid gone. That errs on the side of keeping files.
#[cfg(unix)]
fn process_exists(pid: u32) -> Option<bool> {
    use rustix::process::{Pid, test_kill_process};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return Some(false);
    };
    match test_kill_process(pid) {
        Err(rustix::io::Errno::SRCH) => Some(false),
        Ok(()) | Err(_) => Some(true),
    }
}

/// `None`: not known on Windows (see the module doc), so nothing is deleted.
#[cfg(not(unix))]
fn process_exists(_pid: u32) -> Option<bool> {
    None
}

/// Creates the destination directory (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), SaveError> {
    fs::create_dir_all(dir).map_err(|error| SaveError {
        path: dir.to_path_buf(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("flags-save-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn saved_file_has_the_bytes_and_no_temp_file_remains() {
        let dir = temp_dir("ok");
        let path = save_atomically(&dir, "br.gif", b"GIF89a").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"GIF89a");
        save_atomically(&dir, "br.gif", b"GIF89a-v2").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"GIF89a-v2");
        assert_eq!(entries(&dir), ["br.gif"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn failed_rename_leaves_no_temp_file_and_names_the_path() {
        let dir = temp_dir("fail");
        // A directory where the file should go makes the rename fail.
        fs::create_dir(dir.join("br.gif")).unwrap();
        fs::write(dir.join("br.gif/inside"), b"x").unwrap();
        let err = save_atomically(&dir, "br.gif", b"GIF89a").unwrap_err();
        assert!(err.to_string().contains("br.gif"), "{err}");
        assert_eq!(entries(&dir), ["br.gif"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_our_temp_file_names_are_recognised() {
        assert_eq!(temp_file_owner(".AD.gif.4242.0.part"), Some(4242));
        assert_eq!(temp_file_owner(".St._Lucia.gif.7.12.part"), Some(7));
        for other in [
            "AD.gif.4242.0.part",
            ".AD.gif.4242.0",
            ".AD.gif.x.0.part",
            ".AD.gif.4242..part",
            ".gif.4242.0.part",
            ".notes.txt.4242.0.part",
            ".AD.gif",
        ] {
            assert_eq!(temp_file_owner(other), None, "{other}");
        }
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Windows: whether a process exists is not known, so nothing is removed"
    )]
    fn temp_files_of_dead_processes_are_removed_and_others_kept() {
        let dir = temp_dir("stale");
        let dead = {
            let mut child = std::process::Command::new("true").spawn().unwrap();
            let pid = child.id();
            child.wait().unwrap();
            pid
        };
        let live = std::process::id();
        let stale = format!(".AD.gif.{dead}.0.part");
        let in_use = format!(".BR.gif.{live}.3.part");
        for name in [stale.as_str(), in_use.as_str(), "AD.gif", ".other.part"] {
            fs::write(dir.join(name), b"x").unwrap();
        }
        assert_eq!(remove_stale_temp_files(&dir), 1);
        let mut kept = vec![in_use, ".other.part".to_owned(), "AD.gif".to_owned()];
        kept.sort();
        assert_eq!(entries(&dir), kept);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_error_says_so() {
        let err = save_atomically(Path::new("/no/such/dir"), "br.gif", b"x").unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
