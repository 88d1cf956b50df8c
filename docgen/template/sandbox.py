"""The Jinja2 environment clerk templates run in: data in, bounded text out, nothing else reachable.

Jinja2's own sandbox stops access to Python internals (``__class__``, ``mro``) but still lets a template call every
public method of the objects it is given, and puts no bound on time or memory. A 公文 template needs neither, so the
policy here is narrower, and enforced where the template's code runs, not by inspecting the template:

- **Data, not objects.** Templates receive plain values (text, numbers, lists, mappings; see ``context.py``).
  Attribute access reads a mapping's keys and Jinja's own helpers (``loop``, ``namespace``, ``self``, ``super``,
  ``caller``) and nothing else: a string's or a list's methods are undefined, so nothing can be called on data.
- **Bounded.** Every loop iterates through ``bounded_iter`` and every call, attribute read and concatenation ticks a
  clock (``Budget``): a template past its time limit stops with an error at its line. Operators that make large values
  (``*``, ``+``, ``**``, ``~``, ``%``) and the filters that could are checked *before* they allocate, and the text a
  template produces is capped.
- **Filters by allow-list.** Those that cannot blow up (or are wrapped with a size check); ``format``, ``center``,
  ``indent``, ``wordwrap``, ``safe`` and friends are not available.

A breach raises ``TemplateLimit``; the template stage turns it into a ``TemplateError`` naming the template line.
"""

from __future__ import annotations

import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.environment import TemplateModule
from jinja2.filters import FILTERS
from jinja2.runtime import BlockReference, Context, LoopContext, Macro, TemplateReference
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape, soft_str

__all__ = ["Budget", "DocgenSandbox", "TemplateLimit", "TemplateLimits"]

#: Bumped whenever the generated code changes shape, so compiled templates in the cache are not reused across it.
CODE_VERSION = "sandbox-3"


@dataclass(frozen=True)
class TemplateLimits:
    """How much one rendering may take. A built-in template renders the seed in about 10 ms into 100,000
    characters; a 500-page spec into about 2 million."""

    seconds: float = 10.0
    #: characters of any one value a template makes, and of its whole output
    max_chars: int = 64_000_000
    #: characters all the values it makes may add up to (each concatenation of a big value counts again)
    max_total_chars: int = 512_000_000
    #: items of any one list a template makes
    max_items: int = 1_000_000


class TemplateLimit(Exception):
    """A template went past a limit or tried something the policy forbids; the message is for the clerk."""


class Budget:
    """The clock and the character count of one rendering."""

    def __init__(self, limits: TemplateLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.spent = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"模板运行超过 {self.limits.seconds:g} 秒，已停止（多半是循环套循环或宏递归调用自身）")

    def measure(self, value: Any, what: str = "文字") -> None:
        """Refuse a text or list that is already too large to keep (lists count by items)."""
        if isinstance(value, (list, tuple)):
            self.items(len(value))
        elif isinstance(value, str):
            self.size(len(value), what)

    def items(self, count: int) -> None:
        if count > self.limits.max_items:
            raise TemplateLimit(f"模板要生成的列表超过 {self.limits.max_items} 项，已停止")
        self.tick()

    def size(self, chars: int, what: str = "文字") -> None:
        """Refuse a value of ``chars`` characters before it is made."""
        if chars > self.limits.max_chars:
            raise TemplateLimit(f"模板要生成的{what}超过 {self.limits.max_chars} 个字符，已停止")
        self.spent += chars
        if self.spent > self.limits.max_total_chars:
            raise TemplateLimit(f"模板生成的文字累计超过 {self.limits.max_total_chars} 个字符，已停止")
        self.tick()


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict)) else len(soft_str(value))


#: Values of these types are Jinja's own helpers: their attributes (loop.index, ns.total) may be read.
_JINJA_OBJECTS = (LoopContext, Namespace, Cycler, Joiner, TemplateReference, BlockReference, Macro, TemplateModule)
_MAX_INT_BITS = 100_000


def checked_namespace(budget: Budget) -> type[Namespace]:
    """``namespace()``: values stored in it are checked, as it is how a template accumulates across loop turns.
    (A closure, not an attribute: Namespace answers every attribute read from its own contents.)"""

    class CheckedNamespace(Namespace):
        def __setitem__(self, name: str, value: Any) -> None:
            budget.measure(value)
            super().__setitem__(name, value)

    return CheckedNamespace


_TAG_START = re.compile(r"<([a-z][a-z0-9-]*)(?=[\s/>])")


