//! The shape of every crate of the workspace: which source files import
//! which, and the one cycle allowed.
//!
//! Files import the parts they are built on, never the files built on them
//! (see CONTRIBUTING.md). In the runtime, each subsystem (reactor, timers,
//! blocking pool, sync, net) imports the context and its own driver, never
//! the loop's `Core`, and nothing in the loop's subsystems imports back the
//! files that use them. The only files in the whole workspace that may
//! import each other in a circle are the runtime's task core, where a waker
//! needs the run queue and the run queue holds tasks. This test reads each
//! crate's `src`, builds its file-level import graph and checks that.
//!
//! An edge `a.rs -> b.rs` is any path in `a.rs`'s code (a `use` line or a
//! path written inline, such as `crate::context::enter`) that names an item
//! of the module defined in `b.rs`. `mod` lines are not edges: declaring a
//! child is not using it. Comments are skipped, so intra-doc links do not
//! count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The files of the runtime allowed to form one strongly connected
/// component: the task core. A task's waker (`waker.rs`) reaches the run
/// queue (`schedule.rs`) through the context; the context holds the
/// scheduler; the scheduler's queues and task set (`set.rs`) hold tasks
/// (`raw.rs`), whose headers (`header.rs`) hold the way back to the remote
/// queue (`remote_queue.rs`, whose calls take the scheduler) and the vtable of the harness (`harness.rs`), which polls the
/// future in its block (`layout.rs`) with the task's waker. The state word
/// (`state.rs`), the lifecycle byte (`lifecycle.rs`) and the id are leaves
/// outside the circle.
const TASK_CORE: &[&str] = &[
    "context.rs",
    "task/harness.rs",
    "task/header.rs",
    "task/layout.rs",
    "task/raw.rs",
    "task/remote_queue.rs",
    "task/schedule.rs",
    "task/set.rs",
    "task/waker.rs",
];

/// The largest cycle allowed, in files.
const MAX_CYCLE: usize = TASK_CORE.len();

/// Every crate of the workspace, by directory (the `members` of the root
/// `Cargo.toml`; a test below checks that none is missing).
const CRATES: &[&str] = &[
    "runtime",
    "timeline",
    "flags-app",
    "http-client",
    "hyper-compat",
    "spinner-demo",
    "benches",
    "test-pki",
    "headless-chromium",
    "watchdog",
];

/// The crate whose task core may be a cycle.
const RUNTIME: &str = "runtime";

/// A module path such as `["task", "header"]`, and the file defining it.
type Modules = BTreeMap<Vec<String>, String>;

/// Every module of the crate, found from the file tree under `src`. A
/// binary's `main.rs` is the crate root when there is no `lib.rs`;
/// otherwise it is a crate of its own, which no library file can import.
fn modules(src: &Path) -> Modules {
    let has_lib = src.join("lib.rs").exists();
    let mut out = Modules::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let mut parts: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts
                .last()
                .is_some_and(|p| p == "mod" || p == "lib" || (p == "main" && !has_lib))
            {
                parts.pop();
            }
            out.insert(parts, rel.to_string_lossy().into_owned());
        }
    }
    out
}

/// The module path of a file (`task/mod.rs` and `task.rs` are `task`).
fn module_of(file: &str, modules: &Modules) -> Vec<String> {
    modules
        .iter()
        .find(|(_, f)| f.as_str() == file)
        .map(|(module, _)| module.clone())
        .unwrap_or_else(|| {
            PathBuf::from(file)
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect()
        })
}

/// Items a module re-exports (`pub use x::Item` or `pub(crate) use`): the
/// re-exporting module's path and the item's name, to the path it names.
type Reexports = BTreeMap<(Vec<String>, String), Vec<String>>;

/// The file that defines what `path` names: the longest prefix of `path`
/// that is a module, followed through that module's re-exports, so that
/// `crate::task::JoinHandle` leads to `task/join.rs`, not `task/mod.rs`.
fn resolve(modules: &Modules, reexports: &Reexports, path: &[String]) -> Option<String> {
    let n = (0..=path.len())
        .rev()
        .find(|&n| modules.contains_key(&path[..n]))?;
    if let Some(item) = path.get(n) {
        let key = (path[..n].to_vec(), item.clone());
        if let Some(target) = reexports.get(&key)
            && target.as_slice() != path
        {
            let mut next = target.clone();
            next.extend(path[n + 1..].iter().cloned());
            return resolve(modules, reexports, &next);
        }
    }
    modules.get(&path[..n]).cloned()
}

