"""Bounds for the batch: the checker's own first stages alone, in the floor's shape.

Same shape as `floor.py` (same file order, process pool and chunk size, one compact JSON line per
file on stdout), but each file goes through the checker's first stages instead of libyaml alone:

- `--upto input`: `read_document` (the reader that keeps every key's line) and validation into
  the pydantic `Project` model;
- `--upto engine`: the same, then the derived figures and the facts (`Checker._prepare`) and the
  rules evaluated by durable_rules (`Evaluation.decide_many`, a chunk at a time, as a batch does).

Nothing after that: no findings, messages, waivers or verdict line. The line written names the
file and counts what was decided. What these cost over the floor is a lower bound for
`check DIR --format jsonl` that no work on findings or on the line can go below.

    python benchmarks/stages_bound.py DIR [-j 2] [--upto input|engine] [--as-of 2025-06-01] > /dev/null
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import sys
from pathlib import Path

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as the checker's commands set it

from checker.batch.inputs import find_projects
from checker.factory import make_checker
from checker.input.source import read_document

_checker = None  # built in the parent, inherited by the forked workers
_upto = "engine"


def _line(path: str, decided: object) -> str:
    return json.dumps({"input": path, "decided": decided}, ensure_ascii=False, separators=(",", ":")) + "\n"


def work(paths: list[str]) -> str:
    """One chunk, lines in file order: each file read and validated, then (`engine`) the chunk's
    valid projects evaluated together."""
    assert _checker is not None
    outcomes: list[object] = []  # per file: a prepared project, None (`input`) or an error's name
    for path in paths:
        try:
            doc = read_document(path)
            project = _checker._validate(doc)
            outcomes.append(_checker._prepare(doc, project) if _upto == "engine" else None)
        except Exception as exc:  # a deliberately broken file of the set: one line, as the checker
            outcomes.append(type(exc).__name__)
    ready = [o for o in outcomes if o is not None and not isinstance(o, str)]
    decisions = iter(_checker.evaluation.decide_many([(p.facts, p.items) for p in ready]) if ready else ())
    lines = []
    for path, outcome in zip(paths, outcomes, strict=True):
        if outcome is None or isinstance(outcome, str):
            lines.append(_line(path, outcome))
        else:
            decided = next(decisions)
            lines.append(_line(path, len(decided) if isinstance(decided, dict) else type(decided).__name__))
    return "".join(lines)


def main() -> None:
    global _checker, _upto
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--upto", choices=("input", "engine"), default="engine")
    parser.add_argument("--as-of", default="2025-06-01")
    args = parser.parse_args()
    _upto = args.upto
    _checker = make_checker(dt.date.fromisoformat(args.as_of), None)
    files = [str(p) for p in find_projects(args.directory)]
    chunk = max(1, min(16, len(files) // (args.j * 8)))  # as floor.py
    chunks = [files[i : i + chunk] for i in range(0, len(files), chunk)]
    out = sys.stdout
    with multiprocessing.get_context("fork").Pool(args.j) as pool:
        for text in pool.imap(work, chunks):
            out.write(text)


if __name__ == "__main__":
    main()
