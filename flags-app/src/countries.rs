//! The 194 country codes the flag server knows, with the country names [flags3.py].
//!
//! Fluent Python's flag site has one folder per country, `flags/{cc}/`, holding the
//! flag GIF and a `metadata.json` with the country's name. The book's `flags3` script
//! downloads that JSON to save each flag under the country's name; we keep the same
//! facts (ISO 3166 alpha-2 codes and short English names) as a table here, so that
//! `--all` and `--names` need no network round trip and no data files.
//!
//! Implementation: a sorted `&[(&str, &str)]`, searched with a binary search. Sorted
//! order is checked by a unit test, since `--all` relies on it ("from AD to ZW").

/// The 194 (code, country name) pairs, sorted by code: the `--all` set.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AR", "Argentina"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CD", "Congo (Kinshasa)"),
    ("CF", "Central African Republic"),
    ("CG", "Congo (Brazzaville)"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cape Verde"),
    ("CY", "Cyprus"),
    ("CZ", "Czech Republic"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FM", "Micronesia"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GH", "Ghana"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GT", "Guatemala"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IN", "India"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "Korea, North"),
    ("KR", "Korea, South"),
    ("KW", "Kuwait"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MR", "Mauritania"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NE", "Niger"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russian Federation"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SI", "Slovenia"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SY", "Syria"),
    ("SZ", "Swaziland"),
    ("TD", "Chad"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Turkey"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("US", "United States of America"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatican City"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// The country name for an upper-case two-letter code, if it is one of the 194.
pub fn country_name(cc: &str) -> Option<&'static str> {
    lookup(COUNTRIES, cc)
}

/// The value for upper-case `cc` in a table of (code, value) pairs sorted by code.
pub(crate) fn lookup(table: &[(&str, &'static str)], cc: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(code, _)| (*code).cmp(cc))
        .ok()
        .map(|index| table[index].1)
}

/// Whether `cc` (upper case) is one of the 194 codes the flag server has.
pub fn is_known(cc: &str) -> bool {
    country_name(cc).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_194_sorted_unique_two_letter_codes() {
        assert_eq!(COUNTRIES.len(), 194);
        assert!(COUNTRIES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(
            COUNTRIES
                .iter()
                .all(|(cc, _)| cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert_eq!(COUNTRIES.first().map(|row| row.0), Some("AD"));
        assert_eq!(COUNTRIES.last().map(|row| row.0), Some("ZW"));
    }

    #[test]
    fn names_are_found_by_code() {
        assert_eq!(country_name("BR"), Some("Brazil"));
        assert_eq!(country_name("CI"), Some("Côte d'Ivoire"));
        assert_eq!(country_name("XX"), None);
        assert_eq!(country_name("br"), None);
    }
}
