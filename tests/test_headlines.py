"""Headlines never break inside a Vietnamese word nor leave one syllable alone on their last line."""

from __future__ import annotations

import re

import pytest

from pressbook.html.headlines import headline


def _groups(html: str) -> list[str]:
    """The pieces a line may break between: bound spans whole, other syllables one by one."""
    found = []
    for bound, free in re.findall(r'<span class="bound">(.*?)</span>|(\S+)', html):
        found.append(bound or free)
    return found


@pytest.mark.parametrize(
    ("title", "bound"),
    [
        ("Nâng cao chất lượng sinh hoạt chi bộ ở vùng cao", ["chất lượng", "sinh hoạt", "chi bộ", "vùng cao"]),
        ("Đón Giao thừa ở bản vùng cao", ["Giao thừa", "vùng cao"]),
        ("Mường Khoa: lúa ruộng bậc thang được mùa, được giá", ["Mường Khoa", "ruộng bậc thang", "được mùa", "được giá"]),
        # The segmenter writes tone marks its own way (hòa, thủy): the headline keeps the author's.
        ("Hoà bình và thuỷ lợi ở Mường Nhé", ["Hoà bình", "thuỷ lợi", "Mường Nhé"]),
    ],
)
def test_words_of_several_syllables_are_bound(title: str, bound: list[str]) -> None:
    html = str(headline(title))
    assert re.findall(r'<span class="bound">(.*?)</span>', html) == bound
    assert re.sub(r"<[^>]+>", "", html) == title  # nothing else changes


@pytest.mark.parametrize(
    "title",
    ["Khởi tố 2 đối tượng vận chuyển trái phép 2 bánh heroin", "Tổng kết công tác năm 2017", "Lúa được mùa ở xã Pá"],
)
def test_the_last_two_syllables_go_together(title: str) -> None:
    last = _groups(str(headline(title)))[-1]
    assert len(last.split()) >= 2 and title.endswith(last)


def test_short_and_odd_headlines() -> None:
    assert str(headline("Tết")) == "Tết"
    assert str(headline("  Xuân   về  ")) == '<span class="bound">Xuân về</span>'
    assert str(headline("A <b> & \"x\"")) == 'A &lt;b&gt; <span class="bound">&amp; "x"</span>'  # text, not markup
    assert str(headline("")) == ""


def test_a_rebuild_after_an_edit_does_not_load_the_segmenter(newsroom, tmp_path) -> None:
    """Titles segmented by one build are remembered in the project's cache: the next build, after
    an edit to a body, sets the same bound words without loading underthesea (0.7 s, 150 MiB)."""
    import os
    import subprocess
    import sys

    newsroom.article("2017/01/a.md", title="'Mường Khoa: Lúa ruộng bậc thang được mùa'")
    newsroom.article("2017/01/b.md", title="Chè Shan tuyết ở vùng cao", body="Một.")
    script = (
        "import sys, pathlib\n"
        "from pressbook.config import load_project\n"
        "from pressbook.build import build\n"
        "from pressbook.options import BuildOptions\n"
        "build(load_project(pathlib.Path(sys.argv[1])), BuildOptions(issue='2017-01', formats=('html',), jobs=1))\n"
        "print('underthesea' in sys.modules)\n"
        "print(next(pathlib.Path(sys.argv[1], 'build', '2017-01').glob('*.html')).read_text())\n"
    )
    env = {**os.environ, "PRESSBOOK_CACHE": str(tmp_path / "cache")}

    def run() -> tuple[bool, list[str]]:
        done = subprocess.run([sys.executable, "-c", script, str(newsroom.root)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        loaded, html = out.split("\n", 1)
        return loaded == "True", re.findall(r'<span class="bound">([^<]*)', html)

    loaded, first = run()
    assert loaded and "vùng cao" in first
    newsroom.article("2017/01/b.md", title="Chè Shan tuyết ở vùng cao", body="Hai.")
    loaded, again = run()
    assert not loaded, "the segmenter was loaded again for titles it had seen"
    assert again == first
