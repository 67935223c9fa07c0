"""Benchmark: latency of an accepted "Executar integração" request with 1,000,000 tasks in the table.

Starts a scratch stack, registers integrations through the API (so their DAGs exist), bulk-inserts a
million finished tasks, then times real HTTP requests (validation, the exclusion constraint, the
insert, the DAG run trigger) as a client and prints p50 / p95 / max against the target (p95 < 100 ms).

    .venv/bin/python -m tests.bench.bench_manual_runs [--tasks 1000000] [--integrations 100]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import httpx
import psycopg

from tests.bench.scratch import latency_line, scratch_stack

TARGET_P95_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--integrations", type=int, default=100)
    parser.add_argument("--requests-per-integration", type=int, default=3)
    args = parser.parse_args()

    with scratch_stack("bench-runs-") as stack:
        url, database_url, sandbox = stack["URL"], stack["INTEGRACOES_DATABASE_URL"], stack["INTEGRACOES_SANDBOX_URL"]

        def token(user: str) -> dict[str, str]:
            answer = httpx.post(f"{url}/auth/token", json={"username": user, "password": user}, timeout=30).json()
            return {"Authorization": f"Bearer {answer['access_token']}"}

        agent, client_headers, admin = token("suporte"), token("cliente1"), token("admin")
        with httpx.Client(base_url=url, timeout=60) as http:
            tenant = http.get("/integracoes/api/v1/me", headers=client_headers).json()["tenants"][0]["id"]
            branches = [b["id"] for b in http.get("/integracoes/api/v1/branches", headers=agent).json()
                        if b["tenant_id"] == tenant]  # fmt: skip
            ids, dag_ids = [], []
            for n in range(args.integrations):
                created = http.post("/integracoes/api/v1/integrations", headers=agent, json={
                    "tenant_id": tenant, "description": f"Bench {n:04d}", "type_code": "smarket", "active": True,
                    "interval_minutes": 1440, "branches": branches,
                    "config": [{"key": "url_api", "value": f"{sandbox}/smarket/v1"}, {"key": "token", "value": "t"},
                               {"key": "codigo_cliente", "value": "B"}],
                }).json()  # fmt: skip
                ids.append(created["id"])
                dag_ids.append(created["dag_id"])
            started = time.monotonic()
            while sum(http.get(f"/api/v2/dags/{d}", headers=admin).status_code == 200 for d in dag_ids) < len(dag_ids):
                time.sleep(2)
            print(f"{len(dag_ids)} DAGs registered in {time.monotonic() - started:.0f}s")

            per_integration = args.tasks // len(ids)
            with psycopg.connect(database_url, autocommit=True) as conn:
                begun = time.monotonic()
                conn.execute(
                    """INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem,
                           situacao)
                       SELECT i, d, d, 'Sistema', 'agendada', 'completed'
                       FROM unnest(%s::int[]) AS i,
                            LATERAL (SELECT (current_date - 400 - g)::date AS d FROM generate_series(1, %s) g) days""",
                    (ids, per_integration),
                )
                conn.execute("ANALYZE integracao.tarefa")
                total = conn.execute("SELECT count(*) FROM integracao.tarefa").fetchone()
                print(f"{total[0] if total else 0:,} tasks in the table ({time.monotonic() - begun:.0f}s to insert)")

            samples = []
            for k in range(args.requests_per_integration):
                for integration_id in ids:
                    day = (date.today() - timedelta(days=3 + 2 * k)).isoformat()
                    begun = time.perf_counter()
                    answer = http.post(
                        f"/integracoes/api/v1/integrations/{integration_id}/runs",
                        headers=client_headers,
                        json={"data_inicial": day, "data_final": day},
                    )
                    samples.append((time.perf_counter() - begun) * 1000)
                    assert answer.status_code == 202, answer.text
        print(latency_line("accepted requests", samples, TARGET_P95_MS))


if __name__ == "__main__":
    main()
