"""The goals of every benchmark in one table: each script records its rows, `make bench` prints
them last, with the machine they were measured on.

    .venv/bin/python bench/goals.py            # print the table of the last `make bench`

A script records a row only when POLKU_BENCH_GOALS names a file (as `make bench` does), so each
can also be run alone.
"""

import json
import os
import platform
import sys
from pathlib import Path


def record(what: str, value: str, goal: str, met: bool | None) -> None:
    """Add one measured goal to the file `make bench` collects them in."""
    path = os.environ.get("POLKU_BENCH_GOALS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps({"what": what, "value": value, "goal": goal, "met": met}) + "\n")


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def main(path: str) -> int:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    verdict = {True: "met", False: "MISSED", None: "–"}
    table = [
        ("", "measured", "goal", ""),
        *[(r["what"], r["value"], r["goal"], verdict[r["met"]]) for r in rows],
    ]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    print(f"\nPolku's goals, measured in this run on {machine()}")
    for row in table:
        print(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    missed = sum(r["met"] is False for r in rows)
    print(
        f"{len(rows) - missed} of {len(rows)} met; misses and their profiles: docs/performance.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "bench-goals.jsonl"))
