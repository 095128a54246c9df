//! The book's `metadata.json`, one per country: what it holds, and reading its
//! `country` (flags3, `--names`).
//!
//! On the book's flag site, `flags/{cc}/metadata.json` is a JSON object with four
//! strings, written by Python's `json.dumps` (so `", "` and `": "` as separators, and
//! every non-ASCII character as a `\uXXXX` escape), with no newline at the end:
//!
//! ```text
//! {"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}
//! ```
//!
//! - `tld_cc`: the country's internet domain, `.` and the lower-case ISO code, except
//!   the United Kingdom's `.uk`;
//! - `iso_cc`: the ISO 3166-1 alpha-2 code, the folder's name in upper case;
//! - `country`: the short English name, in the archive's own wording (`VC` is
//!   "Grenadines");
//! - `gec_cc`: the code of the CIA World Factbook (formerly FIPS 10-4), which differs
//!   from the ISO code for about half the countries (Germany is `GM`, China `CH`).
//!
//! The embedded server serves the archive's own files ([`crate::countries`]), byte
//! for byte. [`country_of`] reads `country` back with serde_json, as flags3 does with
//! `resp.json()['country']`, from a download or from the built-in archive.

/// The `country` of a `metadata.json` body [flags3's `resp.json()['country']`], or
/// what is wrong with it.
pub fn country_of(json: &[u8]) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_slice(json).map_err(|err| err.to_string())?;
    match value.get("country") {
        Some(serde_json::Value::String(country)) => Ok(country.clone()),
        Some(_) => Err("\"country\" is not a string".to_owned()),
        None => Err("no \"country\" field".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::countries::COUNTRIES;

    #[test]
    fn the_archives_metadata_has_the_books_four_fields() {
        for country in COUNTRIES {
            let cc = country.code;
            let value: serde_json::Value = serde_json::from_slice(country.metadata).unwrap();
            let fields = value.as_object().unwrap();
            let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["country", "gec_cc", "iso_cc", "tld_cc"], "{cc}");
            let get = |key: &str| fields[key].as_str().unwrap().to_owned();
            assert_eq!(get("iso_cc"), cc);
            let tld = match cc {
                "GB" => ".uk".to_owned(),
                _ => format!(".{}", cc.to_ascii_lowercase()),
            };
            assert_eq!(get("tld_cc"), tld, "{cc}");
            let gec = get("gec_cc");
            let is_code = gec.len() == 2 && gec.bytes().all(|b| b.is_ascii_uppercase());
            assert!(is_code, "{cc}: {gec}");
            assert!(
                country.metadata.is_ascii(),
                "{cc}: json.dumps escapes non-ASCII"
            );
            assert_eq!(country_of(country.metadata), Ok(get("country")), "{cc}");
        }
    }

    #[test]
    fn country_is_read_with_its_escapes_and_bad_json_is_an_error() {
        let ci = br#"{"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}"#;
        assert_eq!(country_of(ci).as_deref(), Ok("Côte d'Ivoire"));
        for bad in [&b"not json"[..], b"{\"country\": 5}", b"{}", b"[1]", b""] {
            assert!(country_of(bad).is_err());
        }
    }
}