/// Every `pub use` / `pub(crate) use` of every module.
fn reexports(src: &Path, modules: &Modules) -> Reexports {
    let mut out = Reexports::new();
    for (module, file) in modules {
        let text = fs::read_to_string(src.join(file)).expect("a source file");
        for (public, tree) in use_items(&code(&text)) {
            if !public {
                continue;
            }
            for segments in expand(&tree) {
                let Some(name) = segments.last().cloned() else {
                    continue;
                };
                if let Some(target) = absolute(module, segments, modules) {
                    out.insert((module.clone(), name), target);
                }
            }
        }
    }
    out
}

/// The code of a file with comments removed (line comments, and the text
/// of doc comments; block comments are not used in this crate), and without
/// its unit-test module: a `#[cfg(test)] mod tests` at the end of a file
/// imports its own file through `super::*`, which is not a dependency.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names that start with `crate::`, `super::` or `self::`,
/// or with one of its child modules inside a `use` line, each as module
/// segments relative to the crate root. Braced groups in `use` lines are
/// expanded (`use crate::a::{b, c::D}` names `a::b` and `a::c::D`).
fn paths_named(file: &str, text: &str, modules: &Modules) -> Vec<Vec<String>> {
    let here = module_of(file, modules);
    let code = code(text);
    let mut out = Vec::new();
    // `use` items, with their groups expanded.
    for (_, tree) in use_items(&code) {
        out.extend(expand(&tree));
    }
    // Inline paths anywhere in the code.
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(start) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let segments: Vec<String> = tail[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            // `crate::{a, b}` is a `use` group, handled above.
            if segments.len() > 1 {
                out.push(segments);
            }
            rest = &tail[end..];
        }
    }
    out.into_iter()
        .filter_map(|segments| absolute(&here, segments, modules))
        .collect()
}

/// The `use` declarations of some code: whether each is `pub` (in any
/// form), and its tree (`crate::a::{b, c}`). A declaration starts a line and
/// runs to the next `;`.
fn use_items(code: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_start();
        let (public, rest) = if let Some(rest) = line.strip_prefix("use ") {
            (false, rest)
        } else if let Some(at) = line.find(") use ").filter(|_| line.starts_with("pub(")) {
            (true, &line[at + 6..])
        } else if let Some(rest) = line.strip_prefix("pub use ") {
            (true, rest)
        } else {
            continue;
        };
        let mut tree = rest.to_owned();
        while !tree.contains(';') {
            match lines.next() {
                Some(more) => tree.push_str(more),
                None => break,
            }
        }
        let tree = tree.split(';').next().unwrap_or_default().to_owned();
        out.push((public, tree));
    }
    out
}

/// Expands a `use` tree into its paths, as segment lists.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut out);
    out
}

/// Helper of [`expand`].
fn expand_into(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let depth = prefix.len();
        prefix.extend(head);
        // Split the group on commas at depth 0.
        let (mut level, mut from) = (0, 0);
        let bytes = inner.as_bytes();
        for i in 0..=bytes.len() {
            let c = bytes.get(i).copied().unwrap_or(b',');
            match c {
                b'{' => level += 1,
                b'}' => level -= 1,
                b',' if level == 0 => {
                    let part = &inner[from..i];
                    if !part.is_empty() {
                        expand_into(part, prefix, out);
                    }
                    from = i + 1;
                }
                _ => {}
            }
        }
        prefix.truncate(depth);
    } else {
        // Whitespace is gone, so `a as b` reads `aasb`: cut at the rename
        // by looking for it before whitespace was removed is not possible;
        // renames are not used in this crate's imports.
        let mut path = prefix.clone();
        path.extend(tree.split("::").filter(|s| *s != "self").map(str::to_owned));
        out.push(path);
    }
}

/// Turns a path as written in `file` into segments from the crate root, or
/// `None` if it does not point into this crate.
fn absolute(here: &[String], segments: Vec<String>, modules: &Modules) -> Option<Vec<String>> {
    let first = segments.first()?.as_str();
    // `super` of `task/header.rs` is `task`; of `task/mod.rs` it is the root.
    let parent = || here[..here.len().saturating_sub(1)].to_vec();
    let (mut base, rest) = match first {
        "crate" => (Vec::new(), &segments[1..]),
        "self" => (here.to_vec(), &segments[1..]),
        "super" => (parent(), &segments[1..]),
        name => {
            // A child module of this one, named without `self::`.
            let mut child = here.to_vec();
            child.push(name.to_owned());
            if !modules.contains_key(&child) {
                return None;
            }
            (here.to_vec(), &segments[..])
        }
    };
    let mut rest = rest;
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}

