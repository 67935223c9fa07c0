"""Benchmark: the real dag-processor at 5,000 integrations — our DAGs and dag-factory's YAML DAGs, one run.

Each side gets a scratch stack (`make demo` on its own data folder and port, the same Airflow configuration)
and the same number of DAGs of the same shape (3 PythonOperator steps, retries, pools, tags), in the same
number of files: ours from the registry (integrations inserted straight into the database), the baseline
from dag-factory YAML files (tests/bench/bench_dag_parse.py's generator, one loader file per shard, pointed to
by Airflow's own DAG-bundle setting). Measured, each against its target, with the ratio ours / baseline:

- cold start: from the dag-processor's start (and from `make demo`) until /api/v2/dags lists every DAG, the
  first time Airflow sees them;
- restart with nothing changed: `make stop` + `make demo`; from the new dag-processor's start until it has
  re-parsed and re-written every DAG (the DAGs stay listed throughout);
- edit visible: one integration's interval changed (ours: PUT on the plugin API as `suporte`; baseline: its
  YAML entry rewritten) until /api/v2/dags/{id}/details shows the new timetable;
- new integration runnable: a new active integration (ours: POST on the plugin API as `suporte`; baseline: a
  YAML entry appended) until /api/v2/dags/{id} shows it not stale and not paused — from then the scheduler
  creates its runs and a manual trigger is accepted;
- steady-state CPU: CPU seconds per wall second of the dag-processor and its parsing processes (exited ones
  included), over a window one `[dag_processor] min_file_process_interval` long (+30 s), so that it holds
  one periodic re-parse of every file; the line says how many DAGs were re-parsed inside the window.

Both sides ask for a priority re-parse of the changed file as the plugin does (at once, +3 s, +15 s).

    .venv/bin/python -m tests.bench.bench_dag_processor [--integrations 5000] [--window S] [--quick]
    [--sides ours baseline]

`--quick` is a smoke run (300 integrations, a 90 s window that may hold no periodic re-parse).
Run it on an otherwise idle machine: the numbers are meaningless under CPU contention.
"""

from __future__ import annotations

import argparse
import configparser
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg

from scripts import supervision
from tests.bench.bench_dag_parse import _yaml
from tests.bench.scratch import scratch_stack
from tests.stack_fixtures import REPO

BUNDLE = "dags-folder"
SHARDS = 16  # the same number of files on both sides (include/integracoes/registry.py SHARDS)
EDITED, NEW_INTERVAL = 4321, 97
TARGETS = {"cold": 120.0, "restart": 30.0, "edit": 30.0, "new": 10.0, "cpu": 0.1}
REPARSE_FOLLOW_UPS_S = (3.0, 15.0)  # as include/airflow_adapter/control.py


def _interval_s() -> int:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "config" / "airflow.cfg")
    return parser.getint("dag_processor", "min_file_process_interval")


# --- the stack ------------------------------------------------------------------------------------------------


