"""`docgen import`: the text a clerk has (a report, then typical speeches one after another) → a spec to review.

Steps: read paragraphs (plain text, or a .docx's paragraphs) → apply the certain fixes of ``docgen check`` (punctuation
width, confirmed injected tokens) → find the structure (title, body, where the annex of speeches begins, each
speech's unit, lead and numbered sections) → write readable YAML in the order of the public spec example, with every
remaining finding and every unsure guess as a comment at the place it concerns. No character of the input is lost
but the removed tokens and the fixed punctuation.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.check import LEVELS, check_spec, load_lexicons
from docgen.errors import SourceRef, SpecError
from docgen.inputs import read_bounded

TITLE_PLACEHOLDER = "〔待补〕请填写标题"
_NUMBERED = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_UNIT = re.compile(
    r"([\u4e00-\u9fff]{1,8}?(?:街道|社区|区|县|市|镇|乡|局|委员会|委|厅|办公室|办|中心|公司|集团|学校|大学|医院|部))"
)
_SPEECH_MENTION = re.compile(r"发言|摘登|交流")


@dataclass
class ImportResult:
    spec: dict[str, Any]
    yaml_text: str
    fixes: list[str] = field(default_factory=list)  # what the safe fixes changed, for the clerk to see
    notes: list[str] = field(default_factory=list)  # structure guesses to check


#: A report is tens of kilobytes; these bounds keep a wrong file (a video, a database) from being read whole.
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_DOCX_BYTES = 64 * 1024 * 1024
#: What a DOCX may expand to: the text of a 500-page document is a few MB of XML; a zip bomb is gigabytes.
MAX_DOCX_UNPACKED = 256 * 1024 * 1024
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with a BOM, or GB18030 as older Chinese Windows saves it; anything
    else — a binary file, bytes that are no encoding — is refused rather than imported as mojibake."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        bad = _CONTROL.search(text)
        if bad is None:
            return text
        if codec == "gb18030" or "\x00" in text:
            line = text.count("\n", 0, bad.start()) + 1
            raise SpecError(
                f"这不像是文字稿：第 {line} 行有控制字符 U+{ord(bad.group()):04X}",
                SourceRef(str(path), line),
                hint="导入 .txt（UTF-8 或 GB18030 编码）、.docx 或 .pdf 文件",
            )
    raise SpecError(
        "无法识别文件的编码（不是 UTF-8、UTF-16 或 GB18030）",
        SourceRef(str(path)),
        hint="在记事本或 WPS 中把文件另存为 UTF-8 编码的 .txt，再导入",
    )


def _docx_paragraphs(path: Path) -> list[str]:
    import io
    import zipfile

    raw = read_bounded(path, MAX_DOCX_BYTES, "Word 文件", SpecError)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        # zipfile never inflates a member past its declared size, so the declared sizes bound the memory.
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpecError("这不是 Word 文件（.docx）", SourceRef(str(path)), hint="确认是 .docx（不是 .doc）") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise SpecError(
            f"Word 文件解压后超过 {MAX_DOCX_UNPACKED // 1024 // 1024} MB，不像是一份公文",
            SourceRef(str(path)),
            hint="确认选对了文件；或在 Word 中另存为 .txt 再导入",
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds for files that are not a DOCX
        raise SpecError(
            f"无法读取 Word 文件：{type(exc).__name__}", SourceRef(str(path)), hint="确认是 .docx（不是 .doc）"
        ) from None
    return [p.text for p in document.paragraphs]


def read_paragraphs(path: Path) -> list[str]:
    """Non-empty paragraphs of a .txt (UTF-8, UTF-16 with BOM, or GB18030 as older Chinese Windows saves it) or a
    .docx."""
    if path.suffix.lower() == ".docx":
        lines = _docx_paragraphs(path)
    elif path.suffix.lower() == ".pdf":
        raise SpecError("暂不能直接导入 PDF", SourceRef(str(path)), hint="用 PDF 阅读器把文字复制到 .txt 文件再导入")
    else:
        lines = _decode_text(read_bounded(path, MAX_TEXT_BYTES, "要导入的文件", SpecError), path).splitlines()
    return [line.strip() for line in lines if line.strip()]


def _clean(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Apply the certain fixes to each paragraph; returns the paragraphs and a line per change."""
    lexicons = load_lexicons()
    findings = check_spec({"title": "导入", "body": paragraphs or ["空"]}, lexicons)
    by_paragraph: dict[int, list[tuple[int, int, str]]] = {}
    for finding in findings:
        if finding.replacement is None or finding.level != "error":
            continue
        index = int(finding.key_path.removeprefix("body[").rstrip("]"))
        by_paragraph.setdefault(index, []).append((finding.offset, len(finding.excerpt), finding.replacement))
    changes: Counter[str] = Counter()
    out = list(paragraphs)
    for index, edits in by_paragraph.items():
        text = out[index]
        pieces: list[str] = []
        end_of_kept = len(text)
        for offset, length, replacement in sorted(edits, reverse=True):
            if offset + length > end_of_kept:  # overlapping edits: keep the outer one
                continue
            pieces += [text[offset + length : end_of_kept], replacement]
            end_of_kept = offset
            changes[f"“{text[offset : offset + length]}” → “{replacement or '（删除）'}”"] += 1
        pieces.append(text[:end_of_kept])
        out[index] = "".join(reversed(pieces))
    return out, [f"{change} {count} 处" for change, count in changes.items()]


