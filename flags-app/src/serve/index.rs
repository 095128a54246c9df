//! The index page that `/` and `/flags/` answer with, for a reader who opens the URL
//! that `flags serve` prints in a browser.
//!
//! One small HTML page, written here with no external assets (its style is inline,
//! its only images are the server's own flags), listing every code with its flag and
//! country name. Each entry links the flag (`/flags/{cc}/{cc}.gif`) and the country's
//! `metadata.json`, the two files the book's scripts fetch:
//!
//! ```html
//! <li><a href="/flags/br/br.gif"><img src="/flags/br/br.gif" alt="Flag of Brazil"></a>
//!   BR Brazil <a href="/flags/br/metadata.json">metadata.json</a></li>
//! ```
//!
//! With the built-in archive the list is its 194 countries, named from their
//! `metadata.json`. With `--dir` it is the two-letter folders of `DIR/flags/` that
//! hold their `{cc}.gif`, named from their `metadata.json` when it has a country
//! (else from the built-in archive's, else the code alone). The page is built on
//! each request; with `--dir`, the folders and files are read on the blocking pool,
//! like every other disk access of the server (see `source.rs`). A production
//! server would cache the page.

use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

use super::source::Source;
use crate::countries::{COUNTRIES, Country, country};
use crate::metadata::country_of;

/// The inline style: a grid of flags with their names underneath.
const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(10em,1fr));gap:1.2em}\
li{text-align:center;font-size:.9em}\
img{width:8em;height:auto;border:1px solid #ccc;display:block;margin:0 auto .3em}\
code{background:#f3f3f3;padding:0 .2em}";

/// The index page of `source`, as UTF-8 HTML. A `--dir` tree is read on the blocking
/// pool; if that fails, the page lists nothing.
pub async fn index_page(source: &Source) -> Arc<[u8]> {
    let entries = match source {
        Source::Archive(_) => COUNTRIES
            .iter()
            .map(|country| (country.code.to_owned(), country.name().unwrap_or_default()))
            .collect(),
        Source::Dir(root) => {
            let root = root.clone();
            runtime::spawn_blocking(move || dir_entries(&root))
                .await
                .unwrap_or_default()
        }
    };
    render(&entries).into_bytes().into()
}

/// The (upper-case code, country name) of each flag under `root/flags/`, sorted.
fn dir_entries(root: &Path) -> Vec<(String, String)> {
    let Ok(folders) = std::fs::read_dir(root.join("flags")) else {
        return Vec::new();
    };
    let mut entries: Vec<(String, String)> = folders
        .filter_map(Result::ok)
        .filter_map(|folder| {
            let lower = folder.file_name().to_str()?.to_owned();
            let is_code = lower.len() == 2 && lower.bytes().all(|b| b.is_ascii_lowercase());
            let path = folder.path();
            if !is_code || !path.join(format!("{lower}.gif")).is_file() {
                return None;
            }
            let cc = lower.to_ascii_uppercase();
            let name = std::fs::read(path.join("metadata.json"))
                .ok()
                .and_then(|json| country_of(&json).ok())
                .or_else(|| country(&cc).and_then(Country::name))
                .unwrap_or_default();
            Some((cc, name))
        })
        .collect();
    entries.sort();
    entries
}

/// The page for `entries`.
fn render(entries: &[(String, String)]) -> String {
    let mut page = String::with_capacity(1024 + entries.len() * 220);
    let count = entries.len();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Flags of {count} countries</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Flags of {count} countries</h1>\n\
         <p>The flag site of Fluent Python's downloaders: each country has \
         <code>/flags/{{cc}}/{{cc}}.gif</code> and <code>/flags/{{cc}}/metadata.json</code>.</p>\n<ul>\n"
    );
    for (cc, name) in entries {
        let lower = cc.to_ascii_lowercase();
        let name = escape(name);
        let _ = writeln!(
            page,
            "<li><a href=\"/flags/{lower}/{lower}.gif\"><img src=\"/flags/{lower}/{lower}.gif\" alt=\"Flag of {name}\"></a>\
             {cc} {name} <a href=\"/flags/{lower}/metadata.json\">metadata.json</a></li>"
        );
    }
    page.push_str("</ul>\n</body>\n</html>\n");
    page
}

/// `text` with the characters that mean something in HTML escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page of `source`, built on a runtime of its own.
    fn page_of(source: &Source) -> String {
        let page = runtime::run(index_page(source));
        String::from_utf8(page.to_vec()).unwrap()
    }

    #[test]
    fn the_archive_index_lists_all_194_with_both_links() {
        let page = page_of(&Source::archive());
        assert_eq!(page.matches("<img ").count(), 194);
        assert!(page.contains("VC Grenadines"), "the archive's own names");
        assert_eq!(page.matches(".gif\"><img").count(), 194);
        assert_eq!(page.matches("/metadata.json\">").count(), 194);
        assert!(page.contains("CI Côte d&#39;Ivoire"), "names are escaped");
        // Everything the page refers to is on this server.
        for attr in ["src=\"", "href=\""] {
            for (at, _) in page.match_indices(attr) {
                assert!(page[at + attr.len()..].starts_with("/flags/"));
            }
        }
    }

    #[test]
    fn a_dir_index_lists_its_flags_named_from_their_metadata() {
        let root = std::env::temp_dir().join(format!("flags-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (cc, json) in [("br", Some("{\"country\": \"Brasil <3\"}")), ("cn", None)] {
            let folder = root.join("flags").join(cc);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(format!("{cc}.gif")), b"GIF89a").unwrap();
            if let Some(json) = json {
                std::fs::write(folder.join("metadata.json"), json).unwrap();
            }
        }
        std::fs::create_dir_all(root.join("flags/zz")).unwrap(); // no GIF: not listed
        std::fs::create_dir_all(root.join("flags/notes")).unwrap();
        let page = page_of(&Source::Dir(root.clone()));
        assert_eq!(page.matches("<img ").count(), 2, "{page}");
        assert!(page.contains("BR Brasil &lt;3"), "{page}");
        assert!(page.contains("CN China"), "{page}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
