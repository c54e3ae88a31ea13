"""The fonts editions are set in: the project's `fonts/` (if it describes its own) or the bundled
Noto Serif and Noto Sans; `@font-face` CSS for them and what characters they can show."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ConfigError, Problem
from ..interface import N_, _

FONTS_TOML = "fonts.toml"
ROLES = ("body", "heading")
# Each role's fonts as a message names them ("the body font ...").
_ROLE_FONTS = {"body": N_("the body font"), "heading": N_("the heading font")}


def role_font(role: str) -> str:
    """'the body font' (or 'the heading font'), in the interface's language."""
    return _(_ROLE_FONTS[role]) if role in _ROLE_FONTS else f"the {role} font"


@dataclass(frozen=True)
class Face:
    """One font file: family, role (body or heading), weight and style."""

    family: str
    role: str
    path: Path
    weight: int
    style: str
    licence: Path | None = None


@dataclass(frozen=True)
class FontSet:
    """The faces an edition uses, by role."""

    faces: tuple[Face, ...]

    def family(self, role: str) -> str:
        """The family name of a role ('body' or 'heading')."""
        return next(f.family for f in self.faces if f.role == role)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Folders the renderer may read font files from."""
        return tuple(sorted({f.path.parent.resolve() for f in self.faces}))


def bundled_dir() -> Path:
    """The fonts shipped inside the package."""
    return Path(str(resources.files("pressbook") / "fonts"))


def _read_toml(folder: Path, check: bool = True) -> FontSet:
    path = folder / FONTS_TOML
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("cannot read the font list: {reason}").format(reason=exc), path=path) from None
    faces, problems = [], []
    for number, entry in enumerate(data.get("face", []), start=1):
        try:
            file = folder / entry["file"]
            face = Face(
                family=str(entry["family"]),
                role=str(entry["role"]),
                path=file,
                weight=int(entry.get("weight", 400)),
                style=str(entry.get("style", "normal")),
                licence=folder / entry["licence"] if entry.get("licence") else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(_("face {number}: missing or bad value {value}").format(number=number, value=exc), path=path, field="face"))
            continue
        if face.role not in ROLES:
            problems.append(Problem(_("face {number}: role must be 'body' or 'heading'").format(number=number), path=path, field="role"))
        elif not file.is_file():
            problems.append(
                Problem(_("face {number}: font file '{file}' is missing").format(number=number, file=entry["file"]), path=path, field="file",
                        hint=_("put the file in fonts/ or remove the entry"))  # fmt: skip
            )
        elif check and (fault := _font_fault(file, *_stamp(file))):
            problems.append(
                Problem(_("is not a font file pressbook can read ({fault})").format(fault=_(fault[0]).format(**fault[1])), path=file,
                        hint=_("replace it with a working .ttf or .otf file, or remove it from {file}").format(file=FONTS_TOML))  # fmt: skip
            )
        else:
            faces.append(face)
    missing_roles = [r for r in ROLES if not any(f.role == r for f in faces)]
    if missing_roles and not problems:
        problems.append(Problem(_("no face for role(s) {roles}").format(roles=", ".join(missing_roles)), path=path, field="face"))
    if problems:
        raise ConfigError(problems=problems)
    return FontSet(tuple(faces))


def load_fonts(project_fonts: Path | None = None) -> FontSet:
    """The project's fonts when its `fonts/` has a fonts.toml, else the bundled ones."""
    if project_fonts is not None and (project_fonts / FONTS_TOML).is_file():
        return _read_toml(project_fonts)
    return _read_toml(bundled_dir(), check=False)  # shipped and checked with pressbook (tests)


# Tables every font needs to be typeset and embedded; read whole when a project's fonts are
# loaded, so a file that is not a font, or one with broken tables, is one clear error (and not
# one "not in the font" line per character, nor a whole unsubsettable font in every e-book).
_NEEDED_TABLES = ("head", "hhea", "maxp", "hmtx", "cmap", "name", "post")
_READ_TABLES = (*_NEEDED_TABLES, "OS/2", "loca", "glyf", "CFF ", "CFF2")


def _stamp(path: Path) -> tuple[float, int]:
    stat = path.stat()
    return stat.st_mtime, stat.st_size


