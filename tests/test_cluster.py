"""Rendering on a Dask cluster (pdf/cluster.py): a real `dask scheduler` and two `dask worker`s on
127.0.0.1, started once for the module. A build through them gives the same PDF as a local build,
survives a worker killed mid-build, an unreachable scheduler is a UsageError, and a local build
never imports Dask."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbook.build import BuildOptions, build
from pressbook.cache import Cache
from pressbook.config import load_project
from pressbook.archive import build_each
from pressbook.errors import ClusterError, ClusterLost, UsageError
from pressbook.pdf import cluster, pool

from .conftest import REPO

BIN = Path(sys.executable).parent
START_SECONDS = 60  # the scheduler and both workers must be up by then


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LANG="C.UTF-8", PYTHONUNBUFFERED="1")
    return env


class Cluster:
    """A scheduler and its workers as processes of this test run (each in its own process group,
    so that a worker and the process its nanny started are stopped together)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.logs: list[Path] = []
        self.processes: list[subprocess.Popen] = []
        started = time.perf_counter()
        self.scheduler = self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.file))  # fmt: skip
        while not self.file.exists():
            self._check(started)
            time.sleep(0.05)
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [self.start_worker() for _ in range(2)]
        self.client = cluster.connect(self.address)
        self.wait_for(2, started)
        self.startup_seconds = time.perf_counter() - started

    def _start(self, name: str, *arguments: str) -> subprocess.Popen:
        log = self.folder / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(BIN / "dask"), *arguments], stdout=out, stderr=subprocess.STDOUT, cwd=self.folder,
                env=_environment() | {"TMPDIR": str(self.folder), "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"},
                start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        return self._start("worker", "worker", "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                           "--local-directory", str(self.folder), "--scheduler-file", str(self.file))  # fmt: skip

    def _check(self, started: float) -> None:
        if time.perf_counter() - started > START_SECONDS:
            logs = "\n".join(log.read_text(errors="replace")[-2000:] for log in self.logs)
            raise AssertionError(f"the cluster did not start in {START_SECONDS} s:\n{logs}")

    def wait_for(self, workers: int, started: float | None = None) -> None:
        started = time.perf_counter() if started is None else started
        while len(self.client.nthreads()) != workers:
            self._check(started)
            time.sleep(0.05)

    def kill_worker(self, address: str) -> None:
        """SIGKILL the worker at `address` and its nanny: no goodbye to the scheduler."""
        pid = self.client.run(os.getpid, workers=[address])[address]
        os.killpg(os.getpgid(pid), signal.SIGKILL)

    def stop(self) -> None:
        self.client.close()
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        yield running
    finally:
        running.stop()


def _newsroom(folder: Path) -> Path:
    """A copy of the sample newsroom (as conftest's `sample_copy` makes it)."""
    folder.mkdir(parents=True)
    for name in ("pressbook.toml", "articles", "issues", "layouts", "fonts"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, folder / name)
    return folder


def _build(root: Path, issue: str, out: Path, monkeypatch: pytest.MonkeyPatch, address: str | None) -> tuple[Path, float]:
    """Build `issue`'s PDF (no cache) locally, or with every piece rendered on the cluster at
    `address` (BuildOptions.cluster, what `build --cluster` sets)."""
    started = time.perf_counter()
    built = build(load_project(root), BuildOptions(issue=issue, formats=("pdf",), use_cache=False, out_dir=out, cluster=address))
    seconds = time.perf_counter() - started
    (output,) = built.outputs
    return output.path, seconds


def _reading(path: Path) -> tuple[int, list[str], list[str]]:
    """Pages, each page's text, and the outline's titles (in order, nested ones too)."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))

    def titles(items: list) -> list[str]:
        return [t for item in items for t in (titles(item) if isinstance(item, list) else [item.title])]

    return len(reader.pages), [page.extract_text() for page in reader.pages], titles(reader.outline)


def test_pack_carries_the_files_and_the_render_is_the_same_bytes(tmp_path) -> None:
    """On this machine, without a cluster: a packed task rendered from a mirror in another folder
    gives the same piece as the task itself, and names this machine's files."""
    root = _newsroom(tmp_path / "newsroom")
    tasks: list[pool.Task] = []
    renderer = pool.Renderer(cache=Cache(None), jobs=1)
    original_start = renderer.start
    renderer.start = lambda task, *a, **k: (tasks.append(task), original_start(task, *a, **k))[1]  # type: ignore[method-assign]
    build(load_project(root), BuildOptions(issue="2017-01", formats=("pdf",), use_cache=False, out_dir=tmp_path / "out"),
          renderer=renderer)  # fmt: skip
    front = next(task for task in tasks if task.kind == "front")
    packed = cluster.pack(front)
    assert packed["files"] and all(Path(path).is_relative_to(root.resolve()) or "pressbook" in path
                                   for path in packed["files"])  # fmt: skip
    assert root.resolve().as_uri() not in packed["html"]  # every local address points into the mirror
    local, remote = pool._render(front), cluster.render_packed(packed)
    for result in (local, remote):
        result.pop("seconds"), result.pop("wall")
    assert remote == local


def test_pack_refuses_files_outside_the_readable_folders(tmp_path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the cluster")
    inside = tmp_path / "newsroom" / "logo.png"
    inside.parent.mkdir()
    inside.write_bytes(b"a logo")
    html = f'<html><body><img src="{secret.as_uri()}"><img src="logo.png"><p>{secret.as_uri()}</p></body></html>'
    packed = cluster.pack(pool.Task("full", html, inside.parent.as_uri() + "/", (inside.parent,)))
    assert set(packed["files"]) == {str(inside.resolve())}
    assert f'<img src="{secret.as_uri()}">' in packed["html"]  # left as it is: the worker refuses it
    assert f"<p>{secret.as_uri()}</p>" in packed["html"]  # text is not an address


def test_linked_stylesheets_and_relative_addresses_travel_too(tmp_path) -> None:
    """A stylesheet linked by a relative address, the font it names relative to itself, a picture
    relative to the base URL, in a folder whose name needs escaping: all packed, same piece."""
    from PIL import Image

    root = tmp_path / "tòa soạn & co"
    (root / "css" / "fonts").mkdir(parents=True)
    shutil.copyfile(REPO / "src/pressbook/fonts/NotoSans-Regular.ttf", root / "css/fonts/Sans.ttf")
    (root / "css/print.css").write_text(
        '@font-face { font-family: "T"; src: url("fonts/Sans.ttf"); }\nbody { font-family: "T"; }\n', encoding="utf-8"
    )
    Image.new("RGB", (40, 30), (200, 30, 30)).save(root / "ảnh.png")
    html = ('<html><head><link rel="stylesheet" href="css/print.css"></head>'
            '<body><p>Tòa soạn</p><img src="%E1%BA%A3nh.png" alt=""><img src="missing.png" alt=""></body></html>')  # fmt: skip
    task = pool.Task("full", html, root.as_uri() + "/", (root,))
    packed = cluster.pack(task)
    assert sorted(Path(path).name for path in packed["files"]) == ["Sans.ttf", "print.css", "ảnh.png"]
    local, remote = pool._render(task), cluster.render_packed(packed)
    for result in (local, remote):
        result.pop("seconds"), result.pop("wall")
    assert [Path(path).name for path, _ in local["loaded"]] == ["print.css", "Sans.ttf", "ảnh.png"]
    assert local["refused"] and remote == local


def test_a_build_on_the_cluster_is_the_same_as_a_local_build(dask_cluster, tmp_path, monkeypatch) -> None:
    root = _newsroom(tmp_path / "newsroom")
    local, local_seconds = _build(root, "2017-01", tmp_path / "local", monkeypatch, None)
    sent = []
    original = cluster.ClusterRenderer._submit
    monkeypatch.setattr(cluster.ClusterRenderer, "_submit", lambda self, task: sent.append(task.kind) or original(self, task))
    remote, remote_seconds = _build(root, "2017-01", tmp_path / "cluster", monkeypatch, dask_cluster.address)
    assert len(sent) >= 5  # every piece went to the cluster
    print(f"\ncluster start-up {dask_cluster.startup_seconds:.2f} s; January: local {local_seconds:.2f} s, "
          f"cluster {remote_seconds:.2f} s")  # fmt: skip
    assert _reading(remote) == _reading(local)
    assert remote.read_bytes() == local.read_bytes()
    assert len(dask_cluster.client.nthreads()) == 2  # the build left the workers running
    # Each worker that rendered froze what it held before (pool.settle), as a local worker does.
    import gc

    frozen = dask_cluster.client.run(gc.get_freeze_count)
    assert len(frozen) == 2 and all(count > 1000 for count in frozen.values()), frozen


def test_the_monthly_editions_on_the_cluster_are_the_local_ones(dask_cluster, tmp_path) -> None:
    """`build --issue 2017 --each month` through the cluster: every monthly edition the same as
    the local build's (pages, text on every page, outline, and bytes)."""
    root = _newsroom(tmp_path / "newsroom")

    def each(out: Path, address: str | None) -> dict[str, Path]:
        options = BuildOptions(issue="2017", formats=("pdf",), use_cache=False, out_dir=out, cluster=address)
        made = build_each(load_project(root), options, "month")
        assert all(m.built is not None for m in made), [m.problems for m in made]
        return {m.issue: m.built.outputs[0].path for m in made}  # type: ignore[union-attr]

    local, remote = each(tmp_path / "local", None), each(tmp_path / "cluster", dask_cluster.address)
    assert sorted(remote) == sorted(local) and len(local) >= 3  # January, February, March
    for issue, path in local.items():
        assert _reading(remote[issue]) == _reading(path), issue
        assert remote[issue].read_bytes() == path.read_bytes(), issue


def _signalling_submissions(patch: pytest.MonkeyPatch) -> threading.Event:
    """An event set once the cluster's renderer has sent its first piece."""
    submitted = threading.Event()
    original = cluster.ClusterRenderer._submit

    def submit(self, task):  # noqa: ANN001, ANN202
        future = original(self, task)
        submitted.set()
        return future

    patch.setattr(cluster.ClusterRenderer, "_submit", submit)
    return submitted


def test_a_build_survives_a_worker_killed_mid_build(dask_cluster, tmp_path, monkeypatch) -> None:
    root = _newsroom(tmp_path / "newsroom")
    client = dask_cluster.client
    submitted = _signalling_submissions(monkeypatch)
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["path"] = _build(root, "2017", tmp_path / "cluster", monkeypatch, dask_cluster.address)[0]
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert submitted.wait(120)
        # The victim: a worker busy with a piece (the warm-up tasks are quick).
        deadline, victim = time.monotonic() + 120, None
        while victim is None and time.monotonic() < deadline and thread.is_alive():
            busy = [w for w, keys in client.processing().items() if any("render_packed" in str(k) for k in keys)]
            victim = busy[0] if busy else None
            time.sleep(0.01)
        assert victim is not None, "no piece was ever seen rendering"
        dask_cluster.kill_worker(victim)
        thread.join(600)
        assert not thread.is_alive()
        assert victim not in client.nthreads()  # it is gone for good, and the build went on without it
    finally:
        thread.join(600)
        dask_cluster.start_worker()  # back to two workers for any later test
    assert "error" not in outcome, outcome.get("error")
    assert len(client.nthreads()) >= 1
    local, _ = _build(root, "2017", tmp_path / "local", monkeypatch, None)
    pages, texts, titles = _reading(outcome["path"])
    assert (pages, texts, titles) == _reading(local)
    dask_cluster.wait_for(2)


def test_a_piece_that_kills_every_worker_is_a_clear_error(dask_cluster, tmp_path, monkeypatch) -> None:
    """Dask gives up on a task whose workers all died (KilledWorker, after its own retries and
    ours); the build says so in its own words, writes nothing, and the cluster goes on."""
    root = _newsroom(tmp_path / "newsroom")
    original = cluster.ClusterRenderer._submit

    def submit(self, task):  # noqa: ANN001, ANN202 - the first section piece kills its worker
        if task.kind == "sections" and not getattr(self, "_killed", False):
            self._killed = True
            return self._executor().submit(os._exit, 3)
        return original(self, task)

    monkeypatch.setattr(cluster.ClusterRenderer, "_submit", submit)
    out = tmp_path / "out"
    with pytest.raises(ClusterError) as caught:
        _build(root, "2017-01", out, monkeypatch, dask_cluster.address)
    assert not isinstance(caught.value, ClusterLost)
    message = str(caught.value)
    assert dask_cluster.address in message and "every worker that took it died" in message
    assert "workers' logs" in message
    assert type(caught.value.__cause__).__name__ == "KilledWorker"  # Dask's error is the cause, not the message
    assert not out.exists() or not any(out.iterdir())
    dask_cluster.wait_for(2)  # the nannies started the workers again


def test_a_lost_scheduler_stops_an_archive_build_with_a_clear_error(tmp_path) -> None:
    """The scheduler dies mid-build: the build stops within seconds with an error naming it,
    rather than failing each edition left or waiting for ever; what was being built is not
    written, and no half-written file is left."""
    (tmp_path / "dask").mkdir()
    own = Cluster(tmp_path / "dask")  # its own cluster: this test kills the scheduler
    root = _newsroom(tmp_path / "newsroom")
    out = tmp_path / "out"
    outcome: dict = {}

    def run() -> None:
        options = BuildOptions(issue="2017", formats=("pdf",), use_cache=False, out_dir=out, cluster=own.address)
        try:
            outcome["made"] = build_each(load_project(root), options, "month")
        except BaseException as exc:  # noqa: BLE001 - checked below
            outcome["error"] = exc
        outcome["ended"] = time.perf_counter()

    try:
        with pytest.MonkeyPatch.context() as patch:
            submitted = _signalling_submissions(patch)
            thread = threading.Thread(target=run)
            thread.start()
            assert submitted.wait(120)
            os.killpg(own.scheduler.pid, signal.SIGKILL)
            killed = time.perf_counter()
            thread.join(120)
        assert not thread.is_alive(), "the build still waits for the lost scheduler"
    finally:
        own.stop()
    error = outcome.get("error")
    assert isinstance(error, ClusterLost), outcome
    assert own.address in str(error) and "lost the Dask scheduler" in str(error)
    assert outcome["ended"] - killed < 15
    assert not any(path.name.startswith(".") or path.suffix != ".pdf" for path in out.rglob("*") if path.is_file())


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    started = time.perf_counter()
    with pytest.raises(UsageError) as caught:
        cluster.connect(address)
    assert time.perf_counter() - started < 12
    message = str(caught.value)
    assert address in message and "dask scheduler" in message
    assert caught.value.__cause__ is not None  # the cause is kept; the message is ours


def test_a_local_build_never_imports_dask(tmp_path) -> None:
    root = _newsroom(tmp_path / "newsroom")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import pressbook, pressbook.build\n"
        "from pressbook.config import load_project\n"
        f"pressbook.build.build(load_project(Path({str(root)!r})), pressbook.build.BuildOptions("
        f"issue='2017-01', formats=('pdf',), use_cache=False, out_dir=Path({str(tmp_path / 'out')!r})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env = _environment() | {"PRESSBOOK_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert list((tmp_path / "out").glob("*.pdf"))


def test_the_compose_file_starts_a_scheduler_and_workers_as_the_readme_says() -> None:
    """deploy/dask: the image installs pressbook with its cluster extra from files that exist; the
    workers reach the scheduler by its service name, one thread each, profiler off (README)."""
    import yaml

    folder = REPO / "deploy" / "dask"
    compose = yaml.safe_load((folder / "compose.yaml").read_text(encoding="utf-8"))
    scheduler, worker = compose["services"]["scheduler"], compose["services"]["worker"]
    assert scheduler["command"][:2] == ["dask", "scheduler"] and "8786:8786" in scheduler["ports"]
    assert (folder / scheduler["build"]["context"]).resolve() == REPO.resolve()
    assert (folder / scheduler["build"]["context"] / scheduler["build"]["dockerfile"]).resolve() == (folder / "Dockerfile").resolve()
    command = worker["command"]
    assert command[:3] == ["dask", "worker", "tcp://scheduler:8786"]
    assert command[command.index("--nthreads") + 1] == "1"
    assert worker["environment"]["DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"] == "False"
    assert worker["image"] == scheduler["image"]
    dockerfile = (folder / "Dockerfile").read_text(encoding="utf-8")
    assert "[cluster]" in dockerfile
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            *sources, _target = line.split()[1:]
            assert all((REPO / source).exists() for source in sources), line
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in readme and "deploy/dask/compose.yaml" in readme
