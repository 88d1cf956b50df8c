"""The command line: ``docgen build | fonts | templates | styles``. The one module that talks to the terminal.

Exit status: 0 success; 2 a user error (bad spec, template, style, unwritable output), printed as
``file:line:col: 错误：… (key.path)`` plus a hint, never a traceback; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from docgen import __version__
from docgen.batch import build_many
from docgen.errors import DocgenError, OutputError, SourceRef
from docgen.fonts import STATUS, resolve_fonts
from docgen.harfbuzz import hide_from_reportlab
from docgen.output import write_atomic
from docgen.spec import load_spec
from docgen.style import PROFILES_DIR, describe_profile, explain, load_profile
from docgen.template import export_templates
from docgen.writers import DEFAULT_FORMATS, FORMATS

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 70


#: argparse's own messages, in Chinese (it looks each up through its module's ``_`` when it prints it).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有“%(value)s”这一项（可用：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "expected one argument": "后面要跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值（应为 %(type)s）",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "需要其中一个参数：%s",
    "expected %s argument": "后面要跟 %s 个值",
    "expected %s arguments": "后面要跟 %s 个值",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}


def _zh(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


def _zh_plural(singular: str, plural: str, count: int) -> str:
    return _zh(singular if count == 1 else plural)


class _Parser(argparse.ArgumentParser):
    """argparse, speaking Chinese, with a did-you-mean for a mistyped command or choice; exits 2 on misuse."""

    def error(self, message: str) -> NoReturn:
        import difflib
        import re

        self.print_usage(sys.stderr)
        print(f"{self.prog}：错误：{message}", file=sys.stderr)
        if match := re.search(r"没有“([^”]*)”这一项（可用：(.*)）", message):
            choices = [choice.strip(" '") for choice in match.group(2).split(",")]
            if close := difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.5):
                print(f"  提示：是不是要用“{close[0]}”？", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def _parser() -> argparse.ArgumentParser:
    argparse._ = _zh  # type: ignore[attr-defined]
    argparse.ngettext = _zh_plural  # type: ignore[attr-defined]
    parser = _Parser(
        prog="docgen",
        description="把 YAML 规格排成符合 GB/T 9704-2012 的公文（DOCX 和 PDF）。",
    )
    parser.add_argument("--version", action="version", version=f"docgen {__version__}", help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", metavar="命令", title="命令")

    build_cmd = commands.add_parser("build", help="排版一个或多个规格文件", description="排版一个或多个规格文件。")
    build_cmd.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="规格文件（.yaml）")
    build_cmd.add_argument("-o", "--out-dir", type=Path, help="输出目录（默认与规格文件同目录）")
    build_cmd.add_argument(
        "-f",
        "--format",
        action="append",
        choices=FORMATS,
        dest="formats",
        help="输出格式，可重复：docx、pdf、ofd（默认 docx 和 pdf）",
    )
    build_cmd.add_argument("-j", "--jobs", type=int, default=1, help="同时排版的进程数（默认 1）")
    build_cmd.add_argument("--templates", type=Path, help="自定义模板目录，先于自带模板查找")
    build_cmd.add_argument("--style", help="样式名（如 gbt9704）或样式文件路径")
    build_cmd.add_argument("--strict", action="store_true", help="检查发现“必错”问题时不排版")
    build_cmd.add_argument("--lexicon", action="append", type=Path, default=[], help="自己的规范表述词表，可重复")

    check_cmd = commands.add_parser("check", help="检查规格里的文字问题", description="检查规格里的文字问题。")
    check_cmd.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="规格文件（.yaml）")
    check_cmd.add_argument(
        "--fix", action="store_true", help="自动修正确定无误的问题（标点全半角、网页广告），直接改文件"
    )
    check_cmd.add_argument("-v", "--verbose", action="store_true", help="与 --fix 一起用：逐处列出修正")
    check_cmd.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    check_cmd.add_argument("--lexicon", action="append", type=Path, default=[], help="自己的规范表述词表，可重复")

    import_cmd = commands.add_parser("import", help="把已有的文字稿转成规格文件", description="把文字稿转成规格文件。")
    import_cmd.add_argument("source", type=Path, help="文字稿（.txt、.docx 或有文字层的 .pdf）")
    import_cmd.add_argument("-o", "--output", type=Path, help="写入的规格文件（默认打印出来）")
    import_cmd.add_argument(
        "--into", type=Path, metavar="SPEC", help="按导入的文字更新已有的规格文件（保留注释和键的顺序），列出改动"
    )
    import_cmd.add_argument("--speeches-start", type=int, metavar="N", help="发言摘登从第 N 段开始（从 1 数）")
    import_cmd.add_argument("--force", action="store_true", help="覆盖已有的规格文件")

    fonts_cmd = commands.add_parser("fonts", help="列出每种字体由哪个字体文件提供", description="列出 PDF 用到的字体。")
    fonts_cmd.add_argument("--style", default="gbt9704", help="样式名或样式文件路径（默认 gbt9704）")
    fonts_cmd.add_argument(
        "--fontconfig",
        type=Path,
        metavar="FILE",
        help="写出 fontconfig 配置，让 LibreOffice（Linux）用与 PDF 相同的字体显示 DOCX",
    )

    templates_cmd = commands.add_parser("templates", help="列出或导出模板", description="列出或导出公文模板。")
    templates_sub = templates_cmd.add_subparsers(dest="action", metavar="操作", required=True)
    list_cmd = templates_sub.add_parser("list", help="列出可用的公文模板")
    list_cmd.add_argument("--templates", type=Path, help="自定义模板目录")
    keys_cmd = templates_sub.add_parser("keys", help="列出一种公文的规格可写的键及其含义")
    keys_cmd.add_argument("kind", help="公文种类，如 通知、notice")
    keys_cmd.add_argument("--templates", type=Path, help="自定义模板目录")
    export_cmd = templates_sub.add_parser("export", help="把模板复制到一个目录，供修改")
    export_cmd.add_argument("kind", help="模板名，如 meeting-summary")
    export_cmd.add_argument("directory", type=Path, help="目标目录")
    export_cmd.add_argument("--force", action="store_true", help="覆盖目录里已有的模板文件")

    styles_cmd = commands.add_parser("styles", help="列出或查看样式", description="列出或查看样式。")
    styles_sub = styles_cmd.add_subparsers(dest="action", metavar="操作", required=True)
    styles_sub.add_parser("list", help="列出自带的样式")
    show_cmd = styles_sub.add_parser("show", help="显示样式的全部生效值")
    show_cmd.add_argument("name", nargs="?", default="gbt9704", help="样式名或样式文件路径（默认 gbt9704）")
    explain_cmd = styles_sub.add_parser("explain", help="说明一个样式值及它在哪个文件的哪一行设定")
    explain_cmd.add_argument("key", help="角色.键（如 body.size、title.space_after）或 page.margin_top")
    explain_cmd.add_argument("--style", default="gbt9704", help="样式名或样式文件路径（默认 gbt9704）")

    debug_cmd = commands.add_parser("debug", help="查看排版的中间结果", description="查看排版的中间结果。")
    debug_sub = debug_cmd.add_subparsers(dest="action", metavar="操作", required=True)
    pages_cmd = debug_sub.add_parser("pages", help="把每一页印成文字网格（每行一个网格行）")
    pages_cmd.add_argument("spec", type=Path, metavar="SPEC", help="规格文件（.yaml）")
    pages_cmd.add_argument("--templates", type=Path, help="自定义模板目录")
    pages_cmd.add_argument("--style", help="样式名或样式文件路径")
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
    """One-line progress messages (font conversion) go to stderr as they happen; a build's warnings are collected
    by the batch and printed once at the end."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_OncePerMessage())
    progress = logging.getLogger("docgen.progress")
    progress.setLevel(logging.INFO)
    progress.addHandler(handler)
    progress.propagate = False
    logging.getLogger("docgen").setLevel(logging.WARNING)


