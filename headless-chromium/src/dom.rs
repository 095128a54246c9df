//! Reading the DOM that `chromium --dump-dom` prints: the serialized page
//! after its scripts ran, where attribute values and text are escaped.
//!
//! Enough for the tests' questions ("which rows did the viewer draw?"):
//! opening tags found by their name and read for their attributes. A real
//! HTML parser (html5ever) would also handle comments and `>` inside
//! attribute values; the serializer escapes `<` and `>` in attribute
//! values, so a tag ends at the first `>`.

/// Undoes the HTML serializer's escaping of attribute values and text.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag text `tag` (`<g class=...>`),
/// unescaped.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// Every opening tag `<element ...>` in the DOM text, in document order.
pub fn tags<'a>(dom: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element} ");
    let mut found = Vec::new();
    let mut rest = dom;
    while let Some(start) = rest.find(&open) {
        let Some(length) = rest[start..].find('>') else {
            break;
        };
        found.push(&rest[start..=start + length]);
        rest = &rest[start + length..];
    }
    found
}

/// The rows of the timeline viewer with class `class` (`row task`, `row
/// loop`, `row blocking`): the `data-track` name of each `<g>` it drew, in
/// order.
pub fn timeline_rows(dom: &str, class: &str) -> Vec<String> {
    tags(dom, "g")
        .into_iter()
        .filter(|tag| attribute(tag, "class").as_deref() == Some(class))
        .map(|tag| attribute(tag, "data-track").expect("every row names its track"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_from_their_tags_unescaped() {
        let dom = r#"<svg><g class="row task" data-track="task 2 'a &amp; &lt;b&gt;'"><rect/></g><g class="row loop" data-track="event loop"></g><g class="other"></g></svg>"#;
        assert_eq!(timeline_rows(dom, "row task"), ["task 2 'a & <b>'"]);
        assert_eq!(timeline_rows(dom, "row loop"), ["event loop"]);
        assert!(timeline_rows(dom, "row blocking").is_empty());
        assert_eq!(tags(dom, "g").len(), 3);
    }
}
