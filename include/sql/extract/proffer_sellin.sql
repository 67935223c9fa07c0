-- Sell-in (purchases) per product, branch and day (Proffer): quantities and costs summed in PostgreSQL.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT to_char(c.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       f.cnpj::text                                                        AS cnpj_filial,
       p.ean::text                                                         AS ean,
       sum(ci.quantidade)                                                  AS quantidade,
       sum(ci.quantidade * ci.custo_unitario)                              AS custo_total
FROM erp.compra c
JOIN erp.filial f ON f.id = c.filial_id
JOIN erp.compra_item ci ON ci.compra_id = c.id
JOIN erp.produto p ON p.id = ci.produto_id
WHERE c.tenant_id = %(tenant_id)s
  AND c.filial_id = ANY(%(branches)s)
  AND c.emitida_em >= %(start)s
  AND c.emitida_em < %(end)s
GROUP BY 1, f.cnpj, p.ean
