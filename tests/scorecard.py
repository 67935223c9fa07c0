"""The reliability and security scorecard: tests record a figure next to its target, and the session ends
by printing them as one table (and writing it to the artifacts folder), so a reader sees the state at a
glance without reading every test.

    def test_something(scorecard: Scorecard) -> None:
        ...
        scorecard.record("Isolamento entre clientes", f"{checked} pedidos, 0 vazamentos", "0 vazamentos")
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@dataclass
class Scorecard:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self, check: str, figure: str, target: str) -> None:
        self.rows.append((check, figure, target))

    def table(self) -> str:
        header = ("check", "figure", "target")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(3)]
        lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header]]
        lines.append("-+-".join("-" * width for width in widths))
        lines += [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in self.rows]
        return "\n".join(lines)


_SCORECARD = Scorecard()


@pytest.fixture(scope="session")
def scorecard() -> Scorecard:
    return _SCORECARD


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its rows to the main process, which prints the table."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["scorecard"] = _SCORECARD.rows


def pytest_testnodedown(node: object, error: object) -> None:
    """In the main process (a hook of pytest-xdist): a worker's rows."""
    _SCORECARD.rows += [tuple(row) for row in getattr(node, "workeroutput", {}).get("scorecard", [])]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _SCORECARD.rows or hasattr(terminalreporter.config, "workerinput"):
        return
    table = _SCORECARD.table()
    terminalreporter.section("scorecard")
    terminalreporter.write_line(table)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "scorecard.txt").write_text(table + "\n", encoding="utf-8")