def _fonts(args: argparse.Namespace) -> int:
    style = load_profile(args.style, Path.cwd())
    faces = resolve_fonts(style)
    if args.fontconfig is not None:
        from docgen.fonts.fontconfig import fontconfig_file

        target = args.fontconfig.absolute()  # fontconfig looks a relative FONTCONFIG_FILE up in its own folder
        write_atomic(target, fontconfig_file(style, faces).encode("utf-8"))
        print(f"已生成 {target}")
        print(f"用法：FONTCONFIG_FILE={target} soffice --headless --convert-to pdf 文件.docx")
        return 0
    rows = [("用途", "要求的字体", "实际使用", "文件", "状态")]
    for key, face in faces.items():
        roles = "、".join(name for name, role in style.roles.items() if role.font == key) or "数字和西文"
        where = f"{face.path}#{face.index}" if face.index else str(face.path)
        rows.append((f"{key}（{roles}）", face.requested, face.family, where, STATUS[face.status]))
    for row in rows:
        print(" | ".join(row))
    print("状态：正式 = 公文规定的字体；替代 = 本机的免费字体；默认 = 随 docgen 安装的字体；指定 = 样式或环境变量指定")
    return 0


def _findings_text(specs: Sequence[Path], lexicon_files: Sequence[Path]) -> str:
    """What ``docgen check`` finds in each spec, as the build prints it (a spec that cannot be read is the build's
    to report)."""
    from docgen.check import check_spec, format_findings, load_lexicons

    lexicons = load_lexicons(tuple(lexicon_files))
    lines: list[str] = []
    for spec_path in specs:
        try:
            lines += format_findings(check_spec(spec_path, lexicons))
        except DocgenError:
            continue
    return "\n".join(lines)


