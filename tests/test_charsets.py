"""Detecting and converting the encodings Vietnamese text still arrives in."""

from __future__ import annotations

import unicodedata

import pytest

from pressbook.importers.charsets import UndecodableError, decode
from pressbook.text import TONES

SENTENCE = "Chữ Quốc ngữ là hệ chữ viết thống nhất chính thức hiện nay của tiếng Việt"


def test_utf8_and_boms() -> None:
    assert decode("Nhậm Giáo Chủ".encode()).encoding == "UTF-8"
    assert decode("\ufeffĐBP - Tin".encode()).text == "ĐBP - Tin"
    for codec, label in (("utf-16", "UTF-16 LE with BOM"), ("utf-16-le", "UTF-16 LE without BOM"),
                         ("utf-16-be", "UTF-16 BE without BOM")):
        decoded = decode("Đảng bộ huyện Mường Khoa".encode(codec))
        assert decoded.text == "Đảng bộ huyện Mường Khoa"
        assert decoded.encoding == label


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters it has whole, others as base letter + tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            tone = next(c for c in nfd if c in TONES)
            base = unicodedata.normalize("NFC", nfd.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_windows_1258_is_composed_to_nfc() -> None:
    decoded = decode(_cp1258(SENTENCE))
    assert decoded.encoding == "Windows-1258"
    assert decoded.text == SENTENCE


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03\xff\xfe\x00", bytes(range(256)) * 4])
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(UndecodableError):
        decode(data)


def test_latin1_french_is_not_vietnamese() -> None:
    with pytest.raises(UndecodableError):
        decode("Crème brûlée à la française, où êtes-vous?".encode("latin-1"))


def test_corpus_legacy_encodings(corpus) -> None:
    tricky = corpus / "tricky"
    reference = (tricky / "scc_demo1-utf8.txt").read_text(encoding="utf-8")
    tcvn = decode((tricky / "scc_demo1-tcvn.txt").read_bytes())
    assert tcvn.encoding == "TCVN3 (ABC)"
    assert tcvn.text == reference
    utf16 = decode((tricky / "scc_demo1-utf16le.txt").read_bytes())
    assert utf16.encoding == "UTF-16 LE without BOM"
    assert utf16.text.replace("\r\n", "\n") == reference.replace("\r\n", "\n")
    viscii = decode((tricky / "uchardet_vi_viscii.txt").read_bytes())
    cp1258 = decode((tricky / "uchardet_vi_windows-1258.txt").read_bytes())
    assert viscii.encoding == "VISCII"
    assert cp1258.encoding == "Windows-1258"
    assert viscii.text == cp1258.text
    assert cp1258.text.startswith("Chữ Quốc ngữ là hệ chữ viết thống nhất chính thức hiện nay của tiếng Việt")