@dataclass
class Stack:
    values: dict[str, str]
    extra_env: dict[str, str]
    admin: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.values["URL"]

    @property
    def data(self) -> Path:
        return Path(self.values["INTEGRACOES_DATA"])

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **self.extra_env,
            "INTEGRACOES_DATA": str(self.data),
            "INTEGRACOES_PORT": self.values["AIRFLOW__API__PORT"],
        }

    def make(self, target: str) -> None:
        subprocess.run(["make", target], cwd=REPO, env=self.env(), check=True, capture_output=True)

    def airflow_db(self) -> psycopg.Connection[Any]:
        url = self.values["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
        return psycopg.connect(url, autocommit=True)

    def app_db(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.values["INTEGRACOES_DATABASE_URL"], autocommit=True)

    def login(self) -> None:
        self.admin = token(self.url, "admin")

    def registered(self) -> int:
        answer = httpx.get(f"{self.url}/api/v2/dags", headers=self.admin, params={"limit": 1}, timeout=60)
        return int(answer.json()["total_entries"]) if answer.status_code == 200 else 0

    def dag(self, dag_id: str, suffix: str = "") -> dict[str, Any] | None:
        answer = httpx.get(f"{self.url}/api/v2/dags/{dag_id}{suffix}", headers=self.admin, timeout=60)
        return dict(answer.json()) if answer.status_code == 200 else None

    def request_reparse(self, relative: str) -> None:
        """What the plugin does on a save (include/airflow_adapter/control.py), for the baseline's files."""

        def insert() -> None:
            request_id = hashlib.md5(f"{BUNDLE}:{relative}".encode(), usedforsecurity=False).hexdigest()
            with self.airflow_db() as conn:
                conn.execute(
                    """INSERT INTO dag_priority_parsing_request (id, bundle_name, relative_fileloc)
                       VALUES (%s, %s, %s) ON CONFLICT DO NOTHING""",
                    (request_id, BUNDLE, relative),
                )

        insert()
        for delay in REPARSE_FOLLOW_UPS_S:
            threading.Timer(delay, insert).start()


def token(url: str, user: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/auth/token", json={"username": user, "password": user}, timeout=60).json()
    return {"Authorization": f"Bearer {answer['access_token']}"}


@contextmanager
def scratch(prefix: str, extra_env: dict[str, str]) -> Iterator[Stack]:
    """tests/bench/scratch.py's stack, with extra environment for every Airflow component (via `make demo`)."""
    saved = {name: os.environ.get(name) for name in extra_env}
    os.environ.update(extra_env)
    try:
        with scratch_stack(prefix) as values:
            stack = Stack(values, extra_env)
            stack.login()
            yield stack
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dag_processor(stack: Stack, timeout: float = 120) -> psutil.Process:
    """The stack's dag-processor, as its supervisord reports it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = supervision.running_pids(stack.data / "run").get("dag-processor")
        if pid:
            return psutil.Process(pid)
        time.sleep(0.5)
    raise TimeoutError(f"no dag-processor of {stack.data}")


def cpu_seconds(root: psutil.Process) -> float:
    """CPU time of the process tree: each live process's own and its reaped children's (the parsing processes
    are short-lived: once reaped, their time is in the manager's children counters)."""
    total = 0.0
    for member in [root, *root.children(recursive=True)]:
        try:
            times = member.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def wait(condition: Callable[[], bool], timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


# --- the two sides ----------------------------------------------------------------------------------------------


class Ours:
    name = "ours"

    def __init__(self, count: int) -> None:
        self.count = count
        self.new_dag_id = ""

    def extra_env(self) -> dict[str, str]:
        return {}

    def populate(self, stack: Stack) -> int:
        """Insert the integrations (inactive: paused DAGs, like the baseline's) while the stack runs, between its
        periodic parses."""
        from include.connectors.registry import is_available

        wait(lambda: stack.registered() > 0, 120)
        time.sleep(5)  # the first parse of the (small) demo shards has ended
        with stack.app_db() as conn:
            conn.execute(
                """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                       criada_por, atualizada_por)
                   SELECT 1, 'smarket', 'Bench ' || n, false, 60, 'bench', 'bench'
                   FROM generate_series(1, %s) n""",
                (self.count,),
            )
            # Complete registrations (branches and configuration of the demo's Smarket integration).
            conn.execute(
                """INSERT INTO integracao.integracao_filial (integracao_id, filial_id)
                   SELECT i.id, f.id FROM integracao.integracao i JOIN erp.filial f ON f.tenant_id = i.tenant_id
                   WHERE i.criada_por = 'bench'"""
            )
            conn.execute(
                """INSERT INTO integracao.integracao_config (integracao_id, chave, valor, valor_cifrado)
                   SELECT i.id, c.chave, c.valor, c.valor_cifrado FROM integracao.integracao i
                   CROSS JOIN integracao.integracao_config c
                   WHERE i.criada_por = 'bench' AND c.integracao_id = (SELECT min(id) FROM integracao.integracao
                       WHERE tipo_codigo = 'smarket' AND criada_por <> 'bench')"""
            )
            # The demo's own integrations are switched off too: every DAG is paused on both sides. Active, each
            # would run at once when the stack starts (its latest missed interval), and its runs would compete
            # with the dag-processor for the two cores while the baseline's side runs nothing.
            conn.execute("UPDATE integracao.integracao SET ativa = false WHERE criada_por <> 'bench'")
            types = [row[0] for row in conn.execute("SELECT tipo_codigo FROM integracao.integracao")]
        stack.make("stop")
        return sum(1 for code in types if is_available(code))

    def _bench_item(self, stack: Stack, agent: dict[str, str]) -> dict[str, Any]:
        found = httpx.get(
            f"{stack.url}/integracoes/api/v1/integrations",
            headers=agent,
            params={"search": f"Bench {min(EDITED, self.count)}"},
            timeout=60,
        ).json()["items"]
        return dict(found[0])

    def edit(self, stack: Stack) -> tuple[str, Callable[[], None]]:
        agent = token(stack.url, "suporte")
        item = self._bench_item(stack, agent)

        def save() -> None:
            httpx.put(
                f"{stack.url}/integracoes/api/v1/integrations/{item['id']}",
                headers=agent,
                json={"interval_minutes": NEW_INTERVAL},
                timeout=60,
            ).raise_for_status()

        return str(item["dag_id"]), save

    def create(self, stack: Stack) -> tuple[Callable[[], None], Callable[[], str]]:
        agent = token(stack.url, "suporte")
        with stack.app_db() as conn:
            tenant = conn.execute("SELECT id FROM integracao.tenant WHERE cnpj = '11222333000181'").fetchone()
            assert tenant is not None
            branches = [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", tenant)]
        sandbox = stack.values["INTEGRACOES_SANDBOX_URL"]
        payload = {
            "tenant_id": tenant[0], "description": f"Bench nova {time.time_ns()}", "type_code": "smarket",
            "active": True, "interval_minutes": 60, "branches": branches,
            "config": [{"key": "url_api", "value": f"{sandbox}/smarket/v1"},
                       {"key": "token", "value": "demo-smarket-token"}, {"key": "codigo_cliente", "value": "FV-001"}],
        }  # fmt: skip

        def post() -> None:
            created = httpx.post(
                f"{stack.url}/integracoes/api/v1/integrations", headers=agent, json=payload, timeout=60
            )
            assert created.status_code == 201, created.text
            self.new_dag_id = str(created.json()["dag_id"])

        return post, lambda: self.new_dag_id


class DagFactoryBaseline:
    name = "dag-factory"

    def __init__(self, count: int) -> None:
        self.count = count
        self.folder = Path(tempfile.mkdtemp(prefix="bench-dagfactory-"))
        self.intervals: dict[int, int] = {}
        self.paused: dict[int, bool] = {}

    def extra_env(self) -> dict[str, str]:
        # Airflow's own setting: the stack's one bundle reads this folder instead of dags/.
        bundles = [
            {
                "name": BUNDLE,
                "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(self.folder)},
            }
        ]
        return {"AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(bundles)}

    def _write(self, shard: int) -> None:
        ids = sorted(i for i in self.intervals if i % SHARDS == shard)
        config = self.folder / f"dagfactory_shard_{shard}.yml"
        _yaml(config, ids, intervals=self.intervals, paused=self.paused)
        loader = self.folder / f"dagfactory_shard_{shard}.py"
        if not loader.exists():
            loader.write_text(
                f'"""Airflow DAGs of {config.name}, built by dag-factory."""\n\n'
                "from dagfactory import load_yaml_dags\n\n"
                f"load_yaml_dags(globals_dict=globals(), config_filepath={str(config)!r},\n"
                f"               defaults_config_path={str(self.folder)!r})\n"
            )

    def populate(self, stack: Stack) -> int:
        stack.make("stop")
        self.intervals = dict.fromkeys(range(1, self.count + 1), 60)
        self.paused = dict.fromkeys(self.intervals, True)  # like ours: the bench's DAGs never run
        for shard in range(SHARDS):
            self._write(shard)
        return self.count

    def edit(self, stack: Stack) -> tuple[str, Callable[[], None]]:
        edited = min(EDITED, self.count)

        def save() -> None:
            self.intervals[edited] = NEW_INTERVAL
            self._write(edited % SHARDS)
            stack.request_reparse(f"dagfactory_shard_{edited % SHARDS}.py")

        return f"integracao_{edited}_smarket", save

    def create(self, stack: Stack) -> tuple[Callable[[], None], Callable[[], str]]:
        new = self.count + 1

        def save() -> None:
            self.intervals[new], self.paused[new] = 60, False
            self._write(new % SHARDS)
            stack.request_reparse(f"dagfactory_shard_{new % SHARDS}.py")

        return save, lambda: f"integracao_{new}_smarket"

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the measurements -------------------------------------------------------------------------------------------


@dataclass
class Result:
    side: str
    count: int = 0
    cold: float = float("nan")
    cold_from_demo: float = float("nan")
    restart: float = float("nan")
    restart_from_demo: float = float("nan")
    edit: float = float("nan")
    new: float = float("nan")
    cpu: float = float("nan")
    window: float = 0.0
    reparsed: str = ""


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def measure(side: Ours | DagFactoryBaseline, window: float, timeout: float) -> Result:
    result = Result(side.name)
    print(f"[{side.name}] starting a scratch stack …", flush=True)
    with scratch(f"bench-dagproc-{side.name}-", side.extra_env()) as stack:
        result.count = expected = side.populate(stack)

        # Cold start: Airflow has never seen these DAGs.
        started = time.time()
        stack.make("demo")
        stack.login()
        processor = dag_processor(stack)
        if not wait(lambda: stack.registered() >= expected, timeout, every=1):
            print(f"[{side.name}] cold start: only {stack.registered()}/{expected} DAGs after {timeout:.0f}s")
        done = time.time()
        result.cold, result.cold_from_demo = done - processor.create_time(), done - started
        print(f"[{side.name}] cold start: {expected} DAGs listed {result.cold:.0f}s after the dag-processor "
              f"started ({result.cold_from_demo:.0f}s after `make demo`)", flush=True)  # fmt: skip

        # Restart, nothing changed: every DAG re-parsed and re-written by the new dag-processor.
        stack.make("stop")
        started = time.time()
        stack.make("demo")
        stack.login()
        processor = dag_processor(stack)
        since = _utc(processor.create_time())
        listed_min = stack.registered()

        def reparsed() -> bool:
            nonlocal listed_min
            listed_min = min(listed_min, stack.registered())
            with stack.airflow_db() as conn:
                row = conn.execute(
                    "SELECT count(*) FROM dag WHERE NOT is_stale AND last_parsed_time >= %s", (since,)
                ).fetchone()
            return bool(row and row[0] >= expected)

        wait(reparsed, timeout, every=1)
        done = time.time()
        result.restart, result.restart_from_demo = done - processor.create_time(), done - started
        print(f"[{side.name}] restart: all re-parsed {result.restart:.0f}s after the dag-processor started "
              f"({result.restart_from_demo:.0f}s after `make demo`); fewest listed meanwhile {listed_min}/{expected}",
              flush=True)  # fmt: skip

        # An edit, until Airflow shows it.
        dag_id, save = side.edit(stack)
        before = (stack.dag(dag_id, "/details") or {}).get("timetable_summary")
        started = time.monotonic()
        save()
        wait(lambda: (stack.dag(dag_id, "/details") or {}).get("timetable_summary") != before, timeout)
        result.edit = time.monotonic() - started
        print(f"[{side.name}] edit visible after {result.edit:.1f}s", flush=True)

        # A new integration, until Airflow would run it.
        create, new_dag_id = side.create(stack)
        started = time.monotonic()
        create()

        def runnable() -> bool:
            dag = stack.dag(new_dag_id())
            return bool(dag and not dag["is_paused"] and not dag.get("is_stale"))

        wait(runnable, timeout)
        result.new = time.monotonic() - started
        print(f"[{side.name}] new integration runnable after {result.new:.1f}s", flush=True)

        # Steady state: one full periodic re-parse period (the follow-up re-parse requests are over first).
        time.sleep(max(REPARSE_FOLLOW_UPS_S) + 5)
        processor = dag_processor(stack)
        print(f"[{side.name}] steady state: measuring {window:.0f}s …", flush=True)
        since, before_cpu, clock = _utc(time.time()), cpu_seconds(processor), time.monotonic()
        time.sleep(window)
        result.cpu = (cpu_seconds(processor) - before_cpu) / (time.monotonic() - clock)
        result.window = window
        with stack.airflow_db() as conn:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE last_parsed_time >= %s), count(*) FROM dag WHERE NOT is_stale",
                (since,),
            ).fetchone()
        result.reparsed = f"{row[0]}/{row[1]}" if row else "?"
        print(f"[{side.name}] steady state: {result.cpu:.3f} cores over {window:.0f}s "
              f"({result.reparsed} DAGs re-parsed in the window)", flush=True)  # fmt: skip
    return result


def table(ours: Result | None, theirs: Result | None) -> str:
    rows = [
        ("cold start, all DAGs listed", "cold", "s", "cold_from_demo"),
        ("restart, nothing changed", "restart", "s", "restart_from_demo"),
        ("edit visible", "edit", "s", None),
        ("new integration runnable", "new", "s", None),
        ("steady-state CPU (cores)", "cpu", "", None),
    ]
    count = (ours or theirs).count if (ours or theirs) else 0  # type: ignore[union-attr]
    lines = [
        f"{'dag-processor, ' + str(count) + ' DAGs':<30} | {'ours':>14} | {'dag-factory':>14} | {'target':>8} | "
        f"{'ours/baseline':>13} | verdict",
    ]
    for label, key, unit, alt in rows:
        target = TARGETS[key]

        def cell(result: Result | None, key: str = key, unit: str = unit, alt: str | None = alt) -> str:
            if result is None:
                return "-"
            value = getattr(result, key)
            if unit == "":
                return f"{value:.3f}"
            return f"{value:.1f}s" + (f" ({getattr(result, alt):.0f}s)" if alt else "")

        value = getattr(ours, key) if ours else float("nan")
        ratio = value / getattr(theirs, key) if ours and theirs and getattr(theirs, key) else float("nan")
        shown = f"< {target:g}{unit}"
        verdict = "OK" if value < target else "MISS" if ours else "-"
        shown_ratio = "-" if ratio != ratio else f"{ratio:.2f}x"  # NaN: a side not measured
        lines.append(
            f"{label:<30} | {cell(ours):>14} | {cell(theirs):>14} | {shown:>8} | {shown_ratio:>13} | {verdict}"
        )
    lines.append(
        "(cold and restart: from the dag-processor's start; in brackets, from `make demo`. CPU: the dag-processor "
        f"and its parsing processes over {(ours or theirs).window if (ours or theirs) else 0:.0f}s; "  # type: ignore[union-attr]
        f"DAGs re-parsed in that window: ours {ours.reparsed if ours else '-'}, "
        f"dag-factory {theirs.reparsed if theirs else '-'})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--integrations", type=int, default=5000)
    parser.add_argument("--window", type=float, default=None, help="steady-state window, seconds")
    parser.add_argument("--timeout", type=float, default=900, help="longest wait for any one measurement")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 integrations, a 90 s window")
    parser.add_argument("--sides", nargs="+", choices=["ours", "baseline"], default=["ours", "baseline"])
    args = parser.parse_args()
    count = 300 if args.quick and args.integrations == 5000 else args.integrations
    window = args.window or (90.0 if args.quick else _interval_s() + 30.0)

    results: dict[str, Result] = {}
    if "ours" in args.sides:
        results["ours"] = measure(Ours(count), window, args.timeout)
    if "baseline" in args.sides:
        baseline = DagFactoryBaseline(count)
        try:
            results["baseline"] = measure(baseline, window, args.timeout)
        finally:
            baseline.close()
    print()
    print(table(results.get("ours"), results.get("baseline")))


if __name__ == "__main__":
    main()
