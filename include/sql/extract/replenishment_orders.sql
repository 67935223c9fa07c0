-- Replenishment orders for the warehouse (WMS partners): one line per order item, orders committed in the
-- incremental window (include/sql/migrations/0016_commit_order.sql: the bounds on `transacao` let the index
-- serve it). Times in UTC with their offset (ISO 8601, "Z").
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive), snapshot_start and
-- snapshot_end (the window; NULL: the period by dates).
SELECT p.numero                                                                   AS pedido,
       f.cnpj                                                                     AS cnpj_filial,
       f.codigo                                                                   AS codigo_filial,
       to_char(p.emitido_em AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')      AS emitido_em,
       i.item                                                                     AS item,
       pr.ean                                                                     AS ean,
       pr.descricao                                                               AS descricao,
       i.quantidade                                                               AS quantidade
FROM erp.pedido_reposicao p
JOIN erp.filial f ON f.id = p.filial_id
JOIN erp.pedido_reposicao_item i ON i.pedido_id = p.id
JOIN erp.produto pr ON pr.id = i.produto_id
WHERE p.tenant_id = %(tenant_id)s
  AND p.filial_id = ANY(%(branches)s::int[])
  AND p.emitido_em >= %(start)s
  AND p.emitido_em < %(end)s
  AND p.transacao >= coalesce(pg_snapshot_xmin(%(snapshot_start)s::pg_snapshot), '0')
  AND p.transacao < coalesce(pg_snapshot_xmax(%(snapshot_end)s::pg_snapshot), '18446744073709551615')
  AND erp.na_janela(p.transacao, %(snapshot_start)s::pg_snapshot, %(snapshot_end)s::pg_snapshot)
