"""The archive on one machine and on a Dask cluster: a year's twelve monthly editions.

    python benchmarks/cluster.py [--articles 1200] [--repeat 3]

Generates a synthetic year of `--articles` articles (benchmarks/run.py's newsroom), starts a Dask
scheduler and two one-thread workers on 127.0.0.1 (`dask scheduler`, `dask worker`), and in each
round, interleaved, builds every monthly edition's PDF cold (`build --issue 2017 --each month
--format pdf --no-cache`) with the local pool of two processes and through the cluster. Prints
seconds (min and median) and the cluster's as a ratio to the local build. Run it with nothing
else running: both share this machine's two cores.
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


def _start(workdir: Path) -> tuple[list[subprocess.Popen], str]:
    file = workdir / "scheduler.json"
    log = (workdir / "dask.log").open("wb")
    group = {"start_new_session": True, "stdout": log, "stderr": subprocess.STDOUT}
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


def _build(room: Path, cluster: str | None) -> float:
    command = [str(BIN / "pressbook"), "build", "--issue", "2017", "--each", "month", "--format", "pdf", "--no-cache", "-q", "-j", "2"]
    if cluster:
        command += ["--cluster", cluster]
    env = {**os.environ, "PRESSBOOK_CACHE": str(room / ".cache")}
    started = time.monotonic()
    subprocess.run(command, cwd=room, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pressbook-cluster-bench-"))
    room = workdir / "newsroom"
    newsroom(room, args.articles)
    processes, address = _start(workdir)
    try:
        figures: dict[str, list[float]] = {"local pool (2 processes)": [], "Dask, 2 one-thread workers": []}
        for _ in range(args.repeat):
            figures["local pool (2 processes)"].append(_build(room, None))
            figures["Dask, 2 one-thread workers"].append(_build(room, address))
        base = statistics.median(figures["local pool (2 processes)"])
        print(f"{args.articles} articles, the twelve monthly editions of 2017, PDF, cold; {args.repeat} rounds interleaved")
        for name, values in figures.items():
            low, middle = min(values), statistics.median(values)
            print(f"  {name:<28} min {low:7.1f} s ({low / base:4.2f}x)   median {middle:7.1f} s ({middle / base:4.2f}x)")
    finally:
        _stop(processes)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
