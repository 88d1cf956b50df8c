"""The 文件 kinds (通知 通报 请示 报告 意见 决定 批复 函) as a reader with a ruler sees them, in docgen's PDF and in
LibreOffice's rendering of the DOCX: the 版头 (份号、密级、紧急程度, the 标志 35 mm down, the 发文字号 or 签发人,
the red line 4 mm under it), title, 主送, the grid, the three signature forms with their seals, 附注, 版记 and
page numbers, and the two renderings breaking lines alike. Variants of the examples cover what the examples do not
reach: a title with a newline, a 版记 on a page of its own, a signature that takes the last line of the text along,
and style profiles that change the 版头's and the title's roles."""

from __future__ import annotations

import io
import itertools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image, ImageChops

import docgen

from .conftest import ROOT, convert_many_with_libreoffice
from .pdf_lines import MM, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT, TYPE_TOP, Page, TextLine, read_pages_cached

KINDS = ("notice", "bulletin", "request", "report", "opinion", "decision", "reply", "letter")
PITCH = {"libreoffice": 579 / 20, "pdf": 225 * MM / 22}
CHAR = 16.0  # one 3号 character: the unit of 空一字 in the DOCX's indents and in the layout
SEALED = ("notice", "request", "report", "opinion", "reply", "letter")


def _spec(kind: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "specs" / f"{kind}.yaml").read_text(encoding="utf-8"))
    signature = data.get("signature") or {}
    for key in ("seals",):  # absolute paths: the variants are written elsewhere
        if key in signature:
            seals = signature[key] if isinstance(signature[key], list) else [signature[key]]
            signature[key] = [str(ROOT / "specs" / seal) for seal in seals]
    for stamp in signature.get("stamps", []):
        stamp["image"] = str(ROOT / "specs" / stamp["image"])
    return data


def _variants() -> dict[str, dict[str, Any]]:
    """Specs beyond the examples: each reaches a rule the examples do not."""
    variants: dict[str, dict[str, Any]] = {}
    title = _spec("reply")
    title["title"] = "某某市人民政府\n关于同意某某区调整部分行政区划的批复"
    variants["title-newline"] = title
    alone = _spec("bulletin")  # the text fills the last page: the 版记 goes to a page of its own
    body = alone["body"]
    for extra in range(1, 40):  # one line more each time, until the 版记 no longer fits under the signature
        alone["body"] = body + ["各区县要抓好落实。"] * extra
        if {p.text.role for p in docgen.render(alone).layout.pages[-1].lines} == {"distribution"}:
            break
    variants["distribution-alone"] = alone
    moved = _spec("request")  # the signature does not fit under the text: it takes the last line along
    extra = (
        "我市已成立由市政府主要负责同志任组长的申建工作领导小组，编制完成申建方案和规划，"
        "落实围网、卡口、查验场地等基础设施建设资金。"
    )
    moved["body"] = moved["body"][:-1] + [extra] * 3
    variants["moved-line"] = moved
    roles = _spec("notice")  # a clerk's profile that changes the 版头's and the title's roles
    roles["style"] = {
        "roles": {
            "issuer-mark": {"size": "小初", "lines": 3},
            "doc-number": {"space_before": 3},
            "title": {"size": "小一", "space_after": 2, "lines": 2},
            "recipient": {"space_before": 2},
        },
        "rules": {"separator": {"width": "2pt", "below": "5mm", "space_after": 2}},
    }
    variants["changed-roles"] = roles
    summary = yaml.safe_load((ROOT / "tests" / "specs" / "full-features.yaml").read_text(encoding="utf-8"))
    summary["style"] = {
        "roles": {
            "masthead-name": {"space_before": 2, "lines": 3, "size": "小初"},
            "title": {"space_before": 1, "lines": 2, "size": "一号"},
        }
    }
    variants["changed-masthead"] = summary
    return variants


