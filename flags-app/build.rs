//! Builds the book's flag archive, `data/flags/{cc}/`, into the `flags` binary.
//!
//! Writes `$OUT_DIR/archive.rs`: the array behind the `COUNTRIES` table of
//! `src/countries.rs`, one entry per folder of `data/flags/`, sorted by code, whose
//! files come in with `include_bytes!`:
//!
//! ```text
//! [
//! Country { code: "AD", gif: include_bytes!(".../data/flags/ad/ad.gif"), metadata: include_bytes!(".../data/flags/ad/metadata.json") },
//! ...
//! ]
//! ```
//!
//! The codes are the folders' names, so the table cannot disagree with the archive.
//! A folder that is not two lower-case letters, or lacks its GIF or its
//! `metadata.json`, stops the build with a message naming it.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let flags = manifest.join("data").join("flags");
    // A directory here means: run again when anything under it changes.
    println!("cargo:rerun-if-changed=data/flags");
    let table = match table(&flags) {
        Ok(table) => table,
        Err(why) => panic!("the flag archive in {}: {why}", flags.display()),
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("archive.rs");
    fs::write(&out, table).unwrap_or_else(|err| panic!("cannot write {}: {err}", out.display()));
}

/// The Rust source of the table, an array expression, for the folders of `flags`.
fn table(flags: &Path) -> Result<String, String> {
    let mut codes = Vec::new();
    for entry in fs::read_dir(flags).map_err(|err| err.to_string())? {
        let entry = entry.map_err(|err| err.to_string())?;
        if !entry.file_type().map_err(|err| err.to_string())?.is_dir() {
            continue;
        }
        let name = entry.file_name();
        let code = name
            .to_str()
            .filter(|name| name.len() == 2 && name.bytes().all(|b| b.is_ascii_lowercase()))
            .ok_or_else(|| format!("folder {name:?} is not a two-letter country code"))?;
        codes.push(code.to_owned());
    }
    codes.sort();
    let mut table = String::from("[\n");
    for code in &codes {
        let folder = flags.join(code);
        let gif = existing_file(&folder.join(format!("{code}.gif")))?;
        let metadata = existing_file(&folder.join("metadata.json"))?;
        // `{:?}` writes each path as a string literal, escapes included.
        let _ = writeln!(
            table,
            "Country {{ code: {:?}, gif: include_bytes!({gif:?}), metadata: include_bytes!({metadata:?}) }},",
            code.to_ascii_uppercase(),
        );
    }
    table.push_str("]\n");
    Ok(table)
}

/// `path` as a string for `include_bytes!`, if it is a file.
fn existing_file(path: &Path) -> Result<String, String> {
    if !path.is_file() {
        return Err(format!("{} is missing", path.display()));
    }
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))
}
