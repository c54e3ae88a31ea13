"""`build --each`: every edition of a stretch of the archive, one pool of workers for all."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pressbook.archive import build_each, issues
from pressbook.cli import app
from pressbook.errors import UsageError
from pressbook.options import BuildOptions


def test_an_issue_is_divided_into_its_editions() -> None:
    assert issues("2017", "month") == [f"2017-{m:02d}" for m in range(1, 13)]
    assert issues("2016-12..2017-02", "month") == ["2016-12", "2017-01", "2017-02"]
    assert issues("2017-01", "day")[:2] == ["2017-01-01", "2017-01-02"] and len(issues("2017-01", "day")) == 31
    assert issues("2017-01", "week")[:2] == ["2016-W52", "2017-W01"]
    with pytest.raises(UsageError):
        issues("2017-03..2017-01", "month")
    with pytest.raises(UsageError):
        issues(None, "month")
    with pytest.raises(UsageError):
        issues("2017", "fortnight")


@pytest.fixture
def room(newsroom):
    newsroom.article("2017/01/a.md", title="Tháng một", date="2017-01-04T08:00:00+07:00")
    newsroom.article("2017/02/b.md", title="Tháng hai", date="2017-02-04T08:00:00+07:00")
    newsroom.article("2017/03/c.md", title="Tháng ba", date="2017-03-04T08:00:00+07:00")
    return newsroom


def test_every_edition_is_built_by_one_pool(room, monkeypatch) -> None:
    import pressbook.pdf.pool as pool

    started = []
    real = pool.start_renderer
    monkeypatch.setattr(pool, "start_renderer", lambda *a, **k: started.append(1) or real(*a, **k))
    made = build_each(room.project, BuildOptions(issue="2017", formats=("pdf",)), "month")
    assert [m.issue for m in made] == ["2017-01", "2017-02", "2017-03"]  # months without articles are left out
    assert all(m.built is not None and m.built.outputs[0].path.is_file() for m in made)
    assert started == [1]


def test_a_broken_edition_is_reported_and_the_others_are_built(room, monkeypatch) -> None:
    room.write("2017/02/hong.md", "---\ntitle:\ndate: 2017-02-05\n---\nThân.\n")
    monkeypatch.chdir(room.root)
    result = CliRunner().invoke(app, ["build", "--issue", "2017", "--each", "month", "--format", "pdf"])
    assert result.exit_code == 1
    assert "hong.md:2: field 'title'" in result.stderr
    assert "1 of 3 editions not built" in " ".join(result.stderr.split())
    for month in ("2017-01", "2017-03"):
        assert (room.root / "build" / month).is_dir(), month
    assert not (room.root / "build" / "2017-02").exists()
    assert "Edition" in result.stdout and "2017-03" in result.stdout
