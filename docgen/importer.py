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
from docgen.import_structure import Found, body_item, drop_web_residue, read_masthead, read_official, read_tail
from docgen.inputs import read_bounded

TITLE_PLACEHOLDER = "〔待补〕请填写标题"
_NUMBERED = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_SPEECH_MENTION = re.compile(r"发言|摘登|交流")
_ANNEX_TITLE = re.compile(r"[\u4e00-\u9fff“”]{0,12}(发言|摘登|摘编)[\u4e00-\u9fff]{0,6}")


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
    raw_texts = [p.text for p in document.paragraphs]
    texts = _joined(_with_tables(document))
    _DOCGEN_SPECS.pop(path, None)
    from docgen.writers.docx.spec_part import MAX_PART_BYTES, read_spec

    try:
        if archive.getinfo("customXml/item1.xml").file_size > MAX_PART_BYTES:
            return texts
        part = archive.read("customXml/item1.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return texts
    embedded = read_spec(part)
    if embedded is not None:
        _DOCGEN_SPECS[path] = (*embedded, raw_texts, "\n".join(text.replace("\n", "") for text in texts))
    return texts


def _with_tables(document: Any) -> list[str]:
    """The body's paragraphs in order, a table's rows among them as lines (cells parted by a full-width space), so
    that no text of a table is lost; the clerk rebuilds the table in the spec."""
    out: list[str] = []
    for item in document.iter_inner_content():
        rows = getattr(item, "rows", None)
        if rows is None:
            out.append(item.text)
            continue
        for row in rows:
            cells: list[str] = []
            for cell in row.cells:
                if not cells or cell.text != cells[-1]:  # a merged cell is returned once per grid column
                    cells.append(cell.text.replace("\n", " "))
            out.append("\u3000".join(cells))
    return out


def _joined(texts: list[str]) -> list[str]:
    """Word paragraphs as the text's paragraphs: a line break inside one (a title set in lines) is no break in the
    text, and a paragraph that ends with one continues in the next (docgen cuts a paragraph so that its last line
    goes to the next page with the signature)."""
    out: list[str] = []
    carry = False
    for text in texts:
        whole = text.rstrip("\n")
        if carry and out:
            out[-1] += whole.replace("\n", "")
        else:
            out.append(whole.replace("\n", ""))
        carry = text.endswith("\n") and bool(whole)
    return out


#: For a .docx docgen wrote: (the spec it says it was built from, the fingerprint and paragraphs as written, the
#: paragraphs now, the document's visible text)
_DOCGEN_SPECS: dict[Path, tuple[dict[str, Any], str, list[str], list[str], str]] = {}


def read_paragraphs(path: Path, *, isolate: bool = False, dropped: list[str] | None = None) -> list[str]:
    """Non-empty paragraphs of a .txt (UTF-8, UTF-16 with BOM, or GB18030 as older Chinese Windows saves it), a
    .docx or a text .pdf (``dropped`` gets a PDF's running heads and page numbers; ``isolate``: read it in a
    bounded child process, the command line's choice)."""
    if path.suffix.lower() == ".docx":
        lines = _docx_paragraphs(path)
    elif path.suffix.lower() == ".pdf":
        from docgen.import_pdf import pdf_paragraphs  # pdfminer only for a PDF

        lines, furniture = pdf_paragraphs(path, isolate=isolate)
        if dropped is not None:
            dropped += furniture
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


#: How an organization's name ends: strong endings name one on their own; 市/县/区/会 end many phrases too, so a name
#: ending in one of them counts only when it is short.
_STRONG_END = (
    "街道", "社区", "委员会", "办公室", "工作部", "局", "委", "厅", "办", "中心", "公司", "集团", "学校", "大学",
    "医院", "部", "院", "所", "站", "镇", "乡", "党工委", "党组",
)  # fmt: skip
_WEAK_END = ("县", "市", "区", "会")
_SPOKE = re.compile(r"(等)?(单位|同志)?(负责同志)?(先后|分别)?(作|做)?(了)?(交流|典型|大会)?(发言)?")
_SEGMENT = re.compile(r"[，、和及与,；;。：:（）()“”\s]")
_RUN_IN_HEAD = ("在", "按照", "根据", "围绕", "为", "近年来", "今年以来", "去年以来")


def _unit_at_start(text: str) -> str | None:
    """The organization a text opens with: the longest run of hanzi from its start, at most 20, that ends like an
    organization's name (市卫生健康委员会坚持… → 市卫生健康委员会; 县卫生健康局党组 → 县卫生健康局), at least three
    characters (全市 is none)."""
    run = re.match(r"[\u4e00-\u9fff]{1,24}", text)
    if run is None or text.startswith(("会议", "全", "各", "我", "本", "该")):
        return None
    words = run.group()[:20]
    cut = re.search("[以把在对向要是了的将从被让给]", words)
    if cut:  # a name holds no preposition or particle: what follows one is a clause
        words = words[: cut.start()]
    for end in range(len(words), 2, -1):
        head = words[:end]
        if head.endswith(_STRONG_END) and not head.endswith(("党工委", "党组")):
            return head
    for end in range(min(len(words), 6), 2, -1):
        if words[:end].endswith(_WEAK_END):
            return words[:end]
    return None


def _speakers(paragraphs: list[str]) -> list[str]:
    """The units the body names where it mentions the speeches (…、县农业农村局作交流发言): the evidence a lead is
    matched against."""
    found: list[str] = []
    for text in paragraphs:
        if not _SPEECH_MENTION.search(text):
            continue
        for piece in _SEGMENT.split(text):
            unit = _unit_at_start(piece)
            # the piece is the name, or the name and what it did (作了交流发言): not a clause that starts with one
            if unit and unit not in found and _SPOKE.fullmatch(piece[len(unit) :]):
                found.append(unit)
    return found


def _lead_unit(text: str, speakers: list[str]) -> str | None:
    """The unit a speech's lead speaks for: the speaker the body lists that it names first (near its start); else
    the organization that opens its first clause that is not a run-in phrase (在…指导下, 按照…要求)."""
    near = [(text.find(unit), unit) for unit in speakers if 0 <= text.find(unit) < 100]
    if near:
        return min(near)[1]
    for clause in re.split("[，,。]", text[:100]):
        if clause.startswith(_RUN_IN_HEAD) or not clause:
            continue
        return _unit_at_start(clause)
    return None


def _speech_opener(
    paras: list[str], i: int, numbered: list[bool], speakers: list[str]
) -> tuple[str, str | None] | None:
    """(unit, title) when paragraph i starts a speech, by evidence: a title line followed by a "——unit" line; a line
    "unit：title"; a line that is only an organization's name; a lead followed by a new 一、 sequence, or opening with
    a unit the body lists among the speakers. A phrase that merely ends like an organization is none."""
    text = paras[i]
    if numbered[i] or text.startswith("——"):
        return None
    if i + 1 < len(paras) and paras[i + 1].startswith("——"):
        unit = paras[i + 1].lstrip("—").strip()
        if len(text) <= 60 and not re.search("[。；]", text) and _unit_at_start(unit):
            return unit, text
    head, colon, tail = text.partition("：")
    if colon and len(head) <= 20 and _unit_at_start(head) == head:
        if len(text) <= 60 and not re.search("[。；，]", text):
            return head, tail.strip() or None  # unit：title
        if head in speakers or any(_SPEECH_MENTION.search(p) for p in paras[:i]):
            return head, None  # unit：what it said (the lead, without the unit)
    if _SPEECH_MENTION.search(text) and sum(unit in text for unit in speakers) >= 2:
        return None  # the body's sentence that lists the speakers
    if len(text) <= 20 and _unit_at_start(text) == text:
        return text, None
    restarts = i + 1 < len(paras) and bool(re.match("一、", paras[i + 1]))
    opens = _unit_at_start(text)
    # without a list of speakers in the body, a body that speaks of speeches (3个区作了交流发言) lets a paragraph
    # opening with an organization start one
    listed = opens in speakers if speakers else any(_SPEECH_MENTION.search(p) for p in paras[:i])
    if restarts or (opens is not None and listed):
        return _lead_unit(text, speakers) or "〔待补〕发言单位", None
    return None


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
    start: int | None = None
    openers: dict[int, tuple[str, str | None]] = {}
    if speeches_start is not None:
        start = speeches_start - 1 - offset
        if not 0 <= start < len(paras):
            raise SpecError(f"--speeches-start {speeches_start} 超出了段落范围（共 {len(paragraphs)} 段）")
    speakers = _speakers(paras)
    for i in range(1 if start is None else start, len(paras)):
        opener = _speech_opener(paras, i, numbered, speakers)
        if opener is not None:
            openers[i] = opener
    if start is None and openers:
        first = min(openers)
        body_mentions = any(_SPEECH_MENTION.search(p) for p in paras[:first])
        if len(openers) >= 2 or body_mentions:
            start = first
    annex_title = None
    if start is not None and start > 0 and _ANNEX_TITLE.fullmatch(paras[start - 1]):
        annex_title = paras[start - 1]  # 典型发言摘登: the annex's own title line
        paras.pop(start - 1)
        numbered.pop(start - 1)
        openers = {i - 1: o for i, o in openers.items()}
        start -= 1
    body_paras = paras if start is None else paras[:start]
    if start is not None:  # 附件：典型发言摘登 (the note the template wrote) and the 附件 label before the annex
        while body_paras and re.match(r"^附\s*件(\d{1,2})?([:：].*)?$", body_paras[-1]):
            _, colon, named = body_paras.pop().partition("：")
            if colon and named.strip() and annex_title is None:
                annex_title = named.strip()
    body: list[Any] = [body_item(p) for p in body_paras]
    spec: dict[str, Any] = {"kind": "meeting-summary", "title": title or TITLE_PLACEHOLDER, "body": body}
    if start is None:
        return spec, notes
    speeches: list[dict[str, Any]] = []
    for i in range(start, len(paras)):
        text = paras[i]
        match = _NUMBERED.match(text)
        opener = openers.get(i)
        if text.startswith("——") and i > start and openers.get(i - 1):
            continue  # the "——unit" line under a speech's title
        current = speeches[-1] if speeches else None
        if opener is not None and current is not None and not current["lead"] and not current["sections"]:
            opener = None  # the lead of a speech whose title line (or unit line) came just before
        if opener is not None or current is None:
            unit, speech_title = opener or (None, None)
            if unit is None or unit.startswith("〔待补〕"):
                unit = f"〔待补〕发言单位{len(speeches) + 1}"
                notes.append(f"speeches[{len(speeches)}].unit: 没有找到发言单位，请填写")
            elif not text.startswith(unit) and not speech_title and text != unit:
                notes.append(f"speeches[{len(speeches)}].unit: 发言单位“{unit}”取自导语中间（正文列出了它），请核对")
            speech: dict[str, Any] = {"unit": unit}
            if speech_title:
                speech["title"] = speech_title
            if speech_title or text == unit:
                speech["lead"] = []
            elif text.startswith(unit + "："):
                speech["lead"] = [text[len(unit) + 1 :].strip()]
            else:
                speech["lead"] = [text]
            speech["sections"] = []
            speeches.append(speech)
        elif match:
            heading, _, rest = text[match.end() :].partition("。")
            current["sections"].append({"heading": heading, "paragraphs": [rest] if rest else []})
        elif current["sections"]:  # a paragraph without a number after a numbered section: part of it
            current["sections"][-1]["paragraphs"].append(text)
        else:
            current["lead"].append(text)
    for n, speech in enumerate(speeches):
        if not speech["sections"]:
            del speech["sections"]
        if not speech["lead"]:
            speech["lead"] = ["〔待补〕"]
            notes.append(f"speeches[{n}].unit: 这篇发言没有导语，请补上或删去 lead")
    if annex_title is not None:
        spec["attachments"] = [{"title": annex_title, "speeches": speeches}]
        return spec, notes
    spec["attachments"] = [{"title": "典型发言摘登", "speeches": speeches}]
    notes.append("attachments[0].title: 附件标题是默认的“典型发言摘登”，请按原文修改")
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


#: The order a clerk reads a spec in (the public example's), whatever order the importer found things in.
_KEY_ORDER = (
    "kind", "header", "masthead", "title", "recipients", "body", "attachments", "signature", "note", "distribution",
    "issuers", "number", "name", "issue", "issuer", "date", "unit", "heading", "level", "lead", "sections",
    "paragraphs", "speeches", "cc", "printed_by", "printed_on",
)  # fmt: skip


def _ordered(mapping: dict[str, Any], table: Any = None) -> list[str]:
    """Keys in the order the kind's field table declares them (the order ``docgen templates keys`` prints), then
    in the public example's order."""
    declared = [f.name for f in getattr(table, "fields", ())]
    rank = {key: n for n, key in enumerate(declared)}
    rank.update({key: len(declared) + n for n, key in enumerate(_KEY_ORDER) if key not in rank})
    return sorted(mapping, key=lambda key: rank.get(key, len(rank)))


def _emit_value(w: _Writer, path: str, value: Any, indent: int, table: Any = None) -> None:
    """A mapping's or list's items under ``path``, each line recorded at its key path (for the comments); ``table``
    is the value's field in the kind's field table (None where the table does not say)."""
    pad = " " * indent
    if isinstance(value, dict):
        for key in _ordered(value, table):
            child = table.child(key) if table is not None else None
            _emit_entry(w, f"{path}.{key}" if path else key, f"{pad}{key}:", value[key], indent, child)
        return
    item_table = getattr(table, "of", None)
    for n, item in enumerate(value):
        where = f"{path}[{n}]"
        if isinstance(item, dict) and item:
            keys = _ordered(item, item_table)
            first, rest = keys[0], keys[1:]
            child = item_table.child(first) if item_table is not None else None
            _emit_entry(w, f"{where}.{first}", f"{pad}- {first}:", item[first], indent + 2, child)
            w.where.setdefault(where, w.where[f"{where}.{first}"])
            for key in rest:
                child = item_table.child(key) if item_table is not None else None
                _emit_entry(w, f"{where}.{key}", f"{pad}  {key}:", item[key], indent + 2, child)
        else:
            w.add(where, f"{pad}- {_plain(item)}")


def _emit_entry(w: _Writer, path: str, lead: str, value: Any, indent: int, table: Any = None) -> None:
    if isinstance(value, (dict, list)) and value:
        w.add(path, lead)
        _emit_value(w, path, value, indent + 2, table)
    else:
        w.add(path, f"{lead} {_plain(value)}")


def _field_table(kind: str) -> Any:
    """The kind's field table (None for a kind docgen does not have)."""
    from docgen.kinds import find_kind, kind_folders

    try:
        return find_kind(kind, kind_folders()).fields
    except Exception:  # an unknown kind: the public example's order
        return None


def _emit(spec: dict[str, Any], source: str) -> _Writer:
    """The spec as YAML, its keys in the order of the kind's field table: one emitter for every kind."""
    w = _Writer()
    w.add("", f"# 由 docgen import 从 {source} 生成：请核对带“# 检查”和“# 请核对”注释的地方，然后 docgen build。")
    table = _field_table(str(spec.get("kind", "meeting-summary")))
    for key in sorted(_ordered(spec, table), key=lambda k: k != "kind"):  # kind first: it says what follows
        if key in ("title", "body", "attachments", "signature", "distribution", "recipients") and w.lines[-1]:
            w.add("", "")
        child = table.child(key) if table is not None else None
        _emit_entry(w, key, f"{key}:", spec[key], 0, child)
    return w


def _plain(value: Any) -> str:
    """A scalar as YAML: numbers and dates as themselves, text plain when it reads back unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return str(value)
    return _scalar(str(value))


def _from_docgen_docx(
    embedded: tuple[dict[str, Any], str, list[str], list[str], str], source: str
) -> ImportResult | None:
    """A DOCX docgen wrote: the spec it was built from, exactly when the text is unchanged, or with a clerk's
    edits carried back into the texts they changed. The kept spec is not trusted: every text in it must be in the
    document as a reader sees it, and files it names (seals, templates) are kept only inside the spec's folder;
    otherwise None, and the text is read as any other."""
    from docgen.writers.docx.spec_part import fingerprint

    spec, sha, written, now, visible = embedded
    notes: list[str] = []
    if fingerprint(now) == sha:
        updated, changes = spec, []
        notes.append("kind: 还原了生成这个 Word 文件的规格")
    else:
        edited = _apply_edits(spec, written, now)
        if edited is None:
            return None
        updated, changes = edited
        notes.append("kind: 这个 Word 文件由 docgen 生成，之后改过文字：改动已写回生成它的规格，结构不变")
    if not _texts_visible(updated, visible):
        return None
    updated = _safe_settings(updated, notes)
    if changes:
        writer = _emit(updated, source)
        return ImportResult(updated, "\n".join(writer.lines) + "\n", changes, notes)
    head = f"# 由 docgen import 从 {source} 还原：这个 Word 文件由 docgen 生成，下面是生成它的规格（已与文字核对）。"
    text = yaml.safe_dump(updated, allow_unicode=True, sort_keys=False, width=10_000)
    return ImportResult(updated, head + "\n" + text, [], notes)


#: Keys whose values a reader does not see as text in the document (settings, names of files, table geometry)
_UNSEEN_KEYS = {"kind", "style", "templates", "seals", "image", "columns", "align", "width", "landscape"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _texts_visible(spec: dict[str, Any], visible: str) -> bool:
    """Whether every text of the spec is in the document's text: a kept spec that says more than the document
    shows (a forged part) is not taken."""
    for path, text in _strings(spec):
        if any(key in _UNSEEN_KEYS for key in path if isinstance(key, str)) or _ISO_DATE.fullmatch(text):
            continue
        if text.strip() and text.replace("\n", "") not in visible:
            return False
    return True


def _allowed_file(value: Any) -> bool:
    """A file a kept spec may name: a relative path inside the spec's folder."""
    if not isinstance(value, str) or not value:
        return False
    path = Path(value)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in value and ":" not in value


def _safe_settings(spec: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Files a kept spec names are kept only as relative paths inside the spec's folder (a seal next to it); an
    absolute path or one going up (../) is left out with a note: a Word file from elsewhere does not choose the
    images or templates a clerk's document is built with."""

    def clean(value: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key in ("seals", "image", "templates") or (key == "style" and not isinstance(item, dict)):
                    if all(_allowed_file(v) for v in (item if isinstance(item, list) else [item])):
                        out[key] = item
                    else:
                        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*path, key))
                        notes.append(f"kind: Word 文件里记录的 {where.lstrip('.')} 不在规格所在的文件夹内，没有带入")
                    continue
                out[key] = clean(item, (*path, key))
            return out
        if isinstance(value, list):
            return [clean(item, (*path, n)) for n, item in enumerate(value)]
        return value

    return clean(spec, ())


def _strings(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every text of a spec with its key path."""
    if isinstance(value, dict):
        return [item for key, v in value.items() for item in _strings(v, (*path, key))]
    if isinstance(value, list):
        return [item for n, v in enumerate(value) for item in _strings(v, (*path, n))]
    return [(path, value)] if isinstance(value, str) else []


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _apply_edits(spec: dict[str, Any], written: list[str], now: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """A clerk's edits to the paragraphs docgen wrote, carried back to the texts of the spec they came from: a
    paragraph whose text is one of the spec's texts, with what the template put around it (一、, 附件：, a label),
    takes the edit inside that text. None when an edit cannot be placed so (a paragraph added, removed, or
    changed in what the template wrote): the text is then read again as a whole."""
    import copy
    import difflib

    updated = copy.deepcopy(spec)
    texts = [(path, text.replace("\n", "")) for path, text in _strings(spec) if text.strip()]
    changes: list[str] = []
    matcher = difflib.SequenceMatcher(a=written, b=now, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or a1 - a0 != b1 - b0:
            return None
        for before, after in zip(written[a0:a1], now[b0:b1], strict=True):
            before, after = before.replace("\n", ""), after.replace("\n", "")
            holders = [(path, text) for path, text in texts if text in before]
            longest = max((len(text) for _, text in holders), default=0)
            holders = [(path, text) for path, text in holders if len(text) == longest]
            if len(holders) != 1:
                return None
            path, text = holders[0]
            prefix, _, suffix = before.partition(text)
            if not (after.startswith(prefix) and after.endswith(suffix)) or len(after) < len(prefix) + len(suffix):
                return None
            _set(updated, path, after[len(prefix) : len(after) - len(suffix)])
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
            changes.append(f"{where}：按 Word 文件中的改动更新")
    return updated, changes


#: What only the spec says (the layout's settings, seal images): kept when an edited docgen DOCX is read again.
_SETTINGS = ("style", "templates", "double_sided")
_SETTING_PATHS = (("header", "copy_number"), ("header", "secrecy"), ("header", "urgency"), ("header", "signers"),
                  ("signature", "seals"), ("signature", "stamps"), ("masthead",))  # fmt: skip


def _carry_settings(spec: dict[str, Any], kept: dict[str, Any], notes: list[str]) -> None:
    original = _safe_settings(kept, notes)
    if original.get("kind"):
        spec["kind"] = original["kind"]
    for key in _SETTINGS:
        if key in original and key not in spec:
            spec[key] = original[key]
    for path in _SETTING_PATHS:
        value: Any = original
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        target = spec
        for key in path[:-1]:
            target = target.setdefault(key, {})
            if not isinstance(target, dict):
                break
        else:
            target.setdefault(path[-1], value)
    notes.append(
        "kind: 这个 Word 文件由 docgen 生成，之后文字有改动：已按现在的文字重新识别结构，版式设置和印章沿用原规格"
    )


def import_text(
    path: str | os.PathLike[str],
    *,
    speeches_start: int | None = None,
    source_name: str | None = None,
    isolate: bool = False,
) -> ImportResult:
    """Read a text (.txt, .docx or a text .pdf) and turn it into a spec (dict and YAML text). ``isolate``: read a
    PDF in a child process bounded in time and memory (the command line does; a library never forks)."""
    file = Path(path)
    furniture: list[str] = []
    paragraphs = read_paragraphs(file, isolate=isolate, dropped=furniture)
    embedded = _DOCGEN_SPECS.pop(file, None)
    if embedded is not None and speeches_start is None:
        returned = _from_docgen_docx(embedded, source_name or file.name)
        if returned is not None:
            return returned
    if not paragraphs:
        raise SpecError("文件里没有文字", SourceRef(str(file)))
    cleaned, fixes = _clean(paragraphs)
    kept = [p for p in cleaned if p.strip()]
    for original, now in zip(paragraphs, cleaned, strict=True):
        if not now.strip():
            fixes.append(f"整段删除：“{original}”（只含网页插入的文字）")
    found = Found()
    kept = drop_web_residue(kept, found)
    kept = read_masthead(kept, found)
    body = None if speeches_start is not None or "masthead" in found.spec else read_official(kept, found)
    if body is not None:
        spec = found.spec
        spec["body"] = [body_item(p) for p in body] or ["〔待补〕正文"]
        notes = list(found.notes)
        if not body:
            notes.append("body: 没有找到正文，请填写")
    else:
        found.spec.pop("header", None)
        rest = read_tail(kept, found, official=False)
        spec, notes = _structure(rest, speeches_start)
        spec.update({k: v for k, v in found.spec.items() if k in ("masthead", "signature", "distribution")})
        notes = found.notes + notes
    fixes += [f"删去网页上的文字：“{text}”" for text in found.dropped]
    fixes += [f"删去 PDF 的页眉页脚或页码：“{text}”" for text in furniture]
    if file.suffix.lower() == ".pdf":
        notes.append("kind: 文字是从 PDF 中取出的：空格、竖排文字和特殊字体的字可能有出入，请与原件逐段核对")
    writer = _emit(spec, source_name or file.name)
    text = "\n".join(writer.lines) + "\n"
    comments: dict[int, list[str]] = {}
    try:
        findings = check_spec(text)
    except SpecError as exc:  # not yet a complete spec (a date to fill in): the clerk is told where
        findings = []
        notes.append(f"kind: 规格还不完整，补全后再 docgen check：{exc.message}")
    for finding in findings:
        line = writer.where.get(finding.key_path)
        if line is not None:
            comments.setdefault(line, []).append(f"# 检查 {finding.code} {LEVELS[finding.level]}：{finding.message}")
    if embedded is not None:  # docgen's DOCX, its text edited: the edits kept, the layout settings carried over
        _carry_settings(spec, embedded[0], notes)
        writer = _emit(spec, source_name or file.name)
    for note in notes:
        key, _, message = note.partition(": ")
        full = key if not key.startswith("speeches") else f"attachments[0].{key}"
        line = writer.where.get(full, writer.where.get(full.split(".unit")[0], writer.where.get(key.split(".")[0], 0)))
        comments.setdefault(line, []).append(f"# 请核对：{message}")
    lines = list(writer.lines)
    for line in sorted(comments, reverse=True):
        indent = re.match(r"\s*", lines[line]).group()
        for comment in reversed(dict.fromkeys(comments[line])):
            lines.insert(line, indent + comment.replace("\n", " "))
    return ImportResult(spec, "\n".join(lines) + "\n", fixes, notes)
