"""Hostile and broken files on disk (issue 13): links out of the project and in loops, inputs
replaced behind the "up to date" check, the HTML bundle on a full or read-only disk, a damaged
cache, and the clean-up of temporary files. Each test covers a class with several cases."""

from __future__ import annotations

import builtins
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from pressbook import files
from pressbook.build import BuildOptions, build
from pressbook.check import check_project
from pressbook.config import load_project
from pressbook.errors import ArticleError, ConfigError, OutputError, PressbookError

from .conftest import Newsroom

SECRET = "BÍ MẬT NGOÀI DỰ ÁN"
ARTICLE = "---\ntitle: Bài ngoài\ndate: 2017-01-05T08:00:00+07:00\nsection: Thời sự\n---\n" + SECRET + "\n"
PRESSBOOK = [sys.executable, "-m", "pressbook"]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test here has its own cache: several of them damage it."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PRESSBOOK_CACHE", str(cache))
    return cache


def _room(tmp_path: Path) -> Newsroom:
    room = Newsroom(tmp_path / "newsroom")
    room.article("2017/01/mot.md", title="Bài một", body="Nội dung bài một.")
    return room


def _edition_text(out: Path) -> str:
    """The text of every output in `out`: HTML as is, the EPUB's chapters."""
    found = []
    for path in out.rglob("*"):
        if path.suffix == ".html":
            found.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                found += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")]
    return "\n".join(found)


# --- item 2: every file read from the newsroom resolves inside the project ------------------------


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    (folder / "ngoai.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def _link_file_absolute(room: Newsroom, outside: Path) -> Path:
    link = room.root / "articles/2017/01/link.md"
    link.symlink_to(outside / "ngoai.md")
    return link


def _link_file_relative(room: Newsroom, outside: Path) -> Path:
    link = room.root / "articles/2017/01/rel.md"
    link.symlink_to(os.path.relpath(outside / "ngoai.md", link.parent))
    return link


def _link_folder(room: Newsroom, outside: Path) -> Path:
    link = room.root / "articles/2017/ngoai"
    link.symlink_to(outside, target_is_directory=True)
    return link


def _link_chain(room: Newsroom, outside: Path) -> Path:
    # A link to a link inside the project, which leads out.
    (room.root / "drafts").mkdir()
    (room.root / "drafts/hop.md").symlink_to(outside / "ngoai.md")
    link = room.root / "articles/2017/01/chain.md"
    link.symlink_to(room.root / "drafts/hop.md")
    return link


LINKS_OUT = [_link_file_absolute, _link_file_relative, _link_folder, _link_chain]


@pytest.mark.parametrize("make_link", LINKS_OUT, ids=lambda f: f.__name__[1:])
def test_an_article_linked_from_outside_the_project_is_refused(tmp_path: Path, make_link) -> None:
    room = _room(tmp_path)
    link = make_link(room, _outside(tmp_path))
    out = tmp_path / "out"
    with pytest.raises(ArticleError) as refused:
        build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    problem = refused.value.problems[0]
    assert link.name in str(problem.path) and "outside the project" in problem.message and problem.hint
    assert not out.exists() or SECRET not in _edition_text(out)
    # check says so too
    report = check_project(room.project)
    assert any(link.name in str(p.path) and "outside the project" in p.message for p in report.errors)
    # --skip-invalid leaves it out
    built = build(room.project, BuildOptions(issue="2017-01", formats=("html", "epub"), out_dir=out, skip_invalid=True))
    text = _edition_text(out)
    assert "Nội dung bài một" in text and SECRET not in text
    assert any(link.name in str(w.path) for w in built.warnings)


def test_links_that_stay_inside_the_project_are_followed(tmp_path: Path) -> None:
    room = _room(tmp_path)
    (room.root / "drafts").mkdir()
    (room.root / "drafts/trong.md").write_text(ARTICLE.replace(SECRET, "Bài trong dự án"), encoding="utf-8")
    (room.root / "articles/2017/01/trong.md").symlink_to(room.root / "drafts/trong.md")
    (room.root / "drafts/02").mkdir()
    (room.root / "drafts/02/hai.md").write_text(ARTICLE.replace(SECRET, "Bài hai trong dự án"), encoding="utf-8")
    (room.root / "articles/2017/02").symlink_to("../../drafts/02", target_is_directory=True)
    out = tmp_path / "out"
    build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    assert "Bài trong dự án" in _edition_text(out) and "Bài hai trong dự án" in _edition_text(out)
    assert not check_project(room.project).errors


def test_a_manifest_linked_from_outside_the_project_is_refused(tmp_path: Path) -> None:
    room = _room(tmp_path)
    outside = _outside(tmp_path)
    (outside / "2017-01.toml").write_text(f'title = "{SECRET}"\n', encoding="utf-8")
    (room.root / "issues").mkdir()
    (room.root / "issues/2017-01.toml").symlink_to(outside / "2017-01.toml")
    with pytest.raises(ConfigError) as refused:
        build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=tmp_path / "out"))
    assert "2017-01.toml" in str(refused.value.problems[0].path)
    assert "outside the project" in refused.value.problems[0].message


