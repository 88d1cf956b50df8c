"""Style profiles: the YAML file that holds every layout number, resolved into a frozen ``StyleProfile``.

A profile may ``extends:`` another (by name or path); its keys override the parent's one by one. Every key is
checked: an unknown key, an impossible size or colour gives a ``StyleError`` with the profile's file and line.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import SourceRef, SpecError, StyleError
from docgen.inputs import read_bounded
from docgen.spec.yamlsource import KeyPath, YamlDocument, decode_utf8, format_path, load_yaml
from docgen.units import parse_font_size, parse_length

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
#: A profile is a page of settings; a megabyte is far more than any needs.
MAX_PROFILE_BYTES = 1024 * 1024
ALIGNMENTS = ("left", "center", "right", "justify")
ROLE_KEYS = (
    "font",
    "size",
    "align",
    "color",
    "first_indent",
    "indent_left",
    "indent_right",
    "space_before",
    "space_after",
    "lines",
)
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")
FONT_KEYS = ("names", "file", "files", "substitutes", "default", "embolden")
DEFAULT_FACES = ("serif", "sans", "times")


@dataclass(frozen=True)
class FontFace:
    """A face by job (fangsong, heiti …). ``names`` are the official family names (the first goes into the DOCX),
    ``files`` their usual file names; ``substitutes`` free families used when the official face is missing;
    ``default`` the face docgen installs with (serif, sans or times); ``file`` pins a font file for the PDF;
    ``embolden`` thickens a stand-in (in em) where the official face is bold by design (小标宋)."""

    key: str
    names: tuple[str, ...]
    file: str | None = None
    files: tuple[str, ...] = ()
    substitutes: tuple[str, ...] = ()
    default: str = "serif"
    embolden: float = 0.0

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class RoleStyle:
    font: str
    size: float
    align: str = "justify"
    color: str = "000000"
    first_indent: float = 0
    indent_left: float = 0
    indent_right: float = 0
    space_before: int = 0
    space_after: int = 0
    lines: int = 1


@dataclass(frozen=True)
class Rule:
    width: float
    color: str


@dataclass(frozen=True)
class StyleProfile:
    name: str
    page_width: float
    page_height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    lines_per_page: int
    chars_per_line: int
    fonts: dict[str, FontFace]
    roles: dict[str, RoleStyle]
    rules: dict[str, Rule]
    page_number_format: str
    page_number_distance: float
    page_number_indent: float
    source: str | None = None

    @property
    def type_width(self) -> float:
        return self.page_width - self.margin_left - self.margin_right

    @property
    def type_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def line_pitch(self) -> float:
        """Grid line pitch in points: 225 mm / 22 = 28.99 pt."""
        return self.type_height / self.lines_per_page

    @property
    def char_pitch(self) -> float:
        """Grid cell width in points: 156 mm / 28 = 15.79 pt."""
        return self.type_width / self.chars_per_line

    @property
    def latin(self) -> FontFace:
        return self.fonts["latin"]

    def role(self, name: str) -> RoleStyle:
        return self.roles[name]

    def face(self, role: str) -> FontFace:
        return self.fonts[self.roles[role].font]


# Which keys each section allows, with a parser that returns the resolved value or raises ValueError.
def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 200:
        raise ValueError(f"“{value}”应是 1 到 200 之间的整数")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 22:
        raise ValueError(f"“{value}”应是 0 到 22 之间的整数（行数）")
    return value


def _chars(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 28:
        raise ValueError(f"“{value}”应是 0 到 28 之间的数（字数）")
    return float(value)


def _positive_length(value: Any) -> float:
    length = parse_length(value)
    if not 0 < length < 2000:
        raise ValueError(f"“{value}”超出合理范围")
    return length


def _margin(value: Any) -> float:
    length = parse_length(value)
    if not 0 <= length < 1000:
        raise ValueError(f"“{value}”超出合理范围")
    return length


def _font_size(value: Any) -> float:
    size = parse_font_size(value)
    if not 4 <= size <= 200:
        raise ValueError(f"字号“{value}”超出合理范围（4pt 到 200pt）")
    return size


def _embolden(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 0.1:
        raise ValueError(f"“{value}”应是 0 到 0.1 之间的数（笔画加粗，单位为字宽）")
    return float(value)


def _number_format(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise ValueError("页码格式应是一小段文字，如 “— {n} —”")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000 for ch in value):
        raise ValueError("页码格式里有控制字符")
    if "{n}" not in value:
        raise ValueError("页码格式里要有 {n}，例如 “— {n} —”")
    return value


def _align(value: Any) -> str:
    if value not in ALIGNMENTS:
        raise ValueError(f"“{value}”不是对齐方式，可用：{'、'.join(ALIGNMENTS)}")
    return value


def _hex_color(value: Any) -> str:
    match = _HEX.match(str(value))
    if not match:
        raise ValueError(f"“{value}”不是颜色，应写成 #FF0000 这样的六位十六进制")
    return match.group(1).upper()


class _Reader:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc

    def error(self, path: KeyPath, message: str, hint: str | None = None, at_key: bool = False) -> StyleError:
        ref = self.doc.ref(path, at_key=at_key)
        return StyleError(message, ref, hint)

    def mapping(self, path: KeyPath, value: Any, allowed: tuple[str, ...] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"“{format_path(path) or '样式文件'}”应写成“键: 值”的形式")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    hint = f"是不是要写“{close[0]}”？" if close else f"可用的键：{'、'.join(allowed)}"
                    raise self.error((*path, key), f"样式中没有“{key}”这个键", hint, at_key=True)
        return value

    def value(self, path: KeyPath, raw: Any, parse: Any) -> Any:
        try:
            return parse(raw)
        except ValueError as exc:
            raise self.error(path, str(exc)) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _profile_path(name: str | os.PathLike[str], base_dir: Path | None) -> Path:
    text = str(name)
    if text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        path = Path(text)
        return path if path.is_absolute() or base_dir is None else base_dir / path
    return PROFILES_DIR / f"{text}.yaml"


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(root)) for root in roots)


def _load_layers(
    name: str | os.PathLike[str], base_dir: Path | None, seen: tuple[Path, ...], roots: Sequence[Path] | None
) -> list[YamlDocument]:
    if not isinstance(name, (str, os.PathLike)):
        raise StyleError(
            f"extends 应是样式名或样式文件路径，这里却是 {type(name).__name__}",
            SourceRef(str(seen[-1]) if seen else None),
        )
    path = _profile_path(name, base_dir)
    if roots is not None and path.parent != PROFILES_DIR and not _inside(path, roots):
        from docgen.untrusted import UntrustedInputError

        raise UntrustedInputError(
            f"样式引用了允许范围以外的文件：{name}",
            SourceRef(str(seen[-1]) if seen else None),
            hint="不受信任的规格只能引用服务指定目录里的样式",
        )
    if path in seen:
        raise StyleError(f"样式继承成环：{' → '.join(p.name for p in (*seen, path))}", SourceRef(str(path)))
    if not os.path.lexists(path):
        known = "、".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
        raise StyleError(f"找不到样式“{name}”", SourceRef(str(path)), hint=f"自带的样式：{known}；或写样式文件的路径")
    try:
        text = decode_utf8(read_bounded(path, MAX_PROFILE_BYTES, "样式文件", StyleError), str(path))
        doc = load_yaml(text, str(path), packaged=path.parent == PROFILES_DIR)
    except SpecError as exc:
        raise StyleError(exc.message, exc.source, exc.hint) from None
    if not isinstance(doc.data, dict):
        raise StyleError("样式文件应写成“键: 值”的形式", SourceRef(str(path), 1, 1))
    parent = doc.data.get("extends")
    layers = [doc]
    if parent:
        layers = _load_layers(parent, path.parent, (*seen, path), roots) + layers
    return layers


def load_profile(
    name: str | os.PathLike[str] = "gbt9704",
    base_dir: Path | None = None,
    overrides: dict[str, Any] | YamlDocument | None = None,
    *,
    roots: Sequence[Path] | None = None,
) -> StyleProfile:
    """Load a profile by name (``gbt9704``) or path, following ``extends:``, then apply ``overrides`` (a dict
    shaped like a profile, or the ``style:`` mapping of a spec with its positions, for errors that point into it).
    ``roots``: every profile file (but docgen's own) must lie inside one of these folders (untrusted specs)."""
    layers = _load_layers(name, base_dir, (), roots)
    if overrides:
        if not isinstance(overrides, YamlDocument):
            overrides = YamlDocument(data=overrides, file="<overrides>", text="")
        layers.append(overrides)
    merged: dict[str, Any] = {}
    for layer in layers:
        _check(_Reader(layer), layer.data)
        merged = _merge(merged, layer.data)
    # Positions for errors in the merged result point at the last layer that set a key (good enough: layers are
    # checked one by one above, so a bad value is reported in its own file).
    return _resolve(_Reader(layers[-1]), merged, str(_profile_path(name, base_dir)))


_SECTIONS = {
    "profile": None,
    "extends": None,
    "page": ("width", "height", "margin_top", "margin_bottom", "margin_left", "margin_right"),
    "grid": ("lines_per_page", "chars_per_line"),
    "fonts": None,
    "colors": None,
    "roles": None,
    "rules": None,
    "page_number": ("format", "distance", "indent"),
}


def _check(r: _Reader, data: dict[str, Any]) -> None:
    """Check one layer's keys and values on their own, so errors point into the file that holds them."""
    r.mapping((), data, tuple(_SECTIONS))
    for section in ("page", "grid", "fonts", "colors", "roles", "rules", "page_number"):
        if section in data:
            r.mapping((section,), data[section], None)
    parsers = {
        "page": dict.fromkeys(_SECTIONS["page"], _margin) | {"width": _positive_length, "height": _positive_length},
        "grid": dict.fromkeys(_SECTIONS["grid"], _positive_int),
        "page_number": {"format": _number_format, "distance": _margin, "indent": _chars},
    }
    for section, fields in parsers.items():
        if section in data:
            for key, raw in r.mapping((section,), data[section], tuple(fields)).items():
                r.value((section, key), raw, fields[key])
    for key, raw in r.mapping(("colors",), data.get("colors", {}), None).items():
        r.value(("colors", key), raw, _hex_color)
    for key, raw in r.mapping(("fonts",), data.get("fonts", {}), None).items():
        face = r.mapping(("fonts", key), raw, FONT_KEYS)
        for list_key in ("names", "files", "substitutes"):
            names = face.get(list_key)
            if names is not None and (
                not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names)
            ):
                raise r.error(("fonts", key, list_key), f"{list_key} 应是名称列表，如 [仿宋_GB2312, 仿宋]")
        if "default" in face and face["default"] not in DEFAULT_FACES:
            raise r.error(("fonts", key, "default"), f"default 只能是 {'、'.join(DEFAULT_FACES)}")
        if "embolden" in face:
            r.value(("fonts", key, "embolden"), face["embolden"], _embolden)
        if face.get("file") is not None and not isinstance(face["file"], str):
            raise r.error(("fonts", key, "file"), "file 应是字体文件的路径")
    for key, raw in r.mapping(("roles",), data.get("roles", {}), None).items():
        r.mapping(("roles", key), raw, ROLE_KEYS)
    for key, raw in r.mapping(("rules",), data.get("rules", {}), None).items():
        rule = r.mapping(("rules", key), raw, ("width", "color"))
        if "width" in rule:
            r.value(("rules", key, "width"), rule["width"], _positive_length)


