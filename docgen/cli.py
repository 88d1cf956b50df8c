"""The command line: ``docgen build spec.yaml``. The one module that talks to the terminal.

Exit status: 0 success; 2 a user error (bad spec, template, style, unwritable output), printed as
``file:line:col: 错误：… (key.path)`` plus a hint, never a traceback; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from docgen import __version__
from docgen.document import FORMATS, build
from docgen.errors import DocgenError

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen",
        description="把 YAML 规格排成符合 GB/T 9704-2012 的公文（DOCX）。",
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
        help="输出格式，可重复（默认 docx）",
    )
    build_cmd.add_argument("--templates", type=Path, help="自定义模板目录，先于自带模板查找")
    build_cmd.add_argument("--style", help="样式名（如 gbt9704）或样式文件路径")
    return parser


def _report(error: DocgenError) -> None:
    print(str(error), file=sys.stderr)


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