@pytest.mark.parametrize("linked", ["layout.toml", "edition.html"])
def test_a_layout_file_linked_from_outside_the_project_is_refused(tmp_path: Path, linked: str) -> None:
    room = _room(tmp_path)
    outside = _outside(tmp_path)
    layout = room.root / "layouts/mine"
    layout.mkdir(parents=True)
    (outside / "layout.toml").write_text('title = "x"\n', encoding="utf-8")
    (outside / "edition.html").write_text('{% extends "!default/bulletin/edition.html" %}' + SECRET, encoding="utf-8")
    for name in ("layout.toml", "edition.html"):
        if name == linked:
            (layout / name).symlink_to(outside / name)
        else:
            shutil.copyfile(outside / name, layout / name)
    with pytest.raises(PressbookError) as refused:
        build(room.project, BuildOptions(issue="2017-01", formats=("html",), layout="mine", out_dir=tmp_path / "out"))
    assert linked in str(refused.value) and "outside the project" in str(refused.value)


# --- item 3: no walk follows a link out of the project or round a loop ---------------------------


def _run(args: list[str], root: Path, cache: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRESSBOOK_CACHE": str(cache), "COLUMNS": "200"}
    return subprocess.run(
        [*PRESSBOOK, *args, "--project", str(root)], capture_output=True, text=True, env=env, timeout=timeout
    )


def _loop_two_dots(articles: Path) -> None:
    (articles / "a").symlink_to(".", target_is_directory=True)
    (articles / "b").symlink_to(".", target_is_directory=True)


def _loop_parents(articles: Path) -> None:
    (articles / "2017/01/up").symlink_to("../..", target_is_directory=True)
    (articles / "2017/back").symlink_to("..", target_is_directory=True)


def _loop_project(articles: Path) -> None:
    (articles / "root").symlink_to(articles.parent, target_is_directory=True)
    (articles / "again").symlink_to("../articles", target_is_directory=True)


def _big_outside(articles: Path) -> None:
    (articles / "usr").symlink_to(Path(sys.prefix).resolve().parent.parent, target_is_directory=True)
    (articles / "sysroot").symlink_to("/", target_is_directory=True)


@pytest.mark.parametrize("make_links", [_loop_two_dots, _loop_parents, _loop_project, _big_outside],
                         ids=lambda f: f.__name__[1:])  # fmt: skip
def test_link_loops_and_big_folders_outside_do_not_stall(tmp_path: Path, make_links, _own_cache: Path) -> None:
    room = _room(tmp_path)
    make_links(room.root / "articles")
    started = time.monotonic()
    for args in (["build", "--issue", "2017-01", "--format", "html", "--skip-invalid"], ["check"], ["list"]):
        try:
            done = _run(args, room.root, _own_cache)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pressbook {args[0]} did not finish in 60 s")
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr + done.stdout
    built = room.root / "build/2017-01"
    assert "Nội dung bài một" in _edition_text(built)
    # The article is read once, however many ways lead to it.
    assert _edition_text(built).count("Nội dung bài một") == 1
    assert time.monotonic() - started < 45


def test_the_fingerprint_walk_ends_on_loops(tmp_path: Path) -> None:
    from pressbook.cache import tree_fingerprint

    code = textwrap.dedent(f"""
        from pathlib import Path
        from pressbook.cache import tree_fingerprint
        print(tree_fingerprint([Path({str(tmp_path / 'tree')!r})], {{}}))
    """)
    tree = tmp_path / "tree"
    (tree / "x").mkdir(parents=True)
    (tree / "x/a.md").write_text("a")
    (tree / "loop").symlink_to(".", target_is_directory=True)
    (tree / "x/up").symlink_to("..", target_is_directory=True)
    (tree / "out").symlink_to("/", target_is_directory=True)
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=60, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the fingerprint walk did not end in 60 s")
    before = tree_fingerprint([tree], {})
    (tree / "out").unlink()
    (tree / "out").symlink_to("/tmp", target_is_directory=True)
    assert tree_fingerprint([tree], {}) != before  # a link retargeted is a change


# --- item 4: every file an edition uses is watched ------------------------------------------------


def _png(path: Path, colour: tuple[int, int, int]) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), colour).save(path, format="PNG", compress_level=0)


