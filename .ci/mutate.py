#!/usr/bin/env python3
"""Applies one mutation of .ci/mutations to a scratch copy of the tree.

usage: mutate.py ROOT SNIPPET REPLACEMENT [SNIPPET REPLACEMENT]...

Each SNIPPET must occur exactly once in all the `.rs` files under ROOT
together; any run of whitespace in it matches any run of whitespace in the
code (so rustfmt's line breaks and indentation do not matter). It is
replaced by REPLACEMENT. A snippet found zero times or more than once is an
error naming it, and nothing is written: the mutation must be re-pointed
(the code it weakens was moved or changed), never silently skipped.
"""

import pathlib
import re
import sys


def pattern(snippet: str) -> re.Pattern:
    """The snippet as a regex in which whitespace runs are flexible."""
    parts = re.split(r"\s+", snippet.strip())
    return re.compile(r"\s+".join(re.escape(part) for part in parts))


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    pairs = sys.argv[2:]
    if not pairs or len(pairs) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    files = {path: path.read_text() for path in sorted(root.rglob("*.rs"))}
    for snippet, replacement in zip(pairs[::2], pairs[1::2]):
        regex = pattern(snippet)
        hits = [(path, m) for path, text in files.items() for m in regex.finditer(text)]
        if len(hits) != 1:
            where = ", ".join(str(path.relative_to(root)) for path, _ in hits) or "nowhere"
            print(
                f"snippet found {len(hits)} times under {root} ({where}), "
                f"expected exactly once:\n    {snippet}",
                file=sys.stderr,
            )
            return 1
        path, match = hits[0]
        text = files[path]
        files[path] = text[: match.start()] + replacement + text[match.end() :]
        print(f"    {path.relative_to(root)}: {' '.join(snippet.split())}")
        print(f"      -> {' '.join(replacement.split())}")
    for path, text in files.items():
        if text != path.read_text():
            path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
