//! The book's `metadata.json`, one per country: writing it (the flag server) and
//! reading its `country` (flags3, `--names`).
//!
//! On the book's flag site, `flags/{cc}/metadata.json` is a JSON object with four
//! strings, written by Python's `json.dumps` (so `", "` and `": "` as separators, and
//! every non-ASCII character as a `\uXXXX` escape):
//!
//! ```text
//! {"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}
//! ```
//!
//! - `tld_cc`: the country's internet domain, `.` and the lower-case ISO code, except
//!   the United Kingdom's `.uk`;
//! - `iso_cc`: the ISO 3166-1 alpha-2 code, the folder's name in upper case;
//! - `country`: the short English name (our table, [`crate::countries`]);
//! - `gec_cc`: the code of the CIA World Factbook (formerly FIPS 10-4), which differs
//!   from the ISO code for about half the countries (Germany is `GM`, China `CH`).
//!
//! [`metadata_json`] writes exactly that shape for the embedded server, so a client
//! cannot tell our file from the book's; [`country_of`] reads `country` back with
//! serde_json, as flags3 does with `resp.json()['country']`.

use crate::countries::{country_name, lookup};

/// The Factbook (GEC) code of each of the 194 countries, sorted by ISO code.
const GEC_CODES: &[(&str, &str)] = &[
    ("AD", "AN"),
    ("AE", "AE"),
    ("AF", "AF"),
    ("AG", "AC"),
    ("AL", "AL"),
    ("AM", "AM"),
    ("AO", "AO"),
    ("AR", "AR"),
    ("AT", "AU"),
    ("AU", "AS"),
    ("AZ", "AJ"),
    ("BA", "BK"),
    ("BB", "BB"),
    ("BD", "BG"),
    ("BE", "BE"),
    ("BF", "UV"),
    ("BG", "BU"),
    ("BH", "BA"),
    ("BI", "BY"),
    ("BJ", "BN"),
    ("BN", "BX"),
    ("BO", "BL"),
    ("BR", "BR"),
    ("BS", "BF"),
    ("BT", "BT"),
    ("BW", "BC"),
    ("BY", "BO"),
    ("BZ", "BH"),
    ("CA", "CA"),
    ("CD", "CG"),
    ("CF", "CT"),
    ("CG", "CF"),
    ("CH", "SZ"),
    ("CI", "IV"),
    ("CL", "CI"),
    ("CM", "CM"),
    ("CN", "CH"),
    ("CO", "CO"),
    ("CR", "CS"),
    ("CU", "CU"),
    ("CV", "CV"),
    ("CY", "CY"),
    ("CZ", "EZ"),
    ("DE", "GM"),
    ("DJ", "DJ"),
    ("DK", "DA"),
    ("DM", "DO"),
    ("DZ", "AG"),
    ("EC", "EC"),
    ("EE", "EN"),
    ("EG", "EG"),
    ("ER", "ER"),
    ("ES", "SP"),
    ("ET", "ET"),
    ("FI", "FI"),
    ("FJ", "FJ"),
    ("FM", "FM"),
    ("FR", "FR"),
    ("GA", "GB"),
    ("GB", "UK"),
    ("GD", "GJ"),
    ("GE", "GG"),
    ("GH", "GH"),
    ("GM", "GA"),
    ("GN", "GV"),
    ("GQ", "EK"),
    ("GR", "GR"),
    ("GT", "GT"),
    ("GW", "PU"),
    ("GY", "GY"),
    ("HN", "HO"),
    ("HR", "HR"),
    ("HT", "HA"),
    ("HU", "HU"),
    ("ID", "ID"),
    ("IE", "EI"),
    ("IL", "IS"),
    ("IN", "IN"),
    ("IQ", "IZ"),
    ("IR", "IR"),
    ("IS", "IC"),
    ("IT", "IT"),
    ("JM", "JM"),
    ("JO", "JO"),
    ("JP", "JA"),
    ("KE", "KE"),
    ("KG", "KG"),
    ("KH", "CB"),
    ("KI", "KR"),
    ("KM", "CN"),
    ("KN", "SC"),
    ("KP", "KN"),
    ("KR", "KS"),
    ("KW", "KU"),
    ("KZ", "KZ"),
    ("LA", "LA"),
    ("LB", "LE"),
    ("LC", "ST"),
    ("LI", "LS"),
    ("LK", "CE"),
    ("LR", "LI"),
    ("LS", "LT"),
    ("LT", "LH"),
    ("LU", "LU"),
    ("LV", "LG"),
    ("LY", "LY"),
    ("MA", "MO"),
    ("MC", "MN"),
    ("MD", "MD"),
    ("ME", "MJ"),
    ("MG", "MA"),
    ("MH", "RM"),
    ("MK", "MK"),
    ("ML", "ML"),
    ("MM", "BM"),
    ("MN", "MG"),
    ("MR", "MR"),
    ("MT", "MT"),
    ("MU", "MP"),
    ("MV", "MV"),
    ("MW", "MI"),
    ("MX", "MX"),
    ("MY", "MY"),
    ("MZ", "MZ"),
    ("NA", "WA"),
    ("NE", "NG"),
    ("NG", "NI"),
    ("NI", "NU"),
    ("NL", "NL"),
    ("NO", "NO"),
    ("NP", "NP"),
    ("NR", "NR"),
    ("NZ", "NZ"),
    ("OM", "MU"),
    ("PA", "PM"),
    ("PE", "PE"),
    ("PG", "PP"),
    ("PH", "RP"),
    ("PK", "PK"),
    ("PL", "PL"),
    ("PT", "PO"),
    ("PW", "PS"),
    ("PY", "PA"),
    ("QA", "QA"),
    ("RO", "RO"),
    ("RS", "RI"),
    ("RU", "RS"),
    ("RW", "RW"),
    ("SA", "SA"),
    ("SB", "BP"),
    ("SC", "SE"),
    ("SD", "SU"),
    ("SE", "SW"),
    ("SG", "SN"),
    ("SI", "SI"),
    ("SK", "LO"),
    ("SL", "SL"),
    ("SM", "SM"),
    ("SN", "SG"),
    ("SO", "SO"),
    ("SR", "NS"),
    ("SS", "OD"),
    ("ST", "TP"),
    ("SV", "ES"),
    ("SY", "SY"),
    ("SZ", "WZ"),
    ("TD", "CD"),
    ("TG", "TO"),
    ("TH", "TH"),
    ("TJ", "TI"),
    ("TL", "TT"),
    ("TM", "TX"),
    ("TN", "TS"),
    ("TO", "TN"),
    ("TR", "TU"),
    ("TT", "TD"),
    ("TV", "TV"),
    ("TW", "TW"),
    ("TZ", "TZ"),
    ("UA", "UP"),
    ("UG", "UG"),
    ("US", "US"),
    ("UY", "UY"),
    ("UZ", "UZ"),
    ("VA", "VT"),
    ("VC", "VC"),
    ("VE", "VE"),
    ("VN", "VM"),
    ("VU", "NH"),
    ("WS", "WS"),
    ("YE", "YM"),
    ("ZA", "SF"),
    ("ZM", "ZA"),
    ("ZW", "ZI"),
];