@lru_cache(maxsize=64)
def _font_fault(path: Path, mtime: float, size: int) -> tuple[str, dict[str, str]] | None:
    """What is wrong with a font file that fontTools cannot read whole (an English message and
    the values of its placeholders, said when shown: this is remembered), or None."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path) as font:
            missing = [tag for tag in _NEEDED_TABLES if tag not in font]
            if missing:
                return N_("it has no {tables} table"), {"tables": ", ".join(repr(t.strip()) for t in missing)}
            if not any(tag in font for tag in ("glyf", "CFF ", "CFF2")):
                return N_("it has no outlines (no 'glyf' or 'CFF' table)"), {}
            for tag in _READ_TABLES:
                if tag in font:
                    font[tag]  # noqa: B018 - reading the table is the check
            if "loca" in font and "glyf" in font:
                # fontTools takes glyph offsets past the table on trust: they must stay inside it.
                offsets = list(font["loca"].locations)
                end = len(font.reader["glyf"])
                if any(b < a for a, b in zip(offsets, offsets[1:])) or (offsets and offsets[-1] > end):
                    return N_("its 'loca' table points outside its glyphs"), {}
            if not font.getBestCmap():
                return N_("it maps no characters"), {}
    except Exception as exc:  # noqa: BLE001 - fontTools raises all kinds on a damaged file
        # fontTools' own words, as they are.
        return "{error}", {"error": f"{type(exc).__name__}: {str(exc)[:120]}" if str(exc) else type(exc).__name__}
    return None


def font_face_css(fonts: FontSet, url: Callable[[Face], str] | None = None) -> str:
    """`@font-face` rules for every face, pointing at the files by `url` (default: file: URL)."""
    rules = []
    for face in fonts.faces:
        rules.append(
            "@font-face {"
            f' font-family: "{face.family}"; src: url("{url(face) if url else face.path.resolve().as_uri()}");'
            f" font-weight: {face.weight}; font-style: {face.style}; }}"
        )
    return "\n".join(rules)


@lru_cache(maxsize=64)
def _cmap(path: Path, mtime: float) -> frozenset[int]:
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)


def coverage(face: Face) -> frozenset[int]:
    """The code points a face has glyphs for."""
    return _cmap(face.path, face.path.stat().st_mtime)


@lru_cache(maxsize=16)
def role_coverage(fonts: FontSet, role: str) -> frozenset[int]:
    """The code points every face of a role has (what is safe in any weight or style)."""
    sets = [coverage(f) for f in fonts.faces if f.role == role]
    return frozenset.intersection(*sets) if sets else frozenset()


def missing_characters(text: str, fonts: FontSet, role: str) -> list[str]:
    """Characters of `text` the role's faces cannot show (spaces and controls aside)."""
    have = role_coverage(fonts, role)
    return sorted(ch for ch in set(text) if ord(ch) not in have and not ch.isspace() and ch.isprintable())


def subset(face: Face, text: str) -> bytes:
    """The face cut down to the characters of `text` (both cases), with HarfBuzz's subsetter."""
    import uharfbuzz as hb

    characters = set(text) | set(text.upper()) | set(text.lower()) | {chr(c) for c in range(0x20, 0x7F)}
    plan = hb.SubsetInput()
    for ch in characters:
        plan.unicode_set.add(ord(ch))
    result = hb.subset(hb.Face(hb.Blob.from_file_path(str(face.path))), plan)
    if result is None:
        raise ValueError(_("HarfBuzz could not subset {file}").format(file=face.path.name))
    return bytes(result.blob.data)


def subset_by_glyphs(face: Face, glyph_ids: set[int]) -> bytes:
    """The face cut down to these glyphs, each keeping its glyph id (for merging PDF subsets)."""
    import uharfbuzz as hb

    plan = hb.SubsetInput()
    for gid in glyph_ids | {0}:
        plan.glyph_set.add(gid)
    plan.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.NOTDEF_OUTLINE
    # A PDF draws glyphs by id: the layout tables that turn text into glyphs are not needed.
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "DSIG", "kern"):
        plan.drop_table_tag_set.add(int.from_bytes(table.encode("ascii"), "big"))
    result = hb.subset(hb.Face(hb.Blob.from_file_path(str(face.path))), plan)
    if result is None:
        raise ValueError(_("HarfBuzz could not subset {file}").format(file=face.path.name))
    return bytes(result.blob.data)