def _resolve(r: _Reader, data: dict[str, Any], source: str) -> StyleProfile:
    colors = {k: _hex_color(v) for k, v in data.get("colors", {}).items()}

    def color(path: KeyPath, value: Any) -> str:
        if isinstance(value, str) and value in colors:
            return colors[value]
        return r.value(path, value, _hex_color)

    fonts = {
        key: FontFace(
            key,
            tuple(face.get("names") or (key,)),
            face.get("file"),
            tuple(face.get("files") or ()),
            tuple(face.get("substitutes") or ()),
            face.get("default", "serif"),
            _embolden(face.get("embolden", 0)),
        )
        for key, face in data.get("fonts", {}).items()
    }
    if "latin" not in fonts:
        raise r.error(("fonts",), "样式缺少 fonts.latin（数字和西文用的字体）")
    parsers = {
        "size": _font_size,
        "align": _align,
        "first_indent": _chars,
        "indent_left": _chars,
        "indent_right": _chars,
        "space_before": _count,
        "space_after": _count,
        "lines": _positive_int,
    }
    roles: dict[str, RoleStyle] = {}
    for key, raw in data.get("roles", {}).items():
        fields: dict[str, Any] = {}
        for name, value in raw.items():
            path = ("roles", key, name)
            if name == "font":
                if not isinstance(value, str) or value not in fonts:
                    raise r.error(path, f"字体“{value}”没有在 fonts 里定义", hint=f"可用：{'、'.join(fonts)}")
                fields[name] = value
            elif name == "color":
                fields[name] = color(path, value)
            else:
                fields[name] = r.value(path, value, parsers[name])
        for needed in ("font", "size"):
            if needed not in fields:
                raise r.error(("roles", key), f"角色“{key}”缺少 {needed}")
        roles[key] = RoleStyle(**fields)
    missing = sorted(set(REQUIRED_ROLES) - set(roles))
    if missing:
        raise r.error(("roles",), f"样式缺少这些角色：{'、'.join(missing)}")
    rules = {
        key: Rule(
            r.value(("rules", key, "width"), raw.get("width"), _positive_length),
            color(("rules", key, "color"), raw.get("color", "black")),
        )
        for key, raw in data.get("rules", {}).items()
    }
    page, grid, number = data.get("page", {}), data.get("grid", {}), data.get("page_number", {})
    try:
        profile = StyleProfile(
            name=str(data.get("profile", "unnamed")),
            page_width=_positive_length(page["width"]),
            page_height=_positive_length(page["height"]),
            margin_top=_margin(page["margin_top"]),
            margin_bottom=_margin(page["margin_bottom"]),
            margin_left=_margin(page["margin_left"]),
            margin_right=_margin(page["margin_right"]),
            lines_per_page=_positive_int(grid["lines_per_page"]),
            chars_per_line=_positive_int(grid["chars_per_line"]),
            fonts=fonts,
            roles=roles,
            rules=rules,
            page_number_format=_number_format(number.get("format", "— {n} —")),
            page_number_distance=_margin(number.get("distance", "7mm")),
            page_number_indent=_chars(number.get("indent", 1)),
            source=source,
        )
    except KeyError as exc:
        raise r.error((), f"样式缺少 {exc.args[0]}") from None
    _check_geometry(r, profile)
    for key in ("masthead", "distribution-thick", "distribution-thin"):
        if key not in rules:
            raise r.error(("rules",), f"样式缺少 rules.{key}")
    return profile


