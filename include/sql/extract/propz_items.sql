-- Propz (CRM): items of the period's sales.
-- Parameters: tenant_id, branches (int[]), start and end (timestamptz, end exclusive).
SELECT f.cnpj               AS cnpj_filial,
       v.numero             AS cupom,
       i.sequencia          AS item,
       p.ean                AS ean,
       i.quantidade         AS quantidade,
       i.preco_unitario     AS preco_unitario,
       i.desconto           AS desconto,
       i.valor_total        AS valor_total
FROM erp.venda v
JOIN erp.filial f ON f.id = v.filial_id
JOIN erp.venda_item i ON i.venda_id = v.id
JOIN erp.produto p ON p.id = i.produto_id
WHERE v.tenant_id = %(tenant_id)s
  AND v.filial_id = ANY(%(branches)s)
  AND v.emitida_em >= %(start)s
  AND v.emitida_em < %(end)s
  AND NOT v.cancelada
