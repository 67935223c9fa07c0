-- Replenishment orders for the warehouse (WMS partners): one line per order item, orders issued in
-- [start, end) — the incremental window's cutoffs. Times in UTC with their offset (ISO 8601, "Z").
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
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