def _flip_text(path: Path) -> None:
    data = path.read_bytes()
    index = data.rindex(b"a")
    path.write_bytes(data[:index] + b"o" + data[index + 1 :])


def _flip_png(path: Path) -> None:
    size = path.stat().st_size
    _png(path, (10, 200, 30))
    assert path.stat().st_size == size


def _flip_font(path: Path) -> None:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        entry = font.reader.tables["name"]
    data = bytearray(path.read_bytes())
    data[entry.offset + entry.length - 2] ^= 0x01  # a character of a name string
    path.write_bytes(bytes(data))


def _input_room(tmp_path: Path) -> tuple[Newsroom, dict[str, tuple[Path, object]]]:
    room = Newsroom(tmp_path / "newsroom")
    room.article("2017/01/mot.md", title="Bài một", body="Nội dung bài một.\n\n![Ảnh](images/p.png)")
    _png(room.root / "articles/2017/01/images/p.png", (200, 30, 30))
    _png(room.root / "covers/bia.png", (30, 30, 200))  # outside every watched folder
    (room.root / "issues").mkdir()
    (room.root / "issues/2017-01.toml").write_text('cover_image = "../covers/bia.png"\n', encoding="utf-8")
    bundled = Path(__import__("pressbook").__file__).parent
    (room.root / "type").mkdir()
    (room.root / "fonts").mkdir()
    toml = []
    for name, family, role in (("NotoSerif-Regular.ttf", "Noto Serif", "body"), ("NotoSans-Regular.ttf", "Noto Sans", "heading")):
        shutil.copyfile(bundled / "fonts" / name, room.root / "type" / name)
        toml.append(f'[[face]]\nfamily = "{family}"\nrole = "{role}"\nfile = "../type/{name}"\n')
    (room.root / "fonts/fonts.toml").write_text("\n".join(toml), encoding="utf-8")
    (room.root / "layouts/epub").mkdir(parents=True)
    for name in ("_page.xhtml", "book.css"):
        shutil.copyfile(bundled / "layouts/epub" / name, room.root / "layouts/epub" / name)
    kinds = {
        "article": (room.root / "articles/2017/01/mot.md", _flip_text),
        "picture": (room.root / "articles/2017/01/images/p.png", _flip_png),
        "cover": (room.root / "covers/bia.png", _flip_png),
        "font": (room.root / "type/NotoSerif-Regular.ttf", _flip_font),
        "fonts.toml": (room.root / "fonts/fonts.toml", lambda p: p.write_text(p.read_text().replace("Noto Sans", "Noto Sanz"))),
        "template": (room.root / "layouts/epub/_page.xhtml", _flip_text),
        "css": (room.root / "layouts/epub/book.css", _flip_text),
        "config": (room.config if False else room.root / "pressbook.toml", lambda p: p.write_text(p.read_text().replace("Thử", "Thữ"))),
        "manifest": (room.root / "issues/2017-01.toml", lambda p: p.write_text(p.read_text() + "# x\n")),
    }
    return room, kinds


