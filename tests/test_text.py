"""Vietnamese text hygiene: repairs, tone styles, slugs, word counts."""

from __future__ import annotations

import unicodedata

import re

import pytest

from pressbook import text


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("Các thi \u0323trường", "Các thị trường"),  # dot below detached after a space
        ("công nghiêp \u0323 khai khoáng", "công nghiệp khai khoáng"),
        ("Bô \u0323Tài chính", "Bộ Tài chính"),
        ("Sơ\u031bn Trà", "Sơn Trà"),  # a horn on a letter that has one
        ("liề\u0300n", "liền"),
        ("sắ\u0301c", "sắc"),
        ("A\u0309nh: KP", "Ảnh: KP"),  # NFD
        ("\u00d0ột nhiên", "Đột nhiên"),  # eth for Đ
        ("Hoài Linh\u00a0rằng", "Hoài Linh rằng"),
        ("thu\u200bế", "thuế"),
    ],
)
def test_clean_repairs(damaged: str, repaired: str) -> None:
    cleaned = text.clean(damaged)
    assert cleaned.text == repaired
    assert unicodedata.is_normalized("NFC", cleaned.text)
    assert cleaned.findings and all(f.repaired for f in cleaned.findings)


def test_clean_leaves_good_text_alone() -> None:
    good = "Đảng bộ huyện Mường Khoa có 1.488 đảng viên, “đoàn kết” — và… khỏe."
    cleaned = text.clean(good)
    assert cleaned.text == good
    assert cleaned.findings == ()


def test_double_tone_is_reported_not_guessed() -> None:
    cleaned = text.clean("đầỳ đủ")
    assert cleaned.text == "đầỳ đủ"
    assert [f.kind for f in cleaned.findings] == ["words with two tone marks"]
    assert not cleaned.findings[0].repaired


@pytest.mark.parametrize(
    ("word", "style"),
    [("hòa", "old"), ("hoà", "new"), ("thủy", "old"), ("thuỷ", "new"), ("khỏe", "old"), ("khoẻ", "new"),
     ("Hóa", "old"), ("Hoá", "new"), ("hoàn", None), ("quý", None), ("thuyền", None), ("người", None)],
)
def test_tone_style_of(word: str, style: str | None) -> None:
    assert text.tone_style_of(word) == style


def test_convert_tone_style_both_ways() -> None:
    assert text.convert_tone_style("Bộ Thuỷ sản, Định Hoá, sức khoẻ", "old") == "Bộ Thủy sản, Định Hóa, sức khỏe"
    assert text.convert_tone_style("Bộ Thủy sản, Định Hóa, sức khỏe", "new") == "Bộ Thuỷ sản, Định Hoá, sức khoẻ"
    assert text.convert_tone_style("hoàn toàn quý khách", "new") == "hoàn toàn quý khách"


def test_mixed_tone_styles_found() -> None:
    finding = text.mixed_tone_styles("huyện Định Hoá và Định Hóa")
    assert finding is not None and finding.count == 2
    assert text.mixed_tone_styles("Định Hóa và sức khỏe") is None


def test_slugify_folds_vietnamese() -> None:
    assert text.slugify("Mường Nhé") == "muong-nhe"
    assert text.slugify("Đưa nghị quyết vào cuộc sống ở các bản vùng cao") == (
        "dua-nghi-quyet-vao-cuoc-song-o-cac-ban-vung-cao"
    )
    long = text.slugify("Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định thuế mới")
    assert long == "nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien"  # cut between words ("quy định" whole or not at all)


def test_word_count() -> None:
    assert text.word_count("ĐBP - Những năm qua, 1.488 hộ") == 6


def test_vietnamese_letters_are_146() -> None:
    assert len(text.VIETNAMESE_LETTERS) == 146
    assert all(unicodedata.is_normalized("NFC", ch) and len(ch) == 1 for ch in text.VIETNAMESE_LETTERS)


# --- the real damaged files of the shared corpus -----------------------------------------------