#: How much a character may be squeezed to hold the grid: Word's letter spacing keeps 28 3号 characters on a 156 mm
#: line by −0.25 pt (1.6 %); squeezing more than this makes characters touch.
MAX_SQUEEZE = 0.03
#: The least line pitch, in body sizes, at which lines of body text do not touch.
MIN_LEADING = 1.2


def _check_geometry(r: _Reader, profile: StyleProfile) -> None:
    """Refuse a page that cannot hold its grid at its body size (the numbers in the message), rather than build
    overlapping or squeezed text."""
    from docgen.units import MM

    def mm(points: float) -> str:
        return f"{points / MM:.1f} mm"

    if profile.type_width <= 0 or profile.type_height <= 0:
        raise r.error(
            ("page",),
            f"页边距加起来超过了纸张大小（版心 {mm(profile.type_width)} × {mm(profile.type_height)}）",
            hint="GB/T 9704：A4 纸，上 37 mm、下 35 mm、左 28 mm、右 26 mm",
        )
    body = profile.role("body").size
    if profile.char_pitch < body * (1 - MAX_SQUEEZE):
        raise r.error(
            ("page",),
            f"版心宽 {mm(profile.type_width)} 放不下每行 {profile.chars_per_line} 个 {body:g} pt 的字"
            f"（每字只有 {profile.char_pitch:.2f} pt 宽，要挤掉 {body - profile.char_pitch:.2f} pt）",
            hint=f"减少 grid.chars_per_line（最多 {int(profile.type_width / (body * (1 - MAX_SQUEEZE)))}）、"
            "减小左右页边距或正文字号",
        )
    if profile.line_pitch < body * MIN_LEADING:
        raise r.error(
            ("page",),
            f"版心高 {mm(profile.type_height)} 放不下 {profile.lines_per_page} 行 {body:g} pt 的字"
            f"（行距只有 {profile.line_pitch:.2f} pt）",
            hint=f"减少 grid.lines_per_page（最多 {int(profile.type_height / (body * MIN_LEADING))}）、"
            "减小上下页边距或正文字号",
        )
    for name, role in profile.roles.items():
        if role.size > profile.line_pitch * role.lines:
            raise r.error(
                ("roles", name),
                f"角色“{name}”的字号 {role.size:g} pt 比它占的 {role.lines} 行"
                f"（{profile.line_pitch * role.lines:.1f} pt）还高，会和上下行重叠",
                hint="把 lines 改大，或减小字号",
            )
    number = profile.role("page-number").size
    if profile.page_number_distance + number > profile.margin_bottom:
        raise r.error(
            ("page_number", "distance"),
            f"页码在版心下 {mm(profile.page_number_distance)}，加上页码本身的高度超出了下页边距"
            f"（{mm(profile.margin_bottom)}）",
            hint="减小 page_number.distance，或加大 page.margin_bottom",
        )


