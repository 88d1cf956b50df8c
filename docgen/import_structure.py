"""`docgen import`, second step: what the paragraphs of a text are — web residue to drop, a 简报's masthead, a
文件's 版头 (标志, 发文字号), title, 主送, body with 一、（一） headings, 附件说明, signature and date, 附注, 抄送 and
印发 — read from evidence in the text (a line's shape and place), never from a phrase alone.

Each function takes the paragraphs still unread and returns what it recognised plus the rest; every guess that could
be wrong comes with a note (``key: message``) that the YAML carries as a ``# 请核对`` comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: A title's last word → the kind it makes (longest first: 复函 before 函).
TITLE_KINDS = (
    ("复函", "letter"),
    ("批复", "reply"),
    ("请示", "request"),
    ("报告", "report"),
    ("通知", "notice"),
    ("通报", "bulletin"),
    ("意见", "opinion"),
    ("决定", "decision"),
    ("纪要", "minutes"),
    ("工作总结", "report"),
    ("函", "letter"),
)
_SENTENCE = re.compile(r"[。；！？;!?]")
_CLAUSE = re.compile(r"[，,。；！？;!?]")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISO_DATE = r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[【(（]\d{4}[〕\]】)）]\d{1,4}号")
_PRINTED = re.compile(r"^(.{2,40}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印发$")
_CC = re.compile(r"^抄\s*送[:：]\s*(.+?)[。.]?$")
_NOTE = re.compile(r"^[（(](.+)[）)]$")
_ATTACHMENT_NOTE = re.compile(r"^附\s*件[:：]\s*(.+)$")
_LIST_ITEM = re.compile(r"^\d{1,2}\s*[.．、]\s*")
_ANNEX_LABEL = re.compile(r"^附\s*件\s*(\d{1,2})?$")
#: an organization's name: ends in one of these, and has no clause punctuation
_ORG = re.compile(
    r"^[\u4e00-\u9fff（）()·]{2,40}?(?:人民政府|政府|委员会|常委会|办公室|办公厅|指挥部|领导小组|局|委|厅|部|处|科|室|署|"
    r"中心|院|所|站|社|会|街道|社区|镇|乡|村|公司|集团|学校|大学|医院|银行|分局|支队|大队|组)$"
)
_H1 = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*")
_H2 = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*")
_H3 = re.compile(r"^(\d{1,2})[.．]\s*(?!\d)")
_H4 = re.compile(r"^[（(](\d{1,2})[）)]\s*")
#: Lines a web page adds around an article: navigation, bylines, editor and source lines, share and print buttons.
_WEB_LINES = [
    re.compile(p)
    for p in (
        r"^当前位置[:：]",
        r"^首页\s*[>＞»]",
        r"^(【[^】]{1,8}】\s*){1,6}$",
        r"^(责任编辑|编辑|审核|校对|作者|来源|信息来源|稿源|记者|通讯员|供稿)[:：]",
        r"^(分享|收藏|在看|点赞|转发|评论)(\s*(到)?\s*(分享|收藏|在看|点赞|转发|评论|微信|微博|QQ))*$",
        r"^(分享到|转发到|分享至)[:：]?",
        r"^(扫一扫|扫码|阅读原文|阅读\s*\d+|打印本页|关闭窗口|返回顶部|上一篇|下一篇)",
        r"^(发布|发布时间|发布日期|日期|时间|浏览次数|访问量|点击数)[:：]",
        r"^(文号|发文字号|索引号|发布机构|主题分类|成文日期|所属机构|信息索引|公开方式|公开范围)[:：]",
        r"^【?字\s*[号体][:：]\s*大\s*中\s*小】?$",
        r"^图为.{0,40}$",
        r"^\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?(\s|$)",
        r"^[A-Za-z]{1,3}\d{1,3}[\u4e00-\u9fff]{2,4}$",
        r"^.{1,20}\s+\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2})?(\s+发表于.{0,10})?$",
    )
]
_BYLINE = re.compile(r"^[\u4e00-\u9fff]{0,6}[网报台]讯[（(][^）)]{0,40}[）)]\s*")
#: A site or outlet whose name heads a copied page (it is no title).
_OUTLET = re.compile(r"(融媒体中心|新闻网|发布|客户端|网|日报|晚报|电视台|广播电视台|公众号|在线|头条|资讯)$")


@dataclass
class Found:
    spec: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: what was dropped (web residue, a repeated copy), for the clerk to see
    dropped: list[str] = field(default_factory=list)


def iso_date(text: str) -> str | None:
    match = _DATE.match(text.strip())
    if match is None:
        match = re.fullmatch(_ISO_DATE, text.strip())
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_org(text: str) -> bool:
    return bool(_ORG.match(text.strip())) and not _CLAUSE.search(text)


def drop_web_residue(paragraphs: list[str], found: Found) -> list[str]:
    """Lines a web page adds (navigation, bylines, share buttons), an outlet's name heading the page, and a second
    copy of the article (a page's printable version pasted with it)."""
    kept: list[str] = []
    number: str | None = None
    for index, text in enumerate(paragraphs):
        words = text.replace("\u3000", " ").strip()
        if any(p.search(words) for p in _WEB_LINES):
            match = re.search(r"文号[:：]\s*(\S+?〔\d{4}〕\d+号)", words)
            if match:
                number = match.group(1)
            found.dropped.append(text)
            continue
        if (
            index < 3
            and not kept
            and len(words) <= 20
            and not _CLAUSE.search(words)
            and (_OUTLET.search(words) or any(words in p and len(p) > len(words) for p in paragraphs[index + 1 : 4]))
        ):
            found.dropped.append(text)  # 泓川发布, ××县融媒体中心, or the site's name that the title repeats
            found.notes.append(f"title: 第一行“{words}”像是网站或公众号的名称，已删去")
            continue
        kept.append(_BYLINE.sub("", words))  # 本网讯（记者 …）: the outlet's lead-in, not the article's text
    if number is not None:
        found.spec.setdefault("header", {})["number"] = number
    return _drop_repeat(kept, found)


def _drop_repeat(paragraphs: list[str], found: Found) -> list[str]:
    """A run of three or more paragraphs that repeats an earlier run word for word is a second copy."""
    seen: dict[str, int] = {}
    for index, text in enumerate(paragraphs):
        if text in seen and len(text) > 20:
            start = seen[text]
            length = 0
            while index + length < len(paragraphs) and paragraphs[start + length] == paragraphs[index + length]:
                length += 1
                if start + length >= index:
                    break
            if length >= 3:
                found.dropped += paragraphs[index : index + length]
                found.notes.append(f"body: 原文第 {index + 1} 段起重复了前面的 {length} 段，已删去重复的部分")
                return paragraphs[:index] + _drop_repeat(paragraphs[index + length :], found)
        seen.setdefault(text, index)
    return paragraphs


def title_kind(text: str) -> str | None:
    """The kind a title names (关于…的通知 → notice), when the line is a title: no sentence punctuation."""
    words = text.strip()
    if _SENTENCE.search(words) or len(words) > 80:
        return None
    for word, kind in TITLE_KINDS:
        if words.endswith(word) and (len(words) > len(word) + 2):
            return kind
    return None


def read_masthead(paragraphs: list[str], found: Found) -> list[str]:
    """A 简报's masthead typed at the top: its name (…简报), 第N期, and the issuer with the date on one line."""
    if (
        not paragraphs
        or not re.search(r"(简报|快报|动态|信息|通讯|纪要)$", paragraphs[0])
        or _CLAUSE.search(paragraphs[0])
    ):
        return paragraphs
    masthead: dict[str, Any] = {"name": paragraphs[0]}
    rest = paragraphs[1:]
    if rest and re.fullmatch(r"第\s*\d+\s*期|\d{4}\s*年\s*第\s*\d+\s*期", rest[0]):
        masthead["issue"] = rest.pop(0)
    if rest:
        match = re.fullmatch(r"(.+?)\s+(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", rest[0])
        if match and is_org(match.group(1)):
            masthead["issuer"], masthead["date"] = match.group(1).strip(), iso_date(match.group(2))
            rest.pop(0)
    found.spec["masthead"] = masthead
    return rest


def read_distribution(paragraphs: list[str], found: Found) -> list[str]:
    """From the end: the 版记's 印发 and 抄送 lines."""
    rest = list(paragraphs)
    distribution: dict[str, Any] = {}
    while rest:
        last = rest[-1]
        printed = _PRINTED.match(last)
        cc = _CC.match(last)
        if printed and "printed_by" not in distribution:
            distribution["printed_by"] = printed.group(1).strip()
            distribution["printed_on"] = iso_date(printed.group(2))
        elif cc and "cc" not in distribution:
            distribution["cc"] = [unit.strip() for unit in re.split(r"[，、,；;]", cc.group(1)) if unit.strip()]
        else:
            break
        rest.pop()
    if distribution:
        found.spec["distribution"] = {
            k: distribution[k] for k in ("cc", "printed_by", "printed_on") if k in distribution
        }
    return rest


def read_tail(paragraphs: list[str], found: Found, *, official: bool) -> list[str]:
    """From the end: 印发, 抄送, 附注, the date and the issuer(s) above it."""
    rest = read_distribution(paragraphs, found)
    note = None
    if official and len(rest) >= 2 and _NOTE.match(rest[-1]) and iso_date(rest[-2]):
        note = _NOTE.match(rest.pop()).group(1)  # type: ignore[union-attr]
    if rest and iso_date(rest[-1]):
        date = iso_date(rest.pop())
        issuers: list[str] = []
        while rest and is_org(rest[-1]) and len(issuers) < 6:
            issuers.insert(0, rest.pop())
        if official:
            signature: dict[str, Any] = {"date": date}
            if issuers:
                signature["issuers"] = issuers
            found.spec["signature"] = signature
        elif issuers:
            found.spec["signature"] = {"issuer": " ".join(issuers), "date": date}
        else:
            rest.append(date or "")
    if note is not None:
        found.spec["note"] = note
    return rest


def read_attachments(paragraphs: list[str], found: Found) -> list[str]:
    """The 附件说明 (附件：1.title / 2.title) ends the body; attachments set out after the signature (附件1, its
    title, its paragraphs) are read back as attachments with their text."""
    for index, text in enumerate(paragraphs):
        match = _ATTACHMENT_NOTE.match(text)
        if not match:
            continue
        titles = [_LIST_ITEM.sub("", match.group(1)).strip()]
        end = index + 1
        while end < len(paragraphs) and _LIST_ITEM.match(paragraphs[end]) and not _SENTENCE.search(paragraphs[end]):
            titles.append(_LIST_ITEM.sub("", paragraphs[end]).strip())
            end += 1
        found.spec["attachments"] = [{"title": title} for title in titles if title]
        return paragraphs[:index] + paragraphs[end:]
    return paragraphs


def split_annexes(paragraphs: list[str], found: Found) -> tuple[list[str], list[str]]:
    """Paragraphs after the signature that start with a 附件N label: the attachments' own text."""
    for index, text in enumerate(paragraphs):
        if _ANNEX_LABEL.match(text) and index > 0:
            return paragraphs[:index], paragraphs[index:]
    return paragraphs, []


def annex_bodies(paragraphs: list[str], found: Found) -> None:
    attachments = found.spec.setdefault("attachments", [])
    current: dict[str, Any] | None = None
    position = -1
    for text in paragraphs:
        if _ANNEX_LABEL.match(text):
            position += 1
            if position < len(attachments):
                current = attachments[position]
            else:
                current = {"title": ""}
                attachments.append(current)
            current["_label"] = True
            continue
        if current is None:
            continue
        if current.pop("_label", False) and not _SENTENCE.search(text):
            if current["title"] and current["title"] != text:
                found.notes.append(f"attachments[{position}].title: 附件说明和附件首页的标题不同，请核对")
            current["title"] = current["title"] or text
            continue
        current.setdefault("body", []).append(body_item(text))
    for attachment in attachments:
        attachment.pop("_label", None)


def body_item(text: str) -> Any:
    """A paragraph, or a heading on a short line of its own: 一、 (level 1, a full stop at its end tolerated),
    （一） (2), 1. (3), （1） (4) without any (with one, （四）县领导讲话。 is an item run in to its paragraph)."""
    for pattern, level in ((_H1, 1), (_H2, 2), (_H3, 3), (_H4, 4)):
        match = pattern.match(text)
        words = text.rstrip("。") if level == 1 else text
        if match and not _SENTENCE.search(words) and len(text) <= 40:
            heading = text[match.end() :].rstrip("。").strip()
            if heading:
                return {"heading": heading} if level == 1 else {"heading": heading, "level": level}
            break
    return text


def read_official(paragraphs: list[str], found: Found) -> list[str] | None:
    """A 文件-format document: its title names the kind (关于…的通知). Returns the body paragraphs, or None when no
    line in the first six reads as such a title."""
    head = None
    for index, text in enumerate(paragraphs[:6]):
        if title_kind(text):
            head = index
            break
    if head is None:
        return None
    spec = found.spec
    spec["kind"] = title_kind(paragraphs[head])
    header = spec.setdefault("header", {})
    unknown: list[str] = []
    organs: list[str] = []  # 联合行文: the organs stacked, then 文件 on a line of its own
    for text in paragraphs[:head]:
        number = _NUMBER.fullmatch(text.replace(" ", ""))
        signed = re.fullmatch(r"(\S+?〔\d{4}〕\d{1,4}号)\s*(签\s*发\s*人[:：])?\s*(.+)", text)
        if number:
            header["number"] = number.group()
        elif signed and (signed.group(2) or "\t" in text):  # 上行文: the 发文字号 with (the last line of) 签发人
            header["number"] = signed.group(1)
            header.setdefault("signers", []).extend(n for n in re.split(r"[\s、，,]+", signed.group(3)) if n)
        elif re.fullmatch(r"签\s*发\s*人[:：]\s*(.+)", text):
            names = re.split(r"[\s、，,]+", re.split("[:：]", text, maxsplit=1)[1])
            header.setdefault("signers", []).extend(n for n in names if n)
        elif text in ("特急", "加急"):
            header["urgency"] = text
        elif re.fullmatch(r"\d{6}", text):
            header["copy_number"] = text
        elif re.fullmatch(r"(绝密|机密|秘密)(★.{1,6})?", text):
            header["secrecy"] = text
        elif text.endswith("文件") and is_org(text[:-2]):
            header["issuers"] = [*organs, text[:-2]]
            organs = []
        elif text == "文件" and organs:
            header["issuers"], organs = organs, []
        elif is_org(text):
            organs.append(text)
        else:
            unknown.append(text)
    unknown += organs
    for text in unknown:  # kept, at the head of the body: no text is dropped on a guess
        found.notes.append(f"body: 标题前的“{text}”不像版头的内容，放在了正文开头，请核对")
    spec["title"] = paragraphs[head]
    rest = paragraphs[head + 1 :]
    if rest and re.search(r"[:：]$", rest[0]) and len(rest[0]) <= 80 and not _SENTENCE.search(rest[0]):
        units = [u.strip() for u in re.split(r"[，,]", rest[0].rstrip(":：")) if u.strip()]
        spec["recipients"] = units
        rest = rest[1:]
    rest = read_distribution(rest, found)  # the 版记 closes the document, after any attachment
    rest, annexes = split_annexes(rest, found)
    rest = read_tail(rest, found, official=True)
    rest = read_attachments(rest, found)
    if annexes:
        annex_bodies(annexes, found)
    rest = unknown + rest
    if "issuers" not in header:
        signed = spec.get("signature", {}).get("issuers")
        header["issuers"] = list(signed) if signed else ["〔待补〕发文机关"]
        found.notes.append(
            "header.issuers: 原文没有版头，发文机关取自署名，请核对" if signed else "header.issuers: 请填写发文机关"
        )
    if "signature" not in spec:
        found.notes.append("signature: 原文末尾没有找到成文日期，请填写")
    signature = spec.get("signature", {})
    if signature.get("issuers") == header["issuers"]:
        del signature["issuers"]  # the spec's default: the signature names the 版头's issuers
    order = ("copy_number", "secrecy", "urgency", "issuers", "number", "signers")
    spec["header"] = {k: header[k] for k in order if k in header}
    return rest
