"""A fuzz harness over what users hand docgen: spec bytes, style overrides, clerk templates, texts to import.

Each example runs in a forked child with a memory cap and an alarm, so a hang or a runaway allocation is caught as
what it is instead of stalling the suite. Whatever the input, the outcome must be a document or a ``DocgenError``
(never another exception), within the bounds; no file may appear outside the output folder; and when a document
is built, every character of every text in the spec is in it (in the DOCX's text, and drawn in the PDF).

CI runs a short budget. A long run, which keeps looking (hypothesis remembers what it found in .hypothesis/):

    DOCGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import resource
import signal
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docgen
from docgen.check.texts import spec_texts

from .conftest import ROOT

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("DOCGEN_FUZZ_EXAMPLES") is None,  # CI: the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
SECONDS = 30  # per example: a build of a fuzzed spec takes well under a second
MEMORY = 2 * 1024**3

SEEDS = [
    (ROOT / "tests" / "specs" / "full-features.yaml").read_text(encoding="utf-8"),
    "title: 标题\nbody:\n  - 会议指出，要加强领导。\n  - heading: 工作要求\n  - 第二段。\n"
    "signature: {issuer: 某单位, date: 2024-05-08}\ndistribution: {cc: [甲单位, 乙单位], printed_by: 办公室}\n",
]


def bounded(job: Callable[[], object]) -> tuple[str, object]:
    """Run ``job`` in a forked child under the memory cap and the alarm: ("ok", its result) or ("user", message)
    for a DocgenError, ("bug", traceback), ("timeout", None), ("memory", None) or ("crash", signal)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
            signal.alarm(SECONDS)
            try:
                outcome: tuple[str, object] = ("ok", job())
            except docgen.DocgenError as error:
                outcome = ("user", str(error))
            except MemoryError:
                outcome = ("memory", None)
            except BaseException:
                outcome = ("bug", traceback.format_exc())
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(outcome))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read()
    _, status = os.waitpid(pid, 0)
    if message:
        return pickle.loads(message)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        return "timeout", None
    return "crash", os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def _drawn_characters(pdf: bytes) -> collections.Counter[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return collections.Counter(c["text"] for page in opened.pages for c in page.chars)


def _docx_text(docx: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    import re

    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)).replace("&amp;", "&").replace("&lt;", "<")


def build_and_read(spec_path: Path, out: Path) -> dict[str, object]:
    """Build both formats and read back what a reader gets, inside the child."""
    written = docgen.build(spec_path, out_dir=out)
    loaded = docgen.load_spec(spec_path)
    texts = [item.text for item in spec_texts(loaded)]
    data = {path.suffix: path.read_bytes() for path in written}
    return {"texts": texts, "docx": _docx_text(data[".docx"]), "pdf": _drawn_characters(data[".pdf"])}


def assert_sound(outcome: tuple[str, object], folder: Path, before: set[Path]) -> None:
    kind, value = outcome
    assert kind in ("ok", "user"), f"{kind}: {value}"
    stray = {path for path in files_under(folder) - before if folder / "out" not in path.parents}
    assert not stray, stray
    if kind == "ok" and isinstance(value, dict):
        docx_text = value["docx"].replace(" ", "")
        drawn: collections.Counter[str] = value["pdf"]
        needed: collections.Counter[str] = collections.Counter()
        for text in value["texts"]:
            compact = "".join(text.split())
            assert compact.replace("\u00a0", "") in docx_text.replace("\u00a0", "") or not compact, text
            needed.update(ch for ch in compact)
        missing = {ch: n - drawn[ch] for ch, n in needed.items() if drawn[ch] < n}
        assert not missing, missing


# -- strategies --------------------------------------------------------------------------------------------------

_TOKENS = [
    "\n",
    "\r\n",
    "  ",
    "- ",
    ": ",
    "#",
    "&a",
    "*a",
    "!!str ",
    "!!float ",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "|",
    ">",
    "---",
    "\t",
    "\\",
    "\x00",
    "\ufeff",
    "𠮷",
    "שלום",
    "—",
    "……",
    "：",
    "，",
    "?",
    "\u202e",
    "2023-02-30",
    "~",
    "null",
]


@st.composite
def mutated_spec(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "unicode"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(_TOKENS)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        elif action == "duplicate":
            end = min(len(text), position + draw(st.integers(1, 80)))
            text = text[:end] + text[position:end] * draw(st.integers(1, 20)) + text[end:]
        else:
            text = text[:position] + draw(st.text(min_size=1, max_size=12)) + text[position:]
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # now and then, raw bytes too
        position = draw(st.integers(0, len(raw)))
        raw = raw[:position] + draw(st.binary(max_size=16)) + raw[position:]
    return raw


_STYLE_VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["3号", "小初", "0mm", "-5mm", "1000mm", "12pt", "#FF0000", "red", "{n}", "— {n} —", "left", ""]),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.none(),
    st.booleans(),
)
_STYLE_KEYS = {
    "page": ["width", "height", "margin_top", "margin_bottom", "margin_left", "margin_right"],
    "grid": ["lines_per_page", "chars_per_line"],
    "page_number": ["format", "distance", "indent"],
    "roles": ["body", "title", "heading-1", "distribution", "page-number", "signature"],
    "fonts": ["fangsong", "heiti", "latin"],
}
_ROLE_KEYS = ["font", "size", "align", "color", "first_indent", "indent_left", "space_before", "lines", "sise"]


