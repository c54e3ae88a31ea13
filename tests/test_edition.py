"""Selecting articles into an edition: periods, sections, tags, order, manifests."""

from __future__ import annotations

from datetime import date

import pytest

from pressbook.build import load_edition
from pressbook.edition import parse_issue
from pressbook.errors import EditionError, UsageError


@pytest.mark.parametrize(
    ("spec", "kind", "start", "end"),
    [
        ("2017-01", "month", date(2017, 1, 1), date(2017, 2, 1)),
        ("2016-12", "month", date(2016, 12, 1), date(2017, 1, 1)),
        ("2017-W01", "week", date(2017, 1, 2), date(2017, 1, 9)),
        ("2017-w1", "week", date(2017, 1, 2), date(2017, 1, 9)),
        ("2017-01-04", "day", date(2017, 1, 4), date(2017, 1, 5)),
        ("2017", "year", date(2017, 1, 1), date(2018, 1, 1)),
    ],
)
def test_parse_issue(spec, kind, start, end) -> None:
    period = parse_issue(spec)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize("spec", ["2017-13", "2017-02-30", "2017-W54", "january", "17-01"])
def test_parse_issue_rejects(spec) -> None:
    with pytest.raises(UsageError):
        parse_issue(spec)


def _room(newsroom):
    newsroom.article("2017/01/kinh-te-1.md", title="Kinh tế 1", section="Kinh tế", date="2017-01-03T07:00:00+07:00")
    newsroom.article("2017/01/thoi-su-2.md", title="Thời sự 2", section="Thời sự", date="2017-01-20T07:00:00+07:00")
    newsroom.article("2017/01/thoi-su-1.md", title="Thời sự 1", section="Thời sự", date="2017-01-05T07:00:00+07:00")
    newsroom.article("2017/01/the-thao.md", title="Thể thao", section="Thể thao", date="2017-01-02T07:00:00+07:00",
                     tags="[bóng đá]")  # fmt: skip
    newsroom.article("2017/01/khong-muc.md", title="Không chuyên mục", section="", date="2017-01-06T07:00:00+07:00")
    # 31 January 23:30 in Hà Nội is still January there, though it is 16:30 UTC.
    newsroom.article("2017/01/cuoi-thang.md", title="Cuối tháng", section="Kinh tế", date="2017-01-31T23:30:00+07:00")
    # 1 February 00:30 in Hà Nội is 31 January in UTC: it belongs to February.
    newsroom.article("2017/02/dau-thang.md", title="Đầu tháng", section="Kinh tế", date="2017-01-31T17:30:00+00:00")
    newsroom.article("2017/02/khong-gio.md", title="Không giờ", section="Kinh tế", date="2017-02-01")
    return newsroom.project


def test_month_in_project_time_zone_and_section_order(newsroom) -> None:
    edition = load_edition(_room(newsroom), "2017-01").edition
    # Config order (Thời sự, Kinh tế, Văn hóa - Xã hội), then others by their first date.
    assert [s.name for s in edition.sections] == ["Thời sự", "Kinh tế", "Thể thao", "Tin tức"]
    assert [a.title for a in edition.articles] == [
        "Thời sự 1", "Thời sự 2", "Kinh tế 1", "Cuối tháng", "Thể thao", "Không chuyên mục",
    ]  # fmt: skip
    assert edition.title == "Bản tin tháng 1/2017"
    assert edition.number == 1
    assert edition.date == date(2017, 1, 31)
    february = load_edition(newsroom.project, "2017-02").edition
    assert [a.title for a in february.articles] == ["Không giờ", "Đầu tháng"]  # 00:00 before 00:30


