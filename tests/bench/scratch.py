"""What the HTTP benchmarks share: a scratch stack started with `make demo`, and latency summaries."""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.stack_fixtures import REPO, free_port


@contextmanager
def scratch_stack(prefix: str) -> Iterator[dict[str, str]]:
    """Start the product on a scratch data folder and free port; yield its environment (plus URL); stop it."""
    data = Path(tempfile.mkdtemp(prefix=prefix)) / "data"
    env = {**os.environ, "INTEGRACOES_DATA": str(data), "INTEGRACOES_PORT": str(free_port())}
    for name in ("AIRFLOW_DATABASE_URL", "INTEGRACOES_DATABASE_URL"):
        env.pop(name, None)
    print(f"Starting a scratch stack in {data} …")
    subprocess.run(["make", "demo"], cwd=REPO, env=env, check=True, capture_output=True)
    try:
        exported = dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1)
            for line in (data / "airflow.env").read_text().splitlines()
        )
        exported["URL"] = f"http://127.0.0.1:{exported['AIRFLOW__API__PORT']}"
        yield exported
    finally:
        subprocess.run(["make", "stop"], cwd=REPO, env=env, check=False, capture_output=True)


def latency_line(label: str, samples: list[float], target_p95_ms: float) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    verdict = "OK" if p95 < target_p95_ms else "MISS"
    return (
        f"{label:<24} n={len(ordered):<5} p50={statistics.median(ordered):6.1f} ms  p95={p95:6.1f} ms  "
        f"max={ordered[-1]:6.1f} ms   target p95 < {target_p95_ms:.0f} ms -> ratio {p95 / target_p95_ms:.2f}x {verdict}"
    )
