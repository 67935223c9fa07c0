"""Minimal rows for database tests: a tenant with contracted types and one integration."""

from __future__ import annotations

import psycopg


def make_integration(conn: psycopg.Connection, *, types: tuple[tuple[str, str, bool], ...] = ()) -> tuple[int, int]:
    """(tenant id, integration id) of a Smarket integration; `types` adds more (code, name, manual) types."""
    tenant = conn.execute(
        "INSERT INTO integracao.tenant (nome, cnpj) VALUES ('T', '11222333000181') RETURNING id"
    ).fetchone()
    assert tenant
    for code, name, manual in (("smarket", "Smarket", True), *types):
        conn.execute(
            "INSERT INTO integracao.tipo_integracao (codigo, nome, execucao_manual) VALUES (%s, %s, %s)",
            (code, name, manual),
        )
        conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, %s)", (tenant[0], code))
    row = conn.execute(
        "INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,"
        " atualizada_por) VALUES (%s, 'smarket', 'Smarket', 60, 's', 's') RETURNING id",
        (tenant[0],),
    ).fetchone()
    assert row
    return int(tenant[0]), int(row[0])
