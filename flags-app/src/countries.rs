//! The 194 countries of the book's flag archive, with their files, built into the
//! binary [flags3.py].
//!
//! Fluent Python's flag site has one folder per country, `flags/{cc}/`, holding the
//! flag GIF and a `metadata.json` with the country's name; the book's LOCAL server
//! is nginx serving that archive. We keep the archive unpacked in the repository
//! (`flags-app/data/`), and `build.rs` puts every file of it into [`COUNTRIES`] with
//! `include_bytes!`, so the embedded server serves the book's exact bytes with no
//! files at run time, and `--all` needs no network round trip.
//!
//! The codes are the archive's folders; the country names are the `country` field
//! of each `metadata.json`, the archive's own wording (`VC` is "Grenadines"), read
//! with the same function that reads a downloaded one ([`crate::metadata::country_of`]).
//!
//! Implementation: a sorted `&[Country]`, searched with a binary search. `build.rs`
//! sorts it, and a unit test checks the order, since `--all` relies on it ("from AD
//! to ZW").

use crate::metadata::country_of;

/// One folder of the archive, `flags/{cc}/`, and its two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// The ISO 3166-1 alpha-2 code in upper case: the folder's name (`BR` for `flags/br/`).
    pub code: &'static str,
    /// `flags/{cc}/{cc}.gif`, byte for byte.
    pub gif: &'static [u8],
    /// `flags/{cc}/metadata.json`, byte for byte.
    pub metadata: &'static [u8],
}

impl Country {
    /// The `country` of its `metadata.json`, as flags3 names the file after it.
    ///
    /// ```
    /// use flags_app::countries::country;
    /// assert_eq!(country("VC").and_then(|vc| vc.name()).as_deref(), Some("Grenadines"));
    /// ```
    pub fn name(&self) -> Option<String> {
        country_of(self.metadata).ok()
    }
}

/// The 194 countries, sorted by code: the `--all` set.
pub static COUNTRIES: &[Country] = &include!(concat!(env!("OUT_DIR"), "/archive.rs"));

/// The country of an upper-case two-letter code, if it is one of the 194.
pub fn country(cc: &str) -> Option<&'static Country> {
    COUNTRIES
        .binary_search_by(|country| country.code.cmp(cc))
        .ok()
        .map(|index| &COUNTRIES[index])
}

/// Whether `cc` (upper case) is one of the 194 codes the flag server has.
pub fn is_known(cc: &str) -> bool {
    country(cc).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_194_sorted_unique_two_letter_codes() {
        assert_eq!(COUNTRIES.len(), 194);
        assert!(COUNTRIES.windows(2).all(|pair| pair[0].code < pair[1].code));
        assert!(
            COUNTRIES
                .iter()
                .all(|c| c.code.len() == 2 && c.code.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert_eq!(COUNTRIES.first().map(|c| c.code), Some("AD"));
        assert_eq!(COUNTRIES.last().map(|c| c.code), Some("ZW"));
    }

    #[test]
    fn every_country_has_a_gif_and_a_name() {
        for country in COUNTRIES {
            assert!(country.gif.starts_with(b"GIF8"), "{}", country.code);
            let name = country.name();
            assert!(
                name.is_some_and(|name| !name.is_empty()),
                "{}",
                country.code
            );
        }
    }

    #[test]
    fn countries_are_found_by_code_with_the_archives_names() {
        let name = |cc| country(cc).and_then(Country::name);
        assert_eq!(name("BR").as_deref(), Some("Brazil"));
        assert_eq!(name("CI").as_deref(), Some("Côte d'Ivoire"));
        assert_eq!(name("VC").as_deref(), Some("Grenadines"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("br"), None);
        assert!(is_known("ZW") && !is_known("ZZ"));
    }
}
