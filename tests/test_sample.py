"""The sample newsroom at the repository root is complete, valid and varied."""

from __future__ import annotations

from collections import Counter

from pressbook.build import load_edition
from pressbook.check import check_project
from pressbook.body import image_sources, tokens


def test_sample_newsroom_checks_clean(sample_project) -> None:
    report = check_project(sample_project)
    assert [p.format() for p in report.problems] == []
    assert len(report.articles) >= 24


def test_sample_months_and_sections(sample_project) -> None:
    january = load_edition(sample_project, "2017-01").edition
    february = load_edition(sample_project, "2017-02").edition
    everything = load_edition(sample_project, None).edition.articles
    assert len(january.articles) >= 14
    assert len(january.sections) >= 4
    assert len(february.articles) >= 6
    assert len(everything) - len(january.articles) - len(february.articles) >= 4


def test_sample_is_varied(sample_project) -> None:
    articles = load_edition(sample_project, None).edition.articles
    kinds: Counter[str] = Counter()
    for article in articles:
        types = {t.type for t in tokens(article.body)}
        kinds["brief"] += article.words < 160
        kinds["feature"] += article.words >= 1500
        kinds["list"] += bool(types & {"bullet_list_open", "ordered_list_open"})
        kinds["table"] += "table_open" in types
        kinds["footnotes"] += "footnote_block_open" in types
        kinds["quote"] += "“" in article.body
        kinds["image"] += len(image_sources(article.body)) + bool(article.image)
    assert kinds["brief"] >= 3 and kinds["feature"] >= 1 and kinds["list"] >= 3
    assert kinds["table"] >= 1 and kinds["footnotes"] >= 1 and kinds["quote"] >= 3 and kinds["image"] >= 3
