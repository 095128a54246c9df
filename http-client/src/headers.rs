//! Response header fields with case-insensitive lookup.
//!
//! Header names are case-insensitive (RFC 9110 §5.1), so [`Headers::get`] compares names with
//! `eq_ignore_ascii_case`. Fields keep the order and spelling the server sent, and repeated
//! fields stay separate entries ([`Headers::get_all`] returns them all).
//!
//! # Implementation
//!
//! A `Vec` of (name, value) pairs searched linearly: a response has a few dozen fields at most
//! (and at most [`MAX_HEADERS`](crate::wire::MAX_HEADERS) by default), so a scan is as fast as a
//! hash map and keeps the order.
//!
//! # What production clients do differently
//!
//! The `http` crate's `HeaderMap` (used by hyper and reqwest) is a Robin Hood hash table that
//! lower-cases names once and interns the standard ones, which pays off for proxies that touch
//! many headers per message. A client reading a handful of fields does not need it.

/// The header fields of a response.
///
/// ```
/// use http_client::Headers;
/// let mut h = Headers::new();
/// h.append("Content-Type", b"image/gif");
/// assert_eq!(h.get("content-type"), Some("image/gif"));
/// assert_eq!(h.get("CONTENT-TYPE"), Some("image/gif"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// (name as sent, raw value bytes) in the order received.
    fields: Vec<(String, Vec<u8>)>,
}

impl Headers {
    /// An empty set of fields.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// Adds a field at the end, keeping any earlier field of the same name.
    pub fn append(&mut self, name: &str, value: &[u8]) {
        self.fields.push((name.to_string(), value.to_vec()));
    }

    /// The first value of the field `name` (any case), if present and valid UTF-8.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_bytes(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The raw bytes of the first value of the field `name` (any case).
    pub fn get_bytes(&self, name: &str) -> Option<&[u8]> {
        self.get_all(name).next()
    }

    /// Every value of the field `name` (any case), in the order received.
    pub fn get_all<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether some value of `name` is a comma-separated list containing `token` (any case),
    /// e.g. `Connection: keep-alive, Upgrade` contains `upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.tokens(name).any(|t| t.eq_ignore_ascii_case(token))
    }

    /// The comma-separated elements of every value of `name`, trimmed of spaces and tabs, empty
    /// elements skipped (RFC 9110 §5.6.1). Values that are not UTF-8 yield nothing.
    pub(crate) fn tokens<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        self.get_all(name)
            .filter_map(|v| std::str::from_utf8(v).ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim_matches([' ', '\t']))
            .filter(|t| !t.is_empty())
    }

    /// Iterates over all (name, value) pairs in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_keeps_repeats() {
        let mut h = Headers::new();
        h.append("Set-Cookie", b"a=1");
        h.append("set-cookie", b"b=2");
        h.append("X-Bin", b"\xff");
        assert_eq!(h.get("SET-COOKIE"), Some("a=1"));
        let all: Vec<&[u8]> = h.get_all("Set-cookie").collect();
        assert_eq!(all, [b"a=1".as_slice(), b"b=2".as_slice()]);
        assert_eq!(h.get("x-bin"), None);
        assert_eq!(h.get_bytes("x-bin"), Some(b"\xff".as_slice()));
        assert_eq!(h.len(), 3);
    }

    #[test]
    fn tokens_split_lists_across_fields() {
        let mut h = Headers::new();
        h.append("Connection", b" Keep-Alive ,, Upgrade");
        h.append("Connection", b"close");
        let t: Vec<&str> = h.tokens("connection").collect();
        assert_eq!(t, ["Keep-Alive", "Upgrade", "close"]);
        assert!(h.has_token("Connection", "keep-alive"));
        assert!(!h.has_token("Connection", "keep"));
    }
}