@dataclass
class Built:
    spec: dict[str, Any]
    pdf: Path
    libreoffice: Path
    document: docgen.Document


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    folder = tmp_path_factory.mktemp("official")
    specs = {kind: _spec(kind) for kind in KINDS} | _variants()
    outputs: dict[str, tuple[Path, Path]] = {}
    for name, data in specs.items():
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        docx, pdf = docgen.build(path, out_dir=folder, formats=["docx", "pdf"])
        outputs[name] = (docx, pdf)
    (folder / "lo").mkdir()
    converted = convert_many_with_libreoffice([docx for docx, _ in outputs.values()], folder / "lo")
    return {
        name: Built(specs[name], pdf, lo, docgen.render(folder / f"{name}.yaml"))
        for (name, (_, pdf)), lo in zip(outputs.items(), converted, strict=True)
    }


@pytest.fixture(scope="module", params=["pdf", "libreoffice"])
def renderer(request: pytest.FixtureRequest) -> str:
    return request.param


def pages_of(built: dict[str, Built], name: str, renderer: str) -> list[Page]:
    return read_pages_cached(getattr(built[name], renderer))


def line_with(page: Page, text: str) -> TextLine:
    return next(line for line in page.lines if text in line.text)


def red_rules(page: Page) -> list[dict[str, Any]]:
    def red(colour: Any) -> bool:
        return colour is not None and len(colour) == 3 and colour[0] > 0.9 and colour[1] < 0.1 and colour[2] < 0.1

    return [r for r in page.rules if red(r.get("stroking_color")) or red(r.get("non_stroking_color"))]


def middle(rule: dict[str, Any]) -> float:
    return (rule["top"] + rule["bottom"]) / 2


