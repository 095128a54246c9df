//! The HTML writer: one file with the trace and a viewer, no network needed.
//!
//! The page is:
//!
//! ```text
//! <!doctype html>
//! <html><head><meta charset="utf-8"><title>…</title><style> viewer.css </style></head>
//! <body>
//!   <div id="viewer"> header, legend, chart (filled in by the script) </div>
//!   <script type="application/json" id="timeline-data"> the Chrome JSON </script>
//!   <script> data.js, draw.js, interact.js </script>
//! </body></html>
//! ```
//!
//! The JSON is exactly what the `.json` writer produces, so the page holds
//! the same data a Perfetto user would load. A `type="application/json"`
//! script is never run; the viewer reads its text and parses it. The one
//! danger is the text closing its own element early: an HTML parser ends a
//! script at the first `</script`, whatever JavaScript or JSON syntax says.
//! The JSON writer escapes every `<` inside strings (`\u003c`), and JSON has
//! no `<` outside strings, so the embedded text contains no `<` at all.
//!
//! The viewer is plain JavaScript and SVG, in `src/viewer/`, included into
//! the binary at compile time: no CDN, no second file, works offline. Its
//! design is described at the top of `data.js`.

use std::io::{self, Write};

use crate::timeline::Timeline;

/// The viewer's style sheet.
const VIEWER_CSS: &str = include_str!("viewer/viewer.css");

/// The viewer's scripts, in the order they run: reading the data, drawing,
/// and the interactions (which start everything).
const VIEWER_JS: [&str; 3] = [
    include_str!("viewer/data.js"),
    include_str!("viewer/draw.js"),
    include_str!("viewer/interact.js"),
];

/// The page up to the embedded JSON.
const HEAD: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Event loop timeline</title>
<style>
"#;

/// Between the style sheet and the JSON: the page's static skeleton.
const BODY: &str = r#"</style>
</head>
<body>
<div id="viewer">
  <header>
    <h1>Event loop timeline</h1>
    <p id="summary"></p>
    <p id="warning" hidden></p>
  </header>
  <div id="legend"></div>
  <div id="controls">
    <button id="zoom-in" type="button" title="zoom in (or the mouse wheel)">+</button>
    <button id="zoom-out" type="button" title="zoom out">&minus;</button>
    <button id="zoom-fit" type="button" title="show everything (or double-click)">fit</button>
    <label><input id="all-wakes" type="checkbox"> show every wake arrow</label>
    <span id="view-span"></span>
  </div>
  <div id="chart"></div>
  <div id="tooltip" hidden></div>
  <noscript>This page draws the timeline with JavaScript; the data is in the page's source
  (Chrome Trace Event JSON, which Perfetto also opens).</noscript>
</div>
<script type="application/json" id="timeline-data">
"#;

impl Timeline {
    /// Writes the self-contained HTML page (the JSON and the viewer, see
    /// `html.rs`) to `out`.
    pub fn write_html(&self, out: &mut dyn Write) -> io::Result<()> {
        write(self, out)
    }
}

/// Writes the page for `timeline` to `out`.
fn write(timeline: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(HEAD.as_bytes())?;
    out.write_all(VIEWER_CSS.as_bytes())?;
    out.write_all(BODY.as_bytes())?;
    timeline.write_json(out)?;
    out.write_all(b"</script>\n<script>\n\"use strict\";\n")?;
    for script in VIEWER_JS {
        out.write_all(script.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.write_all(b"</script>\n</body>\n</html>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The viewer's own text must not end its `<script>` element early.
    #[test]
    fn viewer_scripts_never_close_their_element() {
        for script in VIEWER_JS {
            assert!(!script.to_ascii_lowercase().contains("</script"));
            assert!(!script.contains("<!--"));
        }
    }
}
