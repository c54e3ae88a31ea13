"""The recipe: build options as one value, and the "up to date" check that must see every file an
edition uses."""

from __future__ import annotations

from io import BytesIO

from PIL import Image
from typer.testing import CliRunner

from pressbook.cli import app

runner = CliRunner()


def _png(colour: str, size: tuple[int, int] = (60, 40)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def test_a_cover_picture_outside_the_watched_folders_is_watched(newsroom, monkeypatch) -> None:
    # The manifest's cover picture lives in static/, which is none of the folders whose files
    # every build looks at (articles/, issues/, layouts/, fonts/, pressbook.toml).
    newsroom.article("2017/01/a.md")
    (newsroom.root / "static").mkdir()
    cover = newsroom.root / "static" / "bia.png"
    cover.write_bytes(_png("red"))
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text('cover_image = "../static/bia.png"\n', encoding="utf-8")
    monkeypatch.chdir(newsroom.root)
    arguments = ["build", "--issue", "2017-01", "--format", "epub"]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    book = next((newsroom.root / "build" / "2017-01").glob("*.epub"))
    before = book.read_bytes()
    again = runner.invoke(app, arguments)
    assert "up to date" in again.output, again.output

    cover.write_bytes(_png("blue", (80, 50)))
    after = runner.invoke(app, arguments)
    assert after.exit_code == 0, after.output
    assert "up to date" not in after.output, after.output
    assert book.read_bytes() != before
