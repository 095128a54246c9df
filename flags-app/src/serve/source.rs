//! Where the flag bytes come from: generated images, or a directory tree (`--dir`).
//!
//! `--dir DIR` expects the book's layout, `DIR/flags/{cc}/{cc}.gif`, for example the
//! unzipped flags archive. The router has already reduced the request to a two-letter
//! code, so the file path is built from that code alone, never from request text.
//! As a second line of defence the path is canonicalized (resolving symlinks) and
//! must still lie inside the canonical `DIR`; a symlink pointing out of the tree is
//! served as 404, not followed.
//!
//! What a production server does differently: it reads files off the event loop
//! (tokio's `fs` uses the blocking pool; nginx uses `sendfile`). Flag files are a few
//! kilobytes and the page cache holds them, so we read them on the loop.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::countries::country_name;
use crate::gifgen::FlagImages;

/// The images a server hands out.
#[derive(Debug, Clone)]
pub enum Source {
    /// The 194 generated flags ([`FlagImages`]), shared with every connection.
    Generated(Arc<FlagImages>),
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

impl Source {
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

    /// The GIF for upper-case `cc`; `Ok(None)` when there is none (404).
    pub fn flag(&self, cc: &str) -> io::Result<Option<Arc<[u8]>>> {
        match self {
            Source::Generated(images) => Ok(images.get(cc)),
            Source::Dir(root) => read_contained(root, cc, &flag_file(cc)),
        }
    }

    /// `cc`'s `metadata.json` (the file under `--dir`, or one made from the
    /// country table); `Ok(None)` when there is none.
    pub fn metadata(&self, cc: &str) -> io::Result<Option<Arc<[u8]>>> {
        match self {
            Source::Generated(_) => {
                Ok(country_name(cc).map(|name| metadata_json(cc, name).into_bytes().into()))
            }
            Source::Dir(root) => read_contained(root, cc, METADATA_FILE),
        }
    }
}

/// Reads `root/flags/{cc}/{file}` (`file` from [`flag_file`] or `metadata.json`)
/// if it exists and, once canonical, lies in `root`.
fn read_contained(root: &Path, cc: &str, file: &str) -> io::Result<Option<Arc<[u8]>>> {
    let is_code = cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic());
    if !is_code {
        return Ok(None);
    }
    let lower = cc.to_ascii_lowercase();
    let path = root.join("flags").join(&lower).join(file);
    let canonical = match path.canonicalize() {
        Ok(canonical) => canonical,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    if !canonical.starts_with(root) || !canonical.is_file() {
        return Ok(None);
    }
    match std::fs::read(&canonical) {
        Ok(bytes) => Ok(Some(bytes.into())),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// The name of a country's metadata file in the book's layout.
const METADATA_FILE: &str = "metadata.json";

/// `br.gif` for `BR`.
fn flag_file(cc: &str) -> String {
    format!("{}.gif", cc.to_ascii_lowercase())
}

/// The JSON the book's site has for a country, from our table. Only `iso_cc` and
/// `country` are known here (`tld_cc` and `gec_cc` are not kept); flags3 reads
/// only `country`.
fn metadata_json(cc: &str, name: &str) -> String {
    let escaped: String = name
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c => vec![c],
        })
        .collect();
    format!("{{\"iso_cc\": \"{cc}\", \"country\": \"{escaped}\"}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_tree(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("flags-source-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("flags/br")).unwrap();
        std::fs::write(root.join("flags/br/br.gif"), b"GIF89a-br").unwrap();
        root
    }

    #[test]
    fn dir_source_serves_files_in_the_tree_and_nothing_else() {
        let root = temp_tree("plain");
        let source = Source::dir(&root).unwrap();
        assert_eq!(
            source.flag("BR").unwrap().as_deref(),
            Some(&b"GIF89a-br"[..])
        );
        assert_eq!(source.flag("CN").unwrap(), None);
        assert_eq!(source.flag("..").unwrap(), None);
        assert_eq!(source.flag("/e").unwrap(), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn symlink_out_of_the_tree_is_not_followed() {
        let root = temp_tree("link");
        let outside = root.with_extension("outside.gif");
        std::fs::write(&outside, b"secret").unwrap();
        std::fs::create_dir_all(root.join("flags/cn")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("flags/cn/cn.gif")).unwrap();
        let source = Source::dir(&root).unwrap();
        assert_eq!(source.flag("CN").unwrap(), None);
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::remove_file(&outside).unwrap();
    }

    #[test]
    fn missing_dir_is_a_readable_error() {
        let err = Source::dir(Path::new("/no/such/flags/dir")).unwrap_err();
        assert!(err.to_string().contains("/no/such/flags/dir"), "{err}");
    }

    #[test]
    fn metadata_comes_from_the_table_or_the_tree() {
        let generated = Source::Generated(Arc::new(FlagImages::new()));
        let json = generated.metadata("CI").unwrap().unwrap();
        assert_eq!(
            &json[..],
            "{\"iso_cc\": \"CI\", \"country\": \"Côte d'Ivoire\"}".as_bytes()
        );
        assert_eq!(generated.metadata("XX").unwrap(), None);
        let root = temp_tree("meta");
        std::fs::write(root.join("flags/br/metadata.json"), b"{}").unwrap();
        let dir = Source::dir(&root).unwrap();
        assert_eq!(dir.metadata("BR").unwrap().as_deref(), Some(&b"{}"[..]));
        assert_eq!(dir.metadata("CN").unwrap(), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn generated_source_knows_the_194_codes_only() {
        let source = Source::Generated(Arc::new(FlagImages::new()));
        let gif = source.flag("AD").unwrap().unwrap();
        assert!(gif.starts_with(b"GIF89a"));
        assert_eq!(source.flag("XX").unwrap(), None);
    }
}
