"""Benchmark: the Painel (GET /integracoes/api/v1/overview) and the list filtered by health, with 5,000
integrations and 1,000,000 tasks.

Starts the product with `make demo` on a scratch data folder, loads the integrations and their tasks in
bulk (the health rows are then rebuilt by `integracao.recalcular_saude()`, as after any bulk load), and
times real HTTP requests (Airflow JWT, our auth, tenant scoping) as a support agent and as a client; prints
p50 / p95 / max next to the target (p95 < 100 ms) as a ratio.

    .venv/bin/python -m tests.bench.bench_overview [--integrations 5000] [--tasks 1000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import time

import httpx
import psycopg

from tests.bench.scratch import latency_line, scratch_stack

TARGET_P95_MS = 100.0


def seed(database_url: str, integrations: int, tasks: int) -> None:
    """Integrations of daily and incremental types over the demo tenants, and tasks spread over 200 days:
    mostly completed, some failed (the last ones of every 7th integration), a few late or never run."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                   criada_por, atualizada_por, criada_em)
               SELECT t.id, (ARRAY['smarket', 'dito', 'iqvia', 'linx_wms'])[1 + n %% 4], format('Painel %%s', n),
                      n %% 11 <> 0, 60, 'bench', 'bench', now() - interval '400 days'
               FROM generate_series(1, %s) AS n
               JOIN LATERAL (SELECT id FROM integracao.tenant ORDER BY id OFFSET n %% 2 LIMIT 1) t ON TRUE""",
            (integrations,),
        )
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")  # bulk: the health trigger rebuilt below
            conn.execute(
                """INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem,
                       situacao, motivo_classe, motivo_falha, criada_em, atualizada_em)
                   SELECT i.id, d, d, 'Sistema', 'agendada', s.situacao,
                          CASE WHEN s.situacao = 'failed' THEN 'partner_unavailable' END,
                          CASE WHEN s.situacao = 'failed' THEN 'Parceiro indisponível (HTTP 503) após 4 tentativas' END,
                          d + interval '2 hours', d + interval '3 hours'
                   FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM integracao.integracao
                         WHERE criada_por = 'bench') i
                   CROSS JOIN LATERAL generate_series(0, %(per)s - 1) AS g
                   CROSS JOIN LATERAL (
                       SELECT (current_date - (%(per)s - g + (i.k %% 13 = 0)::int * 9))::date AS d) day
                   CROSS JOIN LATERAL (
                       SELECT CASE WHEN i.k %% 7 = 0 AND g >= %(per)s - 3 THEN 'failed'
                                   WHEN g %% 50 = 7 THEN 'failed' ELSE 'completed' END AS situacao) s""",
                {"per": max(1, tasks // integrations)},
            )
        conn.execute("SELECT integracao.recalcular_saude()")
        conn.execute("ANALYZE")
        count = conn.execute("SELECT count(*) FROM integracao.tarefa").fetchone()
    loaded = count[0] if count else 0
    print(f"Loaded {integrations} integrations and {loaded} tasks in {time.perf_counter() - started:.0f} s")


def timed(client: httpx.Client, path: str, requests: int, **params: object) -> list[float]:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--integrations", type=int, default=5_000)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    with scratch_stack("bench-overview-") as stack:
        url = stack["URL"]
        seed(stack["INTEGRACOES_DATABASE_URL"], args.integrations, args.tasks)
        for username in ("suporte", "cliente1"):
            token = httpx.post(f"{url}/auth/token", json={"username": username, "password": username}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
                counts = {c["health"]: c["count"] for c in client.get("/integracoes/api/v1/overview").json()["counts"]}
                print(f"{username}: {counts}")
                timed(client, "/integracoes/api/v1/overview", 10)  # warm-up
                print(latency_line(f"{username} Painel", timed(client, "/integracoes/api/v1/overview", args.requests),
                                   TARGET_P95_MS))  # fmt: skip
                failing = timed(client, "/integracoes/api/v1/integrations", args.requests, health="failing",
                                page_size=25)  # fmt: skip
                print(latency_line(f"{username} lista c/ falha", failing, TARGET_P95_MS))


if __name__ == "__main__":
    main()
