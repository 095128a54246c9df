//! The docs name only code that exists.
//!
//! `docs/INTERNALS.md` and the READMEs walk a reader through the source: they
//! name files (`task/schedule.rs`), functions (`Header::schedule_by_val`) and
//! lines (`asyncio.rs:96`). A name that no longer matches the code sends a
//! learner nowhere, and nothing else would notice. This test reads every doc
//! of the workspace and fails, listing each broken reference, when
//!
//! - a relative Markdown link's target does not exist;
//! - a quoted `something.rs` (or `dir/something.rs`) matches no file of the
//!   workspace;
//! - a quoted `file.rs:LINE` is past the file's end, or the line does not
//!   hold what the doc says is there (one of the identifiers quoted on the
//!   same doc line; `spawned at F:N` must point at a spawn, `called at F:N`
//!   at a `block_on` or `run`);
//! - a quoted `Type::item` names a type defined in the workspace that has no
//!   `fn item` (or constant, variant or field `item`) in the files that
//!   define or implement it, or a type that is neither ours nor a
//!   well-known outside type (std's, mio's, tokio's...).
//!
//! What it cannot check: that the prose around a name is true. That is
//! still the reviewer's job; the test only guarantees the reader can find
//! what is named.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root: the runtime crate's parent directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the runtime crate lives inside the workspace")
        .to_path_buf()
}

/// Every file under `dir` with one of `exts`, skipping build output and
/// version-control folders.
fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "target" || name.starts_with('.') || name == "node_modules" {
                continue;
            }
            files_under(&path, exts, out);
        } else if exts.iter().any(|ext| name.ends_with(ext)) {
            out.push(path);
        }
    }
}

/// The docs this test reads: every Markdown file of the workspace.
fn docs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(root, &[".md"], &mut out);
    out.sort();
    out
}

/// Spans quoted with single backticks on one line.
fn quoted(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// Rust source of the workspace, with paths relative to the root.
struct Source {
    /// `(path relative to the root, text)` of every `.rs` file.
    files: Vec<(String, String)>,
}

impl Source {
    fn load(root: &Path) -> Source {
        let mut paths = Vec::new();
        files_under(root, &[".rs"], &mut paths);
        let files = paths
            .into_iter()
            .map(|path| {
                let text = fs::read_to_string(&path).unwrap_or_default();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, text)
            })
            .collect();
        Source { files }
    }

    /// The files whose path is `name` or ends with `/name`.
    fn matching(&self, name: &str) -> Vec<&(String, String)> {
        let suffix = format!("/{name}");
        self.files
            .iter()
            .filter(|(path, _)| path == name || path.ends_with(&suffix))
            .collect()
    }

    /// Files that define `ty` (struct, enum, trait, union, type alias) or
    /// implement something for it.
    fn defining(&self, ty: &str) -> Vec<&(String, String)> {
        let heads = ["struct ", "enum ", "trait ", "union ", "type "];
        self.files
            .iter()
            .filter(|(_, text)| {
                text.lines().any(|line| {
                    let line = line.trim_start();
                    let line = line
                        .strip_prefix("pub(crate) ")
                        .or_else(|| line.strip_prefix("pub "))
                        .unwrap_or(line);
                    heads.iter().any(|head| starts_with_word(line, head, ty))
                        || (line.starts_with("impl") && has_word(line, ty))
                })
            })
            .collect()
    }
}

