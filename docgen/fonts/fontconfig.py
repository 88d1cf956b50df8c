"""A fontconfig file that makes LibreOffice draw docgen's DOCX with the font files docgen's PDF embeds.

The DOCX names the official faces (仿宋_GB2312, 黑体 …, Times New Roman, SimSun-ExtB, Segoe UI Emoji); a Linux
machine rarely has them, and LibreOffice then takes whatever CJK font fontconfig falls back to. Pointed to by
``FONTCONFIG_FILE`` (an absolute path: fontconfig looks a relative one up in its own folder) when running
``soffice --headless --convert-to pdf``, the file:

- adds a ``<cachedir>`` in docgen's cache, first, so that fontconfig (and ``fc-cache``) can cache the folders below
  without root, and a ``<dir>`` for each font file docgen uses that fontconfig does not know yet (the default faces
  and the fallback fonts live in site-packages);
- hides the fonts LibreOffice would take instead of docgen's: another file of the same family and style, and any
  font that really has an official name when docgen uses another file for that face (a pinned file): LibreOffice
  takes a family it has by name without asking fontconfig, so only hiding it redirects it;
- rewrites every official name of every face to the family of the file docgen resolved, followed by the fonts
  docgen's PDF falls back to for a character that file lacks, in the PDF's order (default serif, default sans,
  ``fallback_fonts()``), so that LibreOffice's glyph fallback lands on the PDF's font too; SimSun-ExtB and
  Segoe UI Emoji go to the first fallback font that has an Ext-B hanzi or an emoji;
- includes the system configuration last, so every other font still resolves as usual.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from docgen.cache import cache_root
from docgen.fonts import ResolvedFace, default_font, fallback_fonts
from docgen.fonts.search import find_family, fontconfig_fonts
from docgen.style import StyleProfile

__all__ = ["FALLBACK", "SYSTEM_CONFIG", "TIMES_COMPATIBLE", "fontconfig_file"]

#: The system configuration the file includes.
SYSTEM_CONFIG = "/etc/fonts/fonts.conf"

#: Free faces metric-compatible with Times New Roman, for when docgen's Latin face is reportlab's Type 1 Times:
#: LibreOffice cannot draw Type 1 fonts (dropped in 5.3).
TIMES_COMPATIBLE = ("Liberation Serif", "Tinos")

#: A family no font has, standing for docgen's fallback chain while the rules run: one list, not one per name.
FALLBACK = "docgen-fallback-chain"

#: A character of each kind the DOCX gives a font of its own (``RARE_FONTS`` of the DOCX writer): 𠮷, 😀.
_RARE_PROBES = {"extb": "\U00020bb7", "emoji": "\U0001f600"}


@dataclass(frozen=True)
class _FontFile:
    path: Path
    index: int
    families: tuple[str, ...]  # as fontconfig lists them; the first is the one the rules name
    style: str | None  # fontconfig's style; None when fc-query is not there to say it

    @property
    def family(self) -> str:
        return self.families[0]

    @property
    def usable(self) -> bool:
        """LibreOffice draws TrueType and OpenType only."""
        return self.path.suffix.lower() not in (".pfb", ".pfa")


def fontconfig_file(style: StyleProfile, faces: Mapping[str, ResolvedFace]) -> str:
    """The text of a fontconfig configuration under which LibreOffice renders docgen's DOCX with the font files of
    docgen's PDF: every name in ``style.fonts[key].names`` → the file of ``faces[key]``."""
    chain = [_font_file(path, 0) for path in _fallback_paths()]
    notes: list[str] = []
    rules: list[str] = []
    own_files: list[_FontFile] = []
    hidden: list[str] = []  # official names whose fonts LibreOffice must not find by name
    for key, face in style.fonts.items():
        resolved = faces[key]
        own = _font_file(resolved.path, resolved.index)
        notes.append(f"{key}: {own.family}, {resolved.path}#{resolved.index} ({resolved.status})")
        if not own.usable:
            found = find_family(TIMES_COMPATIBLE)
            if found is None:
                notes.append(
                    f"{key}: {own.family} is a Type 1 font, which LibreOffice cannot draw, and no metric-compatible "
                    f"face ({' or '.join(TIMES_COMPATIBLE)}) is installed: LibreOffice keeps the system's choice, "
                    "and its Latin widths will differ from the PDF's (install fonts-liberation)"
                )
                continue
            own = _font_file(found.path, found.index)
            notes.append(f"{key}: LibreOffice cannot draw Type 1; {own.family} ({own.path}) stands in")
        own_files.append(own)
        hidden += [name for name in face.names if name not in own.families]
        rules += [_rule(name, [own.family, FALLBACK]) for name in face.names]
    for kind, name in _rare_names().items():
        first = next((font for font in chain if ord(_RARE_PROBES[kind]) in _codepoints(font.path, font.index)), None)
        if first is not None:
            rules.append(_rule(name, [first.family, FALLBACK]))
            hidden.append(name)
    # Last of docgen's rules: the names above put FALLBACK after their family; it becomes the chain in its place.
    rules.append(_rule(FALLBACK, [font.family for font in chain], mode="assign"))
    return _document(notes, _folders([*own_files, *chain]), _selection(own_files, hidden), rules)


