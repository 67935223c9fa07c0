"""Benchmark: latency of GET /integracoes/api/v1/integrations with 10,000 registered integrations.

Starts the product with `make demo` on a scratch data folder, registers N integrations in bulk, then
times real HTTP requests (Airflow JWT, our auth, tenant scoping, search and paging) as a support agent
and as a client, and prints p50 / p95 / max next to the target (p95 < 50 ms) as a ratio.

    .venv/bin/python -m tests.bench.bench_list_integrations [--integrations 10000] [--requests 400]
"""

from __future__ import annotations

import argparse
import time

import httpx
import psycopg

from tests.bench.scratch import latency_line, scratch_stack

TARGET_P95_MS = 50.0
SEARCHES = ("", "Integra", "integração 1", "INTEGRACAO 99", "Integração 5000", "zzz")


def seed(database_url: str, count: int) -> None:
    """N integrations spread over the demo tenants, each with branches and configuration rows."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                   criada_por, atualizada_por)
               SELECT t.id, 'smarket', format('Integração %%s', n), n %% 7 <> 0, 60 + n %% 300, 'bench', 'bench'
               FROM generate_series(1, %s) AS n
               JOIN LATERAL (SELECT id FROM integracao.tenant ORDER BY id OFFSET n %% 2 LIMIT 1) t ON TRUE""",
            (count,),
        )
        conn.execute(
            """INSERT INTO integracao.integracao_filial (integracao_id, filial_id)
               SELECT i.id, f.id FROM integracao.integracao i JOIN erp.filial f ON f.tenant_id = i.tenant_id
               WHERE i.criada_por = 'bench' ON CONFLICT DO NOTHING"""
        )
        conn.execute("ANALYZE")


def timed(client: httpx.Client, requests: int) -> list[float]:
    samples = []
    for n in range(requests):
        params = {"search": SEARCHES[n % len(SEARCHES)], "page": 1 + n % 3, "page_size": (10, 25, 50, 100)[n % 4]}
        started = time.perf_counter()
        response = client.get("/integracoes/api/v1/integrations", params=params)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--integrations", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    with scratch_stack("bench-list-") as stack:
        database_url, url = stack["INTEGRACOES_DATABASE_URL"], stack["URL"]
        seed(database_url, args.integrations)
        for username in ("suporte", "cliente1"):
            token = httpx.post(f"{url}/auth/token", json={"username": username, "password": username}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
                total = client.get("/integracoes/api/v1/integrations").json()["total"]
                timed(client, 20)  # warm-up: pool, caches, first-request app build
                print(latency_line(f"{username} ({total} visíveis)", timed(client, args.requests), TARGET_P95_MS))


if __name__ == "__main__":
    main()
