//! The archive built into `flags` is the repository's `data/flags/`, file for file:
//! the same 194 codes, and for each the same GIF and `metadata.json` bytes. The
//! files are read from disk here, so this checks `build.rs`, not just itself.

mod util;

use flags_app::countries::COUNTRIES;
use util::{archive_codes, archive_file, archive_gif};

#[test]
fn the_built_in_archive_is_the_repositorys_files_byte_for_byte() {
    let built_in: Vec<&str> = COUNTRIES.iter().map(|country| country.code).collect();
    assert_eq!(built_in, archive_codes());
    assert_eq!(built_in.len(), 194);
    let mut total = 0;
    for country in COUNTRIES {
        let cc = country.code;
        assert!(country.gif == archive_gif(cc), "{cc}'s GIF differs");
        assert!(
            country.metadata == archive_file(cc, "metadata.json"),
            "{cc}'s metadata.json differs"
        );
        total += country.gif.len();
    }
    // The figure data/README.md gives.
    assert_eq!(total, 2_350_400);
}
