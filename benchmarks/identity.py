"""Byte-identical output across two checkouts of the checker: run both, then compare the folders.

A refactoring that must not change what users see is proven by running the same inputs through
the checker before and after it and comparing every byte:

    python benchmarks/identity.py run OUT_A --python /path/to/other/.venv/bin/python
    python benchmarks/identity.py run OUT_B                         # this checkout, this Python
    python benchmarks/identity.py compare OUT_A OUT_B

`run` checks, with `python -m checker` (present in every version) on 2026-01-01 and a fixed clock
(SOURCE_DATE_EPOCH), in a fresh cache folder and with no locale set:

- every shipped sample alone in each of the nine formats and both languages, and the text report
  again with `--verbose`;
- the samples' folder as one batch in each format and both languages;
- N generated projects (benchmarks/generate.py, default 1 000) and N of the `--every-category` set
  (waiver claims, with its register) as batches in json and jsonl, both languages;

and writes each run's standard output to a file of OUT, its exit code to `OUT/exit-codes.txt` and
its standard error, when there is any, beside the output (`.stderr`). The single-file runs are
forked from one process that has imported `checker.__main__` (each child then runs the command as
`python -m checker` would, with its own standard output and error), which saves the interpreter's
start and the imports on a few hundred runs; `--fresh-processes` starts each one anew instead.
The batches always run as their own processes (and start their worker processes themselves). The inputs are written once
to a fixed folder (`--inputs`, reused while the count and seed are unchanged) and named by paths
relative to it, so that both sides read the same files under the same names.

Which checker runs: with `--checkout DIR`, that source tree (put first on PYTHONPATH); with
`--python PY` alone, whatever that interpreter imports (another virtual environment's install);
with neither, this checkout. The module actually imported is printed before anything runs.

`compare A B` exits 0 when the two folders hold the same files with the same bytes, and otherwise
1, naming the first differing file and line (files in sorted order) and how many files differ.
The ruleset's hash covers every byte of the rule files, comments included; when only a comment
changed, `--ruleset-hash OLD NEW` reads OLD in A as NEW, and everything else must still match.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

AS_OF = "2026-01-01"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: SARIF, JUnit and HTML print the time of the run
LANGS = ("zh", "en")
FORMATS = {
    "text": "txt",
    "markdown": "md",
    "html": "html",
    "json": "json",
    "jsonl": "jsonl",
    "sarif": "sarif",
    "junit": "xml",
    "csv": "csv",
    "github": "github.txt",
}
REGISTER = generate.register_path(Path("generated-all")).as_posix()
DEFAULT_INPUTS = REPO / "benchmarks" / "out" / "identity-inputs"


@dataclass(frozen=True)
class Run:
    """One command: its output file's name and the arguments after `python -m checker`."""

    name: str
    args: tuple[str, ...]


def prepare_inputs(inputs: Path, n: int, seed: int) -> list[str]:
    """The samples and the two generated sets under `inputs`; returns the samples' names."""
    inputs.mkdir(parents=True, exist_ok=True)
    projects = inputs / "projects"
    if projects.exists():
        shutil.rmtree(projects)
    projects.mkdir()
    for sample in sorted((REPO / "projects").glob("*.yaml")):
        shutil.copyfile(sample, projects / sample.name)
    stamp = inputs / "generated.stamp"  # beside the sets: a batch reads only projects
    if not stamp.is_file() or stamp.read_text() != f"{n} {seed}":
        stamp.unlink(missing_ok=True)
        generate.generate(inputs / "generated", n, seed)
        generate.generate(inputs / "generated-all", n, seed, every_category=True)
        stamp.write_text(f"{n} {seed}")
    return sorted(p.name for p in projects.glob("*.yaml"))


def plan(samples: list[str], with_register: bool) -> list[Run]:
    """Every command of a run, in a fixed order."""
    common = ("--as-of", AS_OF)
    runs = []
    for sample in samples:
        stem = sample.removesuffix(".yaml")
        for lang in LANGS:
            for fmt, ext in FORMATS.items():
                args = (f"projects/{sample}", "--format", fmt, "--lang", lang, *common)
                runs.append(Run(f"single/{stem}.{lang}.{ext}", args))
            args = (f"projects/{sample}", "--format", "text", "--verbose", "--lang", lang, *common)
            runs.append(Run(f"single/{stem}.{lang}.verbose.txt", args))
    for lang in LANGS:
        for fmt, ext in FORMATS.items():
            runs.append(Run(f"batch/projects.{lang}.{ext}", ("projects", "--format", fmt, "--lang", lang, *common)))
        for fmt in ("json", "jsonl"):
            args = ("generated", "--format", fmt, "-j", "2", "--lang", lang, *common)
            runs.append(Run(f"batch/generated.{lang}.{fmt}", args))
            # the register of the set; a small set may have drawn no entry, and an empty register is refused
            register = ("--waivers", REGISTER) if with_register else ()
            args = ("generated-all", *register, "--format", fmt, "-j", "2", "--lang", lang, *common)
            runs.append(Run(f"batch/generated-all.{lang}.{fmt}", args))
    return runs


