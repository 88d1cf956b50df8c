"""YAML text → plain Python data that remembers where every value stood.

PyYAML's composer gives nodes with marks; we build the data ourselves from those nodes so that:
- every value's line and column is kept under its key path (for errors and, later, check findings);
- aliases are expanded under a node budget, so an alias bomb fails fast instead of eating memory;
- duplicate keys are an error (PyYAML silently keeps the last one, which would drop a clerk's text);
- timestamps that are not real dates give an error naming the date.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from docgen.errors import SourceRef, SpecError

KeyPath = tuple[str | int, ...]

#: How many nodes one document may expand to. The seed spec has about 200; a 500-page spec a few thousand.
MAX_NODES = 200_000
#: How many characters of text one document may expand to (aliases repeat their anchor's text): four times the
#: largest spec file, so a 16 MB spec of Chinese (5.6 million characters) passes and an alias text bomb does not.
MAX_CHARS = 24_000_000
#: How deeply mappings and lists may nest. A spec nests five or six levels; PyYAML's parser recurses per level.
MAX_DEPTH = 64


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass
class YamlDocument:
    """Plain data (dicts, lists, str, int, float, bool, date, None) plus the position of each value."""

    data: Any
    file: str | None
    text: str
    value_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    raw_scalars: dict[KeyPath, str] = field(default_factory=dict)
    #: Where each scalar's source text starts and ends (character indexes into ``text``).
    spans: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    #: How each scalar was written: None for plain, or the quote or block character (' " | >).
    styles: dict[KeyPath, str | None] = field(default_factory=dict)
    _indexes: dict[KeyPath, list[int] | None] = field(default_factory=dict, repr=False, compare=False)
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)

    def sub(self, prefix: KeyPath) -> YamlDocument:
        """The part of this document under ``prefix`` as a document of its own, positions kept."""
        n = len(prefix)

        def rebase(marks: dict[KeyPath, Any]) -> dict[KeyPath, Any]:
            return {key[n:]: value for key, value in marks.items() if key[:n] == prefix}

        data: Any = self.data
        for part in prefix:
            data = data[part]
        return YamlDocument(
            data, self.file, self.text, rebase(self.value_marks), rebase(self.key_marks), rebase(self.raw_scalars)
        )

    def source_indexes(self, path: KeyPath) -> list[int] | None:
        """For each character of the string value at ``path``, its index in the file's text (None when unknown).

        The value and its source differ by quotes, escapes, indentation and line folding; walking both and matching
        characters in order maps every character that the source spells literally. Computed once per value: a
        check asks for thousands of positions in one long paragraph."""
        if path not in self._indexes:
            self._indexes[path] = self._source_indexes(path)
        return self._indexes[path]

    def _source_indexes(self, path: KeyPath) -> list[int] | None:
        span = self.spans.get(path)
        value = self.raw_scalars.get(path)
        if span is None or value is None:
            return None
        out: list[int] = []
        j, end = span
        for ch in value:
            while j < end and self.text[j] != ch and not (ch == " " and self.text[j] == "\n"):
                j += 1
            if j >= end:
                return None
            out.append(j)
            j += 1
        return out

    def position(self, index: int) -> tuple[int, int]:
        """1-based line and column of a character index in the file's text (by bisection: linear time overall)."""
        if self._line_starts is None:
            self._line_starts = [0] + [match.end() for match in re.finditer("\n", self.text)]
        line = bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1

    def ref(self, path: KeyPath, *, at_key: bool = False) -> SourceRef:
        """Where the value (or, with at_key, the key) at path stands; falls back to the nearest parent."""
        marks = self.key_marks if at_key else self.value_marks
        probe = path
        while probe:
            if probe in marks:
                line, col = marks[probe]
                return SourceRef(self.file, line, col, format_path(path))
            if not at_key and probe in self.key_marks:
                line, col = self.key_marks[probe]
                return SourceRef(self.file, line, col, format_path(path))
            probe = probe[:-1]
        return SourceRef(self.file, 1, 1, format_path(path) or None)


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index in a text."""
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def decode_utf8(raw: bytes, file: str | None) -> str:
    """Decode a spec file strictly as UTF-8 (BOM allowed), pointing at the first bad byte otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = line_col(good, len(good))
        raise SpecError(
            f"文件不是 UTF-8 编码（第 {exc.start + 1} 个字节 0x{raw[exc.start]:02X} 无法解码）",
            SourceRef(file, line, col),
            hint="在编辑器中把文件另存为“UTF-8”编码（不要用 GBK/GB2312/ANSI）",
        ) from None
    return text.removeprefix("\ufeff")


