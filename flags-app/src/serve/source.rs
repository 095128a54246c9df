//! Where the flag bytes come from: the book's archive built into the binary, or a
//! directory tree (`--dir`).
//!
//! `--dir DIR` expects the book's layout, `DIR/flags/{cc}/{cc}.gif`, for example the
//! unzipped flags archive. The router has already reduced the request to a two-letter
//! code, so the file path is built from that code alone, never from request text.
//! As a second line of defence the path is canonicalized (resolving symlinks) and
//! must still lie inside the canonical `DIR`; a symlink pointing out of the tree is
//! served as 404, not followed.
//!
//! ## Off the loop, and never whole
//!
//! A disk read blocks the thread that makes it, and a file under `--dir` can be
//! anything, a gigabyte or a FIFO included. So the loop never looks at the disk
//! itself (`dir.rs`): a small file it has served recently comes from its
//! warm-file cache (`file_cache.rs`), shared with the responses, never copied,
//! as a [`Body::Cached`]; everything else (canonicalizing, checking, opening,
//! reading a small file whole) runs on the runtime's blocking pool through
//! [`runtime::spawn_blocking`], asyncio's `run_in_executor` lesson. A large file
//! comes back open, as a [`Body::File`], not as its bytes, and the connection
//! task streams it in bounded chunks, each read on the blocking pool too
//! (`send.rs`), so memory per response is one chunk whatever the file's size.
//!
//! The built-in archive is in memory already ([`crate::countries`]). Each of its
//! files is copied once, when the server starts, into an `Arc` that every response
//! shares: [`Body::Bytes`], as the index page and the error bodies are. A borrowed
//! `&'static` variant of [`Body`] would save that one copy of 2.35 MB per server,
//! at the price of a third kind of body everywhere a body is sent.
//!
//! What a production server does differently: nginx sends files with `sendfile(2)`,
//! which copies from the page cache to the socket inside the kernel, with
//! `aio threads` for reads that would block; tokio's `fs` also uses its blocking
//! pool, one `spawn_blocking` per read of up to 2 MiB.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::body::Body;
use super::dir::serve_file;

use crate::countries::COUNTRIES;

/// The images a server hands out.
#[derive(Debug, Clone)]
pub enum Source {
    /// The book's 194 flags and their `metadata.json`, built into the binary,
    /// shared with every connection.
    Archive(Arc<ArchiveFiles>),
    /// A tree laid out as `flags/{cc}/{cc}.gif`; the path is canonical.
    Dir(PathBuf),
}

/// Why a `--dir` could not be used.
#[derive(Debug)]
pub struct BadDir {
    /// The directory as given.
    pub path: PathBuf,
    /// What went wrong when opening it.
    pub error: io::Error,
}

impl std::fmt::Display for BadDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot serve directory {}: {}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for BadDir {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The files of [`COUNTRIES`] as shared buffers, made once per server.
#[derive(Debug)]
pub struct ArchiveFiles {
    /// The GIF of each entry of [`COUNTRIES`], in the same order.
    gifs: Vec<Arc<[u8]>>,
    /// The `metadata.json` of each entry of [`COUNTRIES`], in the same order.
    metadata: Vec<Arc<[u8]>>,
}

impl ArchiveFiles {
    /// Copies every built-in file into its shared buffer.
    pub fn new() -> ArchiveFiles {
        ArchiveFiles {
            gifs: COUNTRIES.iter().map(|c| Arc::from(c.gif)).collect(),
            metadata: COUNTRIES.iter().map(|c| Arc::from(c.metadata)).collect(),
        }
    }

    /// The index in [`COUNTRIES`] of upper-case `cc`.
    fn index(cc: &str) -> Option<usize> {
        COUNTRIES.binary_search_by(|c| c.code.cmp(cc)).ok()
    }
}

impl Default for ArchiveFiles {
    fn default() -> Self {
        Self::new()
    }
}

impl Source {
    /// A source serving the built-in archive.
    pub fn archive() -> Source {
        Source::Archive(Arc::new(ArchiveFiles::new()))
    }

    /// A source serving `dir`, which must be an existing directory.
    pub fn dir(dir: &Path) -> Result<Source, BadDir> {
        let bad = |error| BadDir {
            path: dir.to_path_buf(),
            error,
        };
        let root = dir.canonicalize().map_err(bad)?;
        if !root.is_dir() {
            return Err(bad(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            )));
        }
        Ok(Source::Dir(root))
    }

    /// The GIF for upper-case `cc`; `Ok(None)` when there is none (404). A `--dir`
    /// file comes from the warm-file cache or the blocking pool (`dir.rs`).
    pub async fn flag(&self, cc: &str) -> io::Result<Option<Body>> {
        match self {
            Source::Archive(files) => Ok(
                ArchiveFiles::index(cc).map(|index| Body::Bytes(Arc::clone(&files.gifs[index])))
            ),
            Source::Dir(root) => serve_file(root, cc, &flag_file(cc)).await,
        }
    }