class _BoundLoops(NodeTransformer):
    """Rewrite the parsed template: every ``for`` iterates through ``environment.bounded_iter`` (so a loop that
    does nothing else still checks the clock), every ``~`` goes through ``environment.checked_join``, and every
    markup tag the template writes is marked with the template and line that wrote it (``_at="name:line"``), so
    that an error in the markup points at that line."""

    def __init__(self, name: str | None) -> None:
        self.name = (name or "").replace("&", "&amp;").replace('"', "&quot;")

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Node:
        data = node.data
        if "<" not in data or not self.name:
            return node
        out, last = [], 0
        for match in _TAG_START.finditer(data):
            line = node.lineno + data.count("\n", 0, match.start())
            out += [data[last : match.end()], f' _at="{self.name}:{line}"']
            last = match.end()
        out.append(data[last:])
        return nodes.TemplateData("".join(out), lineno=node.lineno)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        wrapped = nodes.Call(nodes.EnvironmentAttribute("bounded_iter"), [node.iter], [], None, None)
        node.iter = wrapped.set_lineno(node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        parts = nodes.List(list(node.nodes))
        call = nodes.Call(nodes.EnvironmentAttribute("checked_join"), [parts], [], None, None)
        return call.set_lineno(node.lineno)


class DocgenSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with docgen's narrower policy (see the module docstring)."""

    intercepted_binops = frozenset({"+", "*", "**", "%", "/", "//"})

    def __init__(self, budget: Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.filters = {name: self._bounded_filter(name) for name in ALLOWED_FILTERS}
        self.globals.clear()
        self.globals.update(
            range=self.bounded_range, namespace=checked_namespace(budget), dict=dict, cycler=Cycler, joiner=Joiner
        )

    # -- the parse step: loops and ~ through the checks ----------------------------------------------------
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _BoundLoops(name).visit(super()._parse(source, name, filename))

    def bounded_iter(self, iterable: Any) -> Iterator[Any]:
        tick = self.budget.tick
        for count, item in enumerate(iterable):
            if not count & 63:
                tick()
            yield item

    def bounded_range(self, *args: int) -> range:
        self.budget.tick()
        values = range(*args)
        if len(values) > MAX_RANGE:
            raise TemplateLimit(f"range() 的范围太大（{len(values)} 项，上限 {MAX_RANGE}）")
        return values

    def checked_join(self, parts: Iterable[Any]) -> str:
        """``a ~ b``: Jinja's markup_join, with the result's size checked before it is made."""
        texts = [soft_str(part) for part in parts]
        self.budget.size(sum(len(text) for text in texts))
        if any(hasattr(part, "__html__") for part in texts):
            return Markup("").join(escape(text) if not hasattr(text, "__html__") else text for text in texts)
        return "".join(texts)

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """Every block, macro body and the output itself are joined here (Jinja's generated code uses
        ``environment.concat``): counted as they come, so an over-long output stops before it is joined."""
        limit = self.budget.limits.max_chars
        collected: list[str] = []
        size = 0
        for part in parts:
            size += len(part)
            if size > limit:
                raise TemplateLimit(f"模板输出超过 {limit} 个字符，已停止")
            collected.append(part)
        self.budget.size(size)
        return "".join(collected)

    # -- what a template may read and call ----------------------------------------------------------------
    def getattr(self, obj: Any, attribute: str) -> Any:
        self.budget.tick()
        if isinstance(obj, jinja2.Undefined):  # keep the first undefined, with its message (and its SecurityError)
            return obj
        if isinstance(obj, dict):
            return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
        if isinstance(obj, _JINJA_OBJECTS) and not attribute.startswith("_"):
            return super().getattr(obj, attribute)
        if hasattr(obj, attribute):  # a method or an internal of a value: never given out
            return self.unsafe_undefined(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.budget.tick()
        if isinstance(obj, jinja2.Undefined):
            return obj
        if isinstance(obj, dict):
            try:
                return obj[argument] if argument in obj else self.undefined(obj=obj, name=argument)
            except TypeError:  # an unhashable key
                return self.undefined(obj=obj, name=argument)
        index = isinstance(argument, (int, slice)) and not isinstance(argument, bool)
        if isinstance(obj, (list, tuple, str)) and index:
            try:
                return obj[argument]
            except (IndexError, ValueError, TypeError):
                return self.undefined(obj=obj, name=argument)
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.budget.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(__obj, (types.BuiltinMethodType, types.MethodType)) and not isinstance(owner, _JINJA_OBJECTS):
            if owner is not __self:  # the environment's own helpers (bounded_iter, checked_join)
                raise SecurityError(f"{__obj!r} is not safely callable")
        for value in (*args, *kwargs.values()):
            if isinstance(value, str) and len(value) > __self.budget.limits.max_chars:
                __self.budget.size(len(value))
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = self.budget
        sequences = (str, list, tuple)
        if operator == "+" and isinstance(left, sequences) and isinstance(right, sequences):
            (budget.size if isinstance(left, str) else budget.items)(len(left) + len(right))
        elif operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, sequences) and isinstance(count, int):
                    (budget.size if isinstance(seq, str) else budget.items)(len(seq) * max(count, 0))
            big = isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length()
            if big and big > _MAX_INT_BITS:
                raise TemplateLimit("模板里的数字太大，已停止")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and right * abs(left).bit_length() > _MAX_INT_BITS:
                raise TemplateLimit("模板里的乘方结果太大，已停止")
        elif operator == "%" and isinstance(left, str):
            raise TemplateLimit("模板里不能用 % 格式化文字")
        budget.tick()
        return super().call_binop(context, operator, left, right)

    # -- filters -------------------------------------------------------------------------------------------
    def _bounded_filter(self, name: str) -> Callable[..., Any]:
        function = EXTRA_FILTERS.get(name) or FILTERS[name]
        check = _PRECHECKS.get(name)
        budget = self.budget

        def bounded(*args: Any, **kwargs: Any) -> Any:
            budget.tick()
            if check is not None:
                budget.size(check(*_plain_args(args), **kwargs), "文字或列表")
            result = function(*args, **kwargs)
            budget.measure(result)
            return result

        # Jinja passes the environment/context/eval context to filters marked for it; keep the marks.
        for mark in ("jinja_pass_arg",):
            if hasattr(function, mark):
                setattr(bounded, mark, getattr(function, mark))
        bounded.__name__ = name
        return bounded


def _plain_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Filter arguments without the leading environment or context Jinja passes to some filters."""
    return tuple(a for a in args if not isinstance(a, (jinja2.Environment, Context, jinja2.nodes.EvalContext)))


def _replace_size(value: Any, old: Any = "", new: Any = "", count: int | None = None) -> int:
    text, old, new = soft_str(value), soft_str(old), soft_str(new)
    hits = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _join_size(value: Any, d: Any = "", attribute: Any = None) -> int:
    items = list(value) if isinstance(value, (list, tuple)) else []
    return sum(_length(item) for item in items) + len(soft_str(d)) * max(len(items) - 1, 0)


def _batch_size(value: Any, linecount: int = 1, fill_with: Any = None) -> int:
    items = len(value) if isinstance(value, (list, tuple, str)) else 0
    return items + (linecount if fill_with is not None else 0)


#: Checks run before a filter allocates: the size of what it would make.
_PRECHECKS: dict[str, Callable[..., int]] = {"replace": _replace_size, "join": _join_size, "batch": _batch_size}


def cn_date(value: Any) -> str:
    """2023-03-15 (a date or its ISO text) → 2023年3月15日 (GB/T 9704 §7.3.5.4: Arabic numerals, no leading
    zeros). Text already in the Chinese form is returned as it is; nothing → ''."""
    import datetime as dt

    if value is None or isinstance(value, jinja2.Undefined) or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            if "年" in value and "月" in value and "日" in value:
                return value
            raise TemplateLimit(f"cn_date 需要日期（如 2023-03-15），收到的是“{value[:40]}”") from None
    if not isinstance(value, dt.date):
        raise TemplateLimit(f"cn_date 需要日期，收到的是 {type(value).__name__}")
    return f"{value.year}年{value.month}月{value.day}日"


def _cn_numeral(value: Any) -> str:
    from docgen.model.blocks import chinese_numeral

    if not isinstance(value, int) or isinstance(value, bool):
        raise TemplateLimit(f"cn_numeral 需要整数，收到的是 {type(value).__name__}")
    return chinese_numeral(value)


def _breaks(value: Any) -> Markup:
    """Text whose newlines are breaks the author chose (a title in two lines): escaped, with <br/> between."""
    text = "" if value is None or isinstance(value, jinja2.Undefined) else soft_str(value)
    return Markup("<br/>").join(escape(line) for line in text.split("\n"))


EXTRA_FILTERS: dict[str, Callable[..., Any]] = {"cn_date": cn_date, "cn_numeral": _cn_numeral, "breaks": _breaks}

#: Jinja's filters that cannot make a value much larger than their input (or are checked first), plus docgen's.
ALLOWED_FILTERS = (
    "abs",
    "attr",
    "batch",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "groupby",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
    *EXTRA_FILTERS,
)
