"""Where the suite's time goes, printed at the end of every run (a pytest plugin of the whole suite): per tier —
the tests that need no stack, the stack's API and end-to-end tests, the browser tests — how many ran, the
seconds they took one by one (setup and teardown included) and the wall time from the first one's start to the
last one's end. With several processes (pytest-xdist) the tiers overlap; the per-test seconds add up to more
than the wall time, which is the point of running them side by side. Every phase of every test, with its
process and its start and end, is kept in the artifacts folder (`test-timeline.jsonl`) for a closer look."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.scorecard import ARTIFACTS
from tests.stack_fixtures import BOOT_SECONDS

TIERS = ("no stack", "stack", "browser")


@dataclass
class Tier:
    tests: int = 0
    seconds: float = 0.0
    first: float = float("inf")
    last: float = 0.0


_TIERS = {name: Tier() for name in TIERS}
_TIMELINE: list[dict[str, object]] = []


def tier_of(keywords: object) -> str:
    marked = set(keywords) if isinstance(keywords, dict) else set()
    if "browser" in marked:
        return "browser"
    return "stack" if "stack" in marked else "no stack"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Every phase's report, in the main process too under pytest-xdist (workers send theirs)."""
    tier = _TIERS[tier_of(report.keywords)]
    tier.seconds += report.duration
    tier.tests += report.when == "call"
    if report.start:
        tier.first = min(tier.first, report.start)
        tier.last = max(tier.last, report.stop)
        worker = getattr(getattr(report, "node", None), "gateway", None)
        _TIMELINE.append({"test": report.nodeid, "when": report.when, "worker": getattr(worker, "id", "main"),
                          "start": report.start, "stop": report.stop, "outcome": report.outcome})  # fmt: skip


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput") or not any(t.tests for t in _TIERS.values()):
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "test-timeline.jsonl").write_text("".join(json.dumps(entry) + "\n" for entry in _TIMELINE))
    terminalreporter.section("time per tier")
    terminalreporter.write_line(
        f"{'tier':<10} {'tests':>6} {'test seconds':>13} {'wall (first start to last end)':>31}"
    )
    for name, tier in _TIERS.items():
        if tier.tests:
            wall = tier.last - tier.first
            terminalreporter.write_line(f"{name:<10} {tier.tests:>6} {tier.seconds:>12.0f}s {wall:>30.0f}s")
    boot = terminalreporter.config.stash.get(BOOT_SECONDS, None)
    if boot is not None:
        terminalreporter.write_line(f"the test stack booted in {boot:.0f}s (`make demo`, beside the first tests)")