def _replace_keeping_size_and_time(path: Path, change) -> None:
    """What `cp -p`, `rsync -t` or unpacking an archive do: new content, same size and time."""
    stat = path.stat()
    spare = path.with_name(".spare-" + path.name)
    shutil.copyfile(path, spare)
    change(spare)
    if spare.stat().st_size != stat.st_size:  # text edits: pad or cut to the same size
        data = spare.read_bytes()[: stat.st_size]
        spare.write_bytes(data + b" " * (stat.st_size - len(data)))
    os.utime(spare, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(spare, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _in_place_keeping_size_and_time(path: Path, change) -> None:
    """An edit in place whose time is then set back (`touch -r`)."""
    stat = path.stat()
    data = path.read_bytes()
    change(path)
    new = path.read_bytes()[: len(data)]
    with open(path, "r+b") as fh:  # same inode
        fh.write(new + b" " * (len(data) - len(new)))
        fh.truncate(len(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _touch(path: Path, change) -> None:
    os.utime(path)


@pytest.mark.parametrize("how", [_touch, _replace_keeping_size_and_time, _in_place_keeping_size_and_time],
                         ids=lambda f: f.__name__[1:])  # fmt: skip
def test_changing_any_input_makes_the_next_build_rebuild(tmp_path: Path, how) -> None:
    room, kinds = _input_room(tmp_path)
    options = BuildOptions(issue="2017-01", formats=("epub",), out_dir=tmp_path / "out")
    first = build(room.project, options)
    assert not first.up_to_date and not [w for w in first.warnings if "cover" in w.message]
    assert build(room.project, options).up_to_date
    stale = []
    for kind, (path, change) in kinds.items():
        how(path, change)
        if build(room.project, options).up_to_date:
            stale.append(kind)
        assert build(room.project, options).up_to_date  # and then settles
    assert not stale, f"said 'up to date' after {how.__name__[1:]} of: {', '.join(stale)}"


# --- item 9: the HTML bundle is written atomically, its failures are output errors ----------------


def _bundle(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, which: str, after: int) -> None:
    """Every write of `which` kind fails with ENOSPC once `after` of them have succeeded."""
    calls = {"n": 0}

    def fail_later(real):
        def wrapped(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)

        return wrapped

    if which == "write":
        monkeypatch.setattr(files, "_write_all", fail_later(files._write_all))
    else:
        monkeypatch.setattr(shutil, "copyfile", fail_later(shutil.copyfile))


def _read_only(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Nothing can be created, changed or removed in `folder` (as root, chmod would not stop us)."""
    inside = str(folder.resolve())

    def blocked(path) -> bool:
        try:
            return os.path.realpath(os.fspath(path)).startswith(inside)
        except TypeError:
            return False

    def guard(real, *, modes=False, flags=False):
        def wrapped(path, *args, **kwargs):
            if "dir_fd" in kwargs and kwargs["dir_fd"] is not None:
                raise OSError(code, os.strerror(code), str(path))
            writing = True
            if modes:
                mode = args[0] if args else kwargs.get("mode", "r")
                writing = any(c in mode for c in "wax+")
            if flags:
                flag = args[0] if args else kwargs.get("flags", 0)
                writing = bool(flag & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if writing and blocked(path):
                raise OSError(code, os.strerror(code), str(path))
            return real(path, *args, **kwargs)

        return wrapped

    for name in ("mkdir", "rmdir", "unlink", "remove"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))
    for name in ("rename", "replace"):
        real_move = getattr(os, name)

        def move(src, dst, *args, _real=real_move, **kwargs):
            if blocked(src) or blocked(dst):
                raise OSError(code, os.strerror(code), str(dst))
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, move)
    monkeypatch.setattr(os, "open", guard(os.open, flags=True))
    monkeypatch.setattr(builtins, "open", guard(builtins.open, modes=True))


FAILURES = [("full disk while writing", "write", 1), ("full disk at the first write", "write", 0),
            ("full disk while copying", "copy", 1), ("read-only folder", "readonly", errno.EROFS),
            ("permission denied", "readonly", errno.EACCES)]  # fmt: skip


@pytest.mark.parametrize("name, which, arg", FAILURES, ids=[f[0] for f in FAILURES])
def test_the_html_bundle_is_replaced_whole_or_not_at_all(tmp_path: Path, monkeypatch, name, which, arg) -> None:
    room = _room(tmp_path)
    _png(room.root / "articles/2017/01/images/p.png", (200, 30, 30))
    room.article("2017/01/hai.md", title="Bài hai", body="Bài hai.\n\n![Ảnh](images/p.png)")
    out = tmp_path / "out"
    build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    before = _bundle(out)
    assert any(k.endswith(".png") for k in before) and any(k.endswith("style.css") for k in before)
    # The next build differs, in its HTML and in its folder.
    _png(room.root / "articles/2017/01/images/q.png", (20, 30, 230))
    room.article("2017/01/ba.md", title="Bài ba", body="Bài ba mới.\n\n![Ảnh](images/q.png)")
    if which == "readonly":
        _read_only(monkeypatch, out, arg)
    else:
        _full_disk_at(monkeypatch, which, arg)
    with pytest.raises(OutputError) as failed:
        build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    problem = failed.value.problems[0]
    assert str(out) in str(problem.path) and problem.hint
    monkeypatch.undo()
    assert _bundle(out) == before  # the old bundle whole, no temporary files left
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_the_html_bundle_replaces_the_old_one(tmp_path: Path) -> None:
    room = _room(tmp_path)
    out = tmp_path / "out"
    build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    room.article("2017/01/ba.md", title="Bài ba", body="Bài ba mới.")
    build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    assert "Bài ba mới" in _edition_text(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [n for n in (p.name for p in out.iterdir()) if not n.startswith(".")]
    )


# --- item 10: any damage to the cache means a rebuild -----------------------------------------------


def _wrong_types(value):
    if isinstance(value, dict):
        return {k: (v if k == "sha256" else _wrong_types(v)) for k, v in value.items()}
    if isinstance(value, list):
        return "x" if not value else [_wrong_types(value[0]), {"a": 1}]
    if isinstance(value, str):
        return 7
    return "x"


def _keep_only_digest(value):
    return {"sha256": value["sha256"]} if isinstance(value, dict) and "sha256" in value else {}


DAMAGE = {
    "empty object": lambda path, data: b"{}",
    "list": lambda path, data: b"[1, 2]",
    "string": lambda path, data: b'"x"',
    "null": lambda path, data: b"null",
    "number": lambda path, data: b"3",
    "empty file": lambda path, data: b"",
    "garbage": lambda path, data: b"\xff\xfe\x00garbage",
    "truncated": lambda path, data: data[: len(data) // 2],
    "wrong types": lambda path, data: json.dumps(_wrong_types(json.loads(data))).encode()
    if path.suffix == ".json" else data,
    "missing keys": lambda path, data: json.dumps(_keep_only_digest(json.loads(data))).encode()
    if path.suffix == ".json" else data,
    "a folder instead": None,
    "a pipe instead": "fifo",  # reading it would wait for ever
    "a link to /dev/zero": "zero",  # reading it would fill the memory
}  # fmt: skip


def test_any_damage_to_the_cache_means_a_rebuild(tmp_path: Path, _own_cache: Path) -> None:
    room = _room(tmp_path)
    _png(room.root / "articles/2017/01/images/p.png", (200, 30, 30))
    room.article("2017/01/hai.md", title="Bài hai", body="Bài hai.\n\n![Ảnh](images/p.png)")
    out = tmp_path / "out"
    options = BuildOptions(issue="2017-01", formats=("pdf", "epub"), out_dir=out, jobs=1)
    build(room.project, options)
    pristine = tmp_path / "pristine"
    shutil.copytree(_own_cache, pristine, symlinks=True)
    kinds = {p.relative_to(pristine).parts[0] for p in pristine.rglob("*") if p.is_file()}
    assert {"pdf", "outputs"} <= kinds, kinds
    from .pdfcheck import Pdf

    failures = []
    for name, damage in DAMAGE.items():
        shutil.rmtree(_own_cache)
        shutil.copytree(pristine, _own_cache, symlinks=True)
        for path in [p for p in _own_cache.rglob("*") if p.is_file()]:
            if damage is None:
                path.unlink()
                path.mkdir()
            elif damage == "fifo":
                path.unlink()
                os.mkfifo(path)
            elif damage == "zero":
                path.unlink()
                path.symlink_to("/dev/zero")
            else:
                path.write_bytes(damage(path, path.read_bytes()))

        def stalled(*_: object) -> None:
            raise TimeoutError("the build stalled on the damaged cache")

        previous = signal.signal(signal.SIGALRM, stalled)
        signal.alarm(120)
        try:
            built = build(room.project, options)
        except Exception as exc:  # noqa: BLE001 - any error is the failure this test looks for
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        if built.up_to_date:
            continue  # a record the damage left readable and true
        pdf = Pdf.open(out / f"{built.outputs[0].path.name}")
        if not any("Bài hai" in page for page in pdf.pages) or "Bài hai" not in _edition_text(out):
            failures.append(f"{name}: the output lacks the articles")
    assert not failures, "\n".join(failures)


def test_a_damaged_grey_copy_in_the_cache_is_made_again(tmp_path: Path) -> None:
    from PIL import Image

    from pressbook.images import Policy

    picture = tmp_path / "newsroom/p.png"
    _png(picture, (200, 30, 30))
    policy = Policy(tmp_path / "newsroom", tmp_path / "cache")
    grey = policy.grey(picture)
    whole = grey.read_bytes()
    for damage in (b"", b"\xff\xfe\x00garbage", whole[: len(whole) // 2], b"{}"):
        grey.write_bytes(damage)
        with Image.open(policy.grey(picture)) as again:
            again.load()
            assert again.mode == "L" and again.size == (64, 48)


# --- item 13: only pressbook's own temporary files are cleaned up -----------------------------------

USER_NAMES = [
    ".notes.part", ".draft.md.part", ".bao-thu-nghiem-2017-01.pdf.part",
    ".bao-thu-nghiem-2017-01.pdf.999999999-abcdefgh.part", ".x.1-y.part", ".pressbook.part",
    ".ke-hoach.2023-final.part",
]  # fmt: skip


def test_cleanup_removes_only_what_pressbook_left(tmp_path: Path) -> None:
    room = _room(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for name in USER_NAMES:
        (out / name).write_text("của người dùng", encoding="utf-8")
    (out / ".thu-muc.part").mkdir()
    # A temporary file of a writer that was killed (its process is gone).
    code = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from pressbook import files
        def die(fh, data):
            fh.write(data[:10]); fh.flush(); os._exit(9)
        files._write_all = die
        files.write_atomic(Path({str(out / 'bao-thu-nghiem-2017-01.html')!r}), b"x" * 100)
    """)
    subprocess.run([sys.executable, "-c", code], timeout=60)
    left = [p.name for p in out.iterdir() if p.name not in USER_NAMES and p.name != ".thu-muc.part"]
    assert len(left) == 1, left
    build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=out))
    names = {p.name for p in out.iterdir()}
    assert set(USER_NAMES) | {".thu-muc.part"} <= names, set(USER_NAMES) - names
    assert left[0] not in names  # pressbook's own is gone
    for name in USER_NAMES:
        assert (out / name).read_text(encoding="utf-8") == "của người dùng"


# --- smaller findings ----------------------------------------------------------------------------


def _cli(args: list[str]):
    from typer.testing import CliRunner

    from pressbook.cli import app

    return CliRunner().invoke(app, args)


def _in_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file"


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file/newsroom"


def _a_link_to_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    return tmp_path / "link"


@pytest.mark.parametrize("where", [_in_a_file, _under_a_file, _a_link_to_a_file], ids=lambda f: f.__name__[1:])
def test_new_where_it_cannot_be_made_is_a_clear_error(tmp_path: Path, where) -> None:
    target = where(tmp_path)
    result = _cli(["new", str(target)])
    assert result.exit_code in (1, 2), result.output
    assert "internal error" not in result.output and str(tmp_path) in result.output
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("inside", [True, False], ids=["link-inside", "link-outside"])
def test_a_bundle_folder_that_is_a_link_is_refused_and_left_alone(tmp_path: Path, inside: bool) -> None:
    room = _room(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = (room.root if inside else tmp_path) / "keep"
    target.mkdir()
    (target / "mine.txt").write_text("của tôi")
    (out / "bao-thu-nghiem-2017-01_files").symlink_to(target, target_is_directory=True)
    result = _cli(["build", "--project", str(room.root), "--issue", "2017-01", "--format", "html", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "_files" in result.output and "internal error" not in result.output
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_check_fix_writes_through_a_link_and_leaves_code_alone(tmp_path: Path) -> None:
    room = _room(tmp_path)
    nbsp = "\u00a0"
    body = (
        f"Văn{nbsp}bản có khoảng trắng lạ.\n\nMã `a{nbsp}b` và ``c{nbsp}`d`` trong dòng.\n\n"
        f"```\nx{nbsp}=1\n```\n\n~~~python\ny{nbsp}=2\n~~~\n\n    z{nbsp}=3 thụt lề\n\nCuối{nbsp}bài."
    )
    (room.root / "drafts").mkdir()
    real = room.root / "drafts/that.md"
    real.write_text(ARTICLE.replace(SECRET, body), encoding="utf-8")
    link = room.root / "articles/2017/01/lien-ket.md"
    link.symlink_to(real)
    report = check_project(room.project, fix=True)
    assert link in report.fixed and link.is_symlink() and os.readlink(link) == str(real)
    fixed = real.read_text(encoding="utf-8")
    assert "Văn bản" in fixed and "Cuối bài" in fixed
    for code in (f"a{nbsp}b", f"c{nbsp}`d", f"x{nbsp}=1", f"y{nbsp}=2", f"z{nbsp}=3"):
        assert code in fixed, code
    # Nothing left to fix, and code is not reported as needing it.
    again = check_project(room.project, fix=True)
    assert not again.fixed
    assert not [p for p in again.warnings if "space" in p.message and p.path == link]


@pytest.mark.parametrize("line", ["articles = []", "articles = [ ]  # none yet"])
def test_a_manifest_with_an_empty_article_list_is_an_error(tmp_path: Path, line: str) -> None:
    room = _room(tmp_path)
    (room.root / "issues").mkdir()
    manifest = room.root / "issues/2017-01.toml"
    manifest.write_text(f'title = "Số đặc biệt"\n{line}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        build(room.project, BuildOptions(issue="2017-01", formats=("html",), out_dir=tmp_path / "out"))
    problem = refused.value.problems[0]
    assert problem.path == manifest and problem.line == 2 and problem.field == "articles" and problem.hint


def test_a_format_that_cannot_be_written_says_which_were(tmp_path: Path, monkeypatch) -> None:
    import pressbook.build as recipe

    room = _room(tmp_path)
    out = tmp_path / "out"
    real = recipe.write_atomic

    def full(path: Path, data: bytes) -> None:
        if path.suffix == ".epub":
            raise OutputError("cannot be written: No space left on device", path=path, hint="free some space")
        real(path, data)

    monkeypatch.setattr(recipe, "write_atomic", full)
    with pytest.raises(OutputError) as failed:
        build(room.project, BuildOptions(issue="2017-01", formats=("html", "epub"), out_dir=out))
    text = failed.value.format()
    assert ".epub: cannot be written" in text
    assert "bao-thu-nghiem-2017-01.html" in text and "written" in text.split(".epub", 1)[1]


def test_links_that_lead_nowhere_or_out_are_named_by_check_and_build(tmp_path: Path, monkeypatch) -> None:
    """A self-looping article, a looping or outside manifest and a layout file leading out are
    each named by `check` (exit 1) as the build would name them, never skipped in silence."""
    from typer.testing import CliRunner

    from pressbook.cli import app

    room = _room(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "m.toml").write_text('title = "Số ngoài"\n', encoding="utf-8")
    (outside / "edition.html").write_text("<p>ngoài</p>", encoding="utf-8")
    (room.root / "articles/2017/01/vong.md").symlink_to("vong.md")
    (room.root / "issues").mkdir(exist_ok=True)
    (room.root / "issues/2017-02.toml").symlink_to(outside / "m.toml")
    (room.root / "issues/2017-03.toml").symlink_to("2017-03.toml")
    (room.root / "layouts/rieng").mkdir(parents=True)
    (room.root / "layouts/rieng/edition.html").symlink_to(outside / "edition.html")
    monkeypatch.chdir(room.root)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1, result.output
    for name, words in [("articles/2017/01/vong.md", "leads nowhere"), ("issues/2017-02.toml", "outside the project"),
                        ("issues/2017-03.toml", "leads nowhere"), ("layouts/rieng/edition.html", "outside the project")]:
        assert any(line.startswith(f"error: {name}: ") and words in line for line in result.stderr.splitlines()), (name, result.stderr)
    built = CliRunner().invoke(app, ["build", "--issue", "2017-03", "--format", "epub", "--skip-invalid"])
    assert built.exit_code == 1 and "issues/2017-03.toml: is a link that leads nowhere" in built.stderr, built.output