def _document(notes: list[str], folders: list[Path], selection: list[str], rules: list[str]) -> str:
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        _comment(
            "Written by docgen: LibreOffice draws docgen's DOCX with the font files of docgen's PDF when the "
            "environment variable FONTCONFIG_FILE names this file (by its absolute path)."
        ),
        "<fontconfig>",
        *(f"  {_comment(note)}" for note in notes),
        # First of the cache folders, so that fontconfig writes the caches of the folders below here, not into a
        # system folder only root may write.
        f"  <cachedir>{escape(str(cache_root() / 'fontconfig'))}</cachedir>",
        *(f"  <dir>{escape(str(folder))}</dir>" for folder in folders),
        *selection,
        # The rules come before the system include: they then see only the family LibreOffice asked for, bound
        # strongly, and their families come before anything the system prepends (Times New Roman → Liberation
        # Serif). After the include, a strong edit could also hit a weak family the system appended to a generic
        # request (serif for zh-cn lists Times New Roman, SimSun) and make it beat the language: serif:lang=zh-cn
        # then answered Liberation Serif.
        *rules,
        f'  <include ignore_missing="yes">{escape(SYSTEM_CONFIG)}</include>',
        "</fontconfig>",
        "",
    ]
    return "\n".join(lines)


def _rule(name: str, families: Iterable[str], mode: str = "prepend") -> str:
    """``name`` → these families, first one first, bound strongly.

    LibreOffice asks with the DOCX's name bound strongly and a language (zh-cn for Chinese text). Fontconfig ranks
    a strongly bound family above the language and a weakly bound one below it, so the families must be strong:
    with a weak edit (what a plain ``<alias>`` gives) the system's emoji rules, reacting to Noto Emoji in the chain,
    turn the language into und-zsye and Noto Emoji wins every face. ``<alias binding="same">`` copies the strong
    binding of LibreOffice's name and, here before the system include, works the same; the ``<match>`` says it."""
    strings = "".join(f"<string>{escape(family)}</string>" for family in dict.fromkeys(families))
    return (
        f'  <match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
        f'<edit name="family" mode="{mode}" binding="strong">{strings}</edit></match>'
    )


def _selection(own_files: list[_FontFile], hidden: list[str]) -> list[str]:
    """docgen's own files stay visible; other files of their family and style, and fonts by the official names that
    docgen does not use, are hidden. The files are accepted by a pattern on their path: an accepting ``<glob>`` does
    not overrule a rejecting ``<pattern>`` (fontconfig 2.14: the file disappeared with the rest of its family)."""
    accept = [_pattern(("file", str(font.path))) for font in dict.fromkeys(own_files)]
    reject = [
        *(_pattern(("family", font.family), ("style", font.style)) for font in own_files if font.style is not None),
        *(_pattern(("family", name)) for name in hidden),
    ]
    if not reject:
        return []
    return [
        "  <selectfont>",
        "    <acceptfont>",
        *(f"      {pattern}" for pattern in dict.fromkeys(accept)),
        "    </acceptfont>",
        "    <rejectfont>",
        *(f"      {pattern}" for pattern in dict.fromkeys(reject)),
        "    </rejectfont>",
        "  </selectfont>",
    ]


def _pattern(*elements: tuple[str, str | None]) -> str:
    patelts = (f'<patelt name="{key}"><string>{escape(value or "")}</string></patelt>' for key, value in elements)
    return f"<pattern>{''.join(patelts)}</pattern>"


def _folders(fonts: Iterable[_FontFile]) -> list[Path]:
    """Folders of the files fontconfig does not know yet. A ``<dir>`` is scanned with its subfolders: a file pinned
    in a big folder brings the whole folder in."""
    known = {font.path for font in fontconfig_fonts()}
    return sorted({font.path.parent for font in fonts if font.usable and font.path not in known})


def _fallback_paths() -> list[Path]:
    """The fonts docgen's PDF takes a character from when the face lacks it, in its order (``FontBook.prepare``)."""
    paths = [default_font("serif")[1], default_font("sans")[1], *fallback_fonts()]
    return [path for path in dict.fromkeys(paths) if path.is_file()]


def _rare_names() -> dict[str, str]:
    """The names the DOCX gives Ext-B hanzi and emoji. Imported here, not at the top: the DOCX writer pulls in
    python-docx, which nothing else in docgen.fonts needs."""
    from docgen.writers.docx import RARE_FONTS

    return dict(RARE_FONTS)


@lru_cache(maxsize=32)
def _codepoints(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


@lru_cache(maxsize=64)
def _font_file(path: Path, index: int) -> _FontFile:
    """The families fontconfig indexes the file under (a pinned file's ``ResolvedFace.family`` is only its stem;
    reportlab's Times is "Times New Roman PS")."""
    fc_query = shutil.which("fc-query")
    if fc_query is not None:
        try:
            out = subprocess.run(
                [fc_query, "-i", str(index), "-f", "%{family}\t%{style[0]}\n", str(path)],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        families, _, style = out.partition("\n")[0].partition("\t")
        # fc-query separates the names with commas and escapes a comma inside a name with a backslash.
        names = tuple(name.replace("\\,", ",") for name in re.split(r"(?<!\\),", families) if name)
        if names:
            return _FontFile(path, index, names, style or None)
    return _FontFile(path, index, (_family_from_name_table(path, index),), None)


def _family_from_name_table(path: Path, index: int) -> str:
    """Without fc-query: the typographic family (name ID 16) or the family (ID 1), both of which fontconfig lists."""
    if path.suffix.lower() in (".pfb", ".pfa"):
        return path.stem
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return font["name"].getBestFamilyName() or path.stem


def _comment(text: str) -> str:
    """An XML comment may not contain "--" (a path or a family name could)."""
    while "--" in text:
        text = text.replace("--", "- -")
    return f"<!-- {text} -->"
