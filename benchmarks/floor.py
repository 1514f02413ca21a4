"""The floor for a batch: find the files, parse each with libyaml, print one JSON line per file.

Same shape as `check DIR --format json -j N` (same file order, same process pool and chunk size,
one compact JSON line per file on stdout) and nothing else: no validation, no rules, no report.
Whatever the checker spends above this is the cost of checking.

    python benchmarks/floor.py DIR [-j 2] > /dev/null
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from pathlib import Path

import yaml


def find(directory: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [Path(dirpath) / n for n in filenames if n.endswith((".yaml", ".yml"))]
    found.sort(key=lambda p: p.relative_to(directory).parts)
    return [str(p) for p in found]


def parse(path: str) -> str:
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        data = yaml.load(raw, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        data = {"error": str(exc)}
    return json.dumps({"input": path, "data": data}, ensure_ascii=False, separators=(",", ":"),
                      default=str) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("-j", type=int, default=2)
    args = parser.parse_args()
    files = find(args.directory)
    chunk = max(1, min(16, len(files) // (args.j * 8)))  # as checker.batch.chunk_size
    out = sys.stdout
    with multiprocessing.get_context("fork").Pool(args.j) as pool:
        for line in pool.imap(parse, files, chunk):
            out.write(line)


if __name__ == "__main__":
    main()
