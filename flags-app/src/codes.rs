//! Which country codes to download: flags2_common's `expand_cc_args`.
//!
//! The rules, in order:
//!
//! 1. `--every` gives all 676 codes AA to ZZ; else `--all` gives the 194 codes of
//!    [`COUNTRIES`]; else each positional argument, upper-cased, is either two letters
//!    (one code) or one letter `X` (the 26 codes XA to XZ). Anything else is a usage
//!    error. With `--every` or `--all` the positionals are ignored, as in the book.
//! 2. No codes at all means [`POP20_CC`], the 20 most populous countries.
//! 3. The codes are de-duplicated and sorted (a `BTreeSet`), then cut to `--limit`.

use std::collections::BTreeSet;

use crate::countries::COUNTRIES;

/// The 20 most populous countries, in order of population: flags2's `POP20_CC`.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// The message flags2 prints for a malformed code argument.
pub const BAD_CC_MESSAGE: &str = "each CC argument must be A to Z or AA to ZZ.";

/// What the user asked for, before expansion.
#[derive(Debug, Clone, Default)]
pub struct CodeRequest {
    /// `-e/--every`: all 676 two-letter codes.
    pub every: bool,
    /// `-a/--all`: the 194 codes with a flag.
    pub all: bool,
    /// Positional CC arguments as typed (any case).
    pub args: Vec<String>,
    /// `-l/--limit`: keep at most this many codes (after sorting); `None` for all.
    pub limit: Option<usize>,
}

/// A positional argument that is neither one nor two ASCII letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCode {
    /// The argument as the user typed it.
    pub arg: String,
}

impl std::fmt::Display for BadCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(BAD_CC_MESSAGE)
    }
}

impl std::error::Error for BadCode {}

/// The sorted, de-duplicated, limited list of codes to download [expand_cc_args].
///
/// ```
/// use flags_app::codes::{CodeRequest, expand_cc_args};
/// let request = CodeRequest {
///     args: vec!["z".into(), "br".into()],
///     limit: Some(3),
///     ..CodeRequest::default()
/// };
/// assert_eq!(expand_cc_args(&request).unwrap(), ["BR", "ZA", "ZB"]);
/// ```
pub fn expand_cc_args(request: &CodeRequest) -> Result<Vec<String>, BadCode> {
    let letters = || b'A'..=b'Z';
    let mut codes = BTreeSet::new();
    if request.every {
        for first in letters() {
            codes.extend(letters().map(|second| code(first, second)));
        }
    } else if request.all {
        codes.extend(COUNTRIES.iter().map(|country| country.code.to_owned()));
    } else if request.args.is_empty() {
        codes.extend(POP20_CC.iter().map(|cc| (*cc).to_owned()));
    } else {
        for arg in &request.args {
            let upper = arg.to_ascii_uppercase();
            match upper.as_bytes() {
                [first] if first.is_ascii_uppercase() => {
                    codes.extend(letters().map(|second| code(*first, second)));
                }
                [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                    codes.insert(upper);
                }
                _ => return Err(BadCode { arg: arg.clone() }),
            }
        }
    }
    let limit = request.limit.unwrap_or(usize::MAX);
    Ok(codes.into_iter().take(limit).collect())
}

/// The two-letter code made of two ASCII upper-case letters.
fn code(first: u8, second: u8) -> String {
    String::from_utf8_lossy(&[first, second]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(
        every: bool,
        all: bool,
        args: &[&str],
        limit: Option<usize>,
    ) -> Result<Vec<String>, BadCode> {
        expand_cc_args(&CodeRequest {
            every,
            all,
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            limit,
        })
    }

    #[test]
    fn no_arguments_means_the_20_most_populous_sorted() {
        let codes = expand(false, false, &[], None).unwrap();
        assert_eq!(codes.len(), 20);
        assert_eq!(codes.first().map(String::as_str), Some("BD"));
        assert_eq!(codes.last().map(String::as_str), Some("VN"));
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn one_letter_expands_to_26_codes_and_input_is_uppercased() {
        let codes = expand(false, false, &["b", "br", "CN"], None).unwrap();
        assert_eq!(codes.len(), 27, "BA..BZ (BR once) plus CN");
        assert_eq!(codes[0], "BA");
        assert_eq!(codes[26], "CN");
    }

    #[test]
    fn every_beats_all_beats_positionals_and_limit_cuts_after_sorting() {
        assert_eq!(expand(true, true, &["zz"], None).unwrap().len(), 676);
        assert_eq!(expand(false, true, &["zz"], None).unwrap().len(), 194);
        assert_eq!(
            expand(true, false, &[], Some(3)).unwrap(),
            ["AA", "AB", "AC"]
        );
        assert_eq!(
            expand(false, false, &["zw", "ad", "br"], Some(2)).unwrap(),
            ["AD", "BR"]
        );
    }

    #[test]
    fn malformed_arguments_are_rejected_with_flags2s_message() {
        for bad in ["abc", "1", "", "é", "a1", "-"] {
            let err = expand(false, false, &["BR", bad], None).unwrap_err();
            assert_eq!(err.arg, bad);
            assert_eq!(err.to_string(), BAD_CC_MESSAGE);
        }
    }
}
