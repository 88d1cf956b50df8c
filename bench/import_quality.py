"""How well `docgen import` finds a document's structure, and `docgen check` its damage, on bench/corpus.

    python bench/import_quality.py [--json] [-v] [--corpus DIR]

The corpus (bench/corpus/README.md) holds documents docgen was not tuned on: each NN-name.txt or .docx with
NN-name.expected.yaml (the spec a careful clerk writes from it) and NN-name.damage.yaml (every damage planted in it).

Importer: each document is imported with ``docgen.importer.import_text``; its spec is compared with the expected one
field by field (title, body paragraph count, speech count, sections per speech, units …), each field over the
documents where it applies. A document whose import raises counts as wrong for every field that applies to it.

Checker: as ``docgen import`` does, the raw paragraphs (the non-empty, stripped lines of the file; a .docx's
paragraphs) are checked as the body of a spec; a finding (level 必错 or 疑似) matches a planted damage when the codes
are equal, the paragraph is the same and the finding's excerpt overlaps the damaged text. Precision and recall per
rule. Rules that need the document's structure (T004 dates of 成文/印发, S001 attachments, H001 the title) cannot
be judged from raw paragraphs: their rows are marked. Then each expected (clean) spec is checked as it stands: every
finding there is a false alarm on correct text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "bench" / "corpus"
STRUCTURE_CODES = {"T004", "S001", "H001"}  # need signature/attachments/title, which raw paragraphs do not have
SPEC_KEYS = ("kind", "style", "templates", "header", "masthead", "title", "recipients", "body", "attachments",
             "signature", "note", "distribution")  # fmt: skip


# -- reading the corpus ------------------------------------------------------------------------------------------


def raw_paragraphs(path: Path) -> list[str]:
    """The paragraphs the damage files count: non-empty stripped lines (UTF-8 with or without BOM, else GB18030),
    or a .docx's non-empty paragraphs. Defined here, not taken from docgen, so the indexes stay fixed."""
    if path.suffix.lower() == ".docx":
        import docx

        lines = [p.text for p in docx.Document(str(path)).paragraphs]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        lines = text.splitlines()
    return [line.strip() for line in lines if line.strip()]


@dataclass
class Document:
    name: str
    source: Path
    expected: dict[str, Any]
    damages: list[dict[str, Any]]
    paragraphs: list[str]


def load_corpus(folder: Path) -> list[Document]:
    documents = []
    for expected_path in sorted(folder.glob("*.expected.yaml")):
        name = expected_path.name.removesuffix(".expected.yaml")
        sources = [p for p in (folder / f"{name}.txt", folder / f"{name}.docx") if p.is_file()]
        if len(sources) != 1:
            raise SystemExit(f"{expected_path}: expected exactly one of {name}.txt / {name}.docx beside it")
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
        damage_path = folder / f"{name}.damage.yaml"
        damages = yaml.safe_load(damage_path.read_text(encoding="utf-8")) if damage_path.is_file() else []
        paragraphs = raw_paragraphs(sources[0])
        for damage in damages or []:  # the damage file must describe the text as it is
            index, text = damage["paragraph"], str(damage["text"])
            if not 0 <= index < len(paragraphs):
                raise SystemExit(f"{damage_path}: paragraph {index} does not exist ({len(paragraphs)} paragraphs)")
            offset = damage.get("offset")
            if offset is None:
                offset = paragraphs[index].find(text)
            if offset < 0 or paragraphs[index][offset : offset + len(text)] != text:
                raise SystemExit(f"{damage_path}: “{text}” is not at offset {offset} of paragraph {index}")
            damage["offset"] = offset
            damage["text"] = text
        documents.append(Document(name, sources[0], expected, damages or [], paragraphs))
    return documents


# -- importer ----------------------------------------------------------------------------------------------------


def _speeches(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for a in spec.get("attachments") or [] if isinstance(a, dict) for s in a.get("speeches") or []]


