"""YAML front matter on its own: where it ends, the line of every field, safe reading, stable writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressbook import frontmatter
from pressbook.errors import ArticleError

PATH = Path("articles/2017/01/bai.md")


def _problem(call, *args) -> str:
    with pytest.raises(ArticleError) as caught:
        call(*args)
    (problem,) = caught.value.problems
    assert problem.path == PATH
    return problem.format()


@pytest.mark.parametrize(
    ("source", "front", "body"),
    [
        ("---\ntitle: A\n---\nThân bài.\n", "title: A\n", "Thân bài.\n"),
        ("---\r\ntitle: A\r\n---\r\nThân.\r\n", "title: A\r\n", "Thân.\r\n"),  # Windows line ends
        ("--- \ntitle: A\n---  \nThân.\n", "title: A\n", "Thân.\n"),  # spaces after the dashes
        ("---\ntitle: A\n...\nThân.\n", "title: A\n", "Thân.\n"),  # YAML's own end marker
        ("---\ntitle: A\n---\n", "title: A\n", ""),  # no body
        ("---\n---\nThân.\n", "", "Thân.\n"),  # empty front matter
        ("---\ntitle: A\n---\nMột\n---\nHai\n", "title: A\n", "Một\n---\nHai\n"),  # a rule in the body
    ],
)
def test_split_finds_the_front_matter(source: str, front: str, body: str) -> None:
    parts = frontmatter.split(source, PATH)
    assert (parts.front, parts.body, parts.front_line) == (front, body, 2)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", "bai.md:1: the file is empty (an article starts with front matter between '---' lines"),
        ("  \n\n", "bai.md:1: the file is empty"),
        ("Tiêu đề\n---\n", "bai.md:1: no front matter: the first line must be '---' (add title, date"),
        (" ---\ntitle: A\n---\n", "bai.md:1: no front matter"),
        ("---\ntitle: A\nThân\n", "bai.md:1: front matter is not closed (add a '---' line after the last field)"),
        ("---\n", "bai.md:1: front matter is not closed"),
    ],
)
def test_split_says_what_is_missing(source: str, expected: str) -> None:
    assert expected in _problem(frontmatter.split, source, PATH)


def test_parse_gives_values_and_the_line_of_every_field() -> None:
    data, lines = frontmatter.parse("title: Mường Khoa\ndate: 2017-01-04\ntags: [lúa, ruộng]\n\nviews: 12\n", PATH, 2)
    assert data == {"title": "Mường Khoa", "date": "2017-01-04", "tags": ["lúa", "ruộng"], "views": 12}
    assert lines == {"title": 2, "date": 3, "tags": 4, "views": 6}
    # Dates stay text (pressbook reads them itself, with its own messages).
    assert isinstance(data["date"], str)


def test_parse_counts_lines_from_where_the_front_matter_starts() -> None:
    _, lines = frontmatter.parse("title: A\ndate: B\n", PATH, 10)
    assert lines == {"title": 10, "date": 11}


@pytest.mark.parametrize("front", ["", "# only a comment\n", "~\n"])
def test_empty_front_matter_is_no_fields(front: str) -> None:
    assert frontmatter.parse(front, PATH, 2) == ({}, {})


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: A\ndate: B\ntitle: C\n", "bai.md:4: field 'title': given twice (first on line 2) (keep one)"),
        ("- a\n- b\n", "bai.md:2: front matter must be 'name: value' fields (see README 'The article format')"),
        ("Tiêu đề bài\n", "bai.md:2: front matter must be 'name: value' fields"),
        ("title: Hà Nội: mùa thu\n", "bai.md:2: front matter is not valid YAML: mapping values are not allowed"),
        ("title: A\nlead: x: y\n", "bai.md:3: front matter is not valid YAML: mapping values are not allowed"),
        ("title: A\ntags: [a, b\nx: 1\n", "bai.md:4: front matter is not valid YAML: did not find expected ',' or ']'"),
        ("title: !!python/object/apply:os.system [ls]\n", "bai.md:2: front matter is not valid YAML: uses a YAML tag that builds objects, which articles may not do"),
        ("title: !!python/name:os.system\n", "bai.md:2: front matter is not valid YAML: uses a YAML tag that builds objects"),
    ],
)  # fmt: skip
def test_parse_names_the_line_and_what_to_do(front: str, expected: str) -> None:
    message = _problem(frontmatter.parse, front, PATH, 2)
    assert message.startswith(str(PATH.parent) + "/")
    assert expected in message, message
    if "not valid YAML" in expected:
        assert message.endswith("(fields are 'name: value' lines; quote values containing ': ' or starting with a symbol)")


def test_dump_keeps_the_order_and_writes_readable_yaml() -> None:
    text = frontmatter.dump(
        {"title": "Mường Khoa: được mùa", "date": "2017-01-04T08:48:00+07:00", "tags": ["lúa", "ruộng bậc thang"],
         "views": 1203, "lead": "SN - " + "dài " * 40}
    )  # fmt: skip
    lines = text.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["title", "date", "tags", "views", "lead"]
    assert lines[0] == "title: 'Mường Khoa: được mùa'"  # Vietnamese as it is, quoted where YAML needs it
    assert lines[1] == "date: 2017-01-04T08:48:00+07:00"  # a date unquoted: it is read back as text anyway
    assert lines[2] == "tags: [lúa, ruộng bậc thang]"  # lists on one line
    assert lines[3] == "views: 1203"
    assert len(lines) == 5  # a long lead on one line
    data, _ = frontmatter.parse(text, PATH, 2)
    assert data["title"] == "Mường Khoa: được mùa" and data["lead"] == "SN - " + "dài " * 40


def test_a_control_character_is_named_on_its_line() -> None:
    message = _problem(frontmatter.parse, "title: A\nlead: chuông\x07 reo\n", PATH, 2)
    assert message == (
        "articles/2017/01/bai.md:3: front matter holds a control character (U+0007), which YAML does not allow "
        "(remove it, or run 'pressbook check --fix')"
    )


def test_check_fix_removes_the_control_character(newsroom) -> None:
    from pressbook.articles import read_markdown
    from pressbook.check import check_project

    path = newsroom.write("2017/01/bai.md", "---\ntitle: Chuông\x07 reo\ndate: 2017-01-04\n---\nThân.\n")
    check_project(newsroom.project, fix=True)
    assert read_markdown(path, newsroom.project.config.tz).title == "Chuông reo"
