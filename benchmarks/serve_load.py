"""Load test of `checker serve` on loopback: 16 clients, bounded in requests and in time.

Starts `checker serve --port 0 -j JOBS`, then 16 client threads, each on its own keep-alive
connection, POST the shipped samples (projects/*.yaml, in turn) to /api/v1/check until REQUESTS
have been sent in all or SECONDS have passed. Prints requests/s, p50/p95/p99 latency, errors
(anything but a 200 with the sample's verdict), and the resident memory of the server and its
workers sampled through the run; then the batch rate on the same machine (`check DIR --format F
-j JOBS > file` over as many copies of the same samples) for comparison.

    python benchmarks/serve_load.py                         # 20 000 requests, format json
    python benchmarks/serve_load.py --requests 2000 --format text

Traffic goes to 127.0.0.1 only, to the server this script starts, and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
CLIENTS = 16
AS_OF = "2025-06-01"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found = [pid]
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                for child in fh.read().split():
                    found += _tree(int(child))
        except OSError:
            pass
    return found


def _memory_mb(pid: int) -> float:
    return sum(_rss_kb(p) for p in _tree(pid)) / 1024


def start_server(jobs: int) -> tuple[subprocess.Popen[str], int]:
    checker = shutil.which("checker") or str(Path(sys.executable).with_name("checker"))
    process = subprocess.Popen(
        [checker, "serve", "--port", "0", "-j", str(jobs)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"the server did not start: {line}{process.stderr.read()}")
    return process, int(found.group(1))


def expected_verdicts(port: int, fmt: str) -> dict[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    verdicts = {}
    for sample in SAMPLES:
        path = f"/api/v1/check?format={fmt}&as_of={AS_OF}"
        connection.request("POST", path, sample.read_bytes(), {"Content-Type": "application/yaml"})
        response = connection.getresponse()
        response.read()
        verdicts[sample.name] = response.getheader("X-Checker-Verdict")
    connection.close()
    return verdicts


def load(port: int, fmt: str, requests: int, seconds: float, server_pid: int) -> dict[str, object]:
    bodies = [(s.name, s.read_bytes()) for s in SAMPLES]
    expected = expected_verdicts(port, fmt)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds
    memory: list[tuple[int, float]] = []
    done = threading.Event()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            name, body = bodies[number % len(bodies)]
            started = time.perf_counter()
            try:
                connection.request(
                    "POST", f"/api/v1/check?format={fmt}&as_of={AS_OF}", body, {"Content-Type": "application/yaml"}
                )
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                verdict = response.getheader("X-Checker-Verdict")
                ok = response.status == 200 and verdict == expected[name]
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(f"{response.status} {name} {verdict}")
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()

    def sample_memory() -> None:
        while not done.wait(1.0):
            with lock:
                count = len(latencies)
            memory.append((count, _memory_mb(server_pid)))

    memory.append((0, _memory_mb(server_pid)))
    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    memory.append((len(latencies), _memory_mb(server_pid)))
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    tenth = max(1, len(memory) // 10)
    return {
        "format": fmt,
        "clients": CLIENTS,
        "requests": len(latencies),
        "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1),
        "p99_ms": round(pct(99), 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
        "errors": len(errors),
        "first_errors": errors[:5],
        "memory_mb_start": round(memory[0][1], 1),
        "memory_mb_after_first_tenth": round(memory[min(tenth, len(memory) - 1)][1], 1),
        "memory_mb_peak": round(max(m for _, m in memory), 1),
        "memory_mb_end": round(memory[-1][1], 1),
    }


def batch_rate(fmt: str, jobs: int, count: int) -> dict[str, object]:
    """`check DIR --format F -j JOBS > file` over `count` copies of the samples."""
    with tempfile.TemporaryDirectory(prefix="nmck-serve-load-") as folder:
        for number in range(count):
            sample = SAMPLES[number % len(SAMPLES)]
            shutil.copyfile(sample, Path(folder) / f"{number:05d}-{sample.name}")
        check = shutil.which("check") or str(Path(sys.executable).with_name("check"))
        with open(Path(folder) / "out", "wb") as out:
            started = time.perf_counter()
            subprocess.run(
                [check, folder, "--format", fmt, "-j", str(jobs), "--as-of", AS_OF, "--fail-on", "rejected"],
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            wall = time.perf_counter() - started
    return {"projects": count, "seconds": round(wall, 2), "projects_per_s": round(count / wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=600.0, help="stop sending after this long")
    parser.add_argument("--format", default="json")
    parser.add_argument("-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--batch", type=int, default=2000, help="projects in the batch comparison (0: skip)")
    args = parser.parse_args()
    process, port = start_server(args.jobs)
    try:
        result = load(port, args.format, args.requests, args.seconds, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    result["jobs"] = args.jobs
    if args.batch:
        result["batch"] = batch_rate(args.format, args.jobs, args.batch)
        result["ratio_to_batch"] = round(result["requests_per_s"] / result["batch"]["projects_per_s"], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