/// The workspace's root directory.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the runtime is a member of the workspace")
        .to_path_buf()
}

/// The runtime's import graph: file -> files it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    graph_of(RUNTIME)
}

/// The import graph of the crate in directory `krate`.
fn graph_of(krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = workspace().join(krate).join("src");
    let modules = modules(&src);
    let reexports = reexports(&src, &modules);
    let mut edges = BTreeMap::new();
    for file in modules.values() {
        let text = fs::read_to_string(src.join(file)).expect("a source file");
        let targets: BTreeSet<String> = paths_named(file, &text, &modules)
            .iter()
            .filter_map(|path| resolve(&modules, &reexports, path))
            .filter(|target| target != file)
            .collect();
        edges.insert(file.clone(), targets);
    }
    edges
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on_stack.insert(v);
        for t in &w.edges[v] {
            let t = t.as_str();
            if !w.index.contains_key(t) {
                visit(w, t);
                let low = w.low[v].min(w.low[t]);
                w.low.insert(v, low);
            } else if w.on_stack.contains(t) {
                let low = w.low[v].min(w.index[t]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut scc = BTreeSet::new();
            while let Some(top) = w.stack.pop() {
                w.on_stack.remove(top);
                scc.insert(top.to_owned());
                if top == v {
                    break;
                }
            }
            if scc.len() > 1 {
                w.out.push(scc);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.out
}

#[test]
fn the_only_import_cycle_is_the_task_core() {
    let edges = graph();
    let found = cycles(&edges);
    for cycle in &found {
        let outside: Vec<_> = cycle
            .iter()
            .filter(|f| !TASK_CORE.contains(&f.as_str()))
            .collect();
        assert!(
            outside.is_empty() && cycle.len() <= MAX_CYCLE,
            "an import cycle outside the task core: {cycle:?} (files outside it: {outside:?})"
        );
    }
}

#[test]
fn no_other_crate_has_an_import_cycle() {
    let mut found = Vec::new();
    for krate in CRATES.iter().filter(|&&krate| krate != RUNTIME) {
        let edges = graph_of(krate);
        assert!(!edges.is_empty(), "{krate}: no source files found");
        found.extend(cycles(&edges).into_iter().map(|cycle| (*krate, cycle)));
    }
    assert!(found.is_empty(), "import cycles: {found:?}");
}

#[test]
fn every_workspace_member_is_checked() {
    let manifest = fs::read_to_string(workspace().join("Cargo.toml")).expect("the root manifest");
    let members = manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("members = "))
        .expect("a one-line members list");
    let mut listed: Vec<&str> = members
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
        .collect();
    let mut checked = CRATES.to_vec();
    listed.sort_unstable();
    checked.sort_unstable();
    assert_eq!(listed, checked, "CRATES must name every workspace member");
}

#[test]
fn subsystems_never_import_the_loop_core() {
    let edges = graph();
    for (file, targets) in &edges {
        let is_loop = [
            "core.rs",
            "event_loop.rs",
            "runtime.rs",
            "builder.rs",
            "lib.rs",
        ]
        .contains(&file.as_str());
        if !is_loop {
            assert!(
                !targets.contains("core.rs") && !targets.contains("event_loop.rs"),
                "{file} imports the loop's core: {targets:?}"
            );
        }
    }
}

#[test]
fn the_checker_sees_edges_and_cycles() {
    // The checker itself: a graph with a known cycle is reported.
    let mut edges = BTreeMap::new();
    edges.insert("a.rs".to_owned(), BTreeSet::from(["b.rs".to_owned()]));
    edges.insert(
        "b.rs".to_owned(),
        BTreeSet::from(["a.rs".to_owned(), "c.rs".to_owned()]),
    );
    edges.insert("c.rs".to_owned(), BTreeSet::new());
    assert_eq!(
        cycles(&edges),
        [BTreeSet::from(["a.rs".to_owned(), "b.rs".to_owned()])]
    );
    // And on the real crates, known edges are found.
    assert!(graph()["time/sleep.rs"].contains("context.rs"));
    assert!(graph_of("http-client")["url/mod.rs"].contains("error.rs"));
    assert!(graph_of("timeline")["chrome_json.rs"].contains("timeline.rs"));
}

#[test]
#[ignore = "prints the graph; run with --ignored --nocapture"]
fn print_the_graph() {
    for krate in CRATES {
        let edges = graph_of(krate);
        for (file, targets) in &edges {
            println!("{krate}/src/{file} -> {targets:?}");
        }
        println!("{krate}: cycles: {:?}", cycles(&edges));
    }
}