TRICKY = {
    "baomoi_21473754_detached-dot-below.txt": ("detached tone marks", ["thị trường"]),
    "baomoi_22559249_detached-dot-below.txt": ("detached tone marks", ["công nghiệp khai khoáng", "Bộ Tài chính", "khuyến nghị Nhà nước"]),
    "baomoi_22444944_doubled-combining-marks.txt": ("redundant combining marks", ["Sơn Trà"]),
    "baomoi_22652214_partial-NFD-Anh.txt": ("decomposed (NFD) letters normalised to NFC", ["Ảnh: KP"]),
    "baomoi_22730337_nbsp.txt": ("no-break or odd spaces made plain", ["Hoài Linh rằng", "Bolero mà", "Vinh Sử đã"]),
    "khudocmo_lao-hac_EXCERPT_eth-for-D-stroke_mixed-tone.md": ("look-alike letters Ð/ð (eth) for Đ/đ", ["Đột nhiên", "Đấy là", "Đối với"]),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_corpus_damage_is_repaired(corpus, name: str) -> None:
    kind, fixed_phrases = TRICKY[name]
    raw = (corpus / "tricky" / name).read_text(encoding="utf-8")
    cleaned = text.clean(raw)
    found = {f.kind: f for f in cleaned.findings}
    assert found[kind].count >= 1 and found[kind].repaired
    # Repaired through: the repaired text has nothing left to repair.
    assert [f for f in text.clean(cleaned.text).findings if f.repaired] == []
    for phrase in fixed_phrases:
        assert phrase in cleaned.text
    assert unicodedata.is_normalized("NFC", cleaned.text)
    assert not any(unicodedata.combining(ch) for ch in cleaned.text)
    assert "\u00a0" not in cleaned.text and "\u00d0" not in cleaned.text


def test_repairs_are_counted_one_by_one() -> None:
    # Each damaged place counts once, whatever text is around it.
    for times in (1, 2, 5):
        cleaned = text.clean(" và ".join(["thi \u0323trường", "Ðà Lạt", "Hoài\u00a0Linh"] * times))
        counts = {f.kind: f.count for f in cleaned.findings}
        assert counts == {
            "no-break or odd spaces made plain": times,
            "look-alike letters Ð/ð (eth) for Đ/đ": times,
            "detached tone marks": times,
        }, counts


def test_corpus_double_tone_reported(corpus) -> None:
    raw = (corpus / "tricky" / "baomoi_22444944_doubled-combining-marks.txt").read_text(encoding="utf-8")
    assert "đầỳ" in text.double_toned(text.clean(raw).text)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("baomoi_22736231_mixed-tone-Hoa.txt", "Hóa", "Hoá"),
        ("baomoi_22739862_mixed-tone-Thuy.txt", "Thủy", "Thuỷ"),
        ("baomoi_22746021_mixed-tone-khoe.txt", "khỏe", "khoẻ"),
        ("khudocmo_lao-hac_EXCERPT_eth-for-D-stroke_mixed-tone.md", "khỏe", "khoẻ"),
    ],
)
def test_corpus_mixed_tone_styles_reported(corpus, name: str, old: str, new: str) -> None:
    raw = (corpus / "tricky" / name).read_text(encoding="utf-8")
    styles = text.tone_styles(raw)
    assert styles["old"][old] >= 1 and styles["new"][new] >= 1
    assert text.mixed_tone_styles(raw) is not None
    # Reported, never silently changed.
    assert old in text.clean(raw).text and new in text.clean(raw).text


def test_clean_removes_what_xml_forbids() -> None:
    cleaned = text.clean("Hà\ufffeNội\uffff, \U0001fffeSơn\x85 La\ufdd0.")
    assert cleaned.text == "HàNội, Sơn La."
    assert any(f.kind == "control characters removed" and f.count == 5 for f in cleaned.findings)


