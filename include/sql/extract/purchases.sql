-- Purchases (sell-in) of the integration's branches in a period, one line per invoice item (WebCompras).
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj::text                                                        AS cnpj_filial,
       c.fornecedor_cnpj::text                                             AS cnpj_fornecedor,
       c.fornecedor_nome                                                   AS fornecedor,
       c.numero_nf                                                         AS nota_fiscal,
       to_char(c.emitida_em AT TIME ZONE 'America/Sao_Paulo', 'YYYY-MM-DD') AS data,
       ci.sequencia                                                        AS item,
       p.ean::text                                                         AS ean,
       ci.quantidade                                                       AS quantidade,
       ci.custo_unitario                                                   AS custo_unitario,
       ci.quantidade * ci.custo_unitario                                   AS custo_total
FROM erp.compra c
JOIN erp.filial f ON f.id = c.filial_id
JOIN erp.compra_item ci ON ci.compra_id = c.id
JOIN erp.produto p ON p.id = ci.produto_id
WHERE c.tenant_id = %(tenant_id)s
  AND c.filial_id = ANY(%(branches)s)
  AND c.emitida_em >= %(start)s
  AND c.emitida_em < %(end)s