def test_week_day_section_and_tag_filters(newsroom) -> None:
    project = _room(newsroom)
    week = load_edition(project, "2017-W01").edition  # 2-8 January
    assert {a.title for a in week.articles} == {"Kinh tế 1", "Thời sự 1", "Thể thao", "Không chuyên mục"}
    day = load_edition(project, "2017-01-05").edition
    assert [a.title for a in day.articles] == ["Thời sự 1"]
    only = load_edition(project, "2017-01", sections=["kinh tế"]).edition
    assert [a.title for a in only.articles] == ["Kinh tế 1", "Cuối tháng"]
    tagged = load_edition(project, "2017-01", tags=["Bóng đá"]).edition
    assert [a.title for a in tagged.articles] == ["Thể thao"]


def test_manifest_overrides_title_order_and_selection(newsroom) -> None:
    project = _room(newsroom)
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'title = "Số đặc biệt mừng Xuân"\nnumber = 3\nnote = "Lời tòa soạn."\n'
        'sections = ["Kinh tế", "Thời sự"]\n',
        encoding="utf-8",
    )
    edition = load_edition(project, "2017-01").edition
    assert edition.title == "Số đặc biệt mừng Xuân" and edition.number == 3 and edition.note == "Lời tòa soạn."
    assert [s.name for s in edition.sections][:2] == ["Kinh tế", "Thời sự"]
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'articles = ["the-thao", "2017/01/thoi-su-2", "2017/02/dau-thang.md"]\n', encoding="utf-8"
    )
    explicit = load_edition(project, "2017-01").edition
    assert [a.title for a in explicit.articles] == ["Thể thao", "Thời sự 2", "Đầu tháng"]
    assert [s.name for s in explicit.sections] == ["Thể thao", "Thời sự", "Kinh tế"]


def test_manifest_naming_a_missing_article(newsroom) -> None:
    project = _room(newsroom)
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'title = "X"\narticles = [\n  "the-thao",\n  "khong-ton-tai",\n]\n', encoding="utf-8"
    )
    with pytest.raises(EditionError) as caught:
        load_edition(project, "2017-01")
    assert caught.value.problem.format(newsroom.root) == (
        "issues/2017-01.toml:4: field 'articles': names article 'khong-ton-tai', which does not exist "
        "(or could not be read) (use the article's slug (file name without .md) or its path below articles/)"
    )


def test_english_titles(make_newsroom) -> None:
    room = make_newsroom('[publication]\nname = "The Test"\npublisher = "Us"\nlanguage = "en"\n')
    room.article("2017/01/a.md", title="A")
    assert load_edition(room.project, "2017-01").edition.title == "Bulletin January 2017"


def test_the_edition_is_dated_in_the_project_time_zone(newsroom) -> None:
    # Its only article is at 00:30 on 1 February in Hà Nội, still 31 January in UTC.
    newsroom.article("2017/02/a.md", title="Đầu tháng", date="2017-02-01T00:30:00+07:00")
    edition = load_edition(newsroom.project, "2017-02").edition
    assert edition.date == date(2017, 2, 1)
    assert load_edition(newsroom.project, "2017-01").edition.articles == ()


@pytest.mark.parametrize(
    ("issue", "title", "number"),
    [
        ("2017-01", "Bản tin tháng 1/2017", 1),
        ("2017-W01", "Bản tin tuần 1/2017", 1),
        ("2017-01-04", "Bản tin 04/01/2017", None),
        ("2017", "Tuyển tập năm 2017", None),
        (None, "Bản tin", None),
    ],
)
def test_default_titles_and_numbers(newsroom, issue, title, number) -> None:
    newsroom.article("2017/01/a.md", date="2017-01-04T08:00:00+07:00")
    edition = load_edition(newsroom.project, issue).edition
    assert (edition.title, edition.number) == (title, number)


def test_english_default_titles(make_newsroom) -> None:
    room = make_newsroom('[publication]\nname = "The Test"\npublisher = "Us"\nlanguage = "en"\n')
    room.article("2017/01/a.md", title="A", date="2017-01-04T08:00:00+07:00")
    titles = [load_edition(room.project, issue).edition.title for issue in ("2017-W01", "2017-01-04", "2017", None)]
    assert titles == ["Bulletin week 1/2017", "Bulletin 4 Jan 2017", "Volume 2017", "Bulletin"]


