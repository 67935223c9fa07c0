"""Benchmark: the real dag-processor on PostgreSQL with 5,000 registered integrations.

Prints: the time from a cold `make demo` until every DAG is registered (target 120 s), the time from
editing an integration until Airflow shows the change (target 60 s), and the dag-processor's duty cycle
(CPU seconds per wall second, children included) in steady state.

    .venv/bin/python -m tests.bench.bench_dag_processor [--integrations 5000] [--steady 120]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import psycopg

from tests.bench.scratch import scratch_stack
from tests.stack_fixtures import REPO


def registered(url: str, headers: dict[str, str]) -> int:
    answer = httpx.get(f"{url}/api/v2/dags", headers=headers, params={"limit": 1}, timeout=60)
    return int(answer.json()["total_entries"]) if answer.status_code == 200 else 0


def token(url: str, user: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/auth/token", json={"username": user, "password": user}, timeout=60).json()
    return {"Authorization": f"Bearer {answer['access_token']}"}


def cpu_seconds(pid: int) -> float:
    process = psutil.Process(pid)
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--integrations", type=int, default=5000)
    parser.add_argument("--steady", type=int, default=120, help="seconds of steady state for the duty cycle")
    args = parser.parse_args()

    with scratch_stack("bench-dagproc-") as stack:
        data = Path(stack["INTEGRACOES_DATA"])
        env = {**os.environ, "INTEGRACOES_DATA": str(data), "INTEGRACOES_PORT": stack["AIRFLOW__API__PORT"]}
        with psycopg.connect(stack["INTEGRACOES_DATABASE_URL"], autocommit=True) as conn:
            conn.execute(
                """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                       criada_por, atualizada_por)
                   SELECT 1, 'smarket', 'Bench ' || n, false, 60, 'bench', 'bench'
                   FROM generate_series(1, %s) n""",
                (args.integrations,),
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
            expected = conn.execute("SELECT count(*) FROM integracao.integracao").fetchone()
        total = int(expected[0]) if expected else 0

        subprocess.run(["make", "stop"], cwd=REPO, env=env, check=True, capture_output=True)
        started = time.monotonic()
        subprocess.run(["make", "demo"], cwd=REPO, env=env, check=True, capture_output=True)
        healthy = time.monotonic() - started
        url, admin = stack["URL"], token(stack["URL"], "admin")
        while registered(url, admin) < total:
            time.sleep(2)
        cold = time.monotonic() - started
        print(f"cold start: healthy after {healthy:.0f}s, all {total} DAGs registered after {cold:.0f}s "
              f"(target 120 s -> ratio {cold / 120:.2f}x)")  # fmt: skip

        agent = token(url, "suporte")
        edited = httpx.get(f"{url}/integracoes/api/v1/integrations", headers=agent, params={"search": "Bench 4321"})
        item = edited.json()["items"][0]

        def summary() -> object:
            details = httpx.get(f"{url}/api/v2/dags/{item['dag_id']}/details", headers=admin, timeout=60).json()
            return details.get("timetable_summary")

        before = summary()
        started = time.monotonic()
        httpx.put(f"{url}/integracoes/api/v1/integrations/{item['id']}", headers=agent,
                  json={"interval_minutes": 97}, timeout=60).raise_for_status()  # fmt: skip
        while summary() == before:
            time.sleep(1)
        print(f"edited integration reflected after {time.monotonic() - started:.1f}s (target 60 s)")

        pid = int((data / "run" / "dag-processor.pid").read_text())
        before, clock = cpu_seconds(pid), time.monotonic()
        time.sleep(args.steady)
        duty = (cpu_seconds(pid) - before) / (time.monotonic() - clock)
        print(f"dag-processor duty cycle in steady state: {duty:.2f} CPU-seconds per second over {args.steady}s")


if __name__ == "__main__":
    main()
