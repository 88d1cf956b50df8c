"""A profile for people: ``docgen styles show`` (every effective value, with what it means) and ``docgen styles
explain KEY`` (a value and the file and line that set it)."""

from __future__ import annotations

from typing import Any

from docgen.errors import StyleError
from docgen.style.profile import StyleProfile
from docgen.style.schema import LAYOUT_KEYS, METRIC_KEYS, PAGE_KEYS, PAGE_NUMBER_KEYS, ROLE_ATTRIBUTES
from docgen.units import HAO_SIZES, MM

__all__ = ["describe_profile", "explain"]

_HAO = {points: name for name, points in HAO_SIZES.items() if not name[0].isdigit()}


def _mm(points: float) -> str:
    return f"{points / MM:.2f}mm".replace(".00mm", "mm")


def _size(points: float) -> str:
    return f"{points:g}pt（{_HAO[points]}）" if points in _HAO else f"{points:g}pt"


def _value(unit: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if unit == "mm":
        return _mm(value)
    if unit == "pt" and isinstance(value, float):
        return _size(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe_profile(profile: StyleProfile) -> str:
    """The effective values of a profile, as YAML a clerk can read (lengths in mm, sizes in pt and 号), each key
    with what it means as a comment."""
    lines = [f"profile: {profile.name}", f"source: {profile.source}", "page:"]
    for key, attribute in PAGE_KEYS.items():
        field = "page_" + key if key in ("width", "height") else key
        lines.append(f"  {key}: {_mm(getattr(profile, field))}  # {attribute.description}")
    lines += [
        f"  type_area: {_mm(profile.type_width)} × {_mm(profile.type_height)}  # 版心",
        "grid:",
        f"  lines_per_page: {profile.lines_per_page}  # 每面行数",
        f"  chars_per_line: {profile.chars_per_line}  # 每行字数",
        f"  line_pitch: {profile.line_pitch:.3f}pt  # 行距（由上两项算出）",
        f"  char_pitch: {profile.char_pitch:.3f}pt  # 字距（由上两项算出）",
        "fonts:",
    ]
    for key, face in profile.fonts.items():
        pinned = f", file: {face.file}" if face.file else ""
        lines.append(f"  {key}: {{names: [{', '.join(face.names)}], default: {face.default}{pinned}}}")
    lines.append("roles:  # " + "；".join(f"{a.name}: {a.description}" for a in ROLE_ATTRIBUTES.values()))
    for key, role in profile.roles.items():
        fields = [f"font: {role.font}", f"size: {_size(role.size)}", f"align: {role.align}"]
        for name, attribute in ROLE_ATTRIBUTES.items():
            if name in ("base", "font", "size", "align"):
                continue
            value = getattr(role, name)
            if value != attribute.default and value is not None:
                shown = f"'#{value}'" if name == "color" else _value(attribute.unit, value)
                fields.append(f"{name}: {shown}")
        lines.append(f"  {key}: {{{', '.join(fields)}}}")
    lines.append("rules:")
    for key, rule in profile.rules.items():
        lines.append(f"  {key}: {{width: {_mm(rule.width)}, color: '#{rule.color}'}}")
    lines.append("page_number:")
    values = {"format": f'"{profile.page_number_format}"', "distance": _mm(profile.page_number_distance)}
    values["indent"] = f"{profile.page_number_indent:g}"
    for key, attribute in PAGE_NUMBER_KEYS.items():
        lines.append(f"  {key}: {values[key]}  # {attribute.description}")
    for section, table, chosen in (("layout", LAYOUT_KEYS, profile.layout), ("metrics", METRIC_KEYS, profile.metrics)):
        lines.append(f"{section}:")
        for key, attribute in table.items():
            lines.append(f"  {key}: {_value(attribute.unit, chosen[key])}  # {attribute.description}")
    return "\n".join(lines)


def explain(profile: StyleProfile, key: str) -> str:
    """A value of the profile and where it was set: ``body.size`` (a role's attribute) or ``page.margin_top``."""
    parts = key.split(".")
    if len(parts) == 2 and parts[0] in profile.roles:
        parts = ["roles", *parts]
    path = ".".join(parts)
    value: Any
    if parts[0] == "roles" and len(parts) == 3 and parts[1] in profile.roles and parts[2] in ROLE_ATTRIBUTES:
        attribute = ROLE_ATTRIBUTES[parts[2]]
        value = _value(attribute.unit, getattr(profile.roles[parts[1]], parts[2], None))
        meaning = attribute.description
    elif parts[0] in ("layout", "metrics") and len(parts) == 2 and parts[1] in getattr(profile, parts[0]):
        attribute = (LAYOUT_KEYS if parts[0] == "layout" else METRIC_KEYS)[parts[1]]
        value, meaning = _value(attribute.unit, getattr(profile, parts[0])[parts[1]]), attribute.description
    elif parts[0] == "page" and len(parts) == 2 and parts[1] in PAGE_KEYS:
        field = "page_" + parts[1] if parts[1] in ("width", "height") else parts[1]
        value, meaning = _mm(getattr(profile, field)), PAGE_KEYS[parts[1]].description
    elif parts[0] == "page_number" and len(parts) == 2 and parts[1] in PAGE_NUMBER_KEYS:
        value = getattr(profile, f"page_number_{parts[1]}")
        value = _mm(value) if parts[1] == "distance" else value
        meaning = PAGE_NUMBER_KEYS[parts[1]].description
    elif path in profile.origins:
        value, meaning = "（见文件）", ""
    else:
        roles = "、".join(profile.roles)
        raise StyleError(f"样式里没有“{key}”", hint=f"写成 角色.键（如 body.size，角色：{roles}）或 page.margin_top")
    origin = profile.origins.get(path)
    where = f"{origin.location()}" if origin else "默认值（style/schema.py）"
    return f"{path} = {value}\n  {meaning}\n  来自：{where}"
