"""Where fonts are on this machine: fontconfig when it is there, else the usual Windows/macOS/Linux font folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass(frozen=True)
class InstalledFont:
    path: Path
    index: int
    families: tuple[str, ...]
    style: str

    @property
    def regular(self) -> bool:
        style = self.style.lower()
        return not style or any(word in style for word in ("regular", "book", "normal", "roman", "常规", "標準"))


def font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", "C:/Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
        ]
    data = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return [
        data / "fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
        Path("/usr/share/texmf/fonts"),
        Path("/usr/share/texlive/texmf-dist/fonts"),
    ]


@lru_cache(maxsize=1)
def files_by_name() -> dict[str, Path]:
    """Every font file in the font folders, by lower-case file name (first found wins)."""
    found: dict[str, Path] = {}
    for folder in font_dirs():
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(FONT_SUFFIXES):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


@lru_cache(maxsize=1)
def fontconfig_fonts() -> tuple[InstalledFont, ...]:
    """Fonts fontconfig knows, with every family name it has for them (localized ones included)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0].lower().endswith(FONT_SUFFIXES):
            continue
        file, index, families, style = parts
        fonts.append(
            InstalledFont(
                Path(file), int(index or 0), tuple(f.strip() for f in families.split(",")), style.split(",")[0]
            )
        )
    return tuple(fonts)


def find_file(names: tuple[str, ...]) -> Path | None:
    """The first of these file names present in a font folder (case-insensitive)."""
    index = files_by_name()
    for name in names:
        if name.lower() in index:
            return index[name.lower()]
    return None


def find_family(families: tuple[str, ...]) -> InstalledFont | None:
    """The regular face of the first of these families that fontconfig knows."""
    fonts = fontconfig_fonts()
    for family in families:
        matches = [font for font in fonts if family in font.families and font.path.is_file()]
        if matches:
            return next((font for font in matches if font.regular), matches[0])
    return None
