#!/usr/bin/env python3
"""Regenerates the example outputs quoted in the docs from real runs.

    python3 docs/outputs.py            # rebuild the programs, rerun every example, rewrite the docs
    python3 docs/outputs.py --list     # the examples and the commands that make them

A quoted output is a fenced ``text`` block right after a marker line:

    <!-- output: COMMAND -->
    ```text
    $ what the reader types
    ...the output, rewritten by this script...
    ```

COMMAND runs under bash with the release builds of `flags`, `spinner` and
the runtime's examples on PATH, in a fresh temporary directory (so downloads land there, not in the
repository); `$REPO` is the repository's root. A block whose first line starts
with `$ ` keeps that line (what a reader types, e.g. `cargo run ... -- -a`,
may be spelled differently from COMMAND, which runs the same binary); the rest
of the block becomes COMMAND's output, stdout and stderr interleaved as a
terminal shows them. A command prefixed with `tty:` runs on a pseudo-terminal
(util-linux `script`), for output that differs there (a progress bar); only
the last state of each line (after its last carriage return) is kept, with
terminal escapes removed.

The outputs are real but not reproducible to the byte (ports, timings), so
nothing compares them in CI; the docs test (`runtime/tests/docs_name_real_code.rs`)
checks the file:line locations they print against the code.
"""

import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = ["README.md", "flags-app/README.md", "docs/INTERNALS.md"]
MARKER = re.compile(r"^<!-- output: (.*) -->$")
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Seconds one example may take before the script gives up on it.
TIMEOUT = 120


def examples(path):
    """Yields (marker line index, command) for each marked block in `path`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if m:
            if i + 1 >= len(lines) or lines[i + 1] != "```text":
                sys.exit(f"{path}:{i + 1}: an output marker must be followed by a ```text block")
            yield i, m.group(1)


def build():
    """Builds the programs the examples run."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "flags-app", "-p", "spinner-demo",
         "-p", "runtime", "--examples", "--bins"],
        cwd=REPO, check=True)


def run(command):
    """Runs one example; returns its output lines as a terminal shows them."""
    env = dict(os.environ, REPO=REPO)
    release = os.path.join(REPO, "target", "release")
    env["PATH"] = os.pathsep.join([release, os.path.join(release, "examples"), env["PATH"]])
    tty = command.startswith("tty:")
    if tty:
        command = command[len("tty:"):].strip()
    with tempfile.TemporaryDirectory(prefix="outputs-") as tmp:
        argv = (["script", "-qec", command, "/dev/null"] if tty
                else ["bash", "-c", "{ " + command + "\n} 2>&1"])
        done = subprocess.run(argv, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=TIMEOUT, check=False)
    text = ESCAPES.sub("", done.stdout.decode("utf-8", "replace"))
    # A terminal ends lines with CR LF, and a progress bar redraws its line
    # after a bare CR: keep what the line shows last.
    lines = [line.rstrip("\r").split("\r")[-1] for line in text.split("\n")]
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def rewrite(path, only_list):
    """Reruns every example of `path` and rewrites its blocks."""
    full = os.path.join(REPO, path)
    with open(full, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, i = [], 0
    for start, command in examples(full):
        out.extend(lines[i:start + 2])
        end = lines.index("```", start + 2)
        shown = lines[start + 2] if start + 2 < end and lines[start + 2].startswith("$ ") else None
        print(f"{path}:{start + 1}: {command}")
        if only_list:
            out.extend(lines[start + 2:end])
        else:
            out.extend(([shown] if shown else []) + run(command))
        i = end
    out.extend(lines[i:])
    if not only_list:
        tmp = full + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
        os.replace(tmp, full)


def main():
    only_list = sys.argv[1:] == ["--list"]
    if sys.argv[1:] and not only_list:
        sys.exit("usage: python3 docs/outputs.py [--list]")
    if not only_list:
        build()
    for path in DOCS:
        rewrite(path, only_list)


if __name__ == "__main__":
    main()
