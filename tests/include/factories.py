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


def integration_over_demo_erp(
    conn: psycopg.Connection, type_code: str, *, interval_minutes: int, sales_per_branch_day: int, branches: int = 1
) -> tuple[int, int, int]:
    """(tenant, branch, integration id): one integration of `type_code` over a small generated ERP (sales of the
    last two days), every type contracted."""
    from include.integracoes import catalog, demo_data

    catalog.sync_catalog(conn)
    with conn.transaction():
        demo_data.generate(conn, demo_data.Size(tenants=1, branches_per_tenant=branches, products=5, customers=3,
                                                days=2, sales_per_branch_day=sales_per_branch_day))  # fmt: skip
    tenant, branch = conn.execute("SELECT tenant_id, min(id) FROM erp.filial GROUP BY 1").fetchone()  # type: ignore[misc]
    catalog.contract_all_types(conn, tenant)
    (integration_id,) = conn.execute(
        "INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, intervalo_minutos, criada_por,"
        " atualizada_por) VALUES (%s, %s, %s, %s, 's', 's') RETURNING id",
        (tenant, type_code, type_code.title(), interval_minutes),
    ).fetchone()  # type: ignore[misc]
    conn.execute("INSERT INTO integracao.integracao_filial SELECT %s, id FROM erp.filial", (integration_id,))
    return int(tenant), int(branch), int(integration_id)