def _unit_of(text: str, within: int = 150) -> tuple[str | None, bool]:
    """The unit a speech's lead names, and whether the paragraph opens with it (sure) or names it later."""
    match = _UNIT.search(text[:within])
    if not match:
        return None, False
    return match.group(1), match.start() == 0


def _structure(paragraphs: list[str], speeches_start: int | None) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    paras = list(paragraphs)
    title = None
    if paras and len(paras[0]) <= 40 and not re.search(r"[。，；！？]", paras[0]) and len(paras) > 1:
        title = paras.pop(0)
        offset = 1
    else:
        offset = 0
        notes.append("title: 原文没有标题，请填写")
    numbered = [bool(_NUMBERED.match(p)) for p in paras]
    # A speech's lead names its unit and is followed by its numbered sections.
    leads = [i for i in range(len(paras) - 1) if not numbered[i] and numbered[i + 1] and _unit_of(paras[i])[0]]
    start: int | None
    if speeches_start is not None:
        start = speeches_start - 1 - offset
        if not 0 <= start < len(paras):
            raise SpecError(f"--speeches-start {speeches_start} 超出了段落范围（共 {len(paragraphs)} 段）")
    elif leads and (len(leads) >= 2 or _unit_of(paras[leads[0]])[1]):
        start = leads[0]
    else:
        openers = [i for i, p in enumerate(paras) if _unit_of(p, 12)[1] and not numbered[i]]
        body_mentions = any(_SPEECH_MENTION.search(p) for p in paras[: openers[0]]) if openers else False
        start = openers[0] if len(openers) >= 2 and openers[0] > 0 and body_mentions else None
    body_paras = paras if start is None else paras[:start]
    body: list[Any] = []
    for p in body_paras:
        match = _NUMBERED.match(p)
        if match and "。" not in p.rstrip("。") and len(p) <= 40:
            body.append({"heading": p[match.end() :].rstrip("。")})
        else:
            body.append(p)
    spec: dict[str, Any] = {"kind": "meeting-summary", "title": title or TITLE_PLACEHOLDER, "body": body}
    if start is None:
        return spec, notes
    speeches: list[dict[str, Any]] = []
    for i in range(start, len(paras)):
        text = paras[i]
        match = _NUMBERED.match(text)
        opens_speech = not match and ((i + 1 < len(paras) and numbered[i + 1]) or not speeches or _unit_of(text, 12)[1])
        if opens_speech:
            unit, sure = _unit_of(text)
            if unit is None:
                unit = f"〔待补〕发言单位{len(speeches) + 1}"
                notes.append(f"speeches[{len(speeches)}].unit: 没有找到发言单位，请填写")
            elif not sure:
                notes.append(f"speeches[{len(speeches)}].unit: 发言单位“{unit}”是从段落中间推断的，请核对")
            speeches.append({"unit": unit, "lead": [text], "sections": []})
        elif match:
            heading, _, rest = text[match.end() :].partition("。")
            speeches[-1]["sections"].append({"heading": heading, "paragraphs": [rest] if rest else []})
        elif speeches[-1]["sections"]:
            speeches[-1]["sections"][-1]["paragraphs"].append(text)
            notes.append(f"speeches[{len(speeches) - 1}]: 一段没有序号的文字归入了上一节，请核对它是否属于下一篇发言")
        else:
            speeches[-1]["lead"].append(text)
    for speech in speeches:
        if not speech["sections"]:
            del speech["sections"]
    spec["attachments"] = [{"title": "典型发言摘登", "speeches": speeches}]
    return spec, notes