def _yaml_error(exc: yaml.YAMLError, text: str, file: str | None) -> SpecError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = line_col(text, exc.position)
        return SpecError(
            f"文件含有不能出现的控制字符 U+{exc.character:04X}",
            SourceRef(file, line, col),
            hint="删除这个字符（它通常是从网页或其他软件复制时带进来的）",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "'\\t'" in problem or "\\t" in problem:
        return SpecError(
            "YAML 语法错误：这里用了 Tab 字符",
            SourceRef(file, line, col),
            hint="YAML 只能用空格缩进，请把 Tab 换成空格（每级缩进两个空格）",
        )
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return SpecError(
        f"YAML 语法错误（{detail}）",
        SourceRef(file, line, col),
        hint="检查这一行及上一行的缩进、冒号和引号是否配对；含冒号或 # 的文字请整段加引号",
    )


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.count = 0
        self.chars = 0
        self.active: set[int] = set()
        self.loader = yaml.SafeLoader("")

    def _mark(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SpecError(
                f"文件展开后超过 {MAX_NODES} 个值，可能是 YAML 别名（&/*）被反复嵌套引用",
                self.doc.ref(path),
                hint="不要用别名层层嵌套；一份公文的规格通常只有几百个值",
            )
        self.doc.value_marks.setdefault(path, self._mark(node))
        if len(path) > MAX_DEPTH:
            raise SpecError(
                f"嵌套超过 {MAX_DEPTH} 层",
                self.doc.ref(path),
                hint="规格只有几层嵌套；检查缩进和方括号是否多写了",
            )
        if isinstance(node, ScalarNode):
            self.chars += len(node.value)
            if self.chars > MAX_CHARS:
                raise SpecError(
                    f"文件展开后超过 {MAX_CHARS} 个字符，可能是 YAML 别名（&/*）把一大段文字重复引用了很多次",
                    self.doc.ref(path),
                    hint="不要用别名重复长文字；特别长的材料请拆成几份公文",
                )
            return self._scalar(node, path)
        if id(node) in self.active:
            raise SpecError("YAML 别名引用了它自身（循环引用）", self.doc.ref(path), hint="去掉这个别名")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise SpecError("无法识别的 YAML 结构", self.doc.ref(path))  # pragma: no cover - composer makes no other nodes

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SpecError("不支持 YAML 合并键 <<", SourceRef(self.doc.file, *self._mark(key_node)))
            if not isinstance(key_node, ScalarNode):
                raise SpecError(
                    "键必须是简单的文字", SourceRef(self.doc.file, *self._mark(key_node), format_path(path))
                )
            key = key_node.value
            key_path = (*path, key)
            if key in out:
                first_line = self.doc.key_marks[key_path][0]
                raise SpecError(
                    f"键“{key}”重复出现（第一次在第 {first_line} 行）",
                    SourceRef(self.doc.file, *self._mark(key_node), format_path(key_path)),
                    hint="合并两处内容，或删掉其中一个；否则前一处的内容会丢失",
                )
            self.doc.key_marks[key_path] = self._mark(key_node)
            out[key] = self.build(value_node, key_path)
        return out

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        self.doc.raw_scalars[path] = node.value
        self.doc.spans[path] = (node.start_mark.index, node.end_mark.index)
        self.doc.styles[path] = node.style
        tag = node.tag
        if tag == "tag:yaml.org,2002:timestamp":
            return self._date(node, path)
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:binary") or tag.startswith("!"):
            return node.value
        constructor = yaml.SafeLoader.yaml_constructors.get(tag)
        if constructor is None:  # an explicit tag PyYAML's safe loader does not know (!!python/object …): as typed
            return node.value
        try:
            return constructor(self.loader, node)
        except (ValueError, TypeError, ArithmeticError, yaml.YAMLError):  # `!!float abc`, `!!int x`, `!!null 1`
            raise SpecError(
                f"“{node.value}”不能按 {tag.rsplit(':', 1)[-1]} 读取",
                self.doc.ref(path),
                hint="删掉 !! 开头的类型标记，文字直接写",
            ) from None

    def _date(self, node: ScalarNode, path: KeyPath) -> dt.date | dt.datetime | str:
        try:
            return self.loader.construct_yaml_timestamp(node)
        except ValueError:  # 2023-02-30: kept as typed; validation reports it with the others
            return node.value


def load_yaml(text: str, file: str | None = None, *, packaged: bool = False) -> YamlDocument:
    """Parse one YAML document into data with positions. Raises SpecError with file:line:col.

    ``packaged``: a file shipped with docgen (the style profiles, the lexicon), parsed with libyaml's C scanner
    where PyYAML has it (ten times faster). Clerks' files always take PyYAML's own, whose errors and positions
    the messages are written for: the two differ at the edges (tabs, byte order marks, empty values at the end).
    A test checks that both give the same nodes and positions for every packaged file."""
    doc = YamlDocument(data=None, file=file, text=text)
    loader = yaml.CSafeLoader if packaged and yaml.__with_libyaml__ else yaml.SafeLoader
    node = None if packaged else _compose_with_libyaml(text)
    try:
        if node is None:
            node = yaml.compose(text, Loader=loader)
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            raise SpecError(
                "文件里有多个 YAML 文档（用 --- 分隔）",
                SourceRef(file, exc.problem_mark.line + 1 if exc.problem_mark else None),
                hint="一个规格文件只写一份公文；删掉多余的 ---",
            ) from None
        raise _yaml_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, file) from None
    except RecursionError:  # PyYAML's parser recurses once per nesting level: 500 `[` exhaust the stack
        raise SpecError(
            "嵌套太深，无法读取",
            SourceRef(file),
            hint="规格只有几层嵌套；检查方括号、花括号是否成对，缩进是否正确",
        ) from None
    if node is None:
        raise SpecError("文件是空的", SourceRef(file, 1, 1), hint="参照 specs/ 下的示例填写规格")
    doc.data = _Builder(doc).build(node, ())
    return doc


#: Characters on which PyYAML's scanner and libyaml's disagree: PyYAML refuses a tab inside plain text and a ``?``
#: inside ``[…]``, libyaml takes both; a byte order mark inside the text ends a document for one of them.
_DISAGREE = re.compile("[\t?\ufeff]")


def _compose_with_libyaml(text: str) -> Node | None:
    """The node tree PyYAML's own parser would compose from ``text``, built from libyaml's events (ten times
    faster on a long spec), or None where the two could differ, so that PyYAML's parser decides and words the
    error: text with a character they treat differently, anything libyaml refuses, an empty plain value (the two
    place it differently), more than one document, a duplicate or undefined anchor, nesting deeper than the
    builder allows. The tree is composed here, level by level without recursion, because PyYAML's C composer
    recurses once per level in C and a deeply nested text would overflow the stack."""
    if not yaml.__with_libyaml__ or _DISAGREE.search(text):
        return None
    parser = yaml.CSafeLoader(text)
    resolve = parser.resolve
    anchors: dict[str, Node] = {}
    stack: list[tuple[Node, list[Node]]] = []  # open collections and their children so far
    root: Node | None = None
    try:
        parser.get_event()  # stream start
        if not parser.check_event(yaml.DocumentStartEvent):
            return None  # an empty stream: PyYAML says so
        parser.get_event()
        while True:
            event = parser.get_event()
            kind = type(event)
            node: Node
            if kind is yaml.AliasEvent:
                found = anchors.get(event.anchor)
                if found is None:
                    return None
                node = found
            elif kind is yaml.ScalarEvent:
                style = event.style or None
                if style is None and not event.value:
                    return None
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=style)
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                if len(stack) > MAX_DEPTH:
                    return None
                node_type = SequenceNode if kind is yaml.SequenceStartEvent else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_type, None, event.implicit)
                node = node_type(tag, [], event.start_mark, None, flow_style=event.flow_style)
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                node, children = stack.pop()
                node.end_mark = event.end_mark
                node.value = (
                    children
                    if isinstance(node, SequenceNode)
                    else list(zip(children[::2], children[1::2], strict=True))
                )
                if stack:
                    stack[-1][1].append(node)
                    continue
                root = node
                break
            else:  # pragma: no cover - libyaml gives no other event inside a document
                return None
            anchor = getattr(event, "anchor", None) if kind is not yaml.AliasEvent else None
            if anchor is not None:
                if anchor in anchors:
                    return None
                anchors[anchor] = node
            if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                stack.append((node, []))
            elif stack:
                stack[-1][1].append(node)
            else:
                root = node
                break
        parser.get_event()  # document end
        if not parser.check_event(yaml.StreamEndEvent):
            return None  # another document: PyYAML words that
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return root


