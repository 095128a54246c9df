//! The two renderings of an [`AwaitTree`]: a tree (its `Display`, like
//! `pstree` and `python -m asyncio pstree`) and a table ([`Table`], like
//! `ps` and `python -m asyncio ps`).
//!
//! ```text
//! runtime 1 on thread 'main', 2 spawned tasks
//! task 1 'block_on' waiting 0.402s for task 2  (called at src/main.rs:9)
//! └─ task 2 'fetch' waiting 0.401s for socket 1 readable, timer due in 4.599s [reading]  (spawned at src/main.rs:5)
//! task 3 'ticker' queued 0.000s  (spawned at src/main.rs:7)
//! ```
//!
//! The tree's edges are the `JoinHandle` waits: a task is drawn under the
//! task that awaits it. The roots are the tasks nobody awaits, the
//! `block_on` future first.

use std::collections::HashSet;
use std::fmt;

use super::snapshot::{Await, AwaitTree, Seconds, TaskInfo};

/// The line every rendering starts with: which loop, on which thread.
fn heading(tree: &AwaitTree, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "runtime {}", tree.runtime_id)?;
    if let Some(thread) = &tree.thread {
        write!(f, " on thread '{thread}'")?;
    }
    let plural = if tree.alive == 1 { "" } else { "s" };
    write!(f, ", {} spawned task{plural}", tree.alive)?;
    if !tree.recorded {
        f.write_str(
            "; what they await is not recorded (RUNTIME_AWAIT_TREE=1 or \
             Builder::await_tree(true) turns it on)",
        )?;
    }
    writeln!(f)
}

/// `task 2 'fetch'`: how the renderings name a task.
fn label(task: &TaskInfo) -> String {
    match task.name() {
        Some(name) => format!("task {} '{name}'", task.id),
        None => format!("task {}", task.id),
    }
}

/// `socket 1 readable, timer due in 4.599s`; the tasks awaited are one
/// entry, `task 7` or `194 tasks` (the tree draws them below, the table
/// names the parent on each child's row).
fn awaits(task: &TaskInfo) -> String {
    let joins = task
        .awaits
        .iter()
        .filter(|wait| matches!(wait, Await::Join { .. }))
        .count();
    let mut parts: Vec<String> = task
        .awaits
        .iter()
        .filter(|wait| joins == 1 || !matches!(wait, Await::Join { .. }))
        .map(ToString::to_string)
        .collect();
    if joins > 1 {
        parts.insert(0, format!("{joins} tasks"));
    }
    parts.join(", ")
}

/// `src/main.rs:9`.
fn place(task: &TaskInfo) -> String {
    format!("{}:{}", task.spawned_at.file(), task.spawned_at.line())
}

impl fmt::Display for AwaitTree {
    /// The tree rendering; see the module doc.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        heading(self, f)?;
        let awaited: HashSet<_> = self
            .tasks
            .iter()
            .flat_map(|task| task.awaits.iter())
            .filter_map(|wait| match wait {
                Await::Join { task } => Some(*task),
                _ => None,
            })
            .collect();
        let mut drawn = HashSet::new();
        for root in self.tasks.iter().filter(|t| !awaited.contains(&t.id)) {
            draw(self, root, "", false, true, &mut drawn, f)?;
        }
        // A ring of tasks awaiting each other has no root: draw what is left.
        for task in &self.tasks {
            if !drawn.contains(&task.id) {
                draw(self, task, "", false, true, &mut drawn, f)?;
            }
        }
        Ok(())
    }
}

/// Draws `task` and, below it, the tasks it awaits. `prefix` is the
/// indentation of its line; `branch` draws it as a child (`├─`/`└─`);
/// `last` says whether it is its parent's last child.
fn draw(
    tree: &AwaitTree,
    task: &TaskInfo,
    prefix: &str,
    branch: bool,
    last: bool,
    drawn: &mut HashSet<crate::task::TaskId>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    if !drawn.insert(task.id) {
        return Ok(()); // already drawn: a second parent, or a ring
    }
    let connector = match (branch, last) {
        (false, _) => "",
        (true, true) => "└─ ",
        (true, false) => "├─ ",
    };
    write!(
        f,
        "{prefix}{connector}{} {} {}",
        label(task),
        task.state.as_str(),
        Seconds(task.state_for)
    )?;
    if !task.awaits.is_empty() {
        write!(f, " for {}", awaits(task))?;
    }
    if let Some(phase) = &task.phase {
        write!(f, " [{phase}]")?;
    }
    let placed = if task.is_block_on {
        "called"
    } else {
        "spawned"
    };
    writeln!(f, "  ({placed} at {})", place(task))?;
    let children: Vec<&TaskInfo> = task
        .awaits
        .iter()
        .filter_map(|wait| match wait {
            Await::Join { task } => tree.task(*task),
            _ => None,
        })
        .collect();
    let below = match (branch, last) {
        (false, _) => prefix.to_string(),
        (true, true) => format!("{prefix}   "),
        (true, false) => format!("{prefix}│  "),
    };
    let count = children.len();
    for (i, child) in children.into_iter().enumerate() {
        draw(tree, child, &below, true, i + 1 == count, drawn, f)?;
    }
    Ok(())
}

impl AwaitTree {
    /// The table rendering (like `ps`): one row per task.
    pub fn table(&self) -> impl fmt::Display + '_ {
        Table(self)
    }
}

/// The table rendering of an [`AwaitTree`] (see
/// [`AwaitTree::table`]): one row per task, with who awaits it.
struct Table<'a>(&'a AwaitTree);

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tree = self.0;
        heading(tree, f)?;
        if !tree.recorded {
            return Ok(());
        }
        let header = [
            "ID",
            "STATE",
            "FOR",
            "NAME",
            "AWAITED BY",
            "AWAITS",
            "PHASE",
            "SPAWNED AT",
        ];
        let rows: Vec<[String; 8]> = tree
            .tasks
            .iter()
            .map(|task| {
                let parents: Vec<String> = tree
                    .awaited_by(task.id)
                    .map(|parent| parent.id.to_string())
                    .collect();
                [
                    task.id.to_string(),
                    task.state.as_str().to_string(),
                    Seconds(task.state_for).to_string(),
                    task.name().unwrap_or("-").to_string(),
                    if parents.is_empty() {
                        "-".to_string()
                    } else {
                        parents.join(",")
                    },
                    if task.awaits.is_empty() {
                        "-".to_string()
                    } else {
                        awaits(task)
                    },
                    task.phase.clone().unwrap_or_else(|| "-".to_string()),
                    place(task),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 8], f: &mut fmt::Formatter<'_>| -> fmt::Result {
            // The id right-aligned, like ps; the last column not padded.
            write!(f, "{:>w$}", cells[0], w = widths[0])?;
            for (cell, width) in cells[1..7].iter().zip(&widths[1..7]) {
                write!(f, "  {cell:<width$}")?;
            }
            writeln!(f, "  {}", cells[7])
        };
        line(header, f)?;
        for row in &rows {
            line(row.each_ref().map(String::as_str), f)?;
        }
        Ok(())
    }
}