REQUIRED_ROLES = (
    "body",
    "heading-1",
    "heading-2",
    "heading-3",
    "heading-4",
    "title",
    "masthead-name",
    "masthead-issue",
    "masthead-issuer",
    "attachment-note",
    "signature",
    "annex-label",
    "annex-title",
    "speech-title",
    "speech-unit",
    "distribution",
    "page-number",
)


def describe_profile(profile: StyleProfile) -> str:
    """The effective values of a profile, as YAML a clerk can read (lengths in mm, sizes in pt and 号)."""
    from docgen.units import HAO_SIZES, MM

    hao = {points: name for name, points in HAO_SIZES.items() if not name[0].isdigit()}

    def mm(points: float) -> str:
        return f"{points / MM:.2f}mm".replace(".00mm", "mm")

    def size(points: float) -> str:
        return f"{points:g}pt（{hao[points]}）" if points in hao else f"{points:g}pt"

    lines = [f"profile: {profile.name}", f"source: {profile.source}", "page:"]
    for key in ("page_width", "page_height", "margin_top", "margin_bottom", "margin_left", "margin_right"):
        lines.append(f"  {key.removeprefix('page_')}: {mm(getattr(profile, key))}")
    lines += [
        f"  type_area: {mm(profile.type_width)} × {mm(profile.type_height)}",
        "grid:",
        f"  lines_per_page: {profile.lines_per_page}",
        f"  chars_per_line: {profile.chars_per_line}",
        f"  line_pitch: {profile.line_pitch:.3f}pt",
        f"  char_pitch: {profile.char_pitch:.3f}pt",
        "fonts:",
    ]
    for key, face in profile.fonts.items():
        pinned = f", file: {face.file}" if face.file else ""
        lines.append(f"  {key}: {{names: [{', '.join(face.names)}], default: {face.default}{pinned}}}")
    lines.append("roles:")
    for key, role in profile.roles.items():
        fields = [f"font: {role.font}", f"size: {size(role.size)}", f"align: {role.align}"]
        for name in ("first_indent", "indent_left", "indent_right", "space_before", "space_after"):
            if getattr(role, name):
                fields.append(f"{name}: {getattr(role, name):g}")
        if role.lines != 1:
            fields.append(f"lines: {role.lines}")
        if role.color != "000000":
            fields.append(f"color: '#{role.color}'")
        lines.append(f"  {key}: {{{', '.join(fields)}}}")
    lines.append("rules:")
    for key, rule in profile.rules.items():
        lines.append(f"  {key}: {{width: {mm(rule.width)}, color: '#{rule.color}'}}")
    lines += [
        "page_number:",
        f'  format: "{profile.page_number_format}"',
        f"  distance: {mm(profile.page_number_distance)}",
        f"  indent: {profile.page_number_indent:g}",
    ]
    return "\n".join(lines)