/// The Factbook (GEC) code of upper-case ISO code `cc`, if it is one of the 194.
pub fn gec_code(cc: &str) -> Option<&'static str> {
    lookup(GEC_CODES, cc)
}

/// The country's internet domain: `.` and the lower-case code, `.uk` for `GB`.
fn tld(cc: &str) -> String {
    match cc {
        "GB" => ".uk".to_owned(),
        _ => format!(".{}", cc.to_ascii_lowercase()),
    }
}

/// `metadata.json` for upper-case `cc` as the book's site has it, or `None` for a
/// code that is not one of the 194.
///
/// ```
/// use flags_app::metadata::metadata_json;
/// assert_eq!(
///     metadata_json("BR").unwrap(),
///     r#"{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"}"#
/// );
/// ```
pub fn metadata_json(cc: &str) -> Option<String> {
    let name = country_name(cc)?;
    let gec = gec_code(cc)?;
    Some(format!(
        "{{\"tld_cc\": {}, \"iso_cc\": {}, \"country\": {}, \"gec_cc\": {}}}",
        json_string(&tld(cc)),
        json_string(cc),
        json_string(name),
        json_string(gec)
    ))
}

/// A JSON string literal as Python's `json.dumps` writes it: ASCII only, with `"`,
/// `\` and control characters escaped, and every other non-ASCII character as
/// `\uXXXX` (a UTF-16 surrogate pair beyond U+FFFF).
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

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
    fn every_country_has_a_gec_code() {
        assert_eq!(GEC_CODES.len(), COUNTRIES.len());
        for ((iso, _), (code, gec)) in COUNTRIES.iter().zip(GEC_CODES) {
            assert_eq!(iso, code);
            assert!(
                gec.len() == 2 && gec.bytes().all(|b| b.is_ascii_uppercase()),
                "{gec}"
            );
        }
        assert_eq!(gec_code("DE"), Some("GM"));
        assert_eq!(gec_code("XX"), None);
    }

    #[test]
    fn the_json_has_the_books_shape_and_escapes() {
        assert_eq!(
            metadata_json("CI").unwrap(),
            r#"{"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}"#
        );
        assert_eq!(
            metadata_json("GB").unwrap(),
            r#"{"tld_cc": ".uk", "iso_cc": "GB", "country": "United Kingdom", "gec_cc": "UK"}"#
        );
        assert_eq!(metadata_json("XX"), None);
        assert_eq!(json_string("a\"b\\c\n😀"), r#""a\"b\\c\n\ud83d\ude00""#);
    }

    #[test]
    fn what_is_written_reads_back() {
        for (cc, name) in COUNTRIES {
            let json = metadata_json(cc).unwrap();
            assert_eq!(country_of(json.as_bytes()).as_deref(), Ok(*name), "{cc}");
        }
        for bad in [&b"not json"[..], b"{\"country\": 5}", b"{}", b"[1]", b""] {
            assert!(country_of(bad).is_err());
        }
    }
}
