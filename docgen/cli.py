"""The command line: ``docgen build spec.yaml``. The one module that talks to the terminal.

Exit status: 0 success; 2 a user error (bad spec, template, style, unwritable output), printed as
``file:line:col: 错误：… (key.path)`` plus a hint, never a traceback; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from docgen import __version__
from docgen.document import FORMATS, build
from docgen.errors import DocgenError
from docgen.fonts import STATUS, resolve_fonts
from docgen.style import load_profile

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen",
        description="把 YAML 规格排成符合 GB/T 9704-2012 的公文（DOCX 和 PDF）。",
    )
    parser.add_argument("--version", action="version", version=f"docgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    build_cmd = commands.add_parser("build", help="排版一个或多个规格文件", description="排版一个或多个规格文件。")
    build_cmd.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="规格文件（.yaml）")
    build_cmd.add_argument("-o", "--out-dir", type=Path, help="输出目录（默认与规格文件同目录）")
    build_cmd.add_argument(
        "-f",
        "--format",
        action="append",
        choices=FORMATS,
        dest="formats",
        help="输出格式，可重复（默认 docx 和 pdf）",
    )
    build_cmd.add_argument("--templates", type=Path, help="自定义模板目录，先于自带模板查找")
    build_cmd.add_argument("--style", help="样式名（如 gbt9704）或样式文件路径")
    fonts_cmd = commands.add_parser("fonts", help="列出每种字体由哪个字体文件提供", description="列出 PDF 用到的字体。")
    fonts_cmd.add_argument("--style", default="gbt9704", help="样式名或样式文件路径（默认 gbt9704）")
    return parser


def _report(error: DocgenError) -> None:
    print(str(error), file=sys.stderr)


class _OncePerMessage(logging.Filter):
    """A warning repeated for every spec of a batch (the same substituted fonts) is shown once."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def _setup_logging() -> None:
    """docgen's warnings and one-line progress messages (font conversion) go to stderr, in Chinese, plainly."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_OncePerMessage())
    for name, level in (("docgen", logging.WARNING), ("docgen.progress", logging.INFO)):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
        logger.propagate = False


def _fonts(args: argparse.Namespace) -> int:
    try:
        style = load_profile(args.style, Path.cwd())
        faces = resolve_fonts(style)
    except DocgenError as error:
        _report(error)
        return EXIT_USER_ERROR
    rows = [("用途", "要求的字体", "实际使用", "文件", "状态")]
    for key, face in faces.items():
        roles = "、".join(name for name, role in style.roles.items() if role.font == key) or key
        where = f"{face.path}#{face.index}" if face.index else str(face.path)
        rows.append((f"{key}（{roles}）", face.requested, face.family, where, STATUS[face.status]))
    for row in rows:
        print(" | ".join(row))
    print("状态：正式 = 公文规定的字体；替代 = 本机的免费字体；默认 = 随 docgen 安装的字体；指定 = 样式或环境变量指定")
    return 0


def _build(args: argparse.Namespace) -> int:
    failures = 0
    for spec in args.specs:
        try:
            written = build(
                spec,
                out_dir=args.out_dir,
                formats=args.formats or FORMATS,
                templates=args.templates,
                style=args.style,
            )
        except DocgenError as error:
            failures += 1
            _report(error)
            continue
        for path in written:
            print(f"已生成 {path}")
    if failures and len(args.specs) > 1:
        print(f"{failures} 个规格文件失败，{len(args.specs) - failures} 个成功", file=sys.stderr)
    return EXIT_USER_ERROR if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USER_ERROR
    _setup_logging()
    if args.command == "fonts":
        return _fonts(args)
    try:
        return _build(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception:  # a bug, not a user error: say so, with the traceback to report
        traceback.print_exc()
        print("docgen 内部错误：这不是你的规格文件的问题，请把上面的信息报告给开发者。", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
