"""Batch-review benchmarks, measured side by side in one run and printed as ratios.

Run by hand from the repository root (not part of the test suite):

    python benchmarks/run.py [--n 2000] [--mem-n 100000] [--scale 5000,50000]

1. floor: find, parse (libyaml) and print one JSON line per file, 2 processes, nothing else;
   vs `check DIR --format jsonl -j 2 > file` over the same files.  target: ≤ 2× the floor (bar 2.5×)
   Beside it, `--format json` (the full self-contained line) and a bound: the floor writing a
   typical full verdict line per file (nothing checked); and two lower bounds, the checker's
   reading and validation alone, then with its figures and the engine (`stages_bound.py`, no
   findings, messages or line). The same again on a second generated set
   with every rule category present, waiver claims and a register (`generate --every-category`).
2. peer: six rules as a GoRules decision graph in `zen-engine` vs this checker's rule evaluation
   on the same pre-loaded projects, one process.                   target: at least as fast
3. cold start: `check FILE` vs `python -c "import yaml, pydantic, jinja2, click, durable.lang"`,
   the checker's modules precompiled as a wheel install leaves them, its caches (data, Jinja)
   warm after the first run.                                        target: ≤ 1.5× the imports
   Beside them, a bound: the imports plus one pydantic model validating one value.
4. peak memory (RSS and PSS summed over the process tree) over --mem-n projects.
                                                                    target: ≤ 150 MB at 100 000
5. scaling: time for the larger --scale count over the smaller.     target: ≤ 10.5× for 10×

Wall times are the best of --repeat runs, alternating the two sides so that load from other
processes on the machine hits both alike; CPU times (user + system of the whole process tree) are
printed too, as they are less sensitive to that load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

import generate  # noqa: E402

PY = sys.executable
CHECK = [PY, "-c", "from checker.cli.app import check_main; check_main()"]
IMPORT_FLOOR = [PY, "-c", "import yaml, pydantic, jinja2, click, durable.lang"]
# the import floor plus the least any use of pydantic's models costs: one model, one validation
PYDANTIC_BOUND = [
    PY,
    "-c",
    "import yaml, pydantic, jinja2, click, durable.lang\nclass M(pydantic.BaseModel):\n    x: int = 0\nM(x=1)",
]
AS_OF = "2025-06-01"


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the whole process tree, exit code); output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def best_of(cmds: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float, int]]:
    """Run the commands alternately `repeat` times; keep each one's fastest run."""
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            result = timed(cmd)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    return best


def dataset(workdir: Path, n: int, every_category: bool = False) -> Path:
    """Generated projects, reused when a previous run left the same count with the same seed."""
    folder = workdir / (f"projects-all-{n}" if every_category else f"projects-{n}")
    stamp = workdir / f"{folder.name}.complete"  # beside the folder: a batch reads only projects
    made_by = _generator_stamp()
    if not stamp.exists() or stamp.read_text() != made_by:
        generate.generate(folder, n, every_category=every_category)
        stamp.write_text(made_by)
    return folder


def _generator_stamp() -> str:
    """What the generated projects depend on: the seed, the generator and the shipped projects it
    varies. A change to any of them generates the data again (the seed alone let a changed
    generator's old output be measured)."""
    digest = hashlib.sha256((HERE / "generate.py").read_bytes())
    for base in sorted((HERE.parent / "projects").glob("*.yaml")):
        digest.update(base.read_bytes())
    return f"{generate.SEED} {digest.hexdigest()}"


# ---------------------------------------------------------------- memory of a process tree


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB; PSS shares pages that forked workers have in common fairly."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def peak_memory(cmd: list[str], interval: float = 0.05) -> dict[str, float]:
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"rss_mb": 0.0, "pss_mb": 0.0, "processes": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(proc.pid)
            sizes = [_memory_kb(pid) for pid in pids]
            peak["rss_mb"] = max(peak["rss_mb"], sum(s[0] for s in sizes) / 1024)
            peak["pss_mb"] = max(peak["pss_mb"], sum(s[1] for s in sizes) / 1024)
            peak["processes"] = max(peak["processes"], len(pids))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    proc.wait()
    peak["wall_s"] = time.perf_counter() - start
    done.set()
    sampler.join()
    peak["exit_code"] = proc.returncode
    return peak


# ---------------------------------------------------------------- the benchmarks


