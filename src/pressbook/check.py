"""`pressbook check`: every problem in a newsroom's articles at once, and the safe repairs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import images, text
from .articles import READERS, Article, article_files, load_articles, read_bytes
from .config import Config, Project
from .edition import field_line, listed_section, section_problems
from .errors import ArticleError, ConfigError, Problem
from .files import LEADS_NOWHERE, LEADS_OUT, is_inside, walk, write_atomic
from .interface import N_, _

IGNORED_NAMES = {"README.md", ".gitkeep", ".DS_Store"}


@dataclass(frozen=True)
class Report:
    """What `check` found: articles read, problems (errors and warnings), files repaired."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    fixed: tuple[Path, ...] = ()
    files: int = 0  # article files found (some may not have been read)
    repairs: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # what --fix did to each fixed file

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def picture_problems(article: Article, rules: images.Policy) -> list[Problem]:
    """A warning for each picture the article names that cannot be used (missing, outside the
    article's folder, not a real picture, on a web host not allowed): as in `build`, which prints
    the article without it, the rule is the same everywhere."""
    problems = []
    lines: list[str] | None = None
    for src in article.image_paths():
        try:
            rules.locate(src, article.folder)
        except images.ImageRefused as refused:
            remote = images.is_remote(src)
            reason = str(refused)
            if remote:
                hint = _("save it into images/ beside the article, or allow its host in [security] allow_hosts")
            elif refused.message.startswith(("does not exist", "is outside", "leads outside", "is not a path")):  # English
                hint = _("put the picture in images/ next to the article and give its path relative to the article")
            else:
                hint = _("replace the file with a real PNG, JPEG, GIF or WebP picture")
            if lines is None:
                try:
                    lines = article.path.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    lines = []
            line = next((n for n, text_line in enumerate(lines, start=1) if src in text_line), None)
            problems.append(
                Problem(
                    _("image '{src}' {reason}; the article prints without it").format(src=src[:80], reason=reason),
                    path=article.path, line=line,
                    field="image" if src == article.image else None,
                    severity="warning", hint=hint,
                )  # fmt: skip
            )
    return problems


def text_findings(source: str, path: Path, tone_style: str) -> list[Problem]:
    """Hygiene warnings for an article's raw text, each on the first line it concerns."""
    problems: list[Problem] = []
    seen: set[str] = set()
    # Code is written as it must be typed: not text to clean, nor to report.
    source = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    for number, line in enumerate(source.splitlines(), start=1):
        for finding in text.clean(line).findings:
            if finding.kind in seen:
                continue
            seen.add(finding.kind)
            hint = _("run 'pressbook check --fix' to repair") if finding.repaired else _("correct it by hand")
            problems.append(
                # In an editor's words, in the interface's language (text.Finding.label).
                Problem(f"{finding.label}: {finding.sample}", path=path, line=number, severity="warning", hint=hint)
            )
    mixed = text.mixed_tone_styles(source)
    styles = text.tone_styles(source)
    if tone_style in ("old", "new"):
        other = "new" if tone_style == "old" else "old"
        if styles[other]:
            word = styles[other].most_common(1)[0][0]
            problems.append(
                Problem(
                    text.counted(sum(styles[other].values()), "word uses", "words use") + " " + _(_OTHER_STYLE[other]).format(word=word),
                    path=path, line=_line_of(source, word), severity="warning",
                    hint=_("run 'pressbook check --fix' to move them"),
                )  # fmt: skip
            )
    elif mixed:
        new_word = styles["new"].most_common(1)[0][0]
        problems.append(
            Problem(
                _("mixes tone-mark styles: {sample}").format(sample=mixed.sample), path=path, line=_line_of(source, new_word),
                severity="warning",
                hint=_("choose one; set tone_style = \"old\" or \"new\" in pressbook.toml to have --fix apply it"),
            )  # fmt: skip
        )
    return problems


# What a word in the other tone style is told, by that style (the project keeps the other one).
_OTHER_STYLE = {
    "old": N_("old-style tone marks (e.g. '{word}'), the project keeps new style"),
    "new": N_("new-style tone marks (e.g. '{word}'), the project keeps old style"),
}