def test_tone_style_fix_leaves_addresses_alone() -> None:
    from pressbook.check import repaired

    source = (
        "---\ntitle: Hòa bình\nimage: images/hòa-bình.png\nsource_url: https://example.vn/hòa\n---\n"
        'Hòa thuận ![Hòa hợp](images/hòa.png) <img src="thủy.png" alt="x"> [khỏe](https://example.vn/khỏe).\n'
    )
    fixed = repaired(source, "new")
    assert "title: Hoà bình" in fixed and "Hoà thuận" in fixed and "![Hoà hợp]" in fixed and "[khoẻ]" in fixed
    for address in ("images/hòa-bình.png", "https://example.vn/hòa", "(images/hòa.png)", '"thủy.png"', "(https://example.vn/khỏe)"):
        assert address in fixed, address


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("hoan \u0300", "hoàn"),  # closed syllable: the mark on the vowel before the final consonant
        ("ngoai \u0300", "ngoài"),  # three vowels: on the middle one
        ("khuya \u0300", "khuỳa"),
        ("gia \u0300", "già"),  # gi- is the onset: the mark on the vowel after it
        ("gi \u0300", "gì"),  # gi alone: on its i
        ("qua \u0309", "quả"),  # qu- is the onset
        ("thuyên \u0300", "thuyền"),  # a shaped vowel takes the mark
        ("hoa \u0300", "hòa"),  # open oa: the old style
        ("hoan \u0300.", "hoàn."),  # before punctuation: no space added
        ("thi \u0323trường", "thị trường"),  # the mark took the space: it is given back
        ("thi \u0323 trường", "thị trường"),
        ("\u00f0ồng", "đồng"),  # a lowercase eth
    ],
)
def test_detached_marks_go_where_vietnamese_puts_them(damaged: str, repaired: str) -> None:
    assert text.clean(damaged).text == repaired


@pytest.mark.parametrize("kept", ["người \u0301", "x \u0300", "2017 \u0300"])
def test_marks_that_cannot_be_placed_are_left_for_a_person(kept: str) -> None:
    # A word that has its tone already, a word without a vowel, a number.
    assert text.clean(kept).text.split() == text.nfc(kept).split()


@pytest.mark.parametrize(
    ("syllable", "old", "new"),
    [("hoa", 1, 2), ("khoe", 2, 3), ("thuy", 2, 3), ("quy", 2, 2), ("hoan", 2, 2), ("ngoai", 3, 3),
     ("giuong", 3, 3), ("gi", 1, 1), ("qu", None, None), ("oa", 0, 1), ("uy", 0, 1), ("nhung", 2, 2), ("xyz", 1, 1),
     ("tr", None, None)],
)  # fmt: skip
def test_tone_position_by_syllable_shape(syllable: str, old, new) -> None:
    assert text.tone_position(syllable, "old") == old
    assert text.tone_position(syllable, "new") == new


@pytest.mark.parametrize(
    ("syllable", "tone", "placed"),
    [("thuơ", "\u0309", "thuở"), ("huê", "\u0323", "huệ"), ("mươi", "\u0300", "mười"), ("cuôi", "\u0301", "cuối"),
     ("Hoa", "\u0300", "Hòa"), ("QUA", "\u0309", "QUẢ")],
)  # fmt: skip
def test_a_shaped_vowel_takes_the_tone(syllable: str, tone: str, placed: str) -> None:
    assert text.place_tone(syllable, tone, "old") == placed


def test_an_unknown_tone_style_is_refused() -> None:
    with pytest.raises(KeyError):
        text.place_tone("hoa", "\u0300", "modern")