/// Whether `line` is `head` followed by the word `word`.
fn starts_with_word(line: &str, head: &str, word: &str) -> bool {
    line.strip_prefix(head)
        .and_then(|rest| rest.strip_prefix(word))
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// Whether `text` holds `word` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// First path segments that name code outside this workspace: the standard
/// library, the crates we depend on or compare with, Python's modules.
const OUTSIDE: &[&str] = &[
    "std",
    "core",
    "alloc",
    "mio",
    "tokio",
    "smol",
    "futures",
    "futures_util",
    "hyper",
    "hyper_util",
    "rustls",
    "crossbeam",
    "crossbeam_channel",
    "socket2",
    "async_task",
    "async_executor",
    "async_io",
    "clippy",
    "criterion",
    "asyncio",
    "Ordering",
    "Poll",
    "Pin",
    "Box",
    "Arc",
    "Rc",
    "Vec",
    "Option",
    "Result",
    "Duration",
    "Instant",
    "Interest",
    "Token",
    "ErrorKind",
    "Context",
    "RawWaker",
    "RawWakerVTable",
    "Waker",
    "Future",
    "String",
    "RefCell",
    "Mutex",
    "SystemTime",
    "File",
    "Events",
    "Registry",
    "LocalPool",
    "Executor",
    "HashMap",
    "VecDeque",
    "io",
    "thread",
    "mem",
    "ptr",
    "fs",
    "env",
    "process",
    "time",
    "sync",
    "task",
    "net",
    "Layout",
    "NonNull",
    "UnsafeCell",
    "AtomicUsize",
    "AtomicBool",
    "AtomicU64",
    "AtomicU32",
    "ManuallyDrop",
    "MaybeUninit",
    "Self",
    "blocking",
    "executor",
    "tower",
    "futures_io",
    "futures_lite",
    "Bencher",
    "http",
    "http_body_util",
    "serde_json",
];

/// Checks one `Type::item` (or `module::item`) quote; returns the problem.
fn check_path(source: &Source, quote: &str) -> Option<String> {
    let parts: Vec<&str> = quote.split("::").collect();
    let ident_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if parts.len() < 2 || !parts.iter().all(|p| ident_ok(p)) {
        return None;
    }
    let (ty, item) = (parts[parts.len() - 2], parts[parts.len() - 1]);
    if OUTSIDE.contains(&parts[0]) && parts[0] != "runtime" {
        return None;
    }
    if ty.starts_with(|c: char| c.is_lowercase()) {
        // `module::function`: the function (or a type or re-export of that
        // name) exists somewhere.
        let found = source.files.iter().any(|(_, text)| {
            has_word(text, &format!("fn {item}"))
                || has_word(text, &format!("struct {item}"))
                || has_word(text, &format!("enum {item}"))
                || has_word(text, &format!("mod {item}"))
                || text
                    .lines()
                    .any(|l| l.trim_start().starts_with("pub use") && has_word(l, item))
        });
        return (!found).then(|| format!("`{quote}`: no fn, type or re-export named `{item}`"));
    }
    let defining = source.defining(ty);
    if defining.is_empty() {
        return Some(format!(
            "`{quote}`: no type `{ty}` is defined in the workspace"
        ));
    }
    let found = defining.iter().any(|(_, text)| {
        has_word(text, &format!("fn {item}"))
            || has_word(text, &format!("const {item}"))
            || (item.starts_with(|c: char| c.is_uppercase()) && has_word(text, item))
            || text.lines().any(|l| {
                l.trim_start()
                    .trim_start_matches("pub ")
                    .starts_with(&format!("{item}:"))
            })
    });
    (!found).then(|| {
        format!("`{quote}`: `{ty}` has no `{item}` in the files that define or implement it")
    })
}

/// Checks one `file.rs:LINE` quote found on `doc_line`.
fn check_line(source: &Source, file: &str, line: usize, doc_line: &str) -> Option<String> {
    let matches = source.matching(file);
    let [(path, text)] = matches.as_slice() else {
        return Some(format!(
            "`{file}:{line}`: {} files match `{file}`",
            matches.len()
        ));
    };
    let lines: Vec<&str> = text.lines().collect();
    if line == 0 || line > lines.len() {
        return Some(format!("`{file}:{line}`: {path} has {} lines", lines.len()));
    }
    // A location printed by the program (`#[track_caller]`) is the line of
    // the call itself, without its comment; a quote in prose may point at
    // the first line of an item that spans a few.
    let code = lines[line - 1].split("//").next().unwrap_or("");
    let (near, wanted): (String, Vec<String>) =
        if doc_line.contains(&format!("spawned at {file}:{line}")) {
            (code.to_owned(), vec!["spawn".into()])
        } else if doc_line.contains(&format!("called at {file}:{line}")) {
            (code.to_owned(), vec!["block_on".into(), "run".into()])
        } else {
            let near = lines[line - 1..(line + 2).min(lines.len())].join("\n");
            let wanted = quoted(doc_line)
                .iter()
                .filter(|q| !q.contains(".rs"))
                .flat_map(|q| q.split(|c: char| !(c.is_alphanumeric() || c == '_')))
                .filter(|w| w.len() >= 3)
                .map(String::from)
                .collect();
            (near, wanted)
        };
    if wanted.is_empty() {
        return Some(format!(
            "`{file}:{line}`: the doc line quotes no identifier to find there"
        ));
    }
    let found = wanted.iter().any(|w| near.contains(w.as_str()));
    (!found).then(|| format!("`{file}:{line}` ({path}): none of {wanted:?} is at that line"))
}

/// Finds `name.rs:LINE` in free text (example output quotes them unquoted).
fn line_refs(line: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices(".rs:") {
        let start = line[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || "_-/.".contains(c)))
            .map_or(0, |i| i + 1);
        let digits: String = line[at + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            out.push((format!("{}.rs", &line[start..at]), n));
        }
    }
    out
}

#[test]
fn every_file_type_function_and_line_named_in_the_docs_exists() {
    let root = root();
    let source = Source::load(&root);
    let mut problems = BTreeSet::new();
    for doc in docs(&root) {
        let rel = doc.strip_prefix(&root).unwrap().display().to_string();
        let text = fs::read_to_string(&doc).unwrap();
        let dir = doc.parent().unwrap();
        for (n, line) in text.lines().enumerate() {
            let mut report = |problem: String| {
                problems.insert(format!("{rel}:{}: {problem}", n + 1));
            };
            for (at, _) in line.match_indices("](") {
                let target: String = line[at + 2..].chars().take_while(|&c| c != ')').collect();
                let target = target.split('#').next().unwrap_or("");
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                if !dir.join(target).exists() {
                    report(format!("link to `{target}`, which does not exist"));
                }
            }
            for quote in quoted(line) {
                let name = quote.split(':').next().unwrap_or("");
                if name.ends_with(".rs") && !name.contains(' ') && !name.contains('*') {
                    let found = !source.matching(name).is_empty()
                        || root.join(name).exists()
                        || dir.join(name).exists();
                    if !found {
                        report(format!("`{name}`: no such file in the workspace"));
                    }
                }
                if let Some(problem) = check_path(&source, quote.trim_end_matches("()")) {
                    report(problem);
                }
            }
            for (file, number) in line_refs(line) {
                if let Some(problem) = check_line(&source, &file, number, line) {
                    report(problem);
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the docs name {} things the code does not have:\n{}",
        problems.len(),
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}