# Run by the checker's Python: import the command once, then fork a child per run whose standard
# output and error are the run's files; the child exits as the command exits.
FORK_SERVER = r"""
import atexit, json, os, sys
from checker.__main__ import check
import checker.__main__ as main_module
runs, workers, results = json.loads(sys.stdin.read()), int(sys.argv[1]), sys.argv[2]
codes, running = {}, {}


def child(name, args, out, err):
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
    os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    sys.argv = [main_module.__file__, *args]
    code = 0
    try:
        check()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def reap():
    pid, status = os.wait()
    codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)


for name, args, out, err in runs:
    while len(running) >= workers:
        reap()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        child(name, args, out, err)
    running[pid] = name
while running:
    reap()
with open(results, "w") as fh:
    json.dump(codes, fh)
"""


def environment(checkout: Path | None, cache: Path) -> dict[str, str]:
    """The environment of every command: no locale, a fixed clock, a fresh cache, the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE")}
    env.pop("PYTHONPATH", None)
    env.update({"SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"})
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    return env


def forked_runs(
    runs: list[Run], out: Path, python: str, inputs: Path, env: dict[str, str], workers: int
) -> dict[str, int]:
    """Run `runs` as children of one process that imported the command; their exit codes."""
    if not runs:
        return {}
    jobs = []
    for item in runs:
        target = out / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append((item.name, list(item.args), str(target), str(target) + ".stderr"))
    results = out / ".exit-codes.json"
    subprocess.run(
        [python, "-c", FORK_SERVER, str(workers), str(results)],
        input=json.dumps(jobs),
        text=True,
        cwd=inputs,
        env=env,
        check=True,
    )
    codes = json.loads(results.read_text())
    results.unlink()
    for _, _, _, err in jobs:  # keep standard error only where there was some
        if Path(err).stat().st_size == 0:
            Path(err).unlink()
    return codes


def run(
    out: Path, python: str, checkout: Path | None, inputs: Path, n: int, seed: int, workers: int, fresh: bool
) -> int:
    if out.exists() and any(out.iterdir()):
        sys.exit(f"error: {out} is not empty")
    samples = prepare_inputs(inputs, n, seed)
    cache = Path(tempfile.mkdtemp(prefix="nmck-identity-cache-"))
    try:
        env = environment(checkout, cache)
        where = subprocess.run(
            [python, "-c", "import checker; print(checker.__file__, checker.__version__)"],
            cwd=inputs,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"checker: {where} (python {python})", flush=True)
        runs = plan(samples, "\n  - project:" in (inputs / REGISTER).read_text(encoding="utf-8"))
        forked = [] if fresh else [r for r in runs if r.name.startswith("single/")]
        codes = dict(forked_runs(forked, out, python, inputs, env, workers))
        if forked:
            print(f"{len(forked)} single-file runs forked from one process", flush=True)

        def one(item: Run) -> tuple[Run, int]:
            done = subprocess.run(
                [python, "-m", "checker", *item.args], cwd=inputs, env=env, capture_output=True, timeout=3600
            )
            target = out / item.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(done.stdout)
            if done.stderr:
                target.with_name(target.name + ".stderr").write_bytes(done.stderr)
            return item, done.returncode

        rest = [r for r in runs if r.name not in codes]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for i, (item, code) in enumerate(pool.map(one, rest), 1):
                codes[item.name] = code
                if i % 10 == 0 or i == len(rest):
                    print(f"{i}/{len(rest)} runs in processes of their own", flush=True)
        lines = "".join(f"{r.name} {codes[r.name]}\n" for r in runs)
        (out / "exit-codes.txt").write_text(lines, encoding="utf-8")
        print(f"{len(runs)} runs written to {out}")
        return 0
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def first_difference(a: bytes, b: bytes) -> tuple[int, bytes, bytes]:
    """The first line (1-based) where `a` and `b` differ, and that line of each (empty past the end)."""
    lines_a, lines_b = a.split(b"\n"), b.split(b"\n")
    for number in range(max(len(lines_a), len(lines_b))):
        left = lines_a[number] if number < len(lines_a) else b""
        right = lines_b[number] if number < len(lines_b) else b""
        if left != right or (number >= len(lines_a)) != (number >= len(lines_b)):
            return number + 1, left, right
    return 0, b"", b""


def first_column(left: bytes, right: bytes) -> int:
    """The first byte (0-based) at which two lines differ."""
    return next((i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y), min(len(left), len(right)))


def _shown(line: bytes, column: int) -> str:
    """Up to 300 bytes of `line` around `column`, marked where they were cut."""
    start = max(0, column - 150)
    text = line[start : start + 300].decode("utf-8", "backslashreplace")
    return ("…" if start else "") + text + ("…" if start + 300 < len(line) else "")


def compare(a: Path, b: Path, same: list[tuple[str, str]] | None = None) -> int:
    """0 if `a` and `b` hold the same bytes, else 1; each (old, new) of `same` is a ruleset hash of
    `a` read as the hash of `b` (whole, and its first 16 digits as the text report prints it)."""
    pairs = []
    for old, new in same or []:
        pairs += [(old.encode(), new.encode()), (old[:16].encode(), new[:16].encode())]

    def read_a(name: str) -> bytes:
        data = (a / name).read_bytes()
        for old, new in pairs:
            data = data.replace(old, new)
        return data

    files_a, files_b = _files(a), _files(b)
    if not files_a and not files_b:
        print(f"error: {a} and {b} hold no files", file=sys.stderr)
        return 2
    status = 0
    for only, there, missing in ((files_a - files_b, a, b), (files_b - files_a, b, a)):
        if only:
            status = 1
            print(f"{len(only)} file(s) only in {there}, e.g. {sorted(only)[0]} (not in {missing})")
    differing = [name for name in sorted(files_a & files_b) if read_a(name) != (b / name).read_bytes()]
    if differing:
        status = 1
        name = differing[0]
        line, left, right = first_difference(read_a(name), (b / name).read_bytes())
        column = first_column(left, right)
        print(
            f"{len(differing)} of {len(files_a & files_b)} files differ;",
            f"the first: {name}, line {line}, byte {column + 1}",
        )
        print(f"  {a}: {_shown(left, column)}")
        print(f"  {b}: {_shown(right, column)}")
    if status == 0:
        size = sum((a / name).stat().st_size for name in files_a)
        mapped = f" (ruleset hash {', '.join(f'{o[:16]}… read as {n[:16]}…' for o, n in same or [])})" if same else ""
        print(f"identical: {len(files_a)} files, {size} bytes{mapped}")
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    running = commands.add_parser("run", help="run a checker on the inputs, writing every output to OUT")
    running.add_argument("out", type=Path)
    running.add_argument("--python", default=None, help="the interpreter to run (default: this one)")
    running.add_argument("--checkout", type=Path, default=None, help="a source tree put first on PYTHONPATH")
    running.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="where the inputs are written")
    running.add_argument("--n", type=int, default=1000, help="projects in each generated set")
    running.add_argument("--seed", type=int, default=generate.SEED)
    running.add_argument("--workers", type=int, default=2, help="commands run at once")
    running.add_argument("--fresh-processes", action="store_true", help="start every single-file run anew")
    comparing = commands.add_parser("compare", help="compare two folders written by run")
    comparing.add_argument("a", type=Path)
    comparing.add_argument("b", type=Path)
    comparing.add_argument(
        "--ruleset-hash",
        nargs=2,
        action="append",
        metavar=("IN_A", "IN_B"),
        help="a change of the rule files' bytes (a comment) changes the ruleset hash every report prints: "
        "read IN_A in A as IN_B, to compare all else",
    )
    args = parser.parse_args()
    if args.command == "compare":
        sys.exit(compare(args.a, args.b, [tuple(pair) for pair in args.ruleset_hash or []]))
    checkout = args.checkout.resolve() if args.checkout else (None if args.python else REPO)
    python = args.python or sys.executable
    sys.exit(
        run(
            args.out.resolve(),
            python,
            checkout,
            args.inputs.resolve(),
            args.n,
            args.seed,
            args.workers,
            args.fresh_processes,
        )
    )


if __name__ == "__main__":
    main()