# -- YAML --------------------------------------------------------------------------------------------------------


def _scalar(text: str) -> str:
    """Plain when YAML reads it back unchanged, else double-quoted (Chinese left unescaped)."""
    try:
        if yaml.safe_load(text) == text and "\n" not in text and not text.startswith(("'", '"', "#", "- ")):
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.where: dict[str, int] = {}  # key path → index of its line

    def add(self, path: str, line: str) -> None:
        self.where.setdefault(path, len(self.lines))
        self.lines.append(line)


def _emit(spec: dict[str, Any], source: str) -> _Writer:
    w = _Writer()
    w.add("", f"# 由 docgen import 从 {source} 生成：请核对带“# 检查”和“# 请核对”注释的地方，然后 docgen build。")
    w.add("kind", f"kind: {spec['kind']}")
    w.add("", "")
    w.add("title", f"title: {_scalar(spec['title'])}")
    w.add("", "")
    w.add("body", "body:")
    for i, item in enumerate(spec["body"]):
        if isinstance(item, dict):
            w.add(f"body[{i}]", f"  - heading: {_scalar(item['heading'])}")
        else:
            w.add(f"body[{i}]", f"  - {_scalar(item)}")
    for a, attachment in enumerate(spec.get("attachments", [])):
        if a == 0:
            w.add("", "")
            w.add("attachments", "attachments:")
        base = f"attachments[{a}]"
        w.add(f"{base}.title", f"  - title: {_scalar(attachment['title'])}")
        w.add(f"{base}.speeches", "    speeches:")
        for s, speech in enumerate(attachment["speeches"]):
            where = f"{base}.speeches[{s}]"
            w.add(where, f"      - unit: {_scalar(speech['unit'])}")
            w.where[f"{where}.unit"] = len(w.lines) - 1
            w.add(f"{where}.lead", "        lead:")
            for k, text in enumerate(speech["lead"]):
                w.add(f"{where}.lead[{k}]", f"          - {_scalar(text)}")
            if speech.get("sections"):
                w.add(f"{where}.sections", "        sections:")
                for n, section in enumerate(speech["sections"]):
                    sec = f"{where}.sections[{n}]"
                    w.add(f"{sec}.heading", f"          - heading: {_scalar(section['heading'])}")
                    w.add(f"{sec}.paragraphs", "            paragraphs:")
                    for m, text in enumerate(section["paragraphs"]):
                        w.add(f"{sec}.paragraphs[{m}]", f"              - {_scalar(text)}")
    return w


def import_text(
    path: str | os.PathLike[str], *, speeches_start: int | None = None, source_name: str | None = None
) -> ImportResult:
    """Read a report and turn it into a spec (dict and YAML text)."""
    file = Path(path)
    paragraphs = read_paragraphs(file)
    if not paragraphs:
        raise SpecError("文件里没有文字", SourceRef(str(file)))
    cleaned, fixes = _clean(paragraphs)
    kept = [p for p in cleaned if p.strip()]
    for original, now in zip(paragraphs, cleaned, strict=True):
        if not now.strip():
            fixes.append(f"整段删除：“{original}”（只含网页插入的文字）")
    spec, notes = _structure(kept, speeches_start)
    writer = _emit(spec, source_name or file.name)
    text = "\n".join(writer.lines) + "\n"
    comments: dict[int, list[str]] = {}
    for finding in check_spec(text):
        line = writer.where.get(finding.key_path)
        if line is not None:
            comments.setdefault(line, []).append(f"# 检查 {finding.code} {LEVELS[finding.level]}：{finding.message}")
    for note in notes:
        key, _, message = note.partition(": ")
        full = key if key.startswith(("title", "body")) else f"attachments[0].{key}"
        line = writer.where.get(full, writer.where.get(full.split(".unit")[0], 0))
        comments.setdefault(line, []).append(f"# 请核对：{message}")
    lines = list(writer.lines)
    for line in sorted(comments, reverse=True):
        indent = re.match(r"\s*", lines[line]).group()
        for comment in reversed(dict.fromkeys(comments[line])):
            lines.insert(line, indent + comment)
    return ImportResult(spec, "\n".join(lines) + "\n", fixes, notes)
