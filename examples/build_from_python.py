"""Build documents from Python, in memory: one bulletin per district from a list of dicts, written to out/.

python examples/build_from_python.py
"""

from __future__ import annotations

import time
from pathlib import Path

import docgen

DISTRICTS = [
    {"unit": "槐荫区", "text": "槐荫区召开基层党建工作推进会，部署2024年重点任务。"},
    {"unit": "天桥区", "text": "天桥区召开新兴领域党建工作座谈会，交流经验做法。"},
    {"unit": "长清区", "text": "长清区召开街镇抓基层党建星级评定工作会议。"},
]


def bulletin(district: dict[str, str], number: int) -> dict:  # type: ignore[type-arg]
    return {
        "masthead": {
            "name": "组工信息",
            "issue": f"第{number}期",
            "issuer": "中共济南市委组织部",
            "date": "2024-05-08",
        },
        "title": f"{district['unit']}基层党建工作动态",
        "body": [district["text"]],
    }


def main() -> None:
    out = Path("out")
    start = time.perf_counter()
    written = []
    for number, district in enumerate(DISTRICTS, start=1):
        written += docgen.build(bulletin(district, number), out_dir=out, name=f"bulletin-{number}")
    elapsed = time.perf_counter() - start
    for path in written:
        print(path)
    print(f"{len(DISTRICTS)} documents ({len(written)} files) in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