def sample_verdict(folder: Path, workdir: Path) -> Path:
    """A verdict line of typical size: the median-sized of the first 21 projects' lines."""
    from checker.batch.inputs import find_projects

    paths = [str(p) for p in find_projects(folder)[:21]]
    proc = subprocess.run(
        [*CHECK, *paths, "--format", "json", "-j", "1", "--as-of", AS_OF],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    lines = sorted((line for line in proc.stdout.splitlines() if '"findings"' in line), key=len)
    target = workdir / "verdict-sample.json"
    target.write_text(lines[len(lines) // 2], encoding="utf-8")
    return target


def timed_to_file(cmd: list[str], target: Path) -> tuple[float, float, int]:
    """`timed`, with standard output redirected to a file as `check DIR > file` does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(target, "wb") as out:
        proc = subprocess.run(cmd, cwd=REPO, stdout=out, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def bench_jsonl(folder: Path, n: int, repeat: int, workdir: Path, register: Path | None = None) -> dict[str, object]:
    """The floor vs `check DIR --format jsonl -j 2 > file` (and `--format json` beside it).

    All three write to a file in `workdir`, alternated, best of `repeat` each. `register`: the
    waiver register of an every-category set, given to both checker runs.
    """
    extra = ["--waivers", str(register)] if register else []
    cmds = {
        "floor": [PY, str(HERE / "floor.py"), str(folder), "-j", "2"],
        "jsonl": [*CHECK, str(folder), "--format", "jsonl", "-j", "2", "--as-of", AS_OF, *extra],
        "json": [*CHECK, str(folder), "--format", "json", "-j", "2", "--as-of", AS_OF, *extra],
        # the checker's first stages alone, in the floor's shape (stages_bound.py)
        "input": [PY, str(HERE / "stages_bound.py"), str(folder), "-j", "2", "--upto", "input", "--as-of", AS_OF],
        "engine": [PY, str(HERE / "stages_bound.py"), str(folder), "-j", "2", "--upto", "engine", "--as-of", AS_OF],
    }
    best: dict[str, tuple[float, float, int]] = {}
    sizes: dict[str, int] = {}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            target = workdir / f"out-{name}.txt"
            result = timed_to_file(cmd, target)
            sizes[name] = target.stat().st_size
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    (fw, fc, _), (lw, lc, lcode), (jw, jc, _) = best["floor"], best["jsonl"], best["json"]
    return {
        "n": n,
        "floor_wall_s": fw,
        "floor_cpu_s": fc,
        "jsonl_wall_s": lw,
        "jsonl_cpu_s": lc,
        "jsonl_exit_code": lcode,
        "jsonl_wall_ratio": lw / fw,
        "jsonl_cpu_ratio": lc / fc,
        "json_wall_s": jw,
        "json_cpu_s": jc,
        "json_wall_ratio": jw / fw,
        "json_cpu_ratio": jc / fc,
        "jsonl_bytes_per_project": sizes["jsonl"] / n,
        "json_bytes_per_project": sizes["json"] / n,
        **{
            f"{stage}_bound_{what}": value
            for stage in ("input", "engine")
            for what, value in (
                ("wall_s", best[stage][0]),
                ("cpu_s", best[stage][1]),
                ("wall_ratio", best[stage][0] / fw),
                ("cpu_ratio", best[stage][1] / fc),
            )
        },
    }


def bench_floor(folder: Path, n: int, repeat: int, workdir: Path) -> dict[str, object]:
    """The floor, the checker, and between them the floor writing the verdict contract's line.

    The third (`floor.py --verdict`) reads and parses every file like the floor but writes a
    typical verdict (~45 kB: 30 findings with their facts, parameters and plan basis), encoded once
    in advance, in place of the parsed file: the output alone, with nothing checked or encoded.
    """
    verdict = sample_verdict(folder, workdir)
    best = best_of(
        {
            "floor": [PY, str(HERE / "floor.py"), str(folder), "-j", "2"],
            "contract": [PY, str(HERE / "floor.py"), str(folder), "-j", "2", "--verdict", str(verdict)],
            "check": [*CHECK, str(folder), "--format", "json", "-j", "2", "--as-of", AS_OF],
        },
        repeat,
    )
    (fw, fc, _), (vw, vc, _), (cw, cc, code) = best["floor"], best["contract"], best["check"]
    return {
        "n": n,
        "floor_wall_s": fw,
        "floor_cpu_s": fc,
        "check_wall_s": cw,
        "check_cpu_s": cc,
        "check_exit_code": code,
        "wall_ratio": cw / fw,
        "cpu_ratio": cc / fc,
        "contract_wall_s": vw,
        "contract_cpu_s": vc,
        "verdict_bytes": verdict.stat().st_size,
        "contract_wall_ratio": vw / fw,
        "contract_cpu_ratio": vc / fc,
    }


def bench_peer(folder: Path) -> dict[str, object]:
    try:
        import zen  # noqa: F401
    except ImportError:
        return {"skipped": "zen-engine is not installed (pip install zen-engine)"}
    import peer_zen

    from checker.batch.inputs import find_projects
    from checker.batch.runner import make_checker

    checker = make_checker(dt.date.fromisoformat(AS_OF), None)
    paths = find_projects(folder)
    result: dict[str, object] = dict(peer_zen.compare(checker, paths))
    result["ratio_ours_over_zen"] = float(result["ours_s"]) / float(result["zen_s"])  # type: ignore[arg-type]
    return result


def precompile_checker() -> None:
    """Write the checker's .pyc files, as installing the wheel does (pip compiles on install).

    The floor's libraries are compiled at install; without this, a checkout run under
    PYTHONDONTWRITEBYTECODE=1 (or a fresh one) compiles every checker module changed since its
    .pyc from source on every start (the cold check) and in every batch worker, and the ratios
    would measure that instead of the checker."""
    import compileall

    compileall.compile_dir(str(REPO / "checker"), quiet=1)


def bench_cold(repeat: int) -> dict[str, object]:
    sample = str(REPO / "projects" / "kubuqi-desert-pv.yaml")
    cmds = {"check": [*CHECK, sample, "--as-of", AS_OF], "imports": IMPORT_FLOOR, "pydantic": PYDANTIC_BOUND}
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            wall, cpu, _ = timed(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    check, imports = statistics.median(walls["check"]), statistics.median(walls["imports"])
    check_cpu, imports_cpu = statistics.median(cpus["check"]), statistics.median(cpus["imports"])
    model, model_cpu = statistics.median(walls["pydantic"]), statistics.median(cpus["pydantic"])
    return {
        "check_s": check,
        "imports_s": imports,
        "ratio": check / imports,
        "check_cpu_s": check_cpu,
        "imports_cpu_s": imports_cpu,
        "cpu_ratio": check_cpu / imports_cpu,
        "one_model_s": model,
        "one_model_cpu_s": model_cpu,
        "one_model_ratio": model / imports,
        "one_model_cpu_ratio": model_cpu / imports_cpu,
    }


def bench_scaling(workdir: Path, counts: list[int], repeat: int) -> dict[str, object]:
    """Each size's best of `repeat` runs, the sizes alternated (load from elsewhere hits all alike)."""
    folders = {n: dataset(workdir, n) for n in counts}
    cmds = {
        str(n): [*CHECK, str(folder), "--format", "json", "-j", "2", "--as-of", AS_OF] for n, folder in folders.items()
    }
    best = best_of(cmds, repeat)
    times = {n: {"wall_s": best[str(n)][0], "cpu_s": best[str(n)][1]} for n in counts}
    small, large = counts[0], counts[-1]
    return {
        "times": times,
        "wall_ratio": times[large]["wall_s"] / times[small]["wall_s"],
        "cpu_ratio": times[large]["cpu_s"] / times[small]["cpu_s"],
        "count_ratio": large / small,
        "repeat": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="projects for floor and peer")
    parser.add_argument("--mem-n", type=int, default=100_000, help="projects for peak memory")
    parser.add_argument("--scale", default="5000,50000", help="two project counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nmck-bench"))
    parser.add_argument("--skip", default="", help="any of floor,jsonl,jsonl-all,peer,cold,memory,scaling")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"machine": machine(), "command": " ".join(sys.argv)}
    print(json.dumps(results["machine"]))
    # every run as installed: a batch's workers would otherwise each compile the modules changed
    # since their .pyc was written (PYTHONDONTWRITEBYTECODE=1), ~40 ms a module
    precompile_checker()

    if "floor" not in skip or "peer" not in skip:
        folder = dataset(args.workdir, args.n)
    if "floor" not in skip:
        r = results["floor"] = bench_floor(folder, args.n, args.repeat, args.workdir)
        print(
            f"floor     {args.n} files: floor {r['floor_wall_s']:.2f} s "
            f"(cpu {r['floor_cpu_s']:.2f}), check -j 2 {r['check_wall_s']:.2f} s "
            f"(cpu {r['check_cpu_s']:.2f}): {r['wall_ratio']:.2f}x wall, "
            f"{r['cpu_ratio']:.2f}x cpu   [target <= 2x]",
            flush=True,
        )
        print(
            f"  bound   the floor writing a ready-made {r['verdict_bytes'] / 1000:.0f} kB verdict per file, "
            f"nothing checked: {r['contract_wall_s']:.2f} s (cpu {r['contract_cpu_s']:.2f}): "
            f"{r['contract_wall_ratio']:.2f}x wall, {r['contract_cpu_ratio']:.2f}x cpu of the floor",
            flush=True,
        )
    for key, every in (("jsonl", False), ("jsonl-all", True)):
        if key in skip:
            continue
        data = dataset(args.workdir, args.n, every_category=every)
        register = generate.register_path(data) if every else None
        r = results[key] = bench_jsonl(data, args.n, args.repeat, args.workdir, register)
        label = "every category, claims, register" if every else "generated set"
        print(
            f"{key:<9} {args.n} files ({label}): floor {r['floor_wall_s']:.2f} s "
            f"(cpu {r['floor_cpu_s']:.2f}), check --format jsonl -j 2 > file {r['jsonl_wall_s']:.2f} s "
            f"(cpu {r['jsonl_cpu_s']:.2f}): {r['jsonl_wall_ratio']:.2f}x wall, "
            f"{r['jsonl_cpu_ratio']:.2f}x cpu   [target <= 2x, bar 2.5x]",
            flush=True,
        )
        print(
            f"  beside  --format json {r['json_wall_s']:.2f} s (cpu {r['json_cpu_s']:.2f}): "
            f"{r['json_wall_ratio']:.2f}x wall, {r['json_cpu_ratio']:.2f}x cpu; bytes per project: "
            f"jsonl {r['jsonl_bytes_per_project'] / 1000:.1f} kB, json "
            f"{r['json_bytes_per_project'] / 1000:.1f} kB",
            flush=True,
        )
        print(
            f"  bound   the checker reading and validating alone {r['input_bound_wall_s']:.2f} s: "
            f"{r['input_bound_wall_ratio']:.2f}x wall, {r['input_bound_cpu_ratio']:.2f}x cpu; "
            f"then its figures and the engine too {r['engine_bound_wall_s']:.2f} s: "
            f"{r['engine_bound_wall_ratio']:.2f}x wall, {r['engine_bound_cpu_ratio']:.2f}x cpu "
            "(no findings, messages or line: stages_bound.py)",
            flush=True,
        )
    if "peer" not in skip:
        r = results["peer"] = bench_peer(folder)
        if "skipped" in r:
            print(f"peer      skipped: {r['skipped']}", flush=True)
        else:
            print(
                f"peer      {r['projects']} projects, {r['disagreements']} disagreements: "
                f"checker {r['ours_s']:.3f} s, zen-engine {r['zen_s']:.3f} s: "
                f"{r['ratio_ours_over_zen']:.2f}x   [target <= 1x, with 0 disagreements]"
                + ("" if r["disagreements"] == 0 else "   THE PEER DECIDES OTHERWISE: unlike work compared"),
                flush=True,
            )
    if "cold" not in skip:
        r = results["cold"] = bench_cold(max(5, args.repeat * 3))
        print(
            f"cold      check FILE {r['check_s']:.3f} s (cpu {r['check_cpu_s']:.3f}), imports "
            f"{r['imports_s']:.3f} s (cpu {r['imports_cpu_s']:.3f}): {r['ratio']:.2f}x wall, "
            f"{r['cpu_ratio']:.2f}x cpu   [target <= 1.5x, bar 1.6x]",
            flush=True,
        )
        print(
            f"  bound   the imports and one pydantic model validating one value "
            f"{r['one_model_s']:.3f} s (cpu {r['one_model_cpu_s']:.3f}): {r['one_model_ratio']:.2f}x wall, "
            f"{r['one_model_cpu_ratio']:.2f}x cpu of the imports",
            flush=True,
        )
    if "memory" not in skip:
        folder = dataset(args.workdir, args.mem_n)
        r = results["memory"] = {
            "n": args.mem_n,
            **peak_memory([*CHECK, str(folder), "--format", "json", "-j", "2", "--as-of", AS_OF]),
        }
        print(
            f"memory    {args.mem_n} projects in {r['wall_s']:.1f} s: peak RSS "
            f"{r['rss_mb']:.0f} MB, PSS {r['pss_mb']:.0f} MB over {r['processes']} "
            f"processes   [target <= 150 MB]",
            flush=True,
        )
    if "scaling" not in skip:
        counts = [int(c) for c in args.scale.split(",")]
        r = results["scaling"] = bench_scaling(args.workdir, counts, args.repeat)
        print(
            f"scaling   {counts[0]} -> {counts[-1]}: {r['wall_ratio']:.2f}x wall, "
            f"{r['cpu_ratio']:.2f}x cpu for {r['count_ratio']:.0f}x the projects "
            f"[target <= 10.5x]",
            flush=True,
        )
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"results in {args.workdir / 'results.json'}")


if __name__ == "__main__":
    main()
