//! JSON by hand: strings, numbers and flat objects, nothing more.
//!
//! The trace writer needs three things from JSON: escaped strings, numbers,
//! and objects built key by key. A serializer crate would do it, but the
//! runtime depends on this crate and keeps its dependencies few, and the
//! output is simple enough to write directly.
//!
//! ## Strings (RFC 8259, section 7)
//!
//! A JSON string may hold any Unicode character except `"`, `\` and the
//! control characters U+0000 to U+001F, which must be escaped. We also
//! escape, although JSON allows them:
//!
//! - `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, so the same bytes can
//!   sit inside an HTML `<script>` element: with no `<` left, no `</script>`
//!   and no `<!--` can appear, whatever a task is named. (The JSON still
//!   parses to exactly the same strings.)
//! - U+2028 and U+2029 (line and paragraph separators), which were not
//!   allowed in JavaScript string literals before ES2019.
//! - U+007F (delete), for the reader's sake.
//!
//! Everything else, including all non-ASCII text, is written as UTF-8.
//!
//! ## Numbers
//!
//! JSON has no NaN or infinity. A timestamp is always finite when it comes
//! from the clock, but a hand-made one might not be, so a non-finite number
//! is written as `0` rather than as invalid JSON. Fractions keep three
//! digits (nanoseconds, for microsecond timestamps) with trailing zeros
//! trimmed.

use std::fmt::Write as _;

/// Appends `text` to `out` as a quoted, escaped JSON string.
pub(crate) fn push_string(out: &mut String, text: &str) {
    out.push('"');
    // Most strings (keys, task names, outcomes) need no escape at all:
    // one scan of the bytes, then one copy. `needs_escape` is true for
    // every byte that starts a character the loop below escapes.
    if !text.bytes().any(needs_escape) {
        out.push_str(text);
    } else {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '<' | '>' | '&' | '\u{7f}' | '\u{2028}' | '\u{2029}' => push_unicode_escape(out, c),
                c if c < ' ' => push_unicode_escape(out, c),
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

/// Whether `byte` may start a character that [`push_string`] escapes: the
/// ASCII ones, and 0xE2, the first byte of U+2028 and U+2029 in UTF-8 (and
/// of other characters, which then take the slow path and come out as
/// they are).
fn needs_escape(byte: u8) -> bool {
    matches!(byte, b'"' | b'\\' | b'<' | b'>' | b'&' | 0x7f | 0xe2) || byte < b' '
}

/// Appends `\uXXXX` for `c`, which is in the Basic Multilingual Plane.
fn push_unicode_escape(out: &mut String, c: char) {
    // Writing to a String cannot fail.
    let _ = write!(out, "\\u{:04x}", u32::from(c));
}

/// Appends `value` as a JSON number: at most three decimals, trailing zeros
/// trimmed, `0` if it is not finite.
///
/// Timestamps are written by the million, so this avoids the float
/// formatter: the value is rounded to thousandths as an integer, and the
/// integer is written with its decimal point put back. (Rounding the
/// product can differ from rounding the exact decimal expansion in the
/// last digit, by a nanosecond, for values that sit on a half.) Values too
/// large for that, far beyond any timestamp, use the formatter.
pub(crate) fn push_number(out: &mut String, value: f64) {
    /// Beyond this the thousandths no longer fit an `i64` exactly.
    const LARGEST_EXACT: f64 = 9.0e12;
    if !value.is_finite() {
        out.push('0');
        return;
    }
    if value.abs() >= LARGEST_EXACT {
        let start = out.len();
        let _ = write!(out, "{value:.3}");
        let trimmed = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + trimmed);
        return;
    }
    // In range: the cast is exact after rounding.
    let thousandths = (value * 1000.0).round() as i64;
    if thousandths < 0 {
        out.push('-');
    }
    let magnitude = thousandths.unsigned_abs();
    let (whole, mut fraction) = (magnitude / 1000, magnitude % 1000);
    let _ = write!(out, "{whole}");
    if fraction != 0 {
        let mut digits = 3;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{fraction:0digits$}");
    }
}

/// A JSON object written key by key: `{"k":v,...}`.
#[derive(Debug)]
pub(crate) struct Object {
    /// The text so far, starting with `{`.
    text: String,
    /// Whether no key has been written yet (no comma before the next).
    empty: bool,
}

impl Object {
    /// An empty object.
    pub(crate) fn new() -> Object {
        // Room for a typical event (about 120 bytes), so that building
        // one rarely reallocates.
        let mut text = String::with_capacity(160);
        text.push('{');
        Object { text, empty: true }
    }

    /// Writes `"key":` with a comma before it if needed.
    fn key(&mut self, key: &str) {
        if !self.empty {
            self.text.push(',');
        }
        self.empty = false;
        push_string(&mut self.text, key);
        self.text.push(':');
    }

    /// Adds a string member.
    pub(crate) fn str(mut self, key: &str, value: &str) -> Object {
        self.key(key);
        push_string(&mut self.text, value);
        self
    }

    /// Adds a number member.
    pub(crate) fn num(mut self, key: &str, value: f64) -> Object {
        self.key(key);
        push_number(&mut self.text, value);
        self
    }

    /// Adds an integer member.
    pub(crate) fn int(mut self, key: &str, value: u64) -> Object {
        self.key(key);
        let _ = write!(self.text, "{value}");
        self
    }

    /// Adds a member whose value is JSON already (an object or an array
    /// written by this module).
    pub(crate) fn raw(mut self, key: &str, json: &str) -> Object {
        self.key(key);
        self.text.push_str(json);
        self
    }

    /// Whether no member was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    /// The finished text.
    pub(crate) fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> String {
        let mut out = String::new();
        push_string(&mut out, text);
        out
    }

    fn number(value: f64) -> String {
        let mut out = String::new();
        push_number(&mut out, value);
        out
    }

    #[test]
    fn strings_escape_quotes_backslashes_controls_and_html() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            string("\n\r\t\u{8}\u{c}\u{1}\u{1f}"),
            r#""\n\r\t\b\f\u0001\u001f""#
        );
        assert_eq!(string("</script>&"), r#""\u003c/script\u003e\u0026""#);
        assert_eq!(string("\u{2028}\u{2029}\u{7f}"), r#""\u2028\u2029\u007f""#);
        assert_eq!(string("café ☕ 🦀"), "\"café ☕ 🦀\"");
    }

    #[test]
    fn numbers_keep_three_decimals_trimmed_and_are_never_invalid() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.0004), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1234.56789), "1234.568");
        assert_eq!(number(-2.05), "-2.05");
        assert_eq!(number(-0.0004), "0");
        assert_eq!(number(0.007), "0.007");
        assert_eq!(number(3.1), "3.1");
        assert_eq!(number(1.0e13), "10000000000000");
        assert_eq!(number(f64::NAN), "0");
        assert_eq!(number(f64::INFINITY), "0");
    }

    #[test]
    fn objects_separate_members_with_commas() {
        let json = Object::new()
            .str("a", "x")
            .num("b", 1.5)
            .int("c", 7)
            .raw("d", "[]")
            .finish();
        assert_eq!(json, r#"{"a":"x","b":1.5,"c":7,"d":[]}"#);
        assert_eq!(Object::new().finish(), "{}");
    }
}