def test_a_manifest_names_its_cover_picture_and_date(newsroom) -> None:
    newsroom.article("2017/01/a.md")
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'cover_image = "../static/bia.png"\ndate = 2017-01-28\n', encoding="utf-8"
    )
    edition = load_edition(newsroom.project, "2017-01").edition
    assert edition.cover_image == newsroom.root / "issues" / "../static/bia.png"
    assert edition.date == date(2017, 1, 28)
    assert edition.manifest == newsroom.root / "issues" / "2017-01.toml"


def test_an_issue_without_manifest_has_no_cover_picture(newsroom) -> None:
    newsroom.article("2017/01/a.md")
    edition = load_edition(newsroom.project, "2017-01").edition
    assert edition.cover_image is None and edition.manifest is None and edition.note is None


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ('number = "ba"\n', "issues/2017-01.toml:1: field 'number': expected a whole number"),
        ('date = "hôm nay"\n', "issues/2017-01.toml:1: field 'date': expected a date (write it as YYYY-MM-DD)"),
        ('title = "A"\ncolour = "red"\n', "issues/2017-01.toml:2: field 'colour': is not a known key (known keys: title, number, date, note, cover_image, sections, articles; see README 'Issues and manifests')"),
    ],
)
def test_a_bad_manifest_names_its_line_and_field(newsroom, manifest, expected) -> None:
    from pressbook.errors import ConfigError

    newsroom.article("2017/01/a.md")
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_edition(newsroom.project, "2017-01")
    assert expected in caught.value.problem.format(newsroom.root)


@pytest.mark.parametrize(
    ("spec", "identifier"),
    [("2017", "2017"), ("2017-01", "2017-01"), ("2017-w5", "2017-W05"), (" 2017-W05 ", "2017-W05"),
     ("2017-01-04", "2017-01-04"), (None, "all"), ("all", "all")],
)  # fmt: skip
def test_issue_names_are_normalised(spec, identifier) -> None:
    assert parse_issue(spec).id == identifier


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2017-13", "--issue '2017-13' is not a real month, week or day: month must be in 1..12"),
        ("2017-02-30", "--issue '2017-02-30' is not a real month, week or day: day is out of range for month"),
        ("tháng một", "--issue 'tháng một' is not an issue name"),
    ],
)
def test_a_bad_issue_says_what_to_write(spec, message) -> None:
    with pytest.raises(UsageError) as caught:
        parse_issue(spec)
    assert caught.value.problem.message == message
    assert caught.value.problem.hint == (
        "use YYYY-MM (a month), YYYY-Www (an ISO week), YYYY-MM-DD (a day) or YYYY (a year)"
    )


def test_week_issue_is_numbered_by_its_week(newsroom) -> None:
    newsroom.article("2017/02/a.md", date="2017-02-01T08:00:00+07:00")
    edition = load_edition(newsroom.project, "2017-W05").edition
    assert (edition.id, edition.number, edition.title, edition.language) == ("2017-W05", 5, "Bản tin tuần 5/2017", "vi")


def test_every_article_belongs_to_all_even_at_the_end_of_time(newsroom) -> None:
    newsroom.article("2017/01/a.md", title="Bình thường")
    newsroom.article("2200/12/b.md", title="Cuối cùng", date="2200-12-31T16:59:59+00:00")  # the last second accepted (23:59:59 at +07:00)
    assert [a.title for a in load_edition(newsroom.project, None).edition.articles] == ["Bình thường", "Cuối cùng"]