def _norm(value: Any) -> Any:
    """Dates as ISO text, so 2024-03-12 written as a date or a string compare equal."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _signature(spec: dict[str, Any]) -> tuple[str, str] | None:
    """(issuer, date) of a signature, written as one ``issuer`` (a 简报) or as ``issuers`` (a 文件)."""
    signature = _norm(spec.get("signature"))
    if not isinstance(signature, dict):
        return None
    header = _norm(spec.get("header")) or {}
    # a 文件's signature names the 版头's issuers unless it says otherwise
    issuers = signature.get("issuers") or signature.get("issuer") or header.get("issuers") or []
    return " ".join([issuers] if isinstance(issuers, str) else issuers), str(signature.get("date"))


def _headings(spec: dict[str, Any]) -> list[tuple[str, int]]:
    return [(i["heading"], i.get("level", 1)) for i in spec.get("body") or [] if isinstance(i, dict)]


def _texts(spec: dict[str, Any]) -> list[str]:
    """Every text of a spec in reading order (numbers that docgen prints itself are not in a spec)."""
    out: list[str] = []
    masthead = spec.get("masthead") or {}
    out += [str(masthead[k]) for k in ("name", "issue", "issuer") if masthead.get(k)]
    out.append(str(spec.get("title") or ""))
    out += [str(r) for r in spec.get("recipients") or []]
    for item in spec.get("body") or []:
        out.append(item["heading"] if isinstance(item, dict) else str(item))
    for attachment in spec.get("attachments") or []:
        out.append(str(attachment.get("title") or ""))
        out += [str(p) for p in attachment.get("paragraphs") or []]
        for item in attachment.get("body") or []:
            out.append(item["heading"] if isinstance(item, dict) else str(item))
        for speech in attachment.get("speeches") or []:
            out += [str(speech.get(k)) for k in ("title", "unit") if speech.get(k)]
            out += [str(p) for p in speech.get("lead") or []]
            for section in speech.get("sections") or []:
                out.append(str(section.get("heading") or ""))
                out += [str(p) for p in section.get("paragraphs") or []]
    signature = spec.get("signature") or {}
    header = spec.get("header") or {}
    issuers = (
        signature.get("issuers") or signature.get("issuer") or (header.get("issuers") if signature else None) or []
    )
    out += [issuers] if isinstance(issuers, str) else [str(i) for i in issuers]
    distribution = spec.get("distribution") or {}
    out += [str(c) for c in distribution.get("cc") or []]
    if distribution.get("printed_by"):
        out.append(str(distribution["printed_by"]))
    return out


def text_difference(expected: dict[str, Any], got: dict[str, Any]) -> tuple[int, int, float]:
    """(characters the import has that the clean spec has not, characters it lacks, similarity 0…1)."""
    a, b = "".join(_texts(expected)), "".join(_texts(got))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    extra = missing = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            missing += i2 - i1
        if op in ("replace", "insert"):
            extra += j2 - j1
    return extra, missing, matcher.ratio()


def _in_text(title: str, document: Document) -> bool:
    """Whether the text names an attachment: a paragraph of its own, or a 附件说明 line (附件：1.title)."""
    return any(p.endswith(title) and len(p) - len(title) <= 5 for p in document.paragraphs)


# field → (applies to this document?, value of a spec to compare). A field applies where the expected spec has it;
# the title only where the text has it as a paragraph of its own (a clerk writes one for a text without a title), the
# attachment titles only where the text names every attachment (not where the clerk chose the annex's title).
FIELDS: dict[str, tuple[Callable[[Document], bool], Callable[[dict[str, Any]], Any]]] = {
    "kind": (lambda d: True, lambda s: s.get("kind", "meeting-summary")),
    "title": (lambda d: d.expected.get("title") in d.paragraphs, lambda s: s.get("title")),
    "body paragraph count": (lambda d: True, lambda s: len(s.get("body") or [])),
    "body headings (text, level)": (lambda d: bool(_headings(d.expected)), _headings),
    "recipients (主送)": (lambda d: "recipients" in d.expected, lambda s: s.get("recipients")),
    "signature (issuer, date)": (lambda d: "signature" in d.expected, lambda s: _signature(s)),
    "masthead": (lambda d: "masthead" in d.expected, lambda s: _norm(s.get("masthead"))),
    "distribution (版记)": (lambda d: "distribution" in d.expected, lambda s: _norm(s.get("distribution"))),
    "attachment titles": (
        lambda d: (
            bool(d.expected.get("attachments")) and all(_in_text(a["title"], d) for a in d.expected["attachments"])
        ),
        lambda s: [a.get("title") for a in s.get("attachments") or []],
    ),
    "no speeches invented": (lambda d: not _speeches(d.expected), lambda s: len(_speeches(s))),
    "speech count": (lambda d: bool(_speeches(d.expected)), lambda s: len(_speeches(s))),
    "units exactly": (lambda d: bool(_speeches(d.expected)), lambda s: [sp.get("unit") for sp in _speeches(s)]),
    "speech titles": (
        lambda d: any(sp.get("title") for sp in _speeches(d.expected)),
        lambda s: [sp.get("title") for sp in _speeches(s)],
    ),
    "lead paragraphs per speech": (
        lambda d: bool(_speeches(d.expected)),
        lambda s: [len(sp.get("lead") or []) for sp in _speeches(s)],
    ),
    "sections per speech": (
        lambda d: bool(_speeches(d.expected)),
        lambda s: [len(sp.get("sections") or []) for sp in _speeches(s)],
    ),
    "section headings": (
        lambda d: any(sp.get("sections") for sp in _speeches(d.expected)),
        lambda s: [sec.get("heading") for sp in _speeches(s) for sec in sp.get("sections") or []],
    ),
    "paragraphs per section": (
        lambda d: any(sp.get("sections") for sp in _speeches(d.expected)),
        lambda s: [[len(sec.get("paragraphs") or []) for sec in sp.get("sections") or []] for sp in _speeches(s)],
    ),
}


@dataclass
class ImportOutcome:
    fields: dict[str, bool] = field(default_factory=dict)  # only the fields that apply
    details: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # wrong field → (expected, got)
    exception: str | None = None
    extra: int | None = None
    missing: int | None = None
    similarity: float | None = None
    notes: int = 0
    fixes: int = 0


def run_import(document: Document, verbose: bool = False) -> ImportOutcome:
    from docgen.importer import import_text

    outcome = ImportOutcome()
    got: dict[str, Any] | None = None
    try:
        result = import_text(document.source)
        try:
            got = yaml.safe_load(result.yaml_text)
        except yaml.YAMLError:
            got = result.spec
        outcome.notes, outcome.fixes = len(result.notes), len(result.fixes)
    except Exception as exc:  # any failure is a result here, recorded with its type
        outcome.exception = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        if verbose:
            traceback.print_exc()
    for name, (applies, value) in FIELDS.items():
        if not applies(document):
            continue
        if name == "no speeches invented":
            right = got is not None and value(got) == 0
            want, have = 0, value(got) if got is not None else None
        else:
            want = value(document.expected)
            have = value(got) if got is not None else None
            right = got is not None and _norm(have) == _norm(want)
        outcome.fields[name] = right
        if not right:
            outcome.details[name] = (want, have)
    if got is not None:
        outcome.extra, outcome.missing, outcome.similarity = text_difference(document.expected, got)
    return outcome


# -- checker -----------------------------------------------------------------------------------------------------


@dataclass
class RuleScore:
    damages: int = 0
    found: int = 0  # damages matched by a finding
    found_as_error: int = 0  # … by a 必错 finding
    found_findings: int = 0  # findings that matched a damage (several may match one)
    false_findings: int = 0  # findings that matched none
    false_examples: list[str] = field(default_factory=list)
    missed_examples: list[str] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return self.damages - self.found

    @property
    def precision(self) -> float | None:
        findings = self.found_findings + self.false_findings
        return self.found_findings / findings if findings else None

    @property
    def recall(self) -> float | None:
        return self.found / self.damages if self.damages else None


def _overlaps(finding: Any, damage: dict[str, Any]) -> bool:
    if finding.key_path != f"body[{damage['paragraph']}]" or finding.code != damage["code"]:
        return False
    start, end = finding.offset, finding.offset + max(1, len(finding.excerpt))
    return start < damage["offset"] + len(damage["text"]) and damage["offset"] < end


def run_check(document: Document, scores: dict[str, RuleScore]) -> str | None:
    """Score docgen check on the raw paragraphs; returns the exception, if any."""
    from docgen.check import check_spec

    try:
        findings = check_spec({"title": "导入", "body": document.paragraphs or ["空"]})
    except Exception as exc:
        for damage in document.damages:
            score = scores.setdefault(damage["code"], RuleScore())
            score.damages += 1
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    relevant = [f for f in findings if f.level in ("error", "warning")]
    for damage in document.damages:
        score = scores.setdefault(damage["code"], RuleScore())
        score.damages += 1
        hits = [f for f in relevant if _overlaps(f, damage)]
        if hits:
            score.found += 1
            score.found_as_error += any(f.level == "error" for f in hits)
        elif len(score.missed_examples) < 50:
            score.missed_examples.append(f"{document.name} ¶{damage['paragraph']}: “{damage['text']}”")
    for finding in relevant:
        score = scores.setdefault(finding.code, RuleScore())
        if any(_overlaps(finding, d) for d in document.damages):
            score.found_findings += 1
        else:
            score.false_findings += 1
            if len(score.false_examples) < 50:
                score.false_examples.append(
                    f"{document.name} {finding.key_path}: “{finding.excerpt}” {finding.message}"
                )
    return None


def check_clean(document: Document) -> tuple[list[Any], str | None]:
    """docgen check on the expected spec, as far as today's spec format holds it: keys docgen does not know yet
    (recipients) are left out, and an attachment known only by its title gets that title as its one paragraph."""
    from docgen.check import check_spec

    data = {k: v for k, v in document.expected.items() if k in SPEC_KEYS}
    if data.get("kind") not in (None, "meeting-summary"):  # a 文件: its 版头 names the issuer the signature names
        signature = dict(data.get("signature") or {})
        issuer = signature.pop("issuer", None)
        if issuer:
            signature["issuers"] = [issuer]
        data["signature"] = signature
        data.setdefault("header", {"issuers": [issuer or "某某单位"]})
    if data.get("attachments"):
        data["attachments"] = [
            a if a.get("paragraphs") or a.get("speeches") else {**a, "paragraphs": [a["title"]]}
            for a in data["attachments"]
        ]
    try:
        return [f for f in check_spec(data) if f.level in ("error", "warning")], None
    except Exception as exc:
        return [], f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


# -- report ------------------------------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def evaluate(folder: Path, verbose: bool = False, numbers: tuple[int, int] | None = None) -> dict[str, Any]:
    documents = load_corpus(folder)
    if numbers is not None:  # e.g. 17-22: the documents written after the importer's rework (held out)
        documents = [d for d in documents if numbers[0] <= int(d.name[:2]) <= numbers[1]]
    outcomes = {d.name: run_import(d, verbose) for d in documents}
    scores: dict[str, RuleScore] = {}
    check_exceptions = {}
    for document in documents:
        error = run_check(document, scores)
        if error:
            check_exceptions[document.name] = error
    clean: dict[str, dict[str, Any]] = {}
    clean_exceptions = {}
    for document in documents:
        findings, error = check_clean(document)
        if error:
            clean_exceptions[document.name] = error
        for finding in findings:
            row = clean.setdefault(finding.code, {"false_findings": 0, "documents": set(), "examples": []})
            row["false_findings"] += 1
            row["documents"].add(document.name)
            if len(row["examples"]) < 50:
                row["examples"].append(f"{document.name} {finding.key_path}: “{finding.excerpt}” {finding.message}")
    fields = {}
    for name in FIELDS:
        applicable = [o for o in outcomes.values() if name in o.fields]
        fields[name] = {"right": sum(o.fields[name] for o in applicable), "documents": len(applicable)}
    similarities = [o.similarity for o in outcomes.values() if o.similarity is not None]
    return {
        "date": dt.date.today().isoformat(),
        "corpus": str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder),
        "documents": len(documents),
        "damages": sum(len(d.damages) for d in documents),
        "importer": {
            "fields": fields,
            "exceptions": {n: o.exception for n, o in outcomes.items() if o.exception},
            "text": {
                "extra_characters": sum(o.extra or 0 for o in outcomes.values()),
                "missing_characters": sum(o.missing or 0 for o in outcomes.values()),
                "mean_similarity": sum(similarities) / len(similarities) if similarities else None,
            },
            "per_document": {
                n: {
                    "fields": o.fields,
                    "wrong": {k: {"expected": _norm(e), "got": _norm(g)} for k, (e, g) in o.details.items()},
                    "exception": o.exception,
                    "extra_characters": o.extra,
                    "missing_characters": o.missing,
                    "similarity": o.similarity,
                    "notes": o.notes,
                    "fixes": o.fixes,
                }
                for n, o in outcomes.items()
            },
        },
        "checker": {
            "rules": {
                code: {
                    "damages": s.damages,
                    "found": s.found,
                    "found_as_error": s.found_as_error,
                    "missed": s.missed,
                    "false_findings": s.false_findings,
                    "precision": s.precision,
                    "recall": s.recall,
                    "needs_structure": code in STRUCTURE_CODES,
                    "missed_examples": s.missed_examples,
                    "false_examples": s.false_examples,
                }
                for code, s in sorted(scores.items())
            },
            "exceptions": check_exceptions,
            "clean_specs": {
                code: {
                    "false_findings": r["false_findings"],
                    "documents": sorted(r["documents"]),
                    "examples": r["examples"],
                }
                for code, r in sorted(clean.items())
            },
            "clean_exceptions": clean_exceptions,
        },
    }


def markdown(result: dict[str, Any], verbose: bool) -> str:
    imp, chk = result["importer"], result["checker"]
    out = [
        f"Corpus `{result['corpus']}`: {result['documents']} documents, {result['damages']} planted damages "
        f"({result['date']}).",
        "",
        f"### Importer: structure ({len(imp['exceptions'])} of {result['documents']} documents ended in an exception)",
        "",
        "| field | right | documents | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for name, row in imp["fields"].items():
        accuracy = row["right"] / row["documents"] if row["documents"] else None
        out.append(f"| {name} | {row['right']} | {row['documents']} | {_ratio(accuracy)} |")
    text = imp["text"]
    out += [
        "",
        f"Text (all strings of the spec in reading order, against the expected spec): "
        f"{text['extra_characters']} characters too many (web residue, unrepaired damage, numbers kept), "
        f"{text['missing_characters']} missing; mean similarity {_ratio(text['mean_similarity'])}.",
        "",
    ]
    if imp["exceptions"]:
        out += ["| document | exception in import |", "|---|---|"]
        out += [f"| {n} | `{e}` |" for n, e in imp["exceptions"].items()]
        out.append("")
    out += [
        "### Checker: planted damage, raw paragraphs checked as `docgen import` checks them",
        "",
        "| rule | damages | found | of which 必错 | missed | false findings | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for code, row in chk["rules"].items():
        mark = " ¹" if row["needs_structure"] else ""
        out.append(
            f"| {code}{mark} | {row['damages']} | {row['found']} | {row['found_as_error']} | {row['missed']} | "
            f"{row['false_findings']} | {_ratio(row['precision'])} | {_ratio(row['recall'])} |"
        )
    out += [
        "",
        "¹ needs the document's structure (成文/印发 dates, attachments, title), which raw paragraphs do not have.",
        "",
    ]
    if chk["exceptions"]:
        out += ["| document | exception in check |", "|---|---|"]
        out += [f"| {n} | `{e}` |" for n, e in chk["exceptions"].items()]
        out.append("")
    out += [
        "### Checker: false alarms on the clean expected specs",
        "",
        "| rule | false findings | documents |",
        "|---|---:|---|",
    ]
    for code, row in chk["clean_specs"].items():
        out.append(f"| {code} | {row['false_findings']} | {', '.join(d[:2] for d in row['documents'])} |")
    if not chk["clean_specs"]:
        out.append("| (none) | 0 | |")
    if chk["clean_exceptions"]:
        out += ["", "| document | exception checking the expected spec |", "|---|---|"]
        out += [f"| {n} | `{e}` |" for n, e in chk["clean_exceptions"].items()]
    out += ["", "### Per document", ""]
    names = list(imp["fields"])
    out.append("| document | " + " | ".join(_short(n) for n in names) + " | similarity |")
    out.append("|---|" + "---|" * (len(names) + 1))
    for doc, row in imp["per_document"].items():
        cells = [("✓" if row["fields"][n] else "✗") if n in row["fields"] else "" for n in names]
        similarity = "exception" if row["exception"] else _ratio(row["similarity"])
        out.append(f"| {doc} | " + " | ".join(cells) + f" | {similarity} |")
    out += ["", "Columns: " + ", ".join(f"{_short(n)} = {n}" for n in names) + "."]
    if verbose:
        out += ["", "### Details", ""]
        for doc, row in imp["per_document"].items():
            for name, wrong in row["wrong"].items():
                out.append(f"- {doc} · {name}: expected `{wrong['expected']}`, got `{wrong['got']}`")
        for code, row in chk["rules"].items():
            out += [f"- {code} missed: {e}" for e in row["missed_examples"]]
            out += [f"- {code} false: {e}" for e in row["false_examples"]]
        for code, row in chk["clean_specs"].items():
            out += [f"- {code} on clean text: {e}" for e in row["examples"]]
    return "\n".join(out) + "\n"


def _short(name: str) -> str:
    words = name.replace("(", " ").replace(")", " ").split()
    return "".join(w[0] for w in words if w[0].isascii()) or name[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong field, miss and false finding")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--docs", help="only documents FIRST-LAST by number, e.g. 17-22 (the held-out set)")
    args = parser.parse_args()
    numbers = tuple(int(n) for n in args.docs.split("-")) if args.docs else None
    result = evaluate(args.corpus.resolve(), args.verbose, numbers)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(markdown(result, args.verbose), end="")


if __name__ == "__main__":
    main()
