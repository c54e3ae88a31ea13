"""The archive on one machine and on a Dask cluster: a year's twelve monthly editions, and a
yearly volume.

    python benchmarks/cluster.py [--articles 1200] [--volume 1000] [--repeat 3] [--only monthly|volume]

Generates synthetic years of articles (benchmarks/run.py's newsroom), starts a Dask scheduler and
two one-thread workers on 127.0.0.1 (`dask scheduler`, `dask worker`), and in each round,
interleaved, builds cold (`--format pdf --no-cache`) with the local pool of two processes and
through the cluster:
  - monthly: every monthly edition of a year of `--articles` articles (`--issue 2017 --each month`);
  - volume: one edition of a year of `--volume` articles (`--issue 2017`).
Prints seconds (min and median) and each as a ratio to the local build's median. Run it with
nothing else running: both share this machine's two cores.

The workers are started as README.md and deploy/dask/compose.yaml advise, with Dask's statistical
profiler off (WORKER_ENV): it samples the worker's threads every 10 ms, which made WeasyPrint's
renders 10-20% slower in a worker here. `--dask-defaults` starts them with Dask's defaults instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import newsroom  # noqa: E402

BIN = Path(sys.executable).parent
WORKER_ENV = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


def _start(workdir: Path, environment: dict[str, str]) -> tuple[list[subprocess.Popen], str]:
    file = workdir / "scheduler.json"
    log = (workdir / "dask.log").open("wb")
    group = {"start_new_session": True, "stdout": log, "stderr": subprocess.STDOUT, "env": {**os.environ, **environment}}
    processes = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(file)], **group)]  # fmt: skip
    for _ in range(100):
        if file.exists() and file.stat().st_size:
            break
        time.sleep(0.1)
    for _ in range(2):
        processes.append(subprocess.Popen([BIN / "dask", "worker", "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                                           "--scheduler-file", str(file)], **group))  # fmt: skip
    import json

    address = json.loads(file.read_text())["address"]
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    return processes, address


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _build(room: Path, cluster: str | None, each: bool) -> float:
    command = [str(BIN / "pressbook"), "build", "--issue", "2017", "--format", "pdf", "--no-cache", "-q", "-j", "2"]
    if each:
        command += ["--each", "month"]
    if cluster:
        command += ["--cluster", cluster]
    env = {**os.environ, "PRESSBOOK_CACHE": str(room / ".cache")}
    started = time.monotonic()
    subprocess.run(command, cwd=room, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _compare(room: Path, address: str, each: bool, repeat: int, title: str) -> None:
    local, remote = "local pool (2 processes)", "Dask, 2 one-thread workers"
    figures: dict[str, list[float]] = {local: [], remote: []}
    for _ in range(repeat):
        figures[local].append(_build(room, None, each))
        figures[remote].append(_build(room, address, each))
    base = statistics.median(figures[local])
    print(f"{title}, PDF, cold; {repeat} rounds interleaved")
    for name, values in figures.items():
        low, middle = min(values), statistics.median(values)
        print(f"  {name:<28} min {low:7.1f} s ({low / base:4.2f}x)   median {middle:7.1f} s ({middle / base:4.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1200, help="articles in the year of monthly editions")
    parser.add_argument("--volume", type=int, default=1000, help="articles in the yearly volume")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("monthly", "volume"))
    parser.add_argument("--dask-defaults", action="store_true", help="start the workers with Dask's default settings")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pressbook-cluster-bench-"))
    environment = {} if args.dask_defaults else WORKER_ENV
    print("workers:", " ".join(f"{k}={v}" for k, v in environment.items()) or "Dask's defaults")
    processes, address = _start(workdir, environment)
    try:
        if args.only != "volume":
            newsroom(workdir / "monthly", args.articles)
            _compare(workdir / "monthly", address, True, args.repeat,
                     f"{args.articles} articles, the twelve monthly editions of 2017")  # fmt: skip
        if args.only != "monthly":
            newsroom(workdir / "volume", args.volume)
            _compare(workdir / "volume", address, False, args.repeat, f"{args.volume} articles, one volume for 2017")
    finally:
        _stop(processes)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
