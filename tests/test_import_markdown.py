"""A Markdown article saved in an old encoding (what `check` advises importing), or written in
another folder, is imported with its front matter kept and its text in Unicode NFC."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from pressbook.articles import read_markdown
from pressbook.importers import import_source
from tests.test_charsets import _cp1258  # Windows-1258 as it stores letters it has no room for

ARTICLE = """\
---
title: Mùa hoa ban nở trắng núi rừng Tây Bắc
date: 2017-03-08 07:30
section: Văn hóa - Xã hội
author: Lò Văn Minh
lead: Đầu tháng Ba, hoa ban nở khắp các bản làng.
tags: [du lịch, mùa xuân]
---
Những cánh **hoa ban** trắng muốt phủ kín sườn đồi, người dân đón khách về thăm.

![Hoa ban bên đường](hinh/ban.png)

Lễ hội hoa ban năm nay có nhiều hoạt động văn hóa đặc sắc.
"""


def _source(tmp_path: Path, data: bytes, name: str = "bai-viet.md") -> Path:
    folder = tmp_path / "nhan-tu-cong-tac-vien"
    (folder / "hinh").mkdir(parents=True)
    Image.new("RGB", (400, 300), "white").save(folder / "hinh" / "ban.png")
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encode", [lambda s: s.encode("utf-8"), _cp1258, lambda s: s.encode("utf-16")], ids=["utf-8", "windows-1258", "utf-16"]
)
def test_a_markdown_article_keeps_its_front_matter_in_any_encoding(newsroom, tmp_path, encode) -> None:
    done = import_source(_source(tmp_path, encode(ARTICLE)), newsroom.project)
    assert done.path == newsroom.root / "articles/2017/03/mua-hoa-ban-no-trang-nui-rung-tay-bac.md"
    article = read_markdown(done.path, newsroom.project.config.tz)
    assert article.title == "Mùa hoa ban nở trắng núi rừng Tây Bắc"  # never '---'
    assert article.author == "Lò Văn Minh" and article.section == "Văn hóa - Xã hội"
    assert article.lead == "Đầu tháng Ba, hoa ban nở khắp các bản làng."
    assert list(article.tags) == ["du lịch", "mùa xuân"]
    assert "Những cánh **hoa ban** trắng muốt" in article.body
    assert unicodedata.is_normalized("NFC", done.path.read_text(encoding="utf-8"))
    # The picture beside it came along, under the article's images/.
    assert "](images/mua-hoa-ban-no-trang-nui-rung-tay-bac-1.png)" in article.body
    assert (done.path.parent / "images" / "mua-hoa-ban-no-trang-nui-rung-tay-bac-1.png").is_file()


def test_the_old_encoding_is_named(newsroom, tmp_path) -> None:
    done = import_source(_source(tmp_path, _cp1258(ARTICLE)), newsroom.project)
    assert done.encoding == "Windows-1258"


def test_a_picture_outside_the_articles_folder_is_left_out_with_a_warning(newsroom, tmp_path) -> None:
    (tmp_path / "bi-mat.png").write_bytes(b"not really")
    source = _source(tmp_path, ARTICLE.replace("hinh/ban.png", "../bi-mat.png").encode())
    done = import_source(source, newsroom.project)
    assert any("../bi-mat.png" in w and "left out" in w for w in done.warnings)
    assert "bi-mat" not in done.path.read_text(encoding="utf-8")


def test_a_broken_front_matter_names_the_file_and_line(newsroom, tmp_path) -> None:
    from pressbook.errors import ImportSourceError

    source = _source(tmp_path, ARTICLE.replace("section: Văn hóa - Xã hội", "section: [Văn hóa").encode())
    with pytest.raises(ImportSourceError) as caught:
        import_source(source, newsroom.project)
    assert caught.value.problem.path == source and caught.value.problem.line in (4, 5)  # where YAML notices
