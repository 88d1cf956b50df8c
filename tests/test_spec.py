"""Spec loading: every key of the public example works, and each kind of bad input gives its error with file, line,
column, key path and a hint, and the CLI exits with status 2 without a traceback."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

import docgen
from docgen.errors import SpecError
from docgen.spec import load_spec
from docgen.spec.yamlsource import load_yaml

from .conftest import ROOT

EXAMPLE = ROOT / "tests" / "specs" / "spec-example.yaml"


def write(tmp_path: Path, text: str | bytes, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def error_of(path: Path) -> docgen.SpecError:
    with pytest.raises(docgen.SpecError) as info:
        load_spec(path)
    return info.value


def test_public_example_loads_every_key() -> None:
    spec = load_spec(EXAMPLE)
    assert spec.kind == "meeting-summary"
    assert spec.masthead.name == "组工信息"
    assert spec.masthead.issue == "第12期"
    assert spec.masthead.date == dt.date(2023, 3, 15)
    assert spec.title == "全市基层党建工作重点任务推进会召开"
    assert len(spec.body) == 3
    first, second = spec.attachments
    assert [s.unit for s in first.speeches] == ["槐荫区", "天桥区"]
    assert first.speeches[0].title == "搭建党建联盟 赋能基层治理"
    assert first.speeches[0].sections[1].heading == "聚焦服务中心大局，分类组建党建联盟"
    assert second.paragraphs[0].startswith("一是以开展主题教育为契机")
    assert spec.signature.issuer == "中共济南市委组织部"
    assert spec.signature.date == dt.date(2023, 3, 15)
    assert spec.distribution.cc == ("市委各部委", "市直各部门")
    assert spec.distribution.printed_on == dt.date(2023, 3, 15)


#: SHA-256 of the public example (../shared/spec-example.yaml) the copy in tests/ was taken from.
PUBLIC_EXAMPLE_SHA256 = "837e0e71e81c7ebd6aa2a7cc3b1a44e107ee7fbd04d8fb4c85f4525ce9a1c1d2"


def test_example_in_tests_is_the_public_one() -> None:
    import hashlib

    assert hashlib.sha256(EXAMPLE.read_bytes()).hexdigest() == PUBLIC_EXAMPLE_SHA256
    shared = ROOT.parent / "shared" / "spec-example.yaml"
    if shared.is_file():  # beside the checkout, the public file itself must still be the same
        assert EXAMPLE.read_bytes() == shared.read_bytes()


def test_dates_render_in_chinese_without_leading_zeros() -> None:
    document = docgen.render(EXAMPLE)
    texts = document.model.texts()
    assert "2023年3月15日" in texts
    assert "2023年3月15日印发" in texts
    assert not any("03月" in t or "年03" in t for t in texts)


def test_dates_written_as_chinese_text_are_accepted(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "title: 标题\nbody: [正文]\nsignature: {issuer: 某单位, date: 2024年5月8日}\n"))
    assert spec.signature.date == dt.date(2024, 5, 8)


def test_body_headings_are_numbered_by_level(tmp_path: Path) -> None:
    text = (
        "title: 标题\nbody:\n  - heading: 甲\n  - heading: 乙\n    level: 2\n  - heading: 丙\n    level: 2\n"
        "  - 段落\n  - heading: 丁\n  - heading: 戊\n    level: 2\n"
    )
    headings = [b for b in load_spec(write(tmp_path, text)).body if not isinstance(b, str)]
    assert [(h.text, h.level, h.number) for h in headings] == [
        ("甲", 1, 1),
        ("乙", 2, 1),
        ("丙", 2, 2),
        ("丁", 1, 2),
        ("戊", 2, 1),
    ]


def test_spec_text_is_data_not_template_code(tmp_path: Path) -> None:
    path = write(tmp_path, "title: '{{ 7*7 }}'\nbody:\n  - '{{ 7*7 }} and {% if true %}x{% endif %} <b>&amp;'\n")
    texts = docgen.render(path).model.texts()
    assert "{{ 7*7 }}" in texts
    assert "{{ 7*7 }} and {% if true %}x{% endif %} <b>&amp;" in texts
    assert "49" not in "".join(texts)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, "title: 标题\nbody:\n  - 正文\natachments: []\n")
    err = error_of(path)
    assert (err.file, err.line, err.column) == (str(path), 4, 1)
    assert err.key_path == "atachments"
    assert "attachments" in err.hint


def test_unknown_nested_key(tmp_path: Path) -> None:
    path = write(tmp_path, "title: 标题\nbody: [正文]\nmasthead:\n  name: 简报\n  isue: 第1期\n")
    err = error_of(path)
    assert (err.line, err.column, err.key_path) == (5, 3, "masthead.isue")
    assert "issue" in err.hint


def test_missing_required_key(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "body:\n  - 正文\n"))
    assert "缺少" in err.message and "title" in err.message
    assert err.key_path == "title"


def test_missing_unit_in_a_speech(tmp_path: Path) -> None:
    text = "title: 标题\nbody: [正文]\nattachments:\n  - title: 摘登\n    speeches:\n      - lead: [发言]\n"
    err = error_of(write(tmp_path, text))
    assert err.key_path == "attachments[0].speeches[0].unit"
    assert err.line == 6


def test_wrong_type(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody:\n  first: 正文\n"))
    assert "列表" in err.message
    assert (err.line, err.key_path) == (3, "body")


def test_impossible_date(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody: [正文]\nsignature:\n  issuer: 某单位\n  date: 2023-02-30\n"))
    assert "2023-02-30" in err.message and "不存在" in err.message
    assert (err.line, err.column, err.key_path) == (5, 9, "signature.date")


def test_not_a_date(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody: [正文]\nsignature:\n  issuer: 某单位\n  date: 下周一\n"))
    assert "日期" in err.message and err.key_path == "signature.date"


def test_tab_indentation_is_a_syntax_error_with_position(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody:\n\t- 正文\n"))
    assert "Tab" in err.message
    assert err.line == 3
    assert "空格" in err.hint


def test_yaml_syntax_error(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody: [正文\n"))
    assert "YAML 语法错误" in err.message and err.line is not None


def test_escaped_control_character_that_word_cannot_store(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, 'title: 标题\nbody:\n  - "正文\\x01内容"\n'))
    assert "U+0001" in err.message
    assert (err.line, err.key_path) == (3, "body[0]")


def test_raw_control_character_in_the_file(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody:\n  - 正文\x07内容\n"))
    assert "U+0007" in err.message
    assert (err.line, err.column) == (3, 7)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody:\n  - 正文\n".encode("gbk")))
    assert "UTF-8" in err.message
    assert err.line == 1
    assert "UTF-8" in err.hint


def test_duplicate_key_would_lose_text(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "title: 标题\nbody: [一]\nbody: [二]\n"))
    assert "重复" in err.message and err.line == 3


def test_alias_bomb_fails_fast_without_eating_memory(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):  # 10**9 values once expanded
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines += ["title: 标题", "body: *a8"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        err = error_of(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "别名" in err.message
    assert peak < 100 * 1024 * 1024, f"alias expansion used {peak / 1e6:.0f} MB"


def test_empty_file(tmp_path: Path) -> None:
    assert "空" in error_of(write(tmp_path, "")).message


def test_dict_and_text_specs(tmp_path: Path) -> None:
    from_dict = load_spec({"title": "标题", "body": ["正文"]})
    from_text = load_spec("title: 标题\nbody:\n  - 正文\n")
    assert from_dict.title == from_text.title == "标题"
    with pytest.raises(docgen.SpecError) as info:
        load_spec({"title": "标题", "body": ["正文"], "atachments": []})
    assert "attachments" in info.value.hint


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=120)


def test_cli_reports_a_user_error_with_position_and_exit_status_2(tmp_path: Path) -> None:
    path = write(tmp_path, "title: 标题\nbody:\n  - 正文\natachments: []\n")
    result = run_cli("build", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{path}:4:1:" in result.stderr
    assert "attachments" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_missing_file(tmp_path: Path) -> None:
    result = run_cli("build", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "找不到规格文件" in result.stderr and "Traceback" not in result.stderr


def _nodes(node: yaml.Node) -> list[tuple[object, ...]]:
    """Every node with what docgen reads from it: kind, tag, value, start position, a scalar's end."""
    out: list[tuple[object, ...]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        scalar = isinstance(current.value, str)
        mark = current.start_mark
        out.append(
            (
                type(current).__name__,
                current.tag,
                current.value if scalar else None,
                mark.index,
                mark.line,
                mark.column,
                current.end_mark.index if scalar else None,
            )
        )
        if not scalar:
            for item in reversed(current.value):
                stack.extend(reversed(item) if isinstance(item, tuple) else [item])
    return out


def test_packaged_yaml_reads_the_same_with_libyaml_and_pyyaml() -> None:
    # Style profiles and the lexicon shipped with docgen are parsed with libyaml (load_yaml(packaged=True)).
    from docgen.check.lexicon import BUILTIN
    from docgen.style import PROFILES_DIR

    files = [BUILTIN, *PROFILES_DIR.glob("*.yaml")]
    assert len(files) >= 2 and yaml.__with_libyaml__
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert "\t" not in text and not text.startswith("\ufeff"), file  # where the two scanners differ
        assert _nodes(yaml.compose(text, Loader=yaml.CSafeLoader)) == _nodes(yaml.compose(text, Loader=yaml.SafeLoader))


def _loaded(text: str, *, libyaml: bool) -> tuple[Any, ...]:
    """Everything load_yaml gives for ``text`` (data, every position, or the error), with or without libyaml."""
    from docgen.spec import yamlsource

    original = yamlsource._compose_with_libyaml
    if not libyaml:
        yamlsource._compose_with_libyaml = lambda text: None
    try:
        doc = yamlsource.load_yaml(text, "spec.yaml")
        return ("ok", repr(doc.data), doc.value_marks, doc.key_marks, doc.spans, doc.styles, doc.raw_scalars)
    except SpecError as exc:
        return ("error", exc.message, exc.source, exc.hint)
    finally:
        yamlsource._compose_with_libyaml = original


def _yaml_corpus() -> list[str]:
    root = Path(__file__).resolve().parent.parent
    files = [*root.glob("specs/*.yaml"), *root.glob("templates/*/example.yaml"), *root.glob("tests/**/*.yaml")]
    return [file.read_text(encoding="utf-8").removeprefix("\ufeff") for file in sorted(files)]


def test_a_clerks_spec_reads_the_same_through_libyaml_as_through_pyyaml() -> None:
    # Clerks' files are composed from libyaml's events where the two parsers agree, and by PyYAML otherwise:
    # the data, every value's and key's position, span and style, and every error must be the same either way.
    from docgen.spec.yamlsource import _compose_with_libyaml

    corpus = _yaml_corpus()
    assert len(corpus) > 20
    taken = sum(_compose_with_libyaml(text) is not None for text in corpus)
    assert taken > len(corpus) * 3 // 4  # the fast path is really used for ordinary specs
    for text in corpus:
        assert _loaded(text, libyaml=True) == _loaded(text, libyaml=False)
    # Damaged specs: characters YAML gives meaning to, anchors and aliases, new lines with indentation, inserted
    # at random places (a fixed seed, so a failure can be rerun).
    marks = [*":-[]{}#&*!|>'\"%@`,? \n\r\x85\u2028\x00\x07\x7f\ufffe\U0001f600a字：\\~\t\ufeff", "&a ", "*a "]
    rng = random.Random(9704)
    for _ in range(400):
        chars = list(rng.choice(corpus)[: rng.randint(20, 3000)])
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.6:
                chars.insert(at, rng.choice(marks))
            elif rng.random() < 0.5 and at < len(chars):
                del chars[at]
            else:
                chars.insert(at, "\n" + rng.choice(["", " ", "  - ", "- ", "? "]) * rng.randint(0, 5))
        text = "".join(chars)
        assert _loaded(text, libyaml=True) == _loaded(text, libyaml=False), text


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000 + "]" * 100_000, "- " * 100_000 + "x"])
def test_nesting_too_deep_for_libyamls_composer_is_an_error_not_a_crash(text: str) -> None:
    # PyYAML's C composer recurses per level in C: 100,000 levels overflowed the stack (a segfault).
    with pytest.raises(SpecError, match="嵌套"):
        load_yaml(text, "deep.yaml")