def from_python(data: Any, file: str = "<dict>") -> YamlDocument:
    """A spec given as Python data (``docgen.render({...})``) → the same plain data YAML would give, checked as
    YAML is: keys are strings, values are text, numbers, dates, lists and mappings, within the same limits.
    Anything else (a key 1, an object, a list that contains itself) is a ``SpecError`` naming its key path."""
    doc = YamlDocument(data=None, file=file, text="")
    budget = {"nodes": 0, "chars": 0}
    active: set[int] = set()

    def convert(value: Any, path: KeyPath) -> Any:
        budget["nodes"] += 1
        if budget["nodes"] > MAX_NODES:
            raise SpecError(f"规格超过 {MAX_NODES} 个值", doc.ref(path))
        if len(path) > MAX_DEPTH:
            raise SpecError(f"嵌套超过 {MAX_DEPTH} 层", doc.ref(path))
        if value is None or isinstance(value, (bool, int, dt.date)):
            return value
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise SpecError(f"数值 {value} 无效", doc.ref(path))
            return value
        if isinstance(value, str):
            budget["chars"] += len(value)
            if budget["chars"] > MAX_CHARS:
                raise SpecError(f"规格的文字超过 {MAX_CHARS} 个字符", doc.ref(path))
            return str(value)  # a str subclass (Markup …) becomes a plain str
        if isinstance(value, (list, tuple, dict)):
            if id(value) in active:
                raise SpecError("规格里的列表或字典包含了它自身（循环引用）", doc.ref(path))
            active.add(id(value))
            try:
                if isinstance(value, dict):
                    out: dict[str, Any] = {}
                    for key, item in value.items():
                        if not isinstance(key, str):
                            raise SpecError(
                                f"键 {key!r} 不是文字", doc.ref(path), hint="规格的键都是文字，如 title、body"
                            )
                        out[str(key)] = convert(item, (*path, key))
                    return out
                return [convert(item, (*path, i)) for i, item in enumerate(value)]
            finally:
                active.discard(id(value))
        raise SpecError(
            f"不支持的值类型 {type(value).__name__}",
            doc.ref(path),
            hint="规格里只能有文字、数字、日期、列表和键值对",
        )

    doc.data = convert(data, ())
    return doc
