"""Style profiles: the YAML files that hold every layout number, resolved into a frozen ``StyleProfile``.

A profile may ``extends:`` another (by name or path); its keys override the parent's one by one; a role may name a
``base:`` role whose values it takes where it says nothing. Every key is checked against ``style/schema.py``: an
unknown key, an impossible size or colour gives a ``StyleError`` with the file and line that holds it. The resolved
profile remembers which file and line set each value (``StyleProfile.origins``; ``docgen styles explain``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from docgen.errors import SourceRef, SpecError, StyleError
from docgen.inputs import read_bounded
from docgen.spec.yamlsource import KeyPath, YamlDocument, decode_utf8, format_path, load_yaml
from docgen.style.schema import (
    LAYOUT_KEYS,
    METRIC_KEYS,
    PAGE_KEYS,
    PAGE_NUMBER_KEYS,
    ROLE_ATTRIBUTES,
    RULE_ATTRIBUTES,
    Attribute,
    hex_color,
)
from docgen.units import MM

__all__ = [
    "MAX_PROFILE_BYTES",
    "PROFILES_DIR",
    "REQUIRED_ROLES",
    "FontFace",
    "RoleStyle",
    "Rule",
    "StyleProfile",
    "load_profile",
]

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
#: A profile is a page of settings; a megabyte is far more than any needs.
MAX_PROFILE_BYTES = 1024 * 1024
FONT_KEYS = ("names", "file", "files", "substitutes", "default", "embolden")
DEFAULT_FACES = ("serif", "sans", "times")
#: Roles the built-in templates use; a profile must define them (its own kinds may add more).
REQUIRED_ROLES = (
    "body",
    "heading-1",
    "heading-2",
    "heading-3",
    "heading-4",
    "title",
    "page-number",
)
_SECTIONS = (
    "profile",
    "extends",
    "page",
    "grid",
    "fonts",
    "colors",
    "roles",
    "rules",
    "page_number",
    "layout",
    "metrics",
)


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
    """A role, resolved (its base's values filled in). See ``ROLE_ATTRIBUTES`` for each field's meaning."""

    name: str
    font: str
    size: float
    align: str = "justify"
    color: str = "000000"
    first_indent: float = 0.0
    indent_left: float = 0.0
    indent_right: float = 0.0
    space_before: int = 0
    space_after: int = 0
    #: grid rows a line takes, fixed (an exact line height); None: as many as the font's height needs
    lines: int | None = None
    keep_with_next: bool = False
    page_break_before: bool = False
    outline_level: int | None = None
    word_style: str | None = None
    char_style: str | None = None
    top: float | None = None
    top_from: str = "type-area"
    fit: str = "wrap"


@dataclass(frozen=True)
class Rule:
    """A rule's look and place (``RULE_ATTRIBUTES``): lengths in points."""

    width: float
    color: str
    below: float | None = None
    space_after: int = 0
    length: float | None = None
    #: a double line: the second stroke's width, under the first, ``gap`` apart (edge to edge)
    second_width: float | None = None
    gap: float = 0.0
    #: what a shorter or longer line is centred on: the type area or the page
    align: str = "type-area"
    #: placed on its page at this distance above the paper's bottom edge, wherever the text is
    from_bottom: float | None = None


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
    #: numbers of the layout's rules (``LAYOUT_KEYS``) and facts about fonts and renderers (``METRIC_KEYS``)
    layout: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    #: "roles.body.size" → where that value was set (file, line), for ``docgen styles explain``
    origins: dict[str, SourceRef] = field(default_factory=dict, compare=False, repr=False)
    #: what stages work out from this profile alone and keep with it (the DOCX styles part, the line breaker's
    #: measurements): a profile is immutable, and ``load_profile`` gives one object for the same files, so a
    #: service rendering document after document works them out once; never given, never copied
    derived: dict[object, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

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


# -- reading layers -----------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc

    def error(self, path: KeyPath, message: str, hint: str | None = None, at_key: bool = False) -> StyleError:
        return StyleError(message, self.doc.ref(path, at_key=at_key), hint)

    def mapping(self, path: KeyPath, value: Any, allowed: Sequence[str] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"“{format_path(path) or '样式文件'}”应写成“键: 值”的形式")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    import difflib  # only for a mistake

                    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
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
        doc = _parsed(str(path), text, path.parent == PROFILES_DIR)
    except SpecError as exc:
        raise StyleError(exc.message, exc.source, exc.hint) from None
    if not isinstance(doc.data, dict):
        raise StyleError("样式文件应写成“键: 值”的形式", SourceRef(str(path), 1, 1))
    parent = doc.data.get("extends")
    layers = [doc]
    if parent:
        layers = _load_layers(parent, path.parent, (*seen, path), roots) + layers
    return layers


@lru_cache(maxsize=32)
def _parsed(path: str, text: str, packaged: bool) -> YamlDocument:
    """A profile file's text parsed, once per text (read each time: a file edited between two builds of a service
    is read anew, whatever its time stamp says)."""
    return load_yaml(text, path, packaged=packaged)


def _check_section(r: _Reader, data: dict[str, Any], section: str, table: dict[str, Attribute]) -> None:
    if section in data:
        for key, raw in r.mapping((section,), data[section], tuple(table)).items():
            r.value((section, key), raw, table[key].parse)


def _check(r: _Reader, data: dict[str, Any]) -> None:
    """Check one layer's keys and values on their own, so errors point into the file that holds them."""
    r.mapping((), data, _SECTIONS)
    _check_section(r, data, "page", PAGE_KEYS)
    _check_section(r, data, "page_number", PAGE_NUMBER_KEYS)
    _check_section(r, data, "layout", LAYOUT_KEYS)
    _check_section(r, data, "metrics", METRIC_KEYS)
    if "grid" in data:
        for key, raw in r.mapping(("grid",), data["grid"], ("lines_per_page", "chars_per_line")).items():
            r.value(("grid", key), raw, _positive_int)
    for key, raw in r.mapping(("colors",), data.get("colors", {}), None).items():
        r.value(("colors", key), raw, hex_color)
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
        for name, value in r.mapping(("roles", key), raw, tuple(ROLE_ATTRIBUTES)).items():
            if name != "color":  # a colour may name an entry of colors:, checked once the profile is merged
                r.value(("roles", key, name), value, ROLE_ATTRIBUTES[name].parse)
    for key, raw in r.mapping(("rules",), data.get("rules", {}), None).items():
        for name, value in r.mapping(("rules", key), raw, tuple(RULE_ATTRIBUTES)).items():
            if name != "color":
                r.value(("rules", key, name), value, RULE_ATTRIBUTES[name].parse)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 200:
        raise ValueError(f"“{value}”应是 1 到 200 之间的整数")
    return value


def _positive_length(value: Any) -> float:
    from docgen.units import parse_length

    length = parse_length(value)
    if not 0 < length < 2000:
        raise ValueError(f"“{value}”超出合理范围")
    return length


def _embolden(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 0.1:
        raise ValueError(f"“{value}”应是 0 到 0.1 之间的数（笔画加粗，单位为字宽）")
    return float(value)


def _leaves(data: Any, path: KeyPath) -> list[KeyPath]:
    if isinstance(data, dict) and data:
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    return [path]


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
    key = (str(_profile_path(name, base_dir)), *((layer.file, layer.text) for layer in layers))
    if not overrides and key in _RESOLVED:  # the same files, word for word: the same (immutable) profile
        return _RESOLVED[key]
    if overrides:
        if not isinstance(overrides, YamlDocument):
            overrides = YamlDocument(data=overrides, file="<overrides>", text="")
        layers.append(overrides)
    merged: dict[str, Any] = {}
    origins: dict[str, SourceRef] = {}
    for layer in layers:
        _check(_Reader(layer), layer.data)
        merged = _merge(merged, layer.data)
        for leaf in _leaves(layer.data, ()):
            origins[format_path(leaf)] = layer.ref(leaf)
    profile = _resolve(_Reader(layers[-1]), merged, str(_profile_path(name, base_dir)), origins)
    if not overrides:
        if len(_RESOLVED) >= 16:
            _RESOLVED.pop(next(iter(_RESOLVED)))
        _RESOLVED[key] = profile
    return profile


#: profiles resolved from files alone (no overrides), by their files' names and texts: a service rendering
#: document after document with one profile resolves it once
_RESOLVED: dict[tuple[str, ...], StyleProfile] = {}


# -- resolving -----------------------------------------------------------------------------------------------------


def _section(r: _Reader, data: dict[str, Any], section: str, table: dict[str, Attribute]) -> dict[str, Any]:
    values = data.get(section, {})
    out = {}
    for key, attribute in table.items():
        if key in values:
            out[key] = r.value((section, key), values[key], attribute.parse)
        elif attribute.default is not None:
            out[key] = attribute.default
        else:
            raise r.error((section,), f"样式缺少 {section}.{key}（{attribute.description}）")
    return out


def _roles(
    r: _Reader, data: dict[str, Any], fonts: dict[str, FontFace], colors: dict[str, str], origins: dict[str, SourceRef]
) -> dict[str, RoleStyle]:
    raw_roles: dict[str, dict[str, Any]] = data.get("roles", {})

    def chain(name: str, seen: tuple[str, ...]) -> dict[str, Any]:
        """The role's own values over its base's (and the base's base …), with where each came from."""
        if name in seen:
            raise r.error(("roles", name, "base"), f"角色继承成环：{' → '.join((*seen, name))}")
        if name not in raw_roles:
            raise r.error(("roles", seen[-1], "base"), f"base 里的角色“{name}”不存在", f"可用：{'、'.join(raw_roles)}")
        own = raw_roles[name]
        if "base" not in own:
            return dict(own)
        inherited = chain(own["base"], (*seen, name))
        for key in inherited:
            if key not in own and f"roles.{own['base']}.{key}" in origins:
                origins.setdefault(f"roles.{name}.{key}", origins[f"roles.{own['base']}.{key}"])
        return {**inherited, **own}

    roles: dict[str, RoleStyle] = {}
    for key in raw_roles:
        values = chain(key, ())
        values.pop("base", None)
        fields: dict[str, Any] = {"name": key}
        for name, value in values.items():
            path = ("roles", key, name)
            attribute = ROLE_ATTRIBUTES[name]
            if name == "font":
                if not isinstance(value, str) or value not in fonts:
                    raise r.error(path, f"字体“{value}”没有在 fonts 里定义", hint=f"可用：{'、'.join(fonts)}")
                fields[name] = value
            elif name == "color":
                fields[name] = (
                    colors[value] if isinstance(value, str) and value in colors else r.value(path, value, hex_color)
                )
            else:
                fields[name] = r.value(path, value, attribute.parse)
        for needed in ("font", "size"):
            if needed not in fields:
                raise r.error(("roles", key), f"角色“{key}”缺少 {needed}（{ROLE_ATTRIBUTES[needed].description}）")
        roles[key] = RoleStyle(**fields)
    missing = sorted(set(REQUIRED_ROLES) - set(roles))
    if missing:
        raise r.error(("roles",), f"样式缺少这些角色：{'、'.join(missing)}")
    return roles


def _resolve(r: _Reader, data: dict[str, Any], source: str, origins: dict[str, SourceRef]) -> StyleProfile:
    colors = {k: hex_color(v) for k, v in data.get("colors", {}).items()}
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
    roles = _roles(r, data, fonts, colors, origins)

    def color(path: KeyPath, value: Any) -> str:
        if isinstance(value, str) and value in colors:
            return colors[value]
        return r.value(path, value, hex_color)

    rules = {
        key: Rule(
            r.value(("rules", key, "width"), raw.get("width"), _positive_length),
            color(("rules", key, "color"), raw.get("color", "black")),
            *(
                r.value(("rules", key, name), raw[name], RULE_ATTRIBUTES[name].parse)
                if name in raw
                else RULE_ATTRIBUTES[name].default
                for name in ("below", "space_after", "length", "second_width", "gap", "align", "from_bottom")
            ),
        )
        for key, raw in data.get("rules", {}).items()
    }
    page = _section(r, data, "page", PAGE_KEYS)
    number = _section(r, data, "page_number", PAGE_NUMBER_KEYS)
    grid = data.get("grid", {})
    for key in ("lines_per_page", "chars_per_line"):
        if key not in grid:
            raise r.error(("grid",), f"样式缺少 grid.{key}")
    profile = StyleProfile(
        name=str(data.get("profile", "unnamed")),
        page_width=page["width"],
        page_height=page["height"],
        margin_top=page["margin_top"],
        margin_bottom=page["margin_bottom"],
        margin_left=page["margin_left"],
        margin_right=page["margin_right"],
        lines_per_page=_positive_int(grid["lines_per_page"]),
        chars_per_line=_positive_int(grid["chars_per_line"]),
        fonts=fonts,
        roles=roles,
        rules=rules,
        page_number_format=number["format"],
        page_number_distance=number["distance"],
        page_number_indent=number["indent"],
        source=source,
        layout=_section(r, data, "layout", LAYOUT_KEYS),
        metrics=_section(r, data, "metrics", METRIC_KEYS),
        origins=origins,
    )
    _check_geometry(r, profile)
    return profile


#: How much a character may be squeezed to hold the grid: Word's letter spacing keeps 28 3号 characters on a 156 mm
#: line by −0.25 pt (1.6 %); squeezing more than this makes characters touch.
MAX_SQUEEZE = 0.03
#: The least line pitch, in body sizes, at which lines of body text do not touch.
MIN_LEADING = 1.2


def _check_geometry(r: _Reader, profile: StyleProfile) -> None:
    """Refuse a page that cannot hold its grid at its body size (the numbers in the message), rather than build
    overlapping or squeezed text."""

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
        if role.lines is not None and role.size > profile.line_pitch * role.lines:
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