def images(path: Path) -> list[tuple[int, dict[str, float]]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [
            (number, {key: float(image[key]) for key in ("x0", "x1", "top", "bottom")})
            for number, page in enumerate(pdf.pages, start=1)
            for image in page.images
        ]


def red_ink_top(pdf: Path) -> float:
    """The top of the first red ink on page 1, in mm below the type area's top edge (rasterized at 300 dpi)."""
    dpi = 200  # 0.13 mm a pixel
    height = int(130 / 25.4 * dpi)  # the 版头 is in the top 130 mm of the paper
    png = subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            "2480",
            "-H",
            str(height),
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    red, green, blue = Image.open(io.BytesIO(png)).convert("RGB").split()
    mask = ImageChops.multiply(
        ImageChops.multiply(red.point(lambda v: 255 if v > 180 else 0), green.point(lambda v: 255 if v < 100 else 0)),
        blue.point(lambda v: 255 if v < 100 else 0),
    )
    box = mask.getbbox()
    if box is not None:
        return box[1] / dpi * 25.4 - 37
    raise AssertionError("no red ink on page 1")


# -- 版头 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_mark_top_edge_35mm_below_the_type_area(built: dict[str, Built], kind: str, renderer: str) -> None:
    """The 标志's top edge is the top of its ink (the glyphs' outline, not the em box): what a ruler on paper finds."""
    top = red_ink_top(getattr(built[kind], renderer))
    assert abs(top - 35) <= 0.5, f"{kind}: the 标志's ink starts {top:.2f} mm below the type area"


@pytest.mark.parametrize("kind", KINDS)
def test_red_line_4mm_under_the_number_and_as_wide_as_the_type_area(
    built: dict[str, Built], kind: str, renderer: str
) -> None:
    first = pages_of(built, kind, renderer)[0]
    (rule,) = red_rules(first)
    number = line_with(first, built[kind].spec["header"]["number"])
    em_bottom = number.bottom + 0.12 * number.size  # the em box under the baseline
    assert abs(middle(rule) - em_bottom - 4 * MM) <= 0.3 * MM, f"{(middle(rule) - em_bottom) / MM:.2f} mm"
    assert abs((rule["x1"] - rule["x0"]) - 156 * MM) <= 0.3 * MM
    assert abs(rule["x0"] - TYPE_LEFT) <= 0.5
    # title two lines below it; 主送 one line below the title, at the left edge
    title = next(line for line in first.lines if line.size == 22.0)
    pitch = PITCH[renderer]
    assert abs((title.bottom - 0.88 * 22 - middle(rule)) / pitch - 2) < 0.25
    recipients = built[kind].spec.get("recipients")
    if recipients:
        first_recipient = recipients if isinstance(recipients, str) else recipients[0]
        line = line_with(first, first_recipient)
        last_title = [candidate for candidate in first.lines if candidate.size == 22.0][-1]
        assert abs((line.bottom - last_title.bottom) / pitch - 2) < 0.1
        assert abs(line.x0 - TYPE_LEFT) < 1
        assert line.text.endswith("：") or recipients[-1] not in line.text


def test_copy_number_secrecy_and_urgency_on_lines_one_to_three(built: dict[str, Built], renderer: str) -> None:
    bulletin = pages_of(built, "bulletin", renderer)[0]
    copy, secrecy = bulletin.lines[:2]
    assert (copy.text, secrecy.text) == ("000086", "秘密★6个月")
    assert abs(copy.x0 - TYPE_LEFT) < 1 and abs(secrecy.x0 - TYPE_LEFT) < 1
    assert abs(secrecy.bottom - copy.bottom - PITCH[renderer]) < 0.5
    heading = line_with(bulletin, "一、基本情况")  # 黑体: the secrecy line is set in it, the copy number is not
    assert secrecy.fonts & heading.fonts and not (copy.fonts - {"LiberationSerif"}) & heading.fonts
    notice = pages_of(built, "notice", renderer)[0]
    assert notice.lines[0].text == "加急" and notice.lines[0].fonts & heading.fonts
    assert abs(notice.lines[0].bottom - copy.bottom) < 0.5  # alone, 紧急程度 takes line 1


def test_upward_number_left_and_signers_right(built: dict[str, Built], renderer: str) -> None:
    for kind, rows in (("request", 1), ("report", 2)):
        first = pages_of(built, kind, renderer)[0]
        header = built[kind].spec["header"]
        signers = [header["signers"]] if isinstance(header["signers"], str) else header["signers"]
        (rule,) = red_rules(first)
        above = [line for line in first.lines if line.bottom < middle(rule) and line.size == 16.0]
        lines = [line for line in above if "签发人" in line.text or any(n in line.text for n in signers)]
        assert len(lines) == rows
        last = lines[-1]
        assert last.text.startswith(header["number"]), f"{kind}: the 字号 shares the last signer's line"
        assert abs(last.x0 - (TYPE_LEFT + CHAR)) < 1.5, "发文字号 左空一字"
        assert abs(max(line.x1 for line in lines) - (TYPE_RIGHT - CHAR)) < 1.5, "签发人 居右空一字"
        label = next(c for c in first.chars if c["text"] == "签")
        name = next(c for c in first.chars if c["text"] == signers[0][0])
        assert label["fontname"] != name["fontname"], "names in 楷体, 签发人： in 仿宋"
        if rows == 2:  # later lines aligned with the first name
            second_first = next(c for c in first.chars if c["text"] == signers[2][0])
            assert abs(second_first["x0"] - name["x0"]) < 1
        assert "签发人：" in lines[0].text


def test_joint_marks_stacked_with_the_suffix_centred_on_them(built: dict[str, Built], renderer: str) -> None:
    first = pages_of(built, "report", renderer)[0]
    names = [line for line in first.lines if line.size == 42.0]
    assert [line.text for line in names[:1]] == ["某某市发展和改革委员会"] or "某某市发展和改革委员会" in names[0].text
    suffix = [c for c in first.chars if abs(c["size"] - 42) < 0.1 and c["text"] in "文件"]
    one = next(c for c in first.chars if abs(c["size"] - 42) < 0.1 and c["text"] == "发")
    two = next(c for c in first.chars if abs(c["size"] - 42) < 0.1 and c["text"] == "财")
    halfway = (one["baseline"] + two["baseline"]) / 2
    assert all(abs(c["baseline"] - halfway) < 1 for c in suffix) and len(suffix) == 2
    widest = max(c["x1"] for c in first.chars if abs(c["size"] - 42) < 0.1 and c["text"] not in "文件")
    assert min(c["x0"] for c in suffix) > widest  # to the right of the names
    assert max(c["x1"] for c in first.chars if abs(c["size"] - 42) < 0.1) <= TYPE_RIGHT + 0.5  # condensed into the area
    letter = pages_of(built, "letter", renderer)[0]
    marks = "".join(c["text"] for c in letter.chars if abs(c["size"] - 42) < 0.1)
    assert marks == "某某市教育局某某市交通运输局某某市财政局"  # three stacked, no 文件


# -- 主体 --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_body_on_the_grid_28_characters_a_full_line(built: dict[str, Built], kind: str, renderer: str) -> None:
    pitch = PITCH[renderer]
    full = exact = 0
    for page in pages_of(built, kind, renderer):
        grid = [line for line in page.lines if line.size == 16.0]
        if not grid:
            continue
        origin = min(line.bottom for line in grid)
        for line in grid:
            rows = (line.bottom - origin) / pitch
            assert abs(rows - round(rows)) < 0.05, f"{kind} page {page.number}: {line.text[:10]} off the grid"
        for line in grid:
            if line.wide_only and line.x1 > TYPE_RIGHT - 2:
                full += 1
                indent = round((line.x0 - TYPE_LEFT) / CHAR)
                # fewer when 禁则 sends characters on with what may not be parted from them (生|产、, 的|84.3%。),
                # the line spread to the edge; never more
                assert len(line.text) + indent <= 28, f"{kind}: {line.text}"
                exact += len(line.text) + indent == 28
    assert full >= 3 and exact / full > 0.6, f"{exact} of {full} full lines hold 28 characters"


@pytest.mark.parametrize("kind", KINDS)
def test_signature_where_the_form_puts_it(built: dict[str, Built], kind: str, renderer: str) -> None:
    spec = built[kind].spec
    signature = spec["signature"]
    lines = [line for page in pages_of(built, kind, renderer) for line in page.lines]
    date_text = _cn_date(str(signature["date"]))
    date_line = next(line for line in lines if line.text.endswith(date_text) and "印发" not in line.text)
    if "stamps" in signature:  # 签名章: the stamp 右空四字, the title 左空二字 from it, the date 右空四字 a line down
        (stamp,) = [box for _, box in images(getattr(built[kind], renderer))]
        title = next(line for line in lines if line.text == signature["stamps"][0]["title"])
        assert abs((TYPE_RIGHT - stamp["x1"]) / CHAR - 4) < 0.1
        assert abs((stamp["x0"] - title.x1) / CHAR - 2) < 0.15
        assert abs((title.bottom - 8) - (stamp["top"] + stamp["bottom"]) / 2) < 2  # centred on the stamp
        assert abs((TYPE_RIGHT - date_line.x1) / CHAR - 4) < 0.15
        assert abs((date_line.bottom - title.bottom) / PITCH[renderer] - 2) < 0.05
    elif "seals" in signature:  # 加盖印章: date 右空四字, each name centred over its seal, the last over the date
        assert abs((TYPE_RIGHT - date_line.x1) / CHAR - 4) < 0.15
        seals = [box for _, box in images(getattr(built[kind], renderer))]
        names = signature.get("issuers") or spec["header"]["issuers"]
        names = [names] if isinstance(names, str) else names
        assert len(seals) == len(names)
        for name in names:
            line = next(candidate for candidate in lines if name in candidate.text and candidate.size == 16.0)
            centre = _char_centre(getattr(built[kind], renderer), name, line)
            seal = min(
                seals,
                key=lambda box: (
                    abs((box["x0"] + box["x1"]) / 2 - centre) + abs((box["top"] + box["bottom"]) / 2 - line.bottom)
                ),
            )
            assert abs((seal["x0"] + seal["x1"]) / 2 - centre) < 1.5, f"{name} centred on its seal"
            assert seal["top"] < line.bottom - 8 < seal["bottom"], f"the seal presses on {name}"
        last = seals[-1] if len(seals) == 1 else max(seals, key=lambda box: box["top"] + box["x1"])
        assert last["top"] < date_line.bottom - 8 < last["bottom"], "the last seal presses on the date"
        assert abs((last["x0"] + last["x1"]) / 2 - (date_line.x0 + date_line.x1) / 2) < 1.5
        by_row: dict[int, list[dict[str, float]]] = {}
        for seal in seals:
            by_row.setdefault(round(seal["top"]), []).append(seal)
            assert TYPE_LEFT - 0.5 <= seal["x0"] and seal["x1"] <= TYPE_RIGHT + 0.5
        for row in by_row.values():
            row.sort(key=lambda box: box["x0"])
            assert all(a["x1"] < b["x0"] for a, b in itertools.pairwise(row)), "seals of a row do not touch"
        rows = sorted(by_row)
        for upper, lower in itertools.pairwise(rows):
            assert max(s["bottom"] for s in by_row[upper]) < min(s["top"] for s in by_row[lower])
        (page_of_seals, top_seal) = min(images(getattr(built[kind], renderer)), key=lambda item: item[1]["top"])
        above = max(
            (
                line
                for line in lines
                if line.page == page_of_seals and line.bottom < top_seal["top"] + 10 and line.size == 16.0
            ),
            key=lambda line: line.bottom,
        )
        gap = top_seal["top"] - (above.bottom + 0.12 * 16)
        assert 0 <= gap <= PITCH[renderer], f"the seal's top is {gap:.1f} pt below the text above"
    else:  # 不加盖印章: the issuer 右空二字, the date two characters right of its start
        name = next(line for line in lines if line.text == spec["header"]["issuers"])
        assert abs((TYPE_RIGHT - name.x1) / CHAR - 2) < 0.15
        assert abs((date_line.x0 - name.x0) / CHAR - 2) < 0.15
        assert abs((date_line.bottom - name.bottom) / PITCH[renderer] - 1) < 0.05
    if "note" in spec:  # 附注: the line after the date, 左空二字, in （）
        note = next(line for line in lines if line.text.startswith("（") and spec["note"].replace(" ", "") in line.text)
        assert note.text.endswith("）")
        assert abs((note.bottom - date_line.bottom) / PITCH[renderer] - 1) < 0.05
        assert abs(note.x0 - (TYPE_LEFT + 2 * CHAR)) < 1.5


def _cn_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def _char_centre(pdf: Path, name: str, line: TextLine) -> float:
    """The centre of ``name`` within its line (several names may share a line)."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        page = document.pages[line.page - 1]
        chars = sorted(
            (c for c in page.chars if abs(float(page.height) - c["matrix"][5] - line.bottom) < 1.5),
            key=lambda c: c["x0"],
        )
    text = "".join(c["text"] for c in chars)
    start = text.index(name)
    return (chars[start]["x0"] + chars[start + len(name) - 1]["x1"]) / 2


# -- 版记 and page numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*KINDS, "distribution-alone"])
def test_distribution_ends_on_the_type_areas_bottom_edge(built: dict[str, Built], kind: str, renderer: str) -> None:
    pages = pages_of(built, kind, renderer)
    page = next(page for page in pages if any(line.text.endswith("印发") for line in page.lines))
    printed = line_with(page, "印发")
    assert printed.size == 14.0 and printed is page.lines[-1]
    last = max(middle(rule) for rule in page.rules)
    assert abs(last - TYPE_BOTTOM) < 1.5, f"{kind}: the last rule {TYPE_BOTTOM - last:.1f} pt above the bottom"
    if kind == "distribution-alone":  # on a page of its own: its text at the bottom too, not at the top
        assert all(line.bottom > TYPE_TOP + 15 * PITCH[renderer] for line in page.lines)


def test_double_sided_distribution_on_an_even_page_after_a_blank_one(built: dict[str, Built], renderer: str) -> None:
    pages = pages_of(built, "opinion", renderer)
    assert len(pages) == 5
    blank, distribution, attachment = pages[2], pages[3], pages[4]
    assert not blank.lines and not blank.footer
    assert distribution.lines[-1].text.endswith("印发") and not distribution.footer, "版记 page: no number"
    assert [line.text for line in attachment.footer] == ["—5—"]
    assert attachment.lines[0].text == "某政发〔2026〕15号附件", "an attachment bound apart names the document"
    for page in pages[:2]:
        assert [line.text for line in page.footer] == [f"—{page.number}—"]


@pytest.mark.parametrize("kind", KINDS)
def test_page_numbers_odd_right_even_left(built: dict[str, Built], kind: str, renderer: str) -> None:
    for page in pages_of(built, kind, renderer):
        if kind == "opinion" and page.number in (3, 4):
            continue
        (number,) = page.footer
        assert number.text == f"—{page.number}—"
        if page.number % 2:
            assert abs(number.x1 - (TYPE_RIGHT - 14)) < 2
        else:
            assert abs(number.x0 - (TYPE_LEFT + 14)) < 2


# -- the two renderings agree -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*KINDS, *_variants()])
def test_pdf_and_libreoffice_break_every_line_alike(built: dict[str, Built], name: str) -> None:
    ours, theirs = pages_of(built, name, "pdf"), pages_of(built, name, "libreoffice")
    assert len(ours) == len(theirs) == built[name].document.page_count
    pairs = [(a, b) for p, q in zip(ours, theirs, strict=True) for a, b in zip(p.lines, q.lines, strict=False)]
    total = max(sum(len(p.lines) for p in ours), sum(len(q.lines) for q in theirs))
    same = sum(a.text == b.text and abs(a.bottom - b.bottom) < 1.5 for a, b in pairs)
    assert same / total >= 0.99, f"{name}: {same} of {total} lines alike"
    ours_images, their_images = images(built[name].pdf), images(built[name].libreoffice)
    assert len(ours_images) == len(their_images)
    for (page, a), (other, b) in zip(ours_images, their_images, strict=True):
        assert page == other and all(abs(a[key] - b[key]) < 1 for key in a), f"{name}: a seal moved"


def test_a_newline_in_the_title_is_a_break_in_both(built: dict[str, Built], renderer: str) -> None:
    first = pages_of(built, "title-newline", renderer)[0]
    assert [line.text for line in first.lines if line.size == 22.0] == [
        "某某市人民政府",
        "关于同意某某区调整部分行政区划的批复",
    ]


def test_a_signature_takes_the_last_line_of_the_text_along(built: dict[str, Built], renderer: str) -> None:
    layout = built["moved-line"].document.layout
    assert layout.moved, "the variant must make the layout move a line"
    pages = pages_of(built, "moved-line", renderer)
    page = next(page for page in pages if any("某某市人民政府" == line.text for line in page.lines))
    assert page.lines[0].text == "础设施建设资金。", "the paragraph's last line opens the signature's page"
    assert pages[page.number - 2].lines[-1].text.endswith("等基")


def test_the_readme_lists_every_key_of_the_kinds() -> None:
    """The README's key table is the field table's (docgen templates keys): a key added or renamed shows there."""
    from docgen.kinds import find_kind, kind_folders
    from docgen.kinds.describe import key_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tables = {key_table(find_kind(kind, kind_folders(None))) for kind in KINDS}
    assert len(tables) == 1  # the eight kinds share one field table
    assert tables.pop() in readme