def test_an_explicit_list_keeps_its_order_and_the_manifest_sections_go_first(newsroom) -> None:
    project = _room(newsroom)
    (newsroom.root / "issues").mkdir()
    manifest = newsroom.root / "issues" / "2017-01.toml"
    manifest.write_text('articles = ["thoi-su-2", "/2017/01/the-thao", "kinh-te-1.md"]\n', encoding="utf-8")
    edition = load_edition(project, "2017-01").edition
    assert [s.name for s in edition.sections] == ["Thời sự", "Thể thao", "Kinh tế"]  # as listed, not by date
    manifest.write_text('sections = ["Kinh tế"]\narticles = ["thoi-su-2", "the-thao", "kinh-te-1"]\n', encoding="utf-8")
    edition = load_edition(project, "2017-01").edition
    assert [s.name for s in edition.sections] == ["Kinh tế", "Thời sự", "Thể thao"]


def test_a_manifest_naming_an_article_twice(newsroom) -> None:
    project = _room(newsroom)
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text(
        'articles = [\n  "the-thao",\n  "2017/01/the-thao",\n]\n', encoding="utf-8"
    )
    with pytest.raises(EditionError) as caught:
        load_edition(project, "2017-01")
    assert caught.value.problem.format(newsroom.root) == (
        "issues/2017-01.toml:3: field 'articles': names article '2017/01/the-thao' a second time (first as "
        "'the-thao') (list each article once; remove one of the two lines)"
    )


