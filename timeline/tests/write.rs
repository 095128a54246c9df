//! Writing a timeline file: the format comes from the extension, the write is
//! atomic, and a failure leaves neither a half-written target nor a
//! temporary file behind.

mod util;

use std::fs;

use timeline::{Format, WriteError};
use util::{TempDir, synthetic};

#[test]
fn the_extension_picks_the_format_in_any_case() {
    let dir = TempDir::new("formats");
    let timeline = synthetic();
    for (name, format) in [
        ("t.json", Format::Json),
        ("t.JSON", Format::Json),
        ("t.html", Format::Html),
        ("t.Html", Format::Html),
    ] {
        let path = dir.path.join(name);
        let written = timeline.write_to_path(&path).expect("written");
        assert_eq!((written.format, &written.path), (format, &path));
        let bytes = fs::read(&path).expect("read back");
        assert_eq!(written.bytes, bytes.len() as u64, "{name}");
        let text = String::from_utf8(bytes).expect("UTF-8");
        match format {
            Format::Json => {
                let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                assert!(value["traceEvents"].is_array());
            }
            Format::Html => {
                assert!(text.starts_with("<!doctype html>"));
                assert!(text.trim_end().ends_with("</html>"));
            }
        }
    }
    assert_eq!(
        dir.listing(),
        ["t.Html", "t.JSON", "t.html", "t.json"],
        "no temporary file left"
    );
}

#[test]
fn the_html_embeds_exactly_the_json() {
    let dir = TempDir::new("embed");
    let timeline = synthetic();
    timeline
        .write_to_path(&dir.path.join("t.html"))
        .expect("html");
    let page = fs::read_to_string(dir.path.join("t.html")).expect("read");
    let json = util::json_text(&timeline);
    let opening = "<script type=\"application/json\" id=\"timeline-data\">\n";
    let start = page.find(opening).expect("the data element") + opening.len();
    let end = start + page[start..].find("</script>").expect("its end");
    assert_eq!(
        &page[start..end],
        json,
        "the data ends at the first </script>, and only there"
    );
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing loaded from the network"
    );
}

#[test]
fn an_unknown_extension_is_refused_before_anything_is_created() {
    let dir = TempDir::new("extension");
    for name in ["t.txt", "t", "t.json.bak", "json"] {
        let err = synthetic()
            .write_to_path(&dir.path.join(name))
            .expect_err(name);
        assert!(
            matches!(err, WriteError::UnknownFormat { .. }),
            "{name}: {err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains(".json") && message.contains(".html") && message.contains(name),
            "{message}"
        );
    }
    assert!(dir.listing().is_empty());
}

#[test]
fn a_missing_directory_is_an_error_that_names_the_step() {
    let dir = TempDir::new("missing");
    let path = dir.path.join("no such dir").join("t.json");
    let err = synthetic().write_to_path(&path).expect_err("no directory");
    match &err {
        WriteError::Io { step, source, .. } => {
            assert_eq!(*step, "create a temporary file");
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("timeline not written: could not create a temporary file")
    );
    assert!(dir.listing().is_empty());
}

#[test]
fn a_failed_rename_removes_the_temporary_file_and_leaves_the_target_alone() {
    // The bytes are written and synced, then the rename fails: the target
    // is a directory that is not empty.
    let dir = TempDir::new("rename");
    let target = dir.path.join("t.html");
    fs::create_dir(&target).expect("a directory in the way");
    fs::write(target.join("keep"), b"precious").expect("its content");
    let err = synthetic()
        .write_to_path(&target)
        .expect_err("cannot replace a directory");
    assert!(
        matches!(
            err,
            WriteError::Io {
                step: "rename it to the target",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(dir.listing(), ["t.html"], "the temporary file is gone");
    assert_eq!(
        fs::read(target.join("keep")).expect("still there"),
        b"precious"
    );
}

#[test]
fn an_existing_file_is_replaced_whole() {
    let dir = TempDir::new("replace");
    let path = dir.path.join("t.json");
    fs::write(&path, "x".repeat(10_000_000)).expect("a big old file");
    let written = synthetic().write_to_path(&path).expect("replaced");
    let now = fs::read_to_string(&path).expect("read");
    assert_eq!(now.len() as u64, written.bytes);
    serde_json::from_str::<serde_json::Value>(&now)
        .expect("only the new JSON, nothing of the old file");
    assert_eq!(dir.listing(), ["t.json"]);
}

#[test]
fn written_says_where_what_and_how_big() {
    let dir = TempDir::new("display");
    let path = dir.path.join("t.json");
    let written = synthetic().write_to_path(&path).expect("written");
    let text = written.to_string();
    assert!(
        text.contains("t.json")
            && text.contains("JSON")
            && text.contains(&format!("{} bytes", written.bytes)),
        "{text}"
    );
}
