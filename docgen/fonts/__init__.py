"""Which font file serves each face (仿宋, 小标宋, 黑体, 楷体, 宋体, Latin) on this machine.

Order, per face: a file pinned in the settings (``docgen.configure(font_files=…)``, the command line's
``DOCGEN_FONT_<FACE>``) or in the style profile (``file:``), as ``path`` or
``path#index`` for a collection); then the official fonts wherever the machine has them (by family name through
fontconfig, or by file name in the Windows/macOS/Linux font folders); then the free substitutes; then the default
that installs with docgen (Noto Serif SC / Noto Sans SC from the ``pylopdf-fonts-zh-cn`` package, and the Times
that ships with reportlab).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.errors import SourceRef, StyleError
from docgen.fonts.search import find_family, find_file
from docgen.inputs import regular_file
from docgen.settings import Settings, current, settings_from
from docgen.style import FontFace, StyleProfile

#: How each status reads in ``docgen fonts`` and in warnings.
STATUS = {"configured": "指定", "official": "正式", "substitute": "替代", "default": "默认"}


@dataclass(frozen=True)
class ResolvedFace:
    key: str  # the profile's face key: fangsong, heiti …
    requested: str  # the official family the profile asks for first
    family: str  # the family that serves it
    path: Path
    index: int  # subfont in a .ttc/.otc collection
    status: str  # configured | official | substitute | default


def default_font(kind: str) -> tuple[str, Path]:
    """The faces that ``pip install docgen`` provides."""
    if kind == "times":
        import reportlab

        return "Times New Roman PS (reportlab)", Path(reportlab.__file__).parent / "fonts" / "_er_____.pfb"
    import pylopdf_fonts_zh_cn

    if kind == "sans":
        return "Noto Sans SC", Path(pylopdf_fonts_zh_cn.sans_path())
    return "Noto Serif SC", Path(pylopdf_fonts_zh_cn.serif_path())


def fallback_fonts() -> list[Path]:
    """Fonts for characters the Chinese faces lack, tried in this order (each converted or registered only when a
    document needs it): Noto Serif JP (Ext-B hanzi such as 𠮷 𡈽), then Noto Emoji, Noto Sans Symbols, Noto Sans
    and Noto Sans for other scripts (from the manimgx-fonts package)."""
    return list(_fallback_fonts())


@lru_cache(maxsize=1)
def _fallback_fonts() -> tuple[Path, ...]:
    """The list, looked up once a process: the packages' folders do not change under a running build."""
    paths: list[Path] = []
    try:
        import pylopdf_fonts_jp

        paths.append(Path(pylopdf_fonts_jp.__file__).parent / "NotoSerifJP-Regular.otf")
    except ImportError:  # pragma: no cover - a dependency; without it those characters stay unrenderable
        pass
    try:
        import manimgx_fonts

        folder = Path(manimgx_fonts.__file__).parent
        paths += [folder / "NotoEmoji[wght].ttf", folder / "NotoSansSymbols[wght].ttf", folder / "NotoSans[wght].ttf"]
        named = {path.name for path in paths}
        paths += sorted(
            p for p in folder.glob("NotoSans*[[]wght[]].ttf") if p.name not in named and "Italic" not in p.name
        )
    except ImportError:  # pragma: no cover
        pass
    return tuple(path for path in paths if path.is_file())


def _pinned(face: FontFace, style: StyleProfile, settings: Settings) -> ResolvedFace | None:
    configured = settings.font_files.get(face.key)
    spec = configured or face.file
    if not spec:
        return None
    text, _, index = spec.partition("#")
    path = Path(text).expanduser()
    if not path.is_absolute() and style.source and not configured:
        path = Path(style.source).parent / path
    origin = settings.font_origin.format(face=face.key, FACE=face.key.upper().replace("-", "_"))
    where = origin if configured else f"样式 fonts.{face.key}.file"
    # A setting has no file and line; a profile's setting is reported in the profile.
    ref = SourceRef(origin) if configured else SourceRef(style.source, key_path=f"fonts.{face.key}.file")
    if not path.is_file():
        raise StyleError(
            f"{where} 指定的字体文件不存在：{path}",
            ref,
            hint="改成存在的字体文件路径（.ttf/.otf/.ttc），或删掉这个设置",
        )
    if index and not (index.isdigit() and int(index) < 256):
        raise StyleError(f"{where} 的字体序号“#{index}”无效", ref, hint="#后写字体集合里的序号，如 simsun.ttc#0")
    regular_file(path, "字体文件", StyleError)
    return ResolvedFace(face.key, face.name, path.stem, path, int(index or 0), "configured")


def resolve_face(face: FontFace, style: StyleProfile, env: Mapping[str, str] | None = None) -> ResolvedFace:
    """The file serving a face: pinned (settings, then the profile), official, substitute or default. ``env``: an
    environment to read the pins from as the command line does (tests); default: the configured settings."""
    settings = current() if env is None else Settings(**settings_from(env))
    if pinned := _pinned(face, style, settings):
        return pinned
    if found := find_family(face.names):
        return ResolvedFace(face.key, face.name, found.families[0], found.path, found.index, "official")
    if path := find_file(face.files):
        return ResolvedFace(face.key, face.name, path.stem, path, 0, "official")
    if found := find_family(face.substitutes):
        family = next((f for f in found.families if f in face.substitutes), found.families[0])
        return ResolvedFace(face.key, face.name, family, found.path, found.index, "substitute")
    family, path = default_font(face.default)
    return ResolvedFace(face.key, face.name, family, path, 0, "default")


def resolve_fonts(style: StyleProfile, env: Mapping[str, str] | None = None) -> dict[str, ResolvedFace]:
    """Every face of the profile, resolved on this machine."""
    return {key: resolve_face(face, style, env) for key, face in style.fonts.items()}


def substitution_notice(faces: Mapping[str, ResolvedFace]) -> str | None:
    """One line naming the faces that are not the official ones, or None when all are."""
    stand_ins = [
        f"{face.requested}→{face.family}" for face in faces.values() if face.status in ("substitute", "default")
    ]
    if not stand_ins:
        return None
    return "未找到正式字体，PDF 使用替代字体：" + "，".join(stand_ins) + "（docgen fonts 查看详情）"