def test_a_missing_article_written_with_an_escape_has_no_line(newsroom) -> None:
    project = _room(newsroom)
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text('articles = ["kh\\u00f4ng-c\\u00f3"]\n', encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        load_edition(project, "2017-01")
    problem = caught.value.problem
    assert problem.line is None and "names article 'không-có'" in problem.message


def test_an_unreadable_manifest_is_named(newsroom) -> None:
    from pressbook.errors import ConfigError

    newsroom.article("2017/01/a.md")
    (newsroom.root / "issues").mkdir()
    (newsroom.root / "issues" / "2017-01.toml").write_text('title = "Không đóng\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_edition(newsroom.project, "2017-01")
    problem = caught.value.problem
    assert problem.path == newsroom.root / "issues" / "2017-01.toml"
    assert problem.message.startswith("cannot read the issue manifest: ")



@pytest.mark.parametrize(
    "written, meant",
    [("Thời Sự", "Thời sự"), ("thời  sự", "Thời sự"), ("Văn hoá - Xã hội", "Văn hóa - Xã hội"),
     ("Văn hóa – Xã hội", "Văn hóa - Xã hội"), ("Thoi su", "Thời sự"), ("Thời sư", "Thời sự"),
     ("KINH TẾ", "Kinh tế"), ("Tin tuc", "Tin tức"), ("Thể thao", None)],
)  # fmt: skip
def test_a_section_not_in_the_config_is_a_warning_naming_the_one_meant(newsroom, written, meant) -> None:
    # The test newsroom lists Thời sự, Kinh tế, Văn hóa - Xã hội, with Tin tức by default.
    from pressbook.check import check_project

    newsroom.article("2017/01/a.md", section="Thời sự")
    path = newsroom.article("2017/01/b.md", section=f'"{written}"')
    project = newsroom.project
    found = [p for p in check_project(project).problems if p.field == "section"]
    assert found == [p for p in load_edition(project, "2017-01").problems if p.field == "section"]
    assert len(found) == 1 and found[0].path == path and found[0].line == 4 and found[0].severity == "warning"
    if meant is None:
        assert "section of its own" in found[0].message and "Kinh tế" in found[0].hint
    else:
        assert f"probably '{meant}'" in found[0].message and found[0].hint == f"write 'section: {meant}'"


def test_sections_the_config_lists_are_not_reported(newsroom) -> None:
    from pressbook.check import check_project

    for n, section in enumerate(["Thời sự", "Kinh tế", "Văn hóa - Xã hội", "Tin tức"]):
        newsroom.article(f"2017/01/{n}.md", section=f'"{section}"')
    assert not [p for p in check_project(newsroom.project).problems if p.field == "section"]


def test_an_empty_selection_says_which_option_emptied_it_and_what_it_could_be(newsroom, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    newsroom.article("2017/01/a.md", section="Thời sự", tags="[Tết]")
    monkeypatch.chdir(newsroom.root)
    runner = CliRunner()
    cases = [
        (["--issue", "2030-01"], "--issue 2030-01: no article is dated in it", "2017-01-04 to 2017-01-04"),
        (["--issue", "2017-01", "--section", "Thoi su"], "has no article in section 'Thoi su'", "did you mean 'Thời sự'?"),
        (["--issue", "2017-01", "--section", "Thể thao"], "has no article in section 'Thể thao'", "this issue's sections: Thời sự"),
        (["--issue", "2017-01", "--tag", "Tet nguyen dan"], "has no article tagged 'Tet nguyen dan'", "this issue's tags: Tết"),
    ]
    for options, message, hint in cases:
        built = runner.invoke(app, ["build", "--format", "epub", *options])
        assert built.exit_code == 1 and message in built.stderr and hint in built.stderr, built.output
        listed = runner.invoke(app, ["list", *options])
        assert listed.exit_code == 0 and listed.stderr.startswith("warning: ") and message in listed.stderr and hint in listed.stderr, listed.output


@pytest.mark.parametrize(
    "written, meant",
    [("2017-1", "2017-01"), ("01/2017", "2017-01"), ("tháng 1/2017", "2017-01"), ("1.2017", "2017-01"),
     ("4/1/2017", "2017-01-04"), ("2017/01", "2017-01"), ("2017/1/4", "2017-01-04"), ("2017w3", "2017-W03"),
     ("13/2017", None), ("abc", None), ("31/02/2017", None)],
)  # fmt: skip
def test_an_issue_written_the_everyday_way_gets_a_did_you_mean(written, meant) -> None:
    with pytest.raises(UsageError) as caught:
        parse_issue(written)
    hint = caught.value.problem.hint or ""
    assert (f"did you mean --issue {meant}?" in hint) if meant else ("did you mean" not in hint), hint


def test_full_width_digits_name_the_same_issue() -> None:
    assert parse_issue("２０１７-01").id == "2017-01"


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("Thời Sự", "Thời sự"),
        ('"thời  sự"', "Thời sự"),
        ("'VĂN HOÁ – XÃ HỘI'", "Văn hóa - Xã hội"),
        ("tin Tức", "Tin tức"),
    ],
)
def test_check_fix_writes_a_section_as_pressbook_toml_lists_it_and_says_so(newsroom, written, fixed) -> None:
    from pressbook.check import check_project

    path = newsroom.article("2017/01/bai.md", section=written)
    before = check_project(newsroom.project)
    assert any(p.field == "section" for p in before.warnings)
    report = check_project(newsroom.project, fix=True)
    assert report.fixed == (path,)
    assert f'section: "{fixed}"' in path.read_text(encoding="utf-8")
    assert any(f"'{fixed}'" in said for said in report.repairs[path])
    assert not any(p.field == "section" for p in check_project(newsroom.project).warnings)


@pytest.mark.parametrize("written", ["Thoi su", "Thời sụ", "Thể thao", "Thời sự"])
def test_check_fix_leaves_a_section_that_is_only_a_guess_or_already_right(newsroom, written) -> None:
    from pressbook.check import check_project

    path = newsroom.article("2017/01/bai.md", section=written)
    before = path.read_bytes()
    report = check_project(newsroom.project, fix=True)
    assert report.fixed == () and path.read_bytes() == before


def test_check_fix_lists_each_repair(newsroom) -> None:
    from typer.testing import CliRunner

    from pressbook.cli import app

    newsroom.article("2017/01/bai.md", section="Thời Sự", body="Giá thi \u0323trường tăng.")
    result = CliRunner().invoke(app, ["check", "--fix", "--project", str(newsroom.root)])
    assert "repaired articles/2017/01/bai.md" in result.stdout
    assert "tone mark split from its letter repaired" in result.stdout
    assert "section 'Thời Sự' written as pressbook.toml lists it: 'Thời sự'" in result.stdout
