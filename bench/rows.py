"""A row of the `make bench` table, shared by the scripts that measure one."""

import os
from dataclasses import dataclass

# BENCH_QUICK=1 (tests/test_bench.py): smaller samples and shorter runs, to prove the harness.
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")


@dataclass
class Row:
    row: str
    figure: str
    ours: str
    floor: str
    ratio: str
    target: str
    passed: bool | None  # None: could not be measured
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: "ERROR"}[self.passed]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    lines = ["| row | figure | ours | floor or baseline | ratio | target | result |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.row} | {r.figure} | {r.ours} | {r.floor} | {r.ratio} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(lines)