@pytest.mark.parametrize(
    ("damaged", "kind", "count", "sample", "repaired", "said"),
    [
        ("thi \u0323trường và ho \u0300a", "detached tone marks", 2, "'thi \u0323' -> 'thị'", True,
         "tone marks split from their letters"),
        ("Sơ\u031bn La và Sơ\u031bn", "redundant combining marks", 2, "'ơ' + U+031B -> 'ơ'", True,
         "marks typed twice on one letter"),
        ("\u00d0à Lạt, \u00d0ồng, \u00f0ó", "look-alike letters Ð/ð (eth) for Đ/đ", 3, "'Ð' -> 'Đ'", True,
         "look-alike letters Ð/ð (Icelandic eth) typed for Đ/đ"),
        ("a\u00a0b\u202fc d\u00a0e", "no-break or odd spaces made plain", 3, "U+00A0, U+202F", True,
         "no-break or unusual spaces"),
        ("a\u200bb\u00adc", "invisible characters removed", 2, "U+00AD, U+200B", True,
         "invisible characters (zero-width spaces, soft hyphens)"),
        ("A\u0309nh và Ha\u0300", "decomposed (NFD) letters normalised to NFC", 2, "NFC", True,
         "marks stored apart from their letters (NFD)"),
        ("đầỳ và ỏà và đầỳ", "words with two tone marks", 3, "'đầỳ'", False, "words with two tone marks"),
        ("a\x07b", "control characters removed", 1, "U+0007", True, "control character (a code no page can show)"),
    ],
)  # fmt: skip
def test_each_repair_says_what_it_did(
    damaged: str, kind: str, count: int, sample: str, repaired: bool, said: str
) -> None:
    findings = {f.kind: f for f in text.clean(damaged).findings}
    assert findings[kind] == text.Finding(kind, count, sample, repaired)
    assert findings[kind].label == said
    verb = "repaired" if repaired else "found"
    assert findings[kind].describe() == f"{count} {said} {verb} ({sample})"


def test_a_mark_no_letter_takes_keeps_the_text_after_it() -> None:
    # x has no precomposed x̀: the mark stays on it, and nothing after it is lost.
    assert text.clean("x\u0300 và Sơn La").text == "x\u0300 và Sơn La"


def test_mixed_tone_styles_name_the_commonest_words() -> None:
    finding = text.mixed_tone_styles("Hóa, Hóa, hòa và Hoá, hoà, hoà")
    assert finding == text.Finding("words in mixed tone styles", 6, "old 'Hóa' and new 'hoà'", False)
    assert text.tone_styles("hòa hòa hoà")["old"]["hòa"] == 2


def test_convert_tone_style_leaves_words_it_does_not_recognise() -> None:
    # "hóan" has its mark in neither style (it should be hoán): not a style to convert.
    assert text.convert_tone_style("hóan và hòa", "new") == "hóan và hoà"


@pytest.mark.parametrize(
    "title",
    ["Hội nghị tổng kết công tác năm 2016 và triển khai nhiệm vụ phát triển kinh tế",
     "Mường Khoa: Lúa ruộng bậc thang được mùa, được giá nhờ giống mới và kỹ thuật canh tác",
     "Bộ đội Biên phòng tỉnh Sơn Nguyên tổ chức chương trình Xuân biên phòng ấm lòng dân bản"],
)  # fmt: skip
def test_a_long_slug_is_cut_between_words_never_inside_one(title: str) -> None:
    from pressbook.words import words

    syllables = title.split()
    ends = {m.end() for m in re.finditer(r"\S+", title)}
    inside = {end for start, stop in words(title) for end in ends if start < end < stop}
    full = text.slugify(title, 500)
    for limit in range(12, len(full) + 1):
        slug = text.slugify(title, limit)
        assert len(slug) <= limit and full.startswith(slug)
        kept = len(slug.split("-"))
        cut_after = sum(len(s) for s in syllables[:kept]) + kept - 1  # where the slug's last syllable ends
        if kept < len(syllables):
            assert cut_after not in inside, (limit, slug)


def test_a_title_with_letters_that_fold_to_two_is_segmented_without_error() -> None:
    """"ß" folds to "ss", "Æ" to "ae": the segmenter's words are found in the title all the same."""
    from pressbook import words

    assert words._segment("000000000000000000¢¢¢0©¢§®Æß℠") == ()
    assert words._segment("Straße Phát triển kinh tế") == ((7, 17), (18, 25))
