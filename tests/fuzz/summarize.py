"""Group and deduplicate a collect file: ``python -m tests.fuzz.summarize path.jsonl [--notes]``."""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def main(argv: list[str]) -> int:
    path = argv[0]
    show_notes = "--notes" in argv
    groups: dict = defaultdict(list)
    with open(path) as fh:
        for line in fh:
            row = json.loads(line)
            if row["kind"] == "note" and not show_notes:
                continue
            groups[(row["kind"], row["func"], row["category"], row["detail"])].append(row)
    for (kind, func, category, detail), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1], -len(kv[1]))):
        best = min(rows, key=lambda r: len(r["repro"]))
        print(f"=== [{kind}] {func} / {category} / {detail}  ({len(rows)} hits)")
        print(best["message"].strip())
        print(best["repro"])
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
