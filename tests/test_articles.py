"""The article format: reading front matter and body, and every way an article can be wrong."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pressbook.articles import dumps, load_articles, parse_date, read_markdown
from pressbook.errors import ArticleError

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

GOOD = """\
---
title: Nâng cao chất lượng sinh hoạt chi bộ ở vùng cao
date: 2017-01-04T08:48:00+07:00
section: Xây dựng Đảng
author: Lò Văn Minh
affiliation: Huyện ủy Tủa Chùa
lead: "ĐBP - Những năm qua, chi bộ các bản đã đổi mới sinh hoạt."
tags: [chi bộ, đảng viên]
views: 1203
---
Đoạn thứ nhất có **chữ đậm**.

- một
- hai

Đoạn có chú thích[^1].

[^1]: Ghi chú.
"""


def test_reads_every_field(newsroom) -> None:
    path = newsroom.write("2017/01/nang-cao.md", GOOD)
    article = read_markdown(path, TZ)
    assert article.title == "Nâng cao chất lượng sinh hoạt chi bộ ở vùng cao"
    assert article.date == datetime(2017, 1, 4, 8, 48, tzinfo=timezone(timedelta(hours=7)))
    assert article.section == "Xây dựng Đảng"
    assert article.author == "Lò Văn Minh"
    assert article.affiliation == "Huyện ủy Tủa Chùa"
    assert article.lead == "ĐBP - Những năm qua, chi bộ các bản đã đổi mới sinh hoạt."
    assert article.tags == ("chi bộ", "đảng viên")
    assert article.views == 1203
    assert article.slug == "nang-cao"
    assert article.body.startswith("Đoạn thứ nhất có **chữ đậm**.")
    # the lead's 13 words ("-" is not a word), then 6 + 2 + 4 + 2 (the footnote) in the body
    assert article.words == 13 + 14


def test_body_is_stored_nfc(newsroom) -> None:
    nfd = "Ca\u0301c thi \u0323trươ\u0300ng"
    path = newsroom.write("2017/01/x.md", f"---\ntitle: T\ndate: 2017-01-04\n---\n{nfd}\n")
    assert read_markdown(path, TZ).body == "Các thị trường"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2017-01-04T08:48:00+07:00", datetime(2017, 1, 4, 8, 48, tzinfo=timezone(timedelta(hours=7)))),
        ("2017-01-04", datetime(2017, 1, 4, tzinfo=TZ)),
        ("2017-01-04 08:48", datetime(2017, 1, 4, 8, 48, tzinfo=TZ)),
        ("04/01/2017", datetime(2017, 1, 4, tzinfo=TZ)),
        ("04/01/2017 08:48", datetime(2017, 1, 4, 8, 48, tzinfo=TZ)),
        ("08:48 - Thứ Tư, 04/01/2017", datetime(2017, 1, 4, 8, 48, tzinfo=TZ)),
    ],
)
def test_dates_without_offset_are_local(written: str, expected: datetime) -> None:
    assert parse_date(written, TZ) == expected


def test_dumps_round_trips(newsroom) -> None:
    path = newsroom.write("2017/01/nang-cao.md", GOOD)
    article = read_markdown(path, TZ)
    fields = article.model_dump(exclude={"path", "slug", "body"})
    again = newsroom.write("2017/01/again.md", dumps(fields, article.body))
    reread = read_markdown(again, TZ)
    assert reread.model_dump(exclude={"path", "slug"}) == article.model_dump(exclude={"path", "slug"})
    assert dumps(fields, article.body) == again.read_text(encoding="utf-8")


def test_all_problems_of_one_file_at_once(newsroom) -> None:
    path = newsroom.write(
        "2017/01/bad.md",
        "---\ndate: 2017-02-30\nsection: 5\ncolour: red\nviews: many\n---\nBody\n",
    )
    with pytest.raises(ArticleError) as caught:
        read_markdown(path, TZ)
    found = {(p.field, p.line) for p in caught.value.problems}
    assert found == {("title", 1), ("date", 2), ("section", 3), ("colour", 4), ("views", 5)}
    by_field = {p.field: p.format() for p in caught.value.problems}
    assert "'2017-02-30' is not a real date" in by_field["date"]
    assert "is not a known article field" in by_field["colour"] and "known article fields: title" in by_field["colour"]
    assert "is missing" in by_field["title"] and "add 'title: ...'" in by_field["title"]
    assert "expected a whole number" in by_field["views"]


def test_load_collects_problems_and_keeps_good_articles(newsroom) -> None:
    newsroom.article("2017/01/a.md", title="Bài A")
    newsroom.write("2017/01/b.md", "no front matter\n")
    newsroom.article("2017/02/a.md", title="Bài A trùng tên tệp")
    loaded = load_articles(newsroom.root / "articles", TZ)
    assert [a.title for a in loaded.articles] == ["Bài A"]
    messages = sorted(p.format(newsroom.root) for p in loaded.problems)
    assert messages[0].startswith("articles/2017/01/b.md:1: no front matter")
    assert messages[1].startswith("articles/2017/02/a.md: slug 'a' is already used by")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("---\ntitle: Hà Nội: mùa thu\ndate: 2017-01-04\n---\nx\n",
         ":2: front matter is not valid YAML: mapping values are not allowed in this context "
         "(fields are 'name: value' lines; quote values containing ': ' or starting with a symbol)"),
        ("---\ntitle: x\ntags: [a, b\ndate: 2017-01-04\n---\nx\n", ":4: front matter is not valid YAML: did not find expected ',' or ']'"),
        ("---\n- a\n- b\n---\nx\n", ":2: front matter must be 'name: value' fields (see README 'The article format')"),
        ("---\ntitle: !!python/object/apply:os.system [ls]\n---\n", ":2: front matter is not valid YAML: uses a YAML tag that builds objects"),
        ("---\ntitle: x\ntitle: y\ndate: 2017-01-04\n---\n", ":3: field 'title': given twice (first on line 2) (keep one)"),
        ("Tiêu đề\n", ":1: no front matter: the first line must be '---'"),
        ("---\ntitle: x\n", ":1: front matter is not closed (add a '---' line after the last field)"),
        ("", ":1: the file is empty"),
        ("---\ntitle:\ndate: 2017-01-04\n---\n", ":2: field 'title': has no value (write it after the colon, e.g. 'title: "),
    ],
)  # fmt: skip
def test_front_matter_mistakes_are_worded_for_an_editor(newsroom, source, expected) -> None:
    path = newsroom.write("2017/01/bai.md", source)
    with pytest.raises(ArticleError) as caught:
        read_markdown(path, TZ)
    assert expected in caught.value.problem.format(newsroom.root), caught.value.problem.format(newsroom.root)


_PYTHON_WORDS = re.compile(r"NoneType|\bNone\b|\bstr\b|\bint\b|\bdict\b|\blist\[|\bbool\b|\bfloat\b|datetime|Input should|pydantic|\btype=")


@pytest.mark.parametrize("field", ["title", "date", "section", "author", "affiliation", "lead", "tags", "image", "image_caption", "source_url", "views"])
@pytest.mark.parametrize("value", ["", "null", "[a, b]", "{x: 1}", "12", "true", "2017-01-04", "-1.5"])
def test_every_front_matter_message_says_what_to_write_in_words(tmp_path, field, value) -> None:
    """Whatever an editor writes in a field, a refusal names the file, line and field, says what
    to write, and shows no Python type names ("expected text, got NoneType")."""
    from pressbook.articles import read_article
    from pressbook.errors import ArticleError

    fields = {"title": "Tiêu đề", "date": "2017-01-04"}
    fields[field] = value
    path = tmp_path / "bai.md"
    path.write_text("---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\nThân bài.\n", encoding="utf-8")
    try:
        read_article(path, TZ)
    except ArticleError as exc:
        for problem in exc.problems:
            words = f"{problem.message} {problem.hint or ''}"
            assert not _PYTHON_WORDS.search(words), problem.format()
            assert problem.hint or "(" in problem.message or "expected" in problem.message, problem.format()
            assert problem.path == path and problem.line is not None


@pytest.mark.parametrize("written, meant", [("tag", "tags"), ("authr", "author"), ("Title", "title"), ("imagecaption", "image_caption"), ("xyz", None)])
def test_an_unknown_field_names_the_one_probably_meant(tmp_path, written, meant) -> None:
    from pressbook.articles import read_article

    path = tmp_path / "bai.md"
    path.write_text(f"---\ntitle: T\ndate: 2017-01-04\n{written}: x\n---\nThân.\n", encoding="utf-8")
    with pytest.raises(ArticleError) as caught:
        read_article(path, TZ)
    problem = next(p for p in caught.value.problems if p.field == written)
    assert (f"did you mean '{meant}'?" in problem.hint) if meant else ("did you mean" not in problem.hint)
