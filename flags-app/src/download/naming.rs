//! Where a flag is saved, and under which name: flags2's `BR.gif`, or flags3's
//! `Brazil.gif` from the server's `metadata.json`.
//!
//! flags3 builds the name as `country.replace(' ', '_') + '.gif'`, from whatever the
//! server says. We build it the same way, so that against the same server our files
//! are named like the book's, and refuse the names that would not stay a single file
//! in the destination directory: a name with `/` or `\` (a path), a control character
//! or NUL, one that starts with `.` (hidden, and `..`), an empty one, or one longer than
//! [`MAX_NAME_BYTES`]. A refused name is an error for that code.

use std::path::PathBuf;

use super::failure::MetadataError;
use super::outcome::{Outcome, Status};
use crate::save::save_atomically;

/// Longest file name accepted from a server, in bytes: the usual 255-byte limit of a
/// file name, less room for the temp-file name around it (see `save.rs`).
pub const MAX_NAME_BYTES: usize = 200;

/// Where to save and under which name.
#[derive(Debug, Clone)]
pub struct SaveTo {
    /// The destination directory (already created).
    pub dest: PathBuf,
    /// Name files after the country from `metadata.json` [flags3.py] instead of the code.
    pub names: bool,
}

/// flags3's file name for `country`: spaces become underscores, then `.gif`.
///
/// ```
/// use flags_app::download::naming::country_file_name;
/// assert_eq!(country_file_name("Côte d'Ivoire").unwrap(), "Côte_d'Ivoire.gif");
/// assert!(country_file_name("../../etc/passwd").is_err());
/// ```
pub fn country_file_name(country: &str) -> Result<String, MetadataError> {
    let stem = country.replace(' ', "_");
    let unusable = stem.is_empty()
        || stem.starts_with('.')
        || stem.len() > MAX_NAME_BYTES
        || stem
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if unusable {
        return Err(MetadataError::UnusableName(country.to_owned()));
    }
    Ok(format!("{stem}.gif"))
}

/// Saves `image` for `cc` on the current thread: as `{cc}.gif`, or, with a
/// `country`, as flags3 names it. Returns the outcome of the whole download.
pub fn save_flag(save_to: &SaveTo, cc: &str, country: Option<&str>, image: &[u8]) -> Outcome {
    let name = match country {
        Some(country) => match country_file_name(country) {
            Ok(name) => name,
            Err(err) => {
                let err = super::failure::FetchError::Metadata(err);
                return Outcome::failed(cc, &err);
            }
        },
        None => format!("{cc}.gif"),
    };
    match save_atomically(&save_to.dest, &name, image) {
        Ok(_) => Outcome::new(cc, Status::Ok),
        Err(err) => Outcome::error(cc, "cannot save the file", err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_flags3s() {
        assert_eq!(country_file_name("Brazil").unwrap(), "Brazil.gif");
        assert_eq!(
            country_file_name("United States of America").unwrap(),
            "United_States_of_America.gif"
        );
        assert_eq!(
            country_file_name("Congo (Kinshasa)").unwrap(),
            "Congo_(Kinshasa).gif"
        );
    }

    #[test]
    fn names_that_would_leave_the_directory_are_refused() {
        for bad in [
            "",
            "a/b",
            "..",
            ".hidden",
            "a\\b",
            "nul\0byte",
            "line\nbreak",
            &"x".repeat(MAX_NAME_BYTES + 1),
        ] {
            assert!(
                matches!(country_file_name(bad), Err(MetadataError::UnusableName(_))),
                "{bad:?}"
            );
        }
    }
}