#: Values that are usually valid for a key, so that most examples get past validation and reach the writers.
_PLAUSIBLE: dict[str, list[object]] = {
    "width": ["210mm", "200mm", "230mm"],
    "height": ["297mm", "280mm"],
    "margin": ["20mm", "25mm", "30mm", "37mm", "45mm"],
    "lines_per_page": [18, 20, 22, 24],
    "chars_per_line": [24, 26, 28],
    "format": ["- {n} -", "第{n}页", "{n}", "— {n} —"],
    "distance": ["3mm", "7mm", "10mm"],
    "indent": [0, 1, 2],
    "size": ["3号", "4号", "小二", "15pt", "小初"],
    "align": ["left", "center", "right", "justify"],
    "color": ["#FF0000", "red", "black", "#123456"],
    "font": ["fangsong", "heiti", "kaiti", "songti"],
    "lines": [1, 2, 3],
    "first_indent": [0, 2, 4],
    "indent_left": [0, 1, 3],
    "space_before": [0, 1, 2],
}


def _value(key: str) -> st.SearchStrategy[object]:
    plausible = _PLAUSIBLE.get("margin" if key.startswith("margin") else key)
    if plausible is None:
        return _STYLE_VALUES
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), _STYLE_VALUES)


@st.composite
def style_overrides(draw: st.DrawFn) -> dict[str, object]:
    out: dict[str, object] = {}
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from([*_STYLE_KEYS, *_STYLE_KEYS, "extends", "nonsense"]))
        if section in ("roles", "fonts"):
            name = draw(st.sampled_from(_STYLE_KEYS[section]))
            keys = _ROLE_KEYS if section == "roles" else ["names", "file", "default", "embolden"]
            chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
            out.setdefault(section, {})[name] = {key: draw(_value(key)) for key in chosen}  # type: ignore[index]
        elif section in _STYLE_KEYS:
            key = draw(st.sampled_from(_STYLE_KEYS[section]))
            out.setdefault(section, {})[key] = draw(_value(key))  # type: ignore[index]
        else:
            out[section] = draw(_STYLE_VALUES)
    return out


_TEMPLATE_PIECES = [
    "{{ spec.title }}",
    "{{ spec.title | upper }}",
    "{{ spec.title.upper() }}",
    "{{ spec.path }}",
    "{{ spec.__class__ }}",
    "{% for p in spec.body %}{{ loop.index }}{% endfor %}",
    "{{ range(10) | list }}",
    "{{ 'x' * 1000 }}",
    "{{ 'x' * 10**8 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ spec.body | join('，') }}",
    "{{ 1 / 0 }}",
    "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(50) }}",
    "{{ cycler('a') }}",
    "{% set ns = namespace(a=1) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}",
    "{{ spec.title | cn_date }}",
    "{% include 'base.xml' %}",
    "{% include '/etc/passwd' %}",
    "{{ spec.signature.date | cn_date }}",
    "{{ lipsum() }}",
    "{{ self }}",
    "{{ spec['title'] }}",
    "{{ spec.body[0] }}",
    "{{ spec.body[1:] }}",
    "<",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{",
    "{% if %}",
]


@st.composite
def clerk_template(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_TEMPLATE_PIECES), min_size=1, max_size=4))
    inner = "".join(pieces)
    wrapper = draw(st.sampled_from(["<title>{}</title>", "<paragraph>{}</paragraph>", "{}"]))
    block = draw(st.sampled_from(["title", "body", "signature", "nonsense"]))
    return (
        '{% extends "builtin/meeting-summary/document.xml" %}\n'
        f"{{% block {block} %}}{wrapper.format(inner)}{{% endblock %}}\n"
    )


# -- the properties ----------------------------------------------------------------------------------------------


@FUZZ
@given(raw=mutated_spec())
def test_fuzzed_spec_bytes(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("spec")
    spec = folder / "spec.yaml"
    spec.write_bytes(raw)
    before = files_under(folder)
    assert_sound(bounded(lambda: build_and_read(spec, folder / "out")), folder, before)


@FUZZ
@given(overrides=style_overrides())
def test_fuzzed_style_overrides(tmp_path_factory: pytest.TempPathFactory, overrides: dict[str, object]) -> None:
    import yaml

    folder = tmp_path_factory.mktemp("style")
    spec = folder / "spec.yaml"
    data = yaml.safe_load(SEEDS[1])
    data["style"] = overrides
    spec.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = files_under(folder)
    assert_sound(bounded(lambda: build_and_read(spec, folder / "out")), folder, before)


@FUZZ
@given(template=clerk_template())
def test_fuzzed_clerk_templates(tmp_path_factory: pytest.TempPathFactory, template: str) -> None:
    folder = tmp_path_factory.mktemp("template")
    (folder / "t" / "meeting-summary").mkdir(parents=True)
    (folder / "t" / "meeting-summary" / "document.xml").write_text(template, encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(SEEDS[1] + "templates: t\n", encoding="utf-8")
    before = files_under(folder)

    def job() -> object:
        from docgen.template import render_model
        from docgen.template.sandbox import TemplateLimits

        return render_model(docgen.load_spec(spec), None, TemplateLimits(seconds=3.0)) and None

    assert_sound(bounded(job), folder, before)


@FUZZ
@given(
    payload=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(lambda t: t.encode("utf-16")),
        st.text(alphabet="一二三、。，：（）\n区县市委局讲话发言摘登", max_size=400).map(str.encode),
    ),
    suffix=st.sampled_from([".txt", ".docx", ".pdf", ".md"]),
)
def test_fuzzed_import_inputs(tmp_path_factory: pytest.TempPathFactory, payload: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("import")
    source = folder / f"in{suffix}"
    source.write_bytes(payload)
    before = files_under(folder)

    def job() -> object:
        from docgen.importer import import_text

        result = import_text(source)
        docgen.load_spec(result.yaml_text)  # what import writes must load
        return None

    assert_sound(bounded(job), folder, before)