def _line_of(source: str, word: str) -> int | None:
    for number, line in enumerate(source.splitlines(), start=1):
        if word in text.nfc(line):
            return number
    return None


# What a tone-style change must not touch: link and picture targets, raw HTML tags, and the
# front matter's file and web addresses (a file called "hoà.png" must keep its name).
_ADDRESSES = re.compile(r"\]\([^)]*\)|<[^<>\n]*>|^(?:image|source_url)\s*:.*$", re.M)


# Code spans and blocks (fenced, or indented four spaces after a blank line): what a reader must
# type as written, so no repair touches them (a no-break space there may be meant).
_CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)"
    r"|(?:(?<=\n\n)|\A)(?:(?:[ ]{4}|\t)[^\n]*(?:\n|\Z))+"
    r"|(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)",
    re.M | re.S,
)


def _outside(pattern: re.Pattern[str], source: str, change: Callable[[str], str]) -> str:
    """`source` with `change` applied to the text between matches of `pattern` only."""
    parts, last = [], 0
    for match in pattern.finditer(source):
        parts += [change(source[last : match.start()]), match.group(0)]
        last = match.end()
    parts.append(change(source[last:]))
    return "".join(parts)


def repaired(source: str, tone_style: str) -> str:
    """An article's text after every safe repair (and tone style, when the project sets one);
    code spans and blocks are left as they are."""
    fixed = _outside(_CODE, source, lambda part: text.clean(part).text)
    if tone_style in ("old", "new"):
        def convert(part: str) -> str:
            return text.convert_tone_style(part, tone_style)

        fixed = _outside(_CODE, fixed, lambda part: _outside(_ADDRESSES, part, convert))
    return fixed


# The front matter's `section:` line: its value bare or in quotes, nothing after it.
_SECTION_LINE = re.compile(r"""^(section:[ \t]*)(?:"([^"\\]*)"|'([^']*)'|([^"'#\n][^#\n]*?))[ \t]*$""", re.M)


def _section_repaired(source: str, config: Config) -> tuple[str, str | None]:
    """The text with its section written as pressbook.toml lists it, when it differs only in case,
    spacing, dashes or tone style; and what was done, said for the editor."""
    front = re.match(r"---[ \t]*\n.*?\n---[ \t]*(?:\n|$)", source, re.S)
    found = _SECTION_LINE.search(source, 0, front.end()) if front else None
    if found is None:
        return source, None
    written = next(value for value in found.groups()[1:] if value is not None)
    meant = listed_section(unicodedata.normalize("NFC", written.strip()), config)
    if meant is None or '"' in meant or "\\" in meant:
        return source, None
    line = f'{found.group(1)}"{meant}"'
    said = _("section '{written}' written as pressbook.toml lists it: '{meant}'").format(written=written.strip(), meant=meant)
    return source[: found.start()] + line + source[found.end():], said


def _repairs_said(source: str, tone_style: str) -> list[str]:
    """What the safe repairs do to `source`, one line each ("2 tone marks split from their letters
    repaired ('thi ̣' -> 'thị')")."""
    said: dict[str, str] = {}
    prose = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)  # code is left as written
    for finding in text.clean(prose).findings:
        if finding.repaired:
            said[finding.kind] = finding.describe()
    if tone_style in ("old", "new") and repaired(text.clean(source).text, "") != repaired(text.clean(source).text, tone_style):
        said["tone style"] = _("tone marks placed in the {style} style").format(style=tone_style)
    return list(said.values())


def font_problems(fonts_dir: Path) -> list[Problem]:
    """A warning for each role whose fonts lack some of the 146 Vietnamese letters (a project's own
    fonts; the bundled ones have them all). A broken fonts.toml is an error."""
    from .html import fonts as fontlib

    try:
        fonts = fontlib.load_fonts(fonts_dir)
    except ConfigError as exc:
        return list(exc.problems)
    problems = []
    for role in fontlib.ROLES:
        missing = fontlib.missing_characters(text.VIETNAMESE_LETTERS, fonts, role)
        if missing:
            problems.append(
                Problem(
                    _("{font} ({family}) lacks {count} of the {total} Vietnamese letters (e.g. {sample})").format(
                        font=fontlib.role_font(role), family=fonts.family(role), count=len(missing),
                        total=len(text.VIETNAMESE_LETTERS), sample=" ".join(missing[:8]),
                    ),
                    path=fonts_dir / fontlib.FONTS_TOML, severity="warning",
                    hint=_("articles using them will not build; choose a font made for Vietnamese"),
                )  # fmt: skip
            )
    return problems