def _findings_text_of(spec: Path, lexicon_files: Sequence[Path]) -> str:
    """``_findings_text`` of one spec (a module-level function: a batch's workers receive it pickled)."""
    return _findings_text([spec], lexicon_files)


def _build(args: argparse.Namespace) -> int:
    terminal = sys.stderr.isatty()

    def progress(done: int, total: int, failed: int) -> None:
        if terminal and total > 1:
            note = f"，失败 {failed}" if failed else ""
            print(f"\r已完成 {done}/{total}{note}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    formats = args.formats or DEFAULT_FORMATS
    # the command may fork a writer beside the other (a library never does): DOCGEN_NO_FORK=1 says not to
    parallel = os.environ.get("DOCGEN_NO_FORK") is None

    def build(specs: list[Path], check: Any = None):  # type: ignore[no-untyped-def]
        return build_many(
            specs,
            out_dir=args.out_dir,
            formats=formats,
            jobs=max(1, args.jobs),
            templates=args.templates,
            style=args.style,
            progress=progress,
            parallel=parallel,
            check=check,
        )

    refused: list[Path] = []
    from docgen.forked import can_fork, run_beside

    if not args.strict and parallel and len(args.specs) == 1 and can_fork():
        # One spec: the checks run on the other core, beside the build, and print first. With DOCX and PDF the
        # build forks the DOCX writer too: the checks and the DOCX share that core, and both end before the PDF.
        built = []
        report, _ = run_beside(
            lambda: _findings_text(args.specs, args.lexicon).encode("utf-8"),
            lambda: built.append(build(list(args.specs))) or b"",
        )
        if report:
            print(report.decode("utf-8"), file=sys.stderr)
        result = built[0]
    elif not args.strict and len(args.specs) > 1 and args.jobs > 1:
        # Many specs on several cores: each is checked in the worker that builds it, its findings printed first
        # (a clerk's lexicon that cannot be read is reported here, once).
        from docgen.check import load_lexicons

        load_lexicons(tuple(args.lexicon))
        result = build(list(args.specs), functools.partial(_findings_text_of, lexicon_files=tuple(args.lexicon)))
        for _spec, text in result.findings:
            if text:
                print(text, file=sys.stderr)
    else:
        from docgen.check import check_spec, format_findings, load_lexicons

        lexicons = load_lexicons(tuple(args.lexicon))
        for spec_path in args.specs:  # the same checks as docgen check, printed before building
            try:
                findings = check_spec(spec_path, lexicons)
            except DocgenError:
                continue  # the build reports it
            for line in format_findings(findings):
                print(line, file=sys.stderr)
            if args.strict and any(f.level == "error" for f in findings):
                refused.append(spec_path)
        for spec_path in refused:
            print(
                f"{spec_path}: 有“必错”问题，按 --strict 不排版（先用 docgen check --fix 修正，或手工修改）",
                file=sys.stderr,
            )
        result = build([spec for spec in args.specs if spec not in refused])
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    for path in result.written:
        print(f"已生成 {path}")
    for _spec, message in result.failures:
        print(message, file=sys.stderr)
    if result.failures and len(args.specs) > 1:
        count = len(result.failures)
        print(f"{count} 个规格文件失败，{len(args.specs) - count} 个成功", file=sys.stderr)
    if result.internal:
        return EXIT_INTERNAL
    return EXIT_USER_ERROR if result.failures or refused else 0


def _templates(args: argparse.Namespace) -> int:
    if args.action == "list":
        from docgen.kinds import kind_folders
        from docgen.kinds import list_kinds as kinds_in

        for kind in kinds_in(kind_folders(args.templates)):
            names = "、".join(kind.names)
            print(
                f"{kind.name}\t{kind.label}\t" + (f"kind: {kind.name} 或 {names}" if names else "") + f"\t{kind.folder}"
            )
        return 0
    if args.action == "keys":
        from docgen.kinds import find_kind, kind_folders
        from docgen.kinds.describe import key_table

        kind = find_kind(args.kind, kind_folders(args.templates))
        print(f"{kind.label}（kind: {kind.name}）：{kind.description}\n")
        print(key_table(kind))
        return 0
    for path in export_templates(args.kind, args.directory, overwrite=args.force):
        print(f"已导出 {path}")
    print(f"修改后用 docgen build --templates {args.directory} SPEC，或在规格里写 templates: {args.directory}")
    return 0


def _styles(args: argparse.Namespace) -> int:
    if args.action == "list":
        for path in sorted(PROFILES_DIR.glob("*.yaml")):
            print(f"{path.stem}\t{path}")
        return 0
    if args.action == "explain":
        print(explain(load_profile(args.style, Path.cwd()), args.key))
        return 0
    print(describe_profile(load_profile(args.name, Path.cwd())))
    return 0


def _debug(args: argparse.Namespace) -> int:
    from docgen.document import render
    from docgen.layout.dump import dump_pages

    document = render(args.spec, templates=args.templates, style=args.style)
    print(dump_pages(document.layout, document.style), end="")
    return 0


def _fix_summary(spec_path: Path, changes: list, *, verbose: bool) -> list[str]:  # type: ignore[type-arg]
    """What --fix changed: one line per kind of change with its count and first places (every change with
    --verbose), so that 498 commas make three lines, not 498."""
    if verbose:
        return [
            f"{spec_path}:{c.line}:{c.column}: 已修正 “{c.before or ''}” → “{c.after or '（删除）'}”" for c in changes
        ]
    kinds: dict[tuple[str, str], list] = {}  # type: ignore[type-arg]
    for change in changes:
        kinds.setdefault((change.before or "", change.after or "（删除）"), []).append(change)
    lines = []
    for (before, after), places in kinds.items():
        first = "、".join(f"{c.line}:{c.column}" for c in places[:3]) + ("……" if len(places) > 3 else "")
        lines.append(f"{spec_path}: 已修正 “{before}” → “{after}” {len(places)} 处（{first}）")
    if len(changes) > 3 and lines:
        lines.append(f"{spec_path}: 共修正 {len(changes)} 处；逐处列出用 --fix --verbose")
    return lines


def _check(args: argparse.Namespace) -> int:
    from docgen.check import apply_fixes, check_spec, findings_json, format_findings, load_lexicons

    lexicons = load_lexicons(tuple(args.lexicon))
    worst = 0
    every: list[Any] = []
    for spec_path in args.specs:
        spec = load_spec(spec_path)
        findings = check_spec(spec, lexicons)
        if args.fix:
            changes = apply_fixes(spec, findings)
            for line in _fix_summary(spec_path, changes, verbose=args.verbose):
                print(line)
            findings = check_spec(spec_path, lexicons)
        every += findings
        if args.format == "text":
            for line in format_findings(findings):
                print(line)
        if any(f.level == "error" for f in findings):
            worst = 1
    if args.format == "json":
        print(findings_json(every))
    elif not every:
        print("没有发现问题")
    return worst


def _import(args: argparse.Namespace) -> int:
    from docgen.importer import import_text  # only this command needs it

    if args.into is not None and args.output is not None:
        raise DocgenError("--into 和 -o 只能用一个", hint="--into 更新已有的规格；-o 写一个新的规格文件")
    result = import_text(args.source, speeches_start=args.speeches_start, isolate=True)
    for fix in result.fixes:
        print(f"已修正 {fix}", file=sys.stderr)
    for note in result.notes:
        print(f"请核对 {note}", file=sys.stderr)
    if args.into is not None:
        from docgen.import_into import update_spec

        update = update_spec(args.into, result.spec)
        for change in update.changes:
            print(f"{args.into}: {change}")
        print(f"已更新 {args.into}" if update.written else f"{args.into} 没有需要更新的地方", file=sys.stderr)
        return 0
    if args.output is None:
        print(result.yaml_text, end="")
        return 0
    if args.output.exists() and not args.force:
        raise OutputError("规格文件已存在，没有覆盖", SourceRef(str(args.output)), hint="换个文件名，或加 --force")
    write_atomic(args.output, result.yaml_text.encode("utf-8"))
    speeches = sum(len(a.get("speeches", [])) for a in result.spec.get("attachments", []))
    print(f"已生成 {args.output}：正文 {len(result.spec['body'])} 段，发言 {speeches} 篇", file=sys.stderr)
    return 0


COMMANDS = {
    "build": _build,
    "import": _import,
    "check": _check,
    "fonts": _fonts,
    "templates": _templates,
    "styles": _styles,
    "debug": _debug,
}


def _interrupt_once() -> None:
    """Ctrl-C and SIGTERM (a service stopping, `kill`) end the build as an exception, so that temporary files are
    removed on the way out and no half-written output is left; the signals that follow (a key held down, a
    supervisor sending again) are ignored, so that they cannot cut that clean-up short or interrupt the exit."""

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    _interrupt_once()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USER_ERROR
    _setup_logging()
    try:
        # The edge: the environment becomes settings here, and nowhere in the library.
        from docgen.settings import configure, settings_from

        configure(**settings_from(os.environ))
        return COMMANDS[args.command](args)
    except DocgenError as error:
        _report(error)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`docgen styles show | head`): nothing more to say to it
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # a bug, not a user error: say so, with the traceback to report
        traceback.print_exc()
        print("docgen 内部错误：这不是你的规格文件的问题，请把上面的信息报告给开发者。", file=sys.stderr)
        return EXIT_INTERNAL


def _collect_rarely() -> None:
    """Tune the cyclic garbage collector for a build. A build allocates millions of small objects (a glyph, a
    position, a run for every character) that live until the document is written, and few cycles; by default the
    collector scans the young ones every 700 allocations and, every so often, every object alive, the whole layout
    of a long document included: a fifth of a 1,000-page build. Here the objects the imports made are moved out of
    its sight (``gc.freeze``), young objects are scanned every 50,000 allocations and everything rarely (a batch
    worker building spec after spec still collects its cycles). A program that imports docgen keeps its own
    settings; a service may choose the same."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run() -> NoReturn:
    """The ``docgen`` command: ``main()``, then leave without tearing the interpreter down.

    Every output is written and closed, and every message printed, before ``main`` returns; what remains is
    Python freeing each object and module one by one, 0.1 s of a 1 s build. So flush the standard streams and
    logging, and exit straight away."""
    hide_from_reportlab()
    _collect_rarely()
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
