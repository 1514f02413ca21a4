"""The floor for a batch: find the files, parse each with libyaml, print one JSON line per file.

Same shape as `check DIR --format json -j N` (same file order, same process pool and chunk size,
one compact JSON line per file on stdout) and nothing else: no validation, no rules, no report.
Whatever the checker spends above this is the cost of checking.

With `--verdict LINE.json` (one verdict as `check --format json` prints it), each file is still read
and parsed, but the line written is that verdict, encoded once in advance, with the file's path and
SHA-256 as its `input`: the least printing the verdict contract can cost, with nothing checked.

    python benchmarks/floor.py DIR [-j 2] [--verdict LINE.json] > /dev/null
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
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
    return json.dumps({"input": path, "data": data}, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


_verdict: tuple[str, str] | None = None  # the sample line around its `input` (inherited by fork)
_HOLE = "\0input\0"


def contract(path: str) -> bytes:
    """The --verdict variant: parse the file as `parse` does, then write the sample verdict for it,
    encoded once in advance but for its `input` member, sent as UTF-8 bytes and written flushed as
    the checker's are: the least writing the contract can cost."""
    with open(path, "rb") as fh:
        raw = fh.read()
    with contextlib.suppress(yaml.YAMLError):
        yaml.load(raw, Loader=yaml.CSafeLoader)
    assert _verdict is not None
    member = json.dumps(
        {"path": path, "sha256": hashlib.sha256(raw).hexdigest()}, ensure_ascii=False, separators=(",", ":")
    )
    return f"{_verdict[0]}{member}{_verdict[1]}\n".encode()


def main() -> None:
    global _verdict
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--verdict", type=Path, help="write this verdict line for every file")
    args = parser.parse_args()
    work = parse
    if args.verdict:
        sample = {**json.loads(args.verdict.read_text(encoding="utf-8")), "input": _HOLE}
        before, after = json.dumps(sample, ensure_ascii=False, separators=(",", ":")).split(json.dumps(_HOLE))
        _verdict = (before, after)
        work = contract
    files = find(args.directory)
    chunk = max(1, min(16, len(files) // (args.j * 8)))  # as checker.batch.runner.chunk_size
    out = sys.stdout
    with multiprocessing.get_context("fork").Pool(args.j) as pool:
        if args.verdict:
            binary = out.buffer
            for data in pool.imap(work, files, chunk):
                binary.write(data)
                binary.flush()
        else:
            for line in pool.imap(work, files, chunk):
                out.write(line)


if __name__ == "__main__":
    main()