def _manifest_problems(project: Project) -> list[Problem]:
    """Every issue manifest read as a build would read it: links out or nowhere, TOML, keys, values."""
    from .edition import read_manifest

    problems: list[Problem] = []
    if not project.issues_dir.is_dir():
        return problems
    walked = walk(project.issues_dir, [project.root])
    for path in sorted({*walked.files, *walked.outside, *walked.broken}):
        if path.suffix.lower() != ".toml":
            continue
        if path in walked.broken:
            problems.append(Problem(_(LEADS_NOWHERE),
                                    path=path, hint=_("remove the link, or copy the manifest into issues/")))  # fmt: skip
            continue
        try:
            read_manifest(path, project.root)
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems


def _layout_link_problems(project: Project) -> list[Problem]:
    """The project's layout files that are links leading out of it, or nowhere: a build refuses
    them when it reads them; `check` says so first."""
    if not project.layouts_dir.exists():
        return []
    if not is_inside(project.layouts_dir, [project.root]):
        return [Problem(_("is a link to a folder outside the project; its layouts are not read"), path=project.layouts_dir,
                        hint=_("copy the layouts into the project and remove the link"))]  # fmt: skip
    walked = walk(project.layouts_dir, [project.root])
    return [
        Problem(_(LEADS_OUT), path=path,
                hint=_("copy the file into layouts/ and remove the link"))  # fmt: skip
        for path in walked.outside
    ] + [
        Problem(_(LEADS_NOWHERE), path=path,
                hint=_("remove the link, or point it at a file of the layout"))  # fmt: skip
        for path in walked.broken
    ]


def check_project(project: Project, fix: bool = False) -> Report:
    """Read and check every article; with `fix`, rewrite files whose text can be repaired."""
    tone_style = project.config.text.tone_style
    fixed: list[Path] = []
    repairs: dict[Path, tuple[str, ...]] = {}
    problems: list[Problem] = []
    files = article_files(project.articles_dir, project.root)
    for path in files:
        try:
            source = read_bytes(path)
        except ArticleError:
            continue  # load_articles below reports it
        if fix:
            new, section_said = _section_repaired(repaired(source, tone_style), project.config)
            if new != source:
                # Through a link to the file it names (inside the project, or it would not be
                # here): writing the link itself would turn it into a copy.
                write_atomic(path.resolve(), new.encode("utf-8"))
                fixed.append(path)
                repairs[path] = (*_repairs_said(source, tone_style), *([section_said] if section_said else []))
                source = new
        problems += text_findings(source, path, tone_style)
    loaded = load_articles(project.articles_dir, project.config.tz, project.root)
    problems = list(loaded.problems) + problems + font_problems(project.fonts_dir)
    problems += section_problems(loaded.articles, project.config)
    problems += _manifest_problems(project)
    problems += _layout_link_problems(project)
    for article in loaded.articles:
        problems += picture_problems(article, images.policy(project))
        if article.review:
            problems.append(Problem(
                _("imported with doubts: {doubts}").format(doubts="; ".join(article.review)), path=article.path,
                line=field_line(article.path, "review"), field="review", severity="warning",
                hint=_("compare it with the original page, correct it, then remove the 'review' field"),
            ))  # fmt: skip
    if project.articles_dir.is_dir():
        for path in walk(project.articles_dir, [project.root]).files:
            if (
                path.suffix.lower() not in {*READERS, *images.SUFFIXES}
                and path.name not in IGNORED_NAMES
            ):
                problems.append(
                    Problem(
                        _("is not an article and will be ignored"), path=path, severity="warning",
                        hint=_("turn raw material into an article with 'pressbook import FILE'"),
                    )  # fmt: skip
                )
    problems.sort(key=lambda p: (str(p.path), p.line or 0, p.severity))
    return Report(loaded.articles, tuple(problems), tuple(fixed), len(files), repairs)