    /// `cc`'s `metadata.json` (built in, or the file under `--dir`); `Ok(None)`
    /// when there is none.
    pub async fn metadata(&self, cc: &str) -> io::Result<Option<Body>> {
        match self {
            Source::Archive(files) => Ok(ArchiveFiles::index(cc)
                .map(|index| Body::Bytes(Arc::clone(&files.metadata[index])))),
            Source::Dir(root) => serve_file(root, cc, METADATA_FILE).await,
        }
    }

    /// How many descriptors one connection may hold: its socket, and with `--dir`
    /// the file it is sending.
    pub fn descriptors_per_connection(&self) -> u64 {
        match self {
            Source::Archive(_) => 1,
            Source::Dir(_) => 2,
        }
    }
}

/// The name of a country's metadata file in the book's layout.
const METADATA_FILE: &str = "metadata.json";

/// `br.gif` for `BR`.
fn flag_file(cc: &str) -> String {
    format!("{}.gif", cc.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    #[cfg(unix)]
    use std::os::unix::fs::symlink;
    #[cfg(windows)]
    use std::os::windows::fs::symlink_file as symlink;

    fn temp_tree(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("flags-source-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("flags/br")).unwrap();
        std::fs::write(root.join("flags/br/br.gif"), b"GIF89a-br").unwrap();
        root
    }

    /// The whole body of an answer, read here (the server streams it instead).
    fn contents(body: Body) -> Vec<u8> {
        match body {
            Body::Bytes(bytes) | Body::Cached { bytes, .. } => bytes.to_vec(),
            Body::File { mut file, len, .. } => {
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes).unwrap();
                assert_eq!(bytes.len() as u64, len);
                bytes
            }
        }
    }

    /// `source.flag(cc)`'s bytes, on a runtime of its own.
    fn flag(source: &Source, cc: &str) -> Option<Vec<u8>> {
        runtime::run(source.flag(cc)).unwrap().map(contents)
    }

    /// `source.metadata(cc)`'s bytes, on a runtime of its own.
    fn metadata(source: &Source, cc: &str) -> Option<Vec<u8>> {
        runtime::run(source.metadata(cc)).unwrap().map(contents)
    }

    #[test]
    fn dir_source_serves_files_in_the_tree_and_nothing_else() {
        let root = temp_tree("plain");
        let source = Source::dir(&root).unwrap();
        assert_eq!(flag(&source, "BR").as_deref(), Some(&b"GIF89a-br"[..]));
        assert_eq!(flag(&source, "CN"), None);
        assert_eq!(flag(&source, ".."), None);
        assert_eq!(flag(&source, "/e"), None);
        std::fs::create_dir_all(root.join("flags/dz/dz.gif")).unwrap();
        assert_eq!(flag(&source, "DZ"), None, "a directory is not a flag");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "making a symlink on Windows needs Developer Mode or an administrator"
    )]
    fn symlink_out_of_the_tree_is_not_followed() {
        let root = temp_tree("link");
        let outside = root.with_extension("outside.gif");
        std::fs::write(&outside, b"secret").unwrap();
        std::fs::create_dir_all(root.join("flags/cn")).unwrap();
        symlink(&outside, root.join("flags/cn/cn.gif")).unwrap();
        let source = Source::dir(&root).unwrap();
        assert_eq!(flag(&source, "CN"), None);
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::remove_file(&outside).unwrap();
    }

    #[test]
    fn a_large_file_is_opened_not_read() {
        let root = temp_tree("large");
        std::fs::create_dir_all(root.join("flags/zz")).unwrap();
        let big = std::fs::File::create(root.join("flags/zz/zz.gif")).unwrap();
        big.set_len(1 << 30).unwrap(); // sparse: no disk space used
        let source = Source::dir(&root).unwrap();
        match runtime::run(source.flag("ZZ")).unwrap() {
            Some(Body::File { len, .. }) => assert_eq!(len, 1 << 30),
            other => panic!("expected an open file, got {other:?}"),
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn missing_dir_is_a_readable_error() {
        let err = Source::dir(Path::new("/no/such/flags/dir")).unwrap_err();
        assert!(err.to_string().contains("/no/such/flags/dir"), "{err}");
    }

    #[test]
    fn metadata_comes_from_the_archive_or_the_tree() {
        let archive = Source::archive();
        assert_eq!(
            metadata(&archive, "CI").unwrap(),
            r#"{"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}"#
                .as_bytes()
        );
        assert_eq!(metadata(&archive, "XX"), None);
        let root = temp_tree("meta");
        std::fs::write(root.join("flags/br/metadata.json"), b"{}").unwrap();
        let dir = Source::dir(&root).unwrap();
        assert_eq!(metadata(&dir, "BR").as_deref(), Some(&b"{}"[..]));
        assert_eq!(metadata(&dir, "CN"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_archive_source_serves_each_codes_own_files_and_no_others() {
        let source = Source::archive();
        for country in COUNTRIES {
            assert_eq!(flag(&source, country.code).as_deref(), Some(country.gif));
            let json = metadata(&source, country.code);
            assert_eq!(json.as_deref(), Some(country.metadata));
        }
        for unknown in ["XX", "br", "", "BRA"] {
            assert_eq!(flag(&source, unknown), None, "{unknown}");
            assert_eq!(metadata(&source, unknown), None, "{unknown}");
        }
    }
}
